"""Where announcement WAVs are played: QtMultimedia, or nowhere when the PC has no speaker.

``AudioSink`` is the interface the announcer talks to: ``play(path)`` then, once,
``finished(path)``, whether the file played to its end or failed. Tests replace the
sink, the lowest level we cannot have here (a sound card), with one that keeps time.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QUrl, Signal

from common.cli.args import said as say

log = logging.getLogger(__name__)
WATCHDOG_SLACK_MS = 5000  # a stalled player must never block the queue


class AudioSink(QObject):
    """Plays one WAV at a time.

    Signals:
        finished(str): the path given to ``play``, once it ended (or failed).
    """

    finished = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reason = ""  # why it cannot play, when it cannot
        self.reason_vi = ""  # the same, for the log line a person reads (common.cli.args.said)

    @property
    def available(self) -> bool:
        return not self.reason

    def play(self, path: Path, seconds: float) -> None:
        raise NotImplementedError


class QtAudioSink(AudioSink):
    """QMediaPlayer + QAudioOutput: chime and voice share this one path, one file at a time."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

        self._current: str | None = None
        if not QMediaDevices.audioOutputs():
            self.reason, self.reason_vi = "no audio output device", "máy không có thiết bị phát âm thanh"
            return
        self._status = QMediaPlayer.MediaStatus
        self._output = QAudioOutput(self)
        self._player = QMediaPlayer(self)
        self._player.setAudioOutput(self._output)
        self._player.mediaStatusChanged.connect(self._on_status)
        self._player.errorOccurred.connect(self._on_error)
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(lambda: self._done("playback stalled"))

    def play(self, path: Path, seconds: float) -> None:
        if not self.available:
            raise RuntimeError(f"cannot play: {self.reason}")
        self._current = str(path)
        self._watchdog.start(int(seconds * 1000) + WATCHDOG_SLACK_MS)
        self._player.setSource(QUrl.fromLocalFile(str(path)))
        self._player.play()

    def _on_status(self, status: object) -> None:
        if status == self._status.EndOfMedia:
            self._done(None)
        elif status == self._status.InvalidMedia:
            self._done("invalid media")

    def _on_error(self, _error: object, text: str) -> None:
        self._done(text or "playback error")

    def _done(self, problem: str | None) -> None:
        if self._current is None:
            return
        path, self._current = self._current, None
        self._watchdog.stop()
        if problem:
            log.warning("%s", say(f"lời gọi {path} không phát hết: {problem}",
                                  f"announcement {path} did not play to its end: {problem}"))
        self._player.stop()
        self.finished.emit(path)
