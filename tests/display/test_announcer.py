from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from common.devices.speech import AnnouncementBuilder, SpeechSettings, SpeechThread
from common.views.board import CallView
from display.announcer import Announcer
from display.audio import QtAudioSink
from tests.display.conftest import ClockedSink

PHRASE = "Mời công dân có số thứ tự {ticket} đến quầy số {counter}"


def call(n: int, ticket: str, counter: int, recall: bool = False) -> CallView:
    return CallView(n, ticket, counter, recall, datetime.now(UTC))


@pytest.fixture
def speech() -> SpeechThread:
    thread = SpeechThread()
    yield thread
    thread.close()


def test_three_quick_calls_and_a_recall_are_announced_in_order_each_completely(
        qtbot: QtBot, speech: SpeechThread, tmp_path: Path) -> None:
    sink = ClockedSink(speed=8)
    builder = AnnouncementBuilder(SpeechSettings(PHRASE, repeat=1))  # real espeak-ng
    announcer = Announcer(builder, sink, speech, workdir=tmp_path)
    done: list[str] = []
    announcer.finished.connect(lambda c: done.append(c.ticket + ("*" if c.recall else "")))
    calls = [call(1, "A001", 1), call(2, "B002", 2), call(3, "C003", 3), call(4, "A001", 1, recall=True)]
    for c in calls:  # all at once, before the first has been synthesised
        announcer.announce(c)
    qtbot.waitUntil(lambda: len(done) == 4, timeout=30000)
    assert done == ["A001", "B002", "C003", "A001*"]
    assert [Path(p).name.split("-")[2] for p, _, _ in sink.played] == ["A001.wav", "B002.wav", "C003.wav", "A001.wav"]
    assert sink.overlaps == 0
    # Each played to its end before the next began...
    names = [Path(p).name for p, _, _ in sink.played]
    assert sink.log == [f"{verb} {n}" for n in names for verb in ("start", "end")]
    # ...and that end came after the WAV's full (scaled) duration; Qt's coarse timers may be 5% early.
    for (_, start, seconds), (_, next_start, _) in zip(sink.played, sink.played[1:], strict=False):
        assert next_start - start >= 0.95 * seconds / sink.speed
        assert seconds > 2  # chime + spoken phrase, not a stub
    assert announcer.pending == 0


# The machine has no sound server: QtMultimedia says so while probing, which is what this test is about.
@pytest.mark.qt_log_ignore("Couldn't (load|resolve) ", "PulseAudioService")
def test_the_real_sink_without_a_sound_card_is_silent_and_says_why(
        qtbot: QtBot, speech: SpeechThread, caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    sink = QtAudioSink()
    assert not sink.available and sink.reason == "no audio output device"
    with caplog.at_level(logging.WARNING, logger="display.announcer"):
        announcer = Announcer(AnnouncementBuilder(SpeechSettings(PHRASE)), sink, speech, workdir=tmp_path)
    announcer.announce(call(1, "A001", 1))
    assert announcer.silent and announcer.pending == 0
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["loa không phát lời gọi: máy không có thiết bị phát âm thanh; bảng gọi số vẫn chạy"]
    with pytest.raises(RuntimeError, match="no audio output device"):
        sink.play(tmp_path / "x.wav", 1.0)


def test_a_failed_synthesis_does_not_block_the_queue(qtbot: QtBot, speech: SpeechThread, tmp_path: Path) -> None:
    sink = ClockedSink(speed=20)

    class Flaky(AnnouncementBuilder):
        def build(self, ticket: str, counter: int, out: Path) -> Path:
            if ticket == "X001":
                raise OSError("disk full")
            return super().build(ticket, counter, out)

    announcer = Announcer(Flaky(SpeechSettings(PHRASE, repeat=1, voice="none-xx")), sink, speech, workdir=tmp_path)
    done: list[str] = []
    announcer.finished.connect(lambda c: done.append(c.ticket))
    announcer.announce(call(1, "X001", 1))
    announcer.announce(call(2, "A002", 2))
    qtbot.waitUntil(lambda: len(done) == 2, timeout=10000)
    assert done == ["X001", "A002"] and len(sink.played) == 1
