"""Plain 16-bit PCM with the standard ``wave`` module: read, convert, join, measure.

Every piece of an announcement (chime, espeak-ng speech, recorded clips) is brought to
one format, mono 16-bit at 22 050 Hz (what espeak-ng writes), before joining.
Pure Python: ``audioop`` left the standard library in 3.13.
"""

from __future__ import annotations

import math
import wave
from array import array
from pathlib import Path


class Pcm:
    RATE = 22050
    WIDTH = 2  # bytes per sample


def read_pcm(path: Path, rate: int = Pcm.RATE) -> bytes:
    """The WAV's samples as mono 16-bit at ``rate``; a clear error for formats we don't read."""
    try:
        with wave.open(str(path), "rb") as w:
            channels, width, src_rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            raw = w.readframes(w.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"{path}: not a PCM WAV file ({exc})") from exc
    if width != 2:
        raise ValueError(f"{path}: {8 * width}-bit samples; save it as 16-bit PCM")
    samples = array("h", raw)
    if channels > 1:
        samples = array("h", (sum(samples[i:i + channels]) // channels for i in range(0, len(samples), channels)))
    if src_rate != rate:
        samples = _resample(samples, src_rate, rate)
    return samples.tobytes()


def _resample(samples: array, src: int, dst: int) -> array:
    """Linear interpolation: good enough for speech clips recorded at 44.1 or 48 kHz."""
    if not samples:
        return samples
    n = max(1, round(len(samples) * dst / src))
    step = (len(samples) - 1) / max(1, n - 1)
    out = array("h", bytes(2 * n))
    for i in range(n):
        x = i * step
        j = int(x)
        frac = x - j
        nxt = samples[j + 1] if j + 1 < len(samples) else samples[j]
        out[i] = int(samples[j] + (nxt - samples[j]) * frac)
    return out


def silence(seconds: float, rate: int = Pcm.RATE) -> bytes:
    return bytes(Pcm.WIDTH * int(seconds * rate))


def write_wav(path: Path, pcm: bytes, rate: int = Pcm.RATE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(Pcm.WIDTH)
        w.setframerate(rate)
        w.writeframes(pcm)
    return path


def tone(freqs: list[float], seconds: float, rate: int = Pcm.RATE, *, volume: float = 0.35,
         decay: float = 3.0) -> bytes:
    """A struck-bell tone: the given partials with an exponential decay."""
    n = int(seconds * rate)
    out = array("h", bytes(2 * n))
    for i in range(n):
        t = i / rate
        attack = min(1.0, t / 0.01)  # 10 ms: no click at the start
        value = sum(math.sin(2 * math.pi * f * t) / (k + 1) for k, f in enumerate(freqs))
        out[i] = int(32767 * volume * attack * math.exp(-decay * t) * value / len(freqs))
    return out.tobytes()


def rms(pcm: bytes) -> float:
    """Root mean square of 16-bit samples: 0 for silence."""
    samples = array("h", pcm)
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0


def make_chime(path: Path, rate: int = Pcm.RATE) -> Path:
    """The project's own two-tone "ding-dong" (assets/chime.wav, CC0): E6 then C6, bell partials."""
    ding = tone([1318.5, 2637.0, 3955.5], 0.55, rate, volume=0.8, decay=4.0)
    dong = tone([1046.5, 2093.0, 3139.5], 0.9, rate, volume=0.8, decay=3.0)
    return write_wav(Path(path), ding + dong + silence(0.1, rate), rate)
