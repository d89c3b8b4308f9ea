from __future__ import annotations

import logging
import wave
from pathlib import Path
from types import SimpleNamespace

import pytest

from common.cli.main import main
from common.devices.pcm import Pcm, read_pcm, rms, silence, tone, write_wav
from common.devices.speech import (
    GAP_SECONDS,
    AnnouncementBuilder,
    NoVoice,
    SpeechFailed,
    SpeechSettings,
    SpeechThread,
    call_phrase,
    pick_voice,
    spell_ticket,
    wav_seconds,
)

PHRASE = "Mời công dân có số thứ tự {ticket} đến quầy số {counter}"


def test_digits_are_read_one_by_one() -> None:
    assert spell_ticket("A023") == "A 0 2 3"
    assert call_phrase(PHRASE, "a023", 3) == "Mời công dân có số thứ tự A 0 2 3 đến quầy số 3"


def test_a_bad_template_names_the_placeholders() -> None:
    with pytest.raises(ValueError, match=r"\{ticket\} and \{counter\}"):
        call_phrase("Mời {name}", "A001", 1)


def test_voice_setting_maps_to_the_vietnamese_voice_not_a_name_containing_vi() -> None:
    voices = [SimpleNamespace(id="en/david", name="David", languages=["en"]),
              SimpleNamespace(id="aav/vi", name="Vietnamese (Northern)", languages=["vi"])]
    assert pick_voice(voices, "vi") == "aav/vi"
    with pytest.raises(NoVoice):
        pick_voice(voices[:1], "vi")


