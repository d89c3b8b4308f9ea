"""The announcement queue: every call and recall, in order, each played to its end.

Synthesis runs on the one speech thread (common.devices.speech.SpeechThread); the WAVs come
back to the GUI thread as a signal and are played strictly one after another. A call
that arrives while another is being said waits its turn: none is lost, none cut off.
With a ``keep_dir`` (``--announce-dir``) each WAV is also copied there, and still made
when the PC has no speaker, so that what the hall would have heard can be checked.
"""

from __future__ import annotations

import itertools
import logging
import tempfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from common.cli.args import said as say
from common.devices.speech import AnnouncementBuilder, SpeechThread, wav_seconds
from common.views.board import CallView
from display.announce_dir import keep
from display.audio import AudioSink

log = logging.getLogger(__name__)


@dataclass
class _Item:
    seq: int
    call: CallView
    path: Path | None = None
    error: str | None = None

    @property
    def ready(self) -> bool:
        return self.path is not None or self.error is not None


class Announcer(QObject):
    """Turns calls into played announcements.

    Signals:
        started(object): the CallView whose announcement began playing.
        finished(object): the CallView whose announcement ended (or could not be made).
    """

    started = Signal(object)
    finished = Signal(object)
    _built = Signal(int, object, object)  # seq, path, error text: from the speech thread

    def __init__(self, builder: AnnouncementBuilder, sink: AudioSink, speech: SpeechThread,
                 parent: QObject | None = None, *, workdir: Path | None = None, keep_dir: Path | None = None) -> None:
        super().__init__(parent)
        self._builder, self._sink, self._speech = builder, sink, speech
        self._keep = keep_dir
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="motcua-speech-")
        self._dir = workdir or Path(self._tmp.name)  # type: ignore[union-attr]
        self._queue: deque[_Item] = deque()
        self._playing: _Item | None = None
        self._seq = itertools.count(1)
        self._built.connect(self._on_built)
        sink.finished.connect(self._on_played)
        if not sink.available:
            kept_vi = f"; mỗi lời gọi vẫn được tạo và lưu trong {keep_dir}" if keep_dir else ""
            kept = f"; each announcement is still made and kept in {keep_dir}" if keep_dir else ""
            why = sink.reason_vi or sink.reason
            log.warning("%s", say(f"loa không phát lời gọi: {why}; bảng gọi số vẫn chạy{kept_vi}",
                                  f"announcements are silent: {sink.reason}; the board works on{kept}"))

    @property
    def silent(self) -> bool:
        return not self._sink.available

    @property
    def pending(self) -> int:
        return len(self._queue) + (1 if self._playing else 0)

    def announce(self, call: CallView) -> None:
        if self.silent and self._keep is None:
            return
        item = _Item(next(self._seq), call)
        self._queue.append(item)
        out = self._dir / f"call-{item.seq:05d}-{call.ticket}.wav"
        future = self._speech.submit(self._make, call, out)
        future.add_done_callback(
            lambda f, seq=item.seq: self._built.emit(seq, None if f.exception() else f.result(),
                                                     None if not f.exception() else str(f.exception())))

    def _make(self, call: CallView, out: Path) -> Path:
        """On the speech thread: the announcement's WAV, and its copy in the keep folder."""
        path = self._builder.build(call.ticket, call.counter, out)
        if self._keep is not None:
            keep(path, self._keep, call)
        return path

    def _on_built(self, seq: int, path: Path | None, error: str | None) -> None:
        for item in self._queue:
            if item.seq == seq:
                item.path, item.error = path, error
        self._pump()

    def _pump(self) -> None:
        while self._playing is None and self._queue and self._queue[0].ready:
            item = self._queue.popleft()
            if item.error or item.path is None:
                log.warning("%s", say(f"không tạo được lời gọi {item.call.ticket}: {item.error}",
                                      f"could not make the announcement of {item.call.ticket}: {item.error}"))
                self.finished.emit(item.call)
                continue
            if self.silent:  # no speaker: the kept copy is all there is of it
                item.path.unlink(missing_ok=True)
                self.finished.emit(item.call)
                continue
            self._playing = item
            self.started.emit(item.call)
            self._sink.play(item.path, wav_seconds(item.path))

    def _on_played(self, path: str) -> None:
        item, self._playing = self._playing, None
        if item is None:
            return
        Path(path).unlink(missing_ok=True)
        self.finished.emit(item.call)
        self._pump()

    def close(self) -> None:
        self._queue.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
