"""``motcua announce-test``: the full announcement written to a WAV, for installers and tests."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from common.cli.args import counter_number
from common.cli.args import said as say
from common.config import config_path, load_config
from common.core.errors import MotcuaError, bilingual, said
from common.devices.speech import (
    SPEECH_DEADLINE_S,
    AnnouncementBuilder,
    SpeechFailed,
    SpeechSettings,
    SpeechThread,
    wav_seconds,
)
from common.views.vi_numbers import vi_number

TICKET = re.compile(r"^[A-Za-z]{0,3}\d{1,4}$")
# The clips a voice pack (display.voice_pack) holds: common.devices.speech.VoicePack reads exactly these.
VOICE_PACK_CLIPS = """\
voice pack clips (display.voice_pack = a folder of 16-bit PCM WAV files, any rate, mono or stereo):
  intro.wav          "Mời công dân có số thứ tự"
  0.wav … 9.wav      each digit, said alone ("không", "một", …, "chín")
  A.wav … Z.wav      each letter a ticket prefix uses ("A", "B", …)
  to_counter.wav     "đến quầy số"
  counter_N.wav      optional: counter N said as a whole ("mười hai" for counter_12.wav);
                     without it the counter number is said digit by digit
A missing clip makes that phrase fall back to synthesis (a warning is logged).
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("announce-test", help=say("ghi lời gọi loa (chuông + giọng đọc) ra tệp WAV",
                                                 "write the announcement of a call (chime + speech) to a WAV file"),
                       epilog=VOICE_PACK_CLIPS, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ticket", required=True, help="ticket code, e.g. A023")
    p.add_argument("--counter", required=True, type=counter_number, help="counter number, e.g. 3")
    p.add_argument("--wav", required=True, metavar="FILE", help="where to write the WAV")
    p.set_defaults(func=cmd_announce_test)


def cmd_announce_test(args: argparse.Namespace) -> int:
    if not TICKET.match(args.ticket):
        raise said(MotcuaError, f"--ticket {args.ticket!r}: cần mã vé như A023",
                   f"--ticket {args.ticket!r}: expected a code like A023")
    if args.counter < 1:
        raise said(MotcuaError, f"--counter {args.counter}: cần số quầy từ 1",
                   f"--counter {args.counter}: expected a counter number from 1")
    settings = SpeechSettings.from_config(load_config(config_path(args.config)))
    out = Path(args.wav)
    if not out.parent.is_dir():  # checked first: espeak writing into a missing folder hangs
        raise bilingual(MotcuaError(f"no folder {out.parent} for --wav {out}"),
                        f"không có thư mục {out.parent} cho --wav {out}", f"no folder {out.parent} for --wav {out}")
    # The same single speech thread the display uses, so this exercises the real path.
    thread = SpeechThread()
    stuck = False
    try:
        builder = AnnouncementBuilder(settings)
        thread.call(builder.build, args.ticket.upper(), args.counter, out, deadline=SPEECH_DEADLINE_S)
    except SpeechFailed as exc:
        stuck = True
        raise said(MotcuaError, f"announce-test: không đọc được: {exc}", f"announce-test: {exc}") from exc
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise said(MotcuaError, f"announce-test: không ghi/phát được: {why}", f"announce-test: {why}") from exc
    finally:
        thread.close(timeout=0.1 if stuck else 10)  # a stuck engine's daemon thread dies with the process
    seconds, repeat, pack, voice = wav_seconds(out), settings.repeat, settings.voice_pack, settings.voice
    print(say(f"đã ghi {out} ({vi_number(seconds)} giây, {repeat}× {'bộ giọng ' + pack if pack else 'giọng ' + voice})",
              f"wrote {out} ({seconds:.1f} s, {repeat}× {'voice pack ' + pack if pack else 'voice ' + voice})"))
    return 0
