from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QTimer

from common.devices.speech import wav_seconds
from display.audio import AudioSink


class ClockedSink(AudioSink):
    """The speaker we cannot have: records each WAV it is asked to play and reports it
    finished after the WAV's real duration (divided by ``speed`` to keep tests short)."""

    def __init__(self, speed: float = 8.0) -> None:
        super().__init__()
        self.speed = speed
        self.played: list[tuple[str, float, float]] = []  # path, started (monotonic), seconds
        self.busy = False
        self.overlaps = 0
        self.log: list[str] = []  # "start A001.wav", "end A001.wav", ... in the order they happened

    def play(self, path: Path, seconds: float) -> None:
        if self.busy:
            self.overlaps += 1
        self.busy = True
        real = wav_seconds(Path(path))
        self.played.append((str(path), time.monotonic(), real))
        self.log.append(f"start {Path(path).name}")
        QTimer.singleShot(int(1000 * real / self.speed), lambda: self._end(str(path)))

    def _end(self, path: str) -> None:
        self.busy = False
        self.log.append(f"end {Path(path).name}")
        self.finished.emit(path)
