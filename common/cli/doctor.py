"""`motcua doctor`: the installer's one command on each PC, one line per check and what to do about it.

Each check returns a Verdict; none raises, so one broken part never hides the
verdicts on the others. The exit code is 1 when any check failed (warnings do not
fail: a kiosk PC has no speaker, a display PC has no printer).
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from common.cli.args import language
from common.cli.args import said as say
from common.config import AppConfig, config_path, load_config
from common.core.errors import MotcuaError, StoreUnavailable, render

CLOCK_TOLERANCE_SECONDS = 30
# The Server header of the display's page server (display/http_front.py's SERVER).
DISPLAY_SERVER = "motcua"


@dataclass(frozen=True)
class Verdict:
    level: str  # ok, warn, fail
    check: str
    detail: str

    def line(self) -> str:
        return f"{self.level.upper():<4} {say(*CHECK_WORDS.get(self.check, (self.check, self.check)))}: {self.detail}"


# What each check is called on its line (the key stays English for code and tests).
CHECK_WORDS = {"database": ("cơ sở dữ liệu", "database"), "printer": ("máy in", "printer"),
               "status page": ("trang tra cứu", "status page"), "speech": ("giọng đọc", "speech"),
               "audio": ("âm thanh", "audio"), "clock": ("đồng hồ", "clock"), "time zone": ("múi giờ", "time zone"),
               "office zone": ("múi giờ đơn vị", "office zone"), "doctor": ("doctor", "doctor")}


if TYPE_CHECKING:
    from common.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help=say(
        "kiểm tra cơ sở dữ liệu, máy in, trang tra cứu, giọng đọc, âm thanh, đồng hồ, múi giờ của máy này",
        "check this PC's database, printer, status page, voice, audio, clock and zone"))
    p.set_defaults(func=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> int:
    config = load_config(config_path(args.config))
    verdicts = run_checks(config, args.db)
    for verdict in verdicts:
        print(verdict.line())
    return 1 if any(v.level == "fail" for v in verdicts) else 0


def run_checks(config: AppConfig, db_url: str | None) -> list[Verdict]:
    store, verdicts = None, []
    try:
        from common.store.bootstrap import store_for

        store = store_for(config, db_url, None)
    except StoreUnavailable as exc:
        verdicts.append(Verdict("fail", "database", f"{render(exc, language())} — " + say(
            "kiểm tra [database] url hoặc --db, và mạng", "check [database] url or --db, and the network")))
    except MotcuaError as exc:  # reachable, but the schema is missing or old: the message says what to run
        verdicts.append(Verdict("fail", "database", render(exc, language())))
    checks: list[Callable[[], Verdict]] = [
        lambda: check_database(store),
        lambda: check_printer(config),
        lambda: check_status_page(config, store),
        lambda: check_voice(config),
        check_audio,
        lambda: check_clock(store),
        lambda: check_timezone(config),
        lambda: check_office_zone(config, store),
    ]
    if store is None:
        checks = [c for i, c in enumerate(checks) if i not in (0, 5, 7)]  # the database line is already there
    for check in checks:
        try:
            verdicts.append(check())
        except Exception as exc:  # a check's own bug is a verdict too, never a traceback
            what = f"{type(exc).__name__}: {first_line(exc)}"
            verdicts.append(Verdict("fail", "doctor", say(f"một bước kiểm tra bị lỗi: {what}",
                                                          f"a check crashed: {what}")))
    if store is not None:
        store.db.engine.dispose()
    return verdicts


def check_database(store) -> Verdict:  # type: ignore[no-untyped-def]
    from common.store.db import current_revision, head_revision

    revision = current_revision(store.db)
    where, head = store.db.masked_url, head_revision()
    return Verdict("ok", "database", f"{where} " + say(f"kết nối được, lược đồ {revision} (bản motcua này: {head})",
                                                       f"reachable, schema {revision} (this motcua: {head})"))


def check_printer(config: AppConfig) -> Verdict:
    from common.devices.printing import PrintError, PrinterSettings, query_status

    try:
        settings = PrinterSettings.from_config(config)
    except MotcuaError as exc:
        return Verdict("fail", "printer", f"{render(exc, language())} — " + say("sửa [printer] trong cấu hình",
                                                                                "fix [printer] in the config"))
    if settings.type == "none":
        return Verdict("warn", "printer", say("chưa đặt máy in (printer.type = none): được, trừ máy kiosk",
                                              "none configured (printer.type = none): fine except on a kiosk PC"))
    if settings.type == "file" or settings.status == "none":
        return Verdict("warn", "printer", say(
            f"máy in {settings.type} không báo được trạng thái: vé được ghi 'sent', không bao giờ 'printed'; "
            "chạy `motcua print-test` và xem giấy",
            f"{settings.type} printer cannot report status: tickets are recorded 'sent', never 'printed'; "
            "run `motcua print-test` and look at the paper"))
    try:
        state = query_status(settings)
    except PrintError as exc:
        return Verdict("fail", "printer", f"{exc} — " + say("kiểm tra nguồn, cáp hoặc địa chỉ, giấy và nắp",
                                                           "check power, cable or address, paper and cover"))
    except Exception as exc:  # python-escpos raises its own DeviceNotFoundError for an unplugged USB printer
        what, hint = f"{type(exc).__name__}: {first_line(exc)}", usb_hint(settings)
        return Verdict("fail", "printer", say(
            f"không kết nối được máy in {settings.type}: {what} — kiểm tra nguồn, cáp{hint}, giấy và nắp",
            f"{settings.type} printer not reached: {what} — check power, cable{hint}, paper and cover"))
    if state.fault:
        return Verdict("fail", "printer", f"{state.fault} — " + say("sửa lỗi rồi chạy lại doctor",
                                                                   "fix it, then run doctor again"))
    if state.paper_near_end:
        return Verdict("warn", "printer", say("máy in trả lời, giấy sắp hết: sớm thay cuộn mới",
                                              "answers, paper near its end: load a new roll soon"))
    return Verdict("ok", "printer", say(f"máy in {settings.type} báo trạng thái, không có lỗi",
                                        f"{settings.type} printer answers status, no error"))


def first_line(exc: BaseException) -> str:
    """Doctor prints one line per check; some libraries put a newline in their messages."""
    text = str(exc).strip()
    return text.splitlines()[0].rstrip(":( ") if text else type(exc).__name__


def usb_hint(settings) -> str:  # type: ignore[no-untyped-def]
    """For USB, the ids as `lsusb` prints them (python-escpos says them in decimal: (1046, 20497))."""
    if settings.type != "usb":
        return ""
    ids = f"{settings.usb_vendor_id:04x}:{settings.usb_product_id:04x}"
    return say(f" (lsusb phải có ID {ids}; quy tắc udev ở docs/multi-pc.md)",
               f" (lsusb should list ID {ids}; the udev rule of docs/multi-pc.md)")


def check_status_page(config: AppConfig, store) -> Verdict:  # type: ignore[no-untyped-def]
    from common.devices.printing import effective_public_url

    url = effective_public_url(config.settings.office.public_url, store) if store is not None \
        else config.settings.office.public_url
    if not url.strip():
        return Verdict("warn", "status page", say(
            "chưa biết địa chỉ: mã QR trên vé chỉ chứa mã tra cứu. Hãy chạy màn hình sảnh (nó công bố địa chỉ LAN) "
            "hoặc đặt office.public_url",
            "no address known: tickets' QR codes hold a bare token. Start the display (it publishes its LAN "
            "address) or set office.public_url"))
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/", timeout=3) as answer:
            code, server = answer.status, answer.headers.get("Server", "")
    except urllib.error.HTTPError as exc:
        code, server = exc.code, exc.headers.get("Server", "")  # a 503 while the display starts is still it
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Verdict("fail", "status page", f"{url} " + say(
            f"không truy cập được ({reason}) — màn hình sảnh có đang chạy, và cổng có mở trong tường lửa?",
            f"unreachable ({reason}) — is the display running, and port open in its firewall?"))
    if server.split("/")[0].strip() != DISPLAY_SERVER:
        # Some other program answers there (a router's page, another web server): the QR codes would open it.
        who = f", Server: {server}" if server else ""
        return Verdict("fail", "status page", f"{url} " + say(
            f"trả lời (HTTP {code}{who}) nhưng không phải trang tra cứu của motcua — một chương trình khác ở "
            "địa chỉ này? Kiểm tra office.public_url và display.http_port",
            f"answers (HTTP {code}{who}) but is not motcua's status page — another program on that "
            "address? Check office.public_url and display.http_port"))
    return Verdict("ok", "status page", f"{url} " + say(f"trả lời (HTTP {code}): mã QR mở được trang",
                                                        f"answers (HTTP {code}): the QR codes open it"))


def check_voice(config: AppConfig) -> Verdict:
    try:
        from common.devices.speech import NoVoice, Synthesizer
    except Exception as exc:  # pyttsx3 missing
        return Verdict("warn", "speech", say(f"không có bộ đọc ({exc}) — cài pyttsx3 và espeak-ng",
                                             f"no speech engine ({exc}) — install pyttsx3 and espeak-ng"))
    voice = config.settings.display.voice
    try:
        synth = Synthesizer(voice)
    except NoVoice as exc:
        return Verdict("warn", "speech", f"{exc} — " + say(
            "cài espeak-ng (Linux) hoặc giọng SAPI5 tiếng Việt (Windows)",
            "install espeak-ng (Linux) or a Vietnamese SAPI5 voice (Windows)"))
    except Exception as exc:
        return Verdict("warn", "speech", say(f"bộ đọc không dùng được: {exc} — cài libespeak-ng1 và espeak-ng",
                                             f"speech engine unusable: {exc} — install libespeak-ng1 and espeak-ng"))
    return Verdict("ok", "speech", say(f"bộ đọc sẵn sàng, giọng tiếng Việt {synth.voice_id}",
                                       f"engine ready, Vietnamese voice {synth.voice_id}"))


def check_audio() -> Verdict:
    if sys.platform.startswith("linux"):
        players = sorted(glob.glob("/dev/snd/pcmC*D*p"))
        if players:
            names = ", ".join(players[:3])
            return Verdict("ok", "audio", say(f"{len(players)} thiết bị phát: {names}",
                                              f"{len(players)} playback device(s): {names}"))
        if shutil.which("pactl") or os.environ.get("PULSE_SERVER"):
            return Verdict("warn", "audio", say(
                "không có thiết bị phát ALSA, có PulseAudio: kiểm tra `pactl list sinks`",
                "no ALSA playback device, a PulseAudio client is present: check `pactl list sinks`"))
        return Verdict("warn", "audio", say(
            "không có thiết bị phát: màn hình sảnh không phát được tiếng (được trên máy kiosk hoặc quầy)",
            "no playback device: the hall display cannot be heard (fine on a kiosk or counter PC)"))
    return Verdict("warn", "audio", say(f"chưa kiểm tra trên {sys.platform}: chạy `motcua announce-test` và nghe",
                                        f"not checked on {sys.platform}: play `motcua announce-test` and listen"))


def check_clock(store: Store | None) -> Verdict:
    if store is None:
        return Verdict("warn", "clock", say("không kết nối được cơ sở dữ liệu: chưa so đồng hồ",
                                            "no database reached: the clocks were not compared"))
    server = store.database_now()
    if server is None:
        return Verdict("ok", "clock", say("SQLite trên máy này: cơ sở dữ liệu dùng đồng hồ của máy này",
                                          "SQLite on this PC: the database uses this PC's clock"))
    here = datetime.now(UTC)
    skew = abs((here - server.astimezone(UTC)).total_seconds())
    if skew > CLOCK_TOLERANCE_SECONDS:
        return Verdict("fail", "clock", say(
            f"máy này lệch {skew:.0f} giây so với máy chủ cơ sở dữ liệu — bật đồng bộ giờ "
            "(timedatectl set-ntp true, hoặc dịch vụ giờ của Windows)",
            f"this PC is {skew:.0f} s off the database server — turn on time sync "
            "(timedatectl set-ntp true, or Windows time service)"))
    return Verdict("ok", "clock", say(f"lệch {skew:.1f} giây so với máy chủ cơ sở dữ liệu, trong giới hạn",
                                      f"within {skew:.1f} s of the database server"))


def check_timezone(config: AppConfig) -> Verdict:
    name = config.settings.office.timezone
    try:
        office = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return Verdict("fail", "time zone", say(f"không rõ office.timezone {name!r} — cài tzdata hoặc sửa nó",
                                                f"office.timezone {name!r} is unknown — install tzdata or fix it"))
    now = datetime.now(office)
    local = datetime.now().astimezone()
    same = local.utcoffset() == now.utcoffset()
    return Verdict("ok", "time zone", say(
        f"đơn vị ở {name}, bây giờ {now:%H:%M %d/%m/%Y} UTC{now:%z}"
        + ("" if same else f" (máy này theo UTC{local:%z}; báo cáo vẫn theo múi giờ đơn vị)"),
        f"office in {name}, now {now:%H:%M %d/%m/%Y} UTC{now:%z}"
        + ("" if same else f" (this PC shows UTC{local:%z}; reports use the office zone regardless)")))


def check_office_zone(config: AppConfig, store: Store | None) -> Verdict:
    """On a province database the office row has its own zone; this PC's [office] timezone must be the same.

    The PC's zone decides its day (numbering, closing, reports); the office row's is what the
    province view and other PCs of the office assume. Two zones would split one day in two.
    """
    from common.store.offices import connected_office, list_offices

    if store is None:
        return Verdict("warn", "office zone", "không kết nối được cơ sở dữ liệu: chưa so múi giờ của đơn vị")
    if store.db.is_sqlite:
        return Verdict("ok", "office zone", "một đơn vị trên SQLite: múi giờ lấy từ cấu hình của máy này")
    offices = list_offices(store.db)
    if len(offices) <= 1:
        return Verdict("ok", "office zone", "một đơn vị: múi giờ lấy từ [office] timezone của máy này")
    code = config.settings.office.code
    office_id = connected_office(store.db)
    office = next((o for o in offices if (o.code == code if code else o.id == office_id)), None)
    if office is None:
        return Verdict("warn", "office zone", "cơ sở dữ liệu nhiều đơn vị nhưng máy này chưa ghi [office] code: "
                       "không so được múi giờ — thêm [office] code vào cấu hình")
    mine = config.settings.office.timezone
    if office.timezone != mine:
        return Verdict("fail", "office zone", f"[office] timezone = {mine!r} nhưng đơn vị {office.code!r} trong cơ sở "
                       f"dữ liệu là {office.timezone!r} — sửa [office] timezone thành {office.timezone!r}")
    return Verdict("ok", "office zone", f"đơn vị {office.code!r}: múi giờ {mine} khớp với cơ sở dữ liệu")
