"""Wait alerts: a visible strip, and a chime when an audio device exists.

The crossings themselves are computed by common.views.live_metrics.crossings (Qt-free and tested there);
this module only shows them. Without an audio device (servers, this CI) the chime is silently off:
QSoundEffect is only created when QMediaDevices lists an output, so nothing can crash or warn.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QUrl

from common.cli.args import said as say
from common.core import glossary
from common.views.live_metrics import LiveFigures, WaitingTicket
from ui import numbers

log = logging.getLogger(__name__)
CHIME = Path(__file__).resolve().parents[1] / "assets" / "chime.wav"


def describe(figures: LiveFigures) -> tuple[str, str]:
    """One line for the banner and its kind ("error" once any ticket is over target).

    The counts are the snapshot's own (``LiveFigures.over_target`` and ``at_risk``, by the glossary's
    definitions), so the banner, the tiles and the service table always agree; the crossings only
    decide *when* the banner and the chime come.
    """
    risk_s = figures.at_risk_minutes * 60
    over = [t for t in figures.waiting if t.waited_s > t.target_s]
    warn = [t for t in figures.waiting if risk_s < t.waited_s <= t.target_s]
    parts = []
    if over:
        parts.append(f"{glossary.OVER_TARGET} ({numbers.integer(len(over))} vé): " + _tickets(over))
    if warn:
        parts.append(f"{glossary.AT_RISK} ({numbers.integer(len(warn))} vé): " + _tickets(warn))
    return "⚠ " + " · ".join(parts), "error" if over else "warning"


def _tickets(tickets: list[WaitingTicket], shown: int = 6) -> str:
    """The longest waits first, each with the minutes waited so far."""
    ordered = sorted(tickets, key=lambda t: -t.waited_s)
    text = ", ".join(f"{t.code} chờ {numbers.whole_minutes(t.waited_s)}" for t in ordered[:shown])
    return text + (f" và {len(ordered) - shown} vé khác" if len(ordered) > shown else "")


class Chime(QObject):
    """Plays assets/chime.wav on ``ring`` if sound is enabled and a device exists."""

    def __init__(self, parent: QObject | None = None, *, enabled: bool = True) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self.rung = 0  # how many alerts asked for the chime (played or not)
        self._effect = None
        if not enabled:
            return
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError as exc:  # libpulse0 missing: no sound, no crash
            log.info("%s", say(f"cảnh báo không có tiếng: {exc}", f"no sound for alerts: {exc}"))
            return
        if not QMediaDevices.audioOutputs():
            log.info("%s", say("cảnh báo không có tiếng: máy không có thiết bị phát âm thanh",
                               "no sound for alerts: no audio output device"))
            return
        self._effect = QSoundEffect(self)
        self._effect.setSource(QUrl.fromLocalFile(str(CHIME)))

    @property
    def audible(self) -> bool:
        return self._effect is not None

    def ring(self) -> None:
        if not self.enabled:
            return
        self.rung += 1
        if self._effect is not None:
            self._effect.play()