def test_announce_test_writes_plausible_speech(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "a.wav"
    assert main(["announce-test", "--ticket", "A023", "--counter", "3", "--wav", str(out)]) == 0
    with wave.open(str(out)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, Pcm.RATE)
        seconds = w.getnframes() / w.getframerate()
        pcm = w.readframes(w.getnframes())
    assert 2 < seconds < 15
    chime = read_pcm(Path("assets/chime.wav"))
    speech = pcm[len(chime):]
    assert rms(speech) > 500  # espeak-ng really spoke, not silence
    # Said twice (display.repeat = 2): both halves after the chime carry sound.
    half = len(speech) // 2
    assert rms(speech[:half]) > 300 and rms(speech[half:]) > 300
    # One line, in Vietnamese; pyttsx3's own "Audio saved to …" (printed from espeak's thread) stays off stdout,
    # where the display's --automation answers go.
    out = capsys.readouterr().out
    assert out.startswith(f"đã ghi {out_path_text(tmp_path)}") and out.count("\n") == 1, out


def test_announce_test_rejects_a_bad_ticket(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["announce-test", "--ticket", "A-23!", "--counter", "3", "--wav", str(tmp_path / "x.wav")]) == 2
    assert "--ticket" in capsys.readouterr().err
    assert not (tmp_path / "x.wav").exists()


def out_path_text(tmp_path: Path) -> str:
    return str(tmp_path / "a.wav")


def _clip(path: Path, seconds: float, rate: int = Pcm.RATE) -> Path:
    return write_wav(path, tone([440.0], seconds, rate), rate)


def test_a_voice_pack_replaces_synthesis(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    _clip(pack / "intro.wav", 0.5)
    _clip(pack / "to_counter.wav", 0.3)
    for name in ("A", "0", "2", "3"):
        _clip(pack / f"{name}.wav", 0.2, rate=44100)  # resampled on the way in

    def no_synth(_voice: str) -> object:
        raise AssertionError("synthesis used although the pack has every clip")

    settings = SpeechSettings(PHRASE, repeat=2, voice_pack=str(pack))
    out = AnnouncementBuilder(settings, synth_factory=no_synth).build("A023", 3, tmp_path / "out.wav")  # type: ignore[arg-type]
    chime = wav_seconds(Path("assets/chime.wav"))
    phrase = 0.5 + 0.3 + 5 * 0.2  # intro, to_counter, A 0 2 3 and counter 3
    assert wav_seconds(out) == pytest.approx(chime + 2 * (GAP_SECONDS + phrase), abs=0.01)


def test_an_incomplete_pack_falls_back_to_synthesis(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    _clip(pack / "intro.wav", 0.5)
    used: list[str] = []

    class Fake:
        def __init__(self, voice: str) -> None:
            used.append(voice)

        def to_wav(self, text: str, path: Path) -> Path:
            return write_wav(path, tone([300.0], 1.0))

    settings = SpeechSettings(PHRASE, repeat=1, voice_pack=str(pack))
    AnnouncementBuilder(settings, synth_factory=Fake).build("B001", 2, tmp_path / "o.wav")  # type: ignore[arg-type]
    assert used == ["vi"]


def test_no_voice_means_chime_only_and_one_log_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    builder = AnnouncementBuilder(SpeechSettings(PHRASE, voice="no-such-voice-xx"))
    thread = SpeechThread()
    with caplog.at_level(logging.WARNING, logger="common.devices.speech"):
        first = thread.submit(builder.build, "A001", 1, tmp_path / "1.wav").result(60)
        thread.submit(builder.build, "A002", 1, tmp_path / "2.wav").result(60)
    thread.close()
    assert wav_seconds(first) == pytest.approx(wav_seconds(Path("assets/chime.wav")), abs=0.01)
    silent = [r for r in caplog.records if "chime only" in r.getMessage()]
    assert len(silent) == 1 and "no-such-voice-xx" in silent[0].getMessage()


def test_one_failed_phrase_does_not_silence_the_next_calls(tmp_path: Path) -> None:
    attempts: list[str] = []

    class FlakyOnce:  # the engine's one-off "finished without writing the file", seen on espeak
        def __init__(self, voice: str) -> None:
            pass

        def to_wav(self, text: str, path: Path) -> Path:
            attempts.append(text)
            if len(attempts) == 1:
                raise SpeechFailed("wrote no audio")
            return write_wav(path, tone([300.0], 1.0))

    builder = AnnouncementBuilder(SpeechSettings(PHRASE, repeat=1), synth_factory=FlakyOnce)  # type: ignore[arg-type]
    chime = wav_seconds(Path("assets/chime.wav"))
    first = builder.build("A001", 1, tmp_path / "1.wav")
    second = builder.build("A002", 1, tmp_path / "2.wav")
    assert wav_seconds(first) == pytest.approx(chime, abs=0.01)  # that call: chime only
    assert wav_seconds(second) == pytest.approx(chime + GAP_SECONDS + 1.0, abs=0.05)  # the next one speaks again


def test_stereo_48k_clip_becomes_mono_22k(tmp_path: Path) -> None:
    path = tmp_path / "s.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(48000)
        w.writeframes(silence(1.0, 48000) * 2)
    assert len(read_pcm(path)) == pytest.approx(2 * Pcm.RATE, abs=4)


def test_the_speech_thread_runs_jobs_in_order_on_one_thread() -> None:
    import threading

    thread = SpeechThread()
    seen: list[tuple[int, str]] = []
    futures = [thread.submit(lambda i=i: seen.append((i, threading.current_thread().name))) for i in range(5)]
    for f in futures:
        f.result(5)
    thread.close()
    assert [i for i, _ in seen] == [0, 1, 2, 3, 4]
    assert {name for _, name in seen} == {"motcua-speech"}


def test_a_stuck_speech_call_ends_at_its_deadline() -> None:
    import threading

    from common.devices.speech import SpeechFailed, SpeechThread

    release = threading.Event()
    thread = SpeechThread(name="motcua-speech-test")
    try:
        with pytest.raises(SpeechFailed, match="gave up"):
            thread.call(release.wait, deadline=0.05)  # an engine that never returns
        release.set()
        assert thread.call(lambda: "next", deadline=30) == "next"  # the thread lives on for the next job
    finally:
        release.set()
        thread.close()
