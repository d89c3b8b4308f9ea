"""Announcements as WAV files, without Qt: the phrase, offline speech, voice packs and the chime.

One announcement is ONE WAV: the chime, then the phrase said ``repeat`` times. The
display plays those files one after another, so chime and voice never overlap.

pyttsx3 is not thread-safe (two engines at once crash the process), so every
synthesis runs on the single :class:`SpeechThread`, which owns the only engine.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
import wave
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.devices.pcm import Pcm, read_pcm, silence, write_wav
from common.settings import DEFAULTS

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]  # common/devices/speech.py → the checkout
DEFAULT_CHIME = ROOT / "assets" / "chime.wav"
GAP_SECONDS = 0.6  # between the chime and the phrase, and between repeats


def spell_ticket(code: str) -> str:
    """``A023`` → ``A 0 2 3``: read one by one, as citizens compare it with their paper."""
    return " ".join(ch for ch in code.strip().upper() if not ch.isspace())


def call_phrase(template: str, ticket: str, counter: int) -> str:
    """The configured phrase with the ticket spelled out; a bad template names its mistake."""
    try:
        return template.format(ticket=spell_ticket(ticket), counter=counter)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"call phrase {template!r}: only {{ticket}} and {{counter}} may be used ({exc})") from exc


class NoVoice(Exception):
    """No speech engine or no voice matching the setting: announcements are chime only."""


class SpeechFailed(Exception):
    """One phrase could not be synthesised; the next one is tried afresh."""


SYNTH_ATTEMPTS = 2
# A whole announcement (chime + phrase, repeated) is made in well under a second; 30 s means it is stuck.
SPEECH_DEADLINE_S = 30.0


def _written(path: Path, patience_s: float = 1.0) -> bool:
    """Whether espeak has put audio in ``path``; it may finish writing just after runAndWait returns
    (seen in CI: "Audio saved to …" printed, the file still empty), so give it a moment."""
    deadline = time.monotonic() + patience_s
    while True:
        if path.exists() and path.stat().st_size > 44:  # more than a bare WAV header
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)


def quiet_driver() -> None:
    """pyttsx3's espeak driver print()s "Audio saved to …" after every save_to_file, from espeak's own thread,
    onto standard output, where the display's --automation answers go. A module-level ``print`` in that driver
    shadows the builtin for its calls alone, so its line goes to the debug log and nobody else's output moves
    (swapping sys.stdout would also swallow the GUI thread's answers written meanwhile)."""
    driver = sys.modules.get("pyttsx3.drivers.espeak")
    if driver is not None:
        driver.print = _driver_print  # type: ignore[attr-defined]


def _driver_print(*values: object, **_: object) -> None:
    log.debug("pyttsx3: %s", " ".join(map(str, values)))


# --------------------------------------------------------------------------- synthesis
class Synthesizer:
    """pyttsx3 to WAV. Create and use it on the speech thread only."""

    def __init__(self, voice: str) -> None:
        try:
            import pyttsx3

            self.engine: Any = pyttsx3.init()
        except Exception as exc:  # missing libespeak-ng1 or SAPI5 raises many kinds
            raise NoVoice(f"no speech engine ({type(exc).__name__}: {exc})") from exc
        quiet_driver()
        self.voice_id = pick_voice(self.engine.getProperty("voices"), voice)
        self.engine.setProperty("voice", self.voice_id)

    def to_wav(self, text: str, path: Path) -> Path:
        # espeak through pyttsx3 now and then finishes without writing the file; a second
        # try almost always works, and one failed phrase must not silence the hall for good.
        for _attempt in range(SYNTH_ATTEMPTS):
            self.engine.save_to_file(text, str(path))
            self.engine.runAndWait()
            if _written(path):
                return path
        raise SpeechFailed(f"voice {self.voice_id!r} wrote no audio for {text!r}")


def pick_voice(voices: list[Any], wanted: str) -> str:
    """The voice id for a setting like ``vi``, ``aav/vi-vn-x-south`` or a SAPI5 name.

    Exact id or name first, then an espeak-style ``.../vi`` id, then a voice whose
    language list names it. Never a substring of a name: "vi" is also in "David".
    """
    key = wanted.strip().lower()
    for test in (
        lambda v: v.id.lower() == key or (v.name or "").lower() == key,
        lambda v: v.id.lower().endswith("/" + key),
        lambda v: any(str(lang).lower().replace("_", "-").split("-")[0] == key for lang in (v.languages or [])),
    ):
        match = next((v for v in voices if test(v)), None)
        if match is not None:
            return str(match.id)
    raise NoVoice(f"no voice {wanted!r} among {len(voices)} installed voices")


# --------------------------------------------------------------------------- voice packs
class VoicePack:
    """Recorded clips in a folder: ``intro.wav`` ("Mời công dân có số thứ tự"), ``to_counter.wav``
    ("đến quầy số"), one clip per digit and letter (``0.wav``, ``A.wav``), and optionally
    ``counter_12.wav`` for counter numbers said as a whole."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def clip(self, name: str) -> Path | None:
        for candidate in (name, name.lower(), name.upper()):
            path = self.folder / f"{candidate}.wav"
            if path.is_file():
                return path
        return None

    def clips(self, ticket: str, counter: int) -> list[Path] | None:
        """The clips for one phrase in order, or None when any is missing."""
        names = ["intro", *spell_ticket(ticket).split(), "to_counter"]
        whole = self.clip(f"counter_{counter}")
        parts = [self.clip(n) for n in names]
        parts += [whole] if whole else [self.clip(d) for d in str(counter)]
        return None if any(p is None for p in parts) else [p for p in parts if p is not None]


# --------------------------------------------------------------------------- the announcement
@dataclass(frozen=True)
class SpeechSettings:
    phrase_vi: str
    phrase_en: str = ""
    speak_english: bool = DEFAULTS.display.speak_english
    repeat: int = DEFAULTS.display.repeat
    voice: str = DEFAULTS.display.voice
    voice_pack: str = ""
    chime: str = ""

    @classmethod
    def from_config(cls, config: Any) -> SpeechSettings:
        return cls(
            phrase_vi=config.settings.display.call_phrase_vi, phrase_en=config.settings.display.call_phrase_en,
            speak_english=config.settings.display.speak_english, repeat=max(1, int(config.settings.display.repeat)),
            voice=config.settings.display.voice, voice_pack=config.settings.display.voice_pack,
            chime=config.settings.display.chime,
        )


class AnnouncementBuilder:
    """Chime + phrase × repeat into one WAV. Call :meth:`build` on the speech thread only."""

    def __init__(self, settings: SpeechSettings, *, synth_factory: Callable[[str], Synthesizer] = Synthesizer) -> None:
        self.settings = settings
        self._synth_factory = synth_factory
        self._synth: Synthesizer | None = None
        self._no_voice: str | None = None
        self.pack = VoicePack(Path(settings.voice_pack)) if settings.voice_pack else None
        if self.pack and not self.pack.folder.is_dir():
            log.warning("voice pack %s is not a folder: using synthesis", self.pack.folder)
            self.pack = None

    @property
    def chime_path(self) -> Path:
        return Path(self.settings.chime) if self.settings.chime else DEFAULT_CHIME

    def build(self, ticket: str, counter: int, out: Path) -> Path:
        rate = Pcm.RATE
        chime = read_pcm(self.chime_path, rate) if self.chime_path.is_file() else b""
        phrase = self.phrase_pcm(ticket, counter, out)
        parts = [chime]
        if phrase:
            for _ in range(self.settings.repeat):
                parts += [silence(GAP_SECONDS, rate), phrase]
        write_wav(out, b"".join(parts), rate)
        return out

    def phrase_pcm(self, ticket: str, counter: int, out: Path) -> bytes:
        """One saying of the phrase (Vietnamese, then English if asked); empty when there is no voice."""
        rate, pieces = Pcm.RATE, []
        clips = self.pack.clips(ticket, counter) if self.pack else None
        if clips:
            pieces.append(b"".join(read_pcm(c, rate) for c in clips))
        elif self.pack:
            log.warning("voice pack %s lacks clips for %s / %s: using synthesis", self.pack.folder, ticket, counter)
        texts = [] if clips else [call_phrase(self.settings.phrase_vi, ticket, counter)]
        if self.settings.speak_english and self.settings.phrase_en:
            texts.append(call_phrase(self.settings.phrase_en, ticket, counter))
        for i, text in enumerate(texts):
            spoken = self.speak(text, out.with_name(f"{out.stem}.part{i}.wav"))
            if spoken:
                pieces += [silence(GAP_SECONDS / 2, rate), spoken] if pieces else [spoken]
        return b"".join(pieces)

    def speak(self, text: str, scratch: Path) -> bytes:
        if self._no_voice is not None:
            return b""
        try:
            if self._synth is None:
                self._synth = self._synth_factory(self.settings.voice)
            self._synth.to_wav(text, scratch)
            return read_pcm(scratch, Pcm.RATE)
        except NoVoice as exc:
            self._no_voice = str(exc)
            log.warning("announcements are chime only: %s (setting display.voice = %r)", exc, self.settings.voice)
            return b""
        except SpeechFailed as exc:
            log.warning("this announcement is chime only: %s", exc)
            return b""
        finally:
            scratch.unlink(missing_ok=True)


# --------------------------------------------------------------------------- the one speech thread
class SpeechThread:
    """Runs jobs one at a time, in order, on one thread that owns the speech engine."""

    def __init__(self, name: str = "motcua-speech") -> None:
        self._jobs: queue.Queue[tuple[Callable[..., Any], tuple[Any, ...], Future[Any]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self._jobs.put((fn, args, future))
        return future

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            fn, args, future = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # reported through the future; the thread lives on
                future.set_exception(exc)

    def call(self, fn: Callable[..., Any], *args: Any, deadline: float = SPEECH_DEADLINE_S) -> Any:
        """Run ``fn`` on the speech thread and wait at most ``deadline`` seconds for it.

        A speech engine that hangs (espeak writing into a missing folder, a SAPI5 voice
        that never returns) ends as SpeechFailed instead of holding the caller for ever.
        """
        future = self.submit(fn, *args)
        try:
            return future.result(timeout=deadline)
        except FutureTimeout:
            future.cancel()
            raise SpeechFailed(f"speech took longer than {deadline:g} s; gave up") from None

    def close(self, timeout: float = 10) -> None:
        self._jobs.put(None)
        self._thread.join(timeout)


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())
