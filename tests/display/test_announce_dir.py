from __future__ import annotations

import logging
import os
import wave
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from common.devices.speech import AnnouncementBuilder, SpeechSettings, SpeechThread, wav_seconds
from common.views.board import CallView
from display.announce_dir import keep, kept_name, prune
from display.announcer import Announcer
from display.audio import QtAudioSink
from tests.display.conftest import ClockedSink

PHRASE = "Mời công dân có số thứ tự {ticket} đến quầy số {counter}"
AT = datetime(2026, 11, 25, 1, 30, 12, tzinfo=UTC)


@pytest.fixture
def speech() -> SpeechThread:
    thread = SpeechThread()
    yield thread
    thread.close()


def test_the_name_says_when_which_event_ticket_and_counter() -> None:
    local = AT.astimezone()
    assert kept_name(CallView(57, "A023", 3, False, AT)) == f"{local:%Y%m%d-%H%M%S}-57-A023-quay3.wav"


# The machine has no sound server: QtMultimedia says so while probing.
@pytest.mark.qt_log_ignore("Couldn't (load|resolve) ", "PulseAudioService")
def test_without_a_speaker_the_announcement_is_still_made_and_kept(
        qtbot: QtBot, speech: SpeechThread, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    sink = QtAudioSink()
    assert not sink.available
    kept, work = tmp_path / "kept", tmp_path / "work"
    kept.mkdir()
    work.mkdir()
    with caplog.at_level(logging.WARNING, logger="display.announcer"):
        announcer = Announcer(AnnouncementBuilder(SpeechSettings(PHRASE)), sink, speech, workdir=work, keep_dir=kept)
    assert [r.getMessage() for r in caplog.records] == [  # the office's language (vi), as the CLI's lines
        f"loa không phát lời gọi: máy không có thiết bị phát âm thanh; bảng gọi số vẫn chạy; "
        f"mỗi lời gọi vẫn được tạo và lưu trong {kept}"]
    started: list[CallView] = []
    announcer.started.connect(started.append)
    call = CallView(7, "B012", 2, False, AT)
    with qtbot.waitSignal(announcer.finished, timeout=30_000) as finished:
        announcer.announce(call)
    assert finished.args == [call] and started == []  # nothing played: nothing "started"
    (wav,) = kept.iterdir()
    assert wav.name == kept_name(call)
    with wave.open(str(wav), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (22050, 1, 2)
    assert wav_seconds(wav) > 3  # chime + the phrase twice (real espeak-ng), not the chime alone
    assert list(work.iterdir()) == [] and announcer.pending == 0  # the working copy is gone


def test_with_a_speaker_the_played_wav_is_kept_too(qtbot: QtBot, speech: SpeechThread, tmp_path: Path) -> None:
    sink = ClockedSink(speed=20)
    kept = tmp_path / "kept"
    kept.mkdir()
    announcer = Announcer(AnnouncementBuilder(SpeechSettings(PHRASE, repeat=1)), sink, speech,
                          workdir=tmp_path, keep_dir=kept)
    with qtbot.waitSignal(announcer.finished, timeout=30_000):
        announcer.announce(CallView(1, "A001", 1, False, AT))
    (wav,) = kept.iterdir()
    assert len(sink.played) == 1 and wav_seconds(wav) == pytest.approx(sink.played[0][2])


def test_a_copy_that_cannot_be_written_costs_only_the_copy(
        qtbot: QtBot, speech: SpeechThread, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    sink = ClockedSink(speed=20)
    gone = tmp_path / "removed-after-start"
    announcer = Announcer(AnnouncementBuilder(SpeechSettings(PHRASE, repeat=1)), sink, speech,
                          workdir=tmp_path, keep_dir=gone)
    with caplog.at_level(logging.WARNING, logger="display.announce_dir"), \
            qtbot.waitSignal(announcer.finished, timeout=30_000):
        announcer.announce(CallView(1, "A001", 1, False, AT))
    assert len(sink.played) == 1  # still said in the hall
    assert caplog.records[0].getMessage().startswith(f"không lưu được lời gọi A001 vào {gone}:")
    assert not gone.exists()


def test_only_the_newest_are_kept(tmp_path: Path) -> None:
    for i in range(5):
        path = tmp_path / f"{i}.wav"
        path.write_bytes(b"RIFF")
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    prune(tmp_path, kept=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2.wav", "3.wav", "4.wav"]


def test_a_copy_is_whole_or_absent(tmp_path: Path) -> None:
    source = tmp_path / "source.wav"
    source.write_bytes(b"RIFF" + bytes(1000))
    folder = tmp_path / "kept"
    folder.mkdir()
    target = keep(source, folder, CallView(3, "C003", 4, True, AT))
    assert target is not None and target.read_bytes() == source.read_bytes()
    assert [p.suffix for p in folder.iterdir()] == [".wav"]  # no .part left behind
