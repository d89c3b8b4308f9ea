"""Every setting motcua reads, declared once: one frozen dataclass per config section.

The config file is TOML; a setting ``printer.type`` is the key ``type`` in the
``[printer]`` table. Each field carries its type (a ``Literal`` lists the allowed
values), its default, its meaning and its range; :data:`SETTINGS` is derived from
the dataclasses, so ``motcua config``, the README's reference and the loader's
checks cannot drift from them. The apps read ``config.settings.office.name``:
typed, and validated once when the file is loaded.
"""

from __future__ import annotations

import ipaddress
import math
import re
import string
from dataclasses import dataclass, field, fields
from typing import Any, Literal, get_args, get_origin, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from common.core.errors import Invalid

Language = Literal["vi", "en"]
PrinterType = Literal["none", "usb", "network", "serial", "file"]
PaperWidth = Literal[58, 80]
TextMode = Literal["image", "codepage"]
QrMode = Literal["native", "raster"]
PrinterStatusMode = Literal["escpos", "escpos-done", "none"]

MAX_PORT = 65535


def setting(default: Any, description: str, *, minimum: float | None = None, maximum: float | None = None,
            check: str = "") -> Any:
    """A field's default and what the reference says about it; ``check`` names an extra rule below.

    It returns a ``dataclasses.field`` with an immutable default; ruff's RUF009 cannot see that through a
    ``Literal`` alias, hence the few ``noqa`` marks.
    """
    meta = {"description": description, "minimum": minimum, "maximum": maximum, "check": check}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class OfficeSettings:
    name: str = setting("Bộ phận Một cửa", "Office name shown on the kiosk, tickets and the hall display.",
                        check="not_blank")
    timezone: str = setting("Asia/Ho_Chi_Minh", "IANA zone for service days and reports; UTC is stored.",
                            check="timezone")
    language: Language = setting("vi", "Default interface language.")  # noqa: RUF009
    default_service_minutes: int = setting(
        8, "Service time assumed for wait estimates until a service has its own history.", minimum=1, maximum=480)
    call_starts_service: bool = setting(False, "If true, calling a ticket also starts its service "
                                               "(no separate Start step).")
    public_url: str = setting("", "Public address of the status page, e.g. http://192.168.1.20:8080; the QR code "
                                  "then opens {public_url}/t/{token}. Empty: the QR holds the token alone.",
                              check="url")
    at_risk_minutes: int = setting(20, "Waits from this many minutes are shown amber (at risk).",
                                   minimum=1, maximum=1440)
    hotline: str = setting("", "Help line printed at the foot of every ticket; empty prints none.")
    code: str = setting("", "This office's code in a province's shared database (motcua office list); the "
                            "database role must belong to it. Empty: a single office.")


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = setting("", "SQLAlchemy URL; empty means a SQLite file in the user data directory. "
                           "MOTCUA_DB and --db take precedence.")
    role: str = setting("", "PostgreSQL role to act as after connecting (SET ROLE), e.g. motcua_office_admin_o2 "
                            "for an office's `setup load` run by the province's owner. Empty: the login role.",
                        check="role")


@dataclass(frozen=True)
class KioskSettings:
    admin_pin: str = setting("", "PIN that closes the kiosk (long-press the clock). Empty: cannot close.")
    return_seconds: int = setting(8, "Seconds the confirmation screen stays before returning home.",
                                  minimum=1, maximum=600)
    fullscreen: bool = setting(True, "Run full screen without window decorations.")
    idle_seconds: int = setting(30, "Seconds without a touch after which the kiosk returns home in the office "
                                    "language.", minimum=5, maximum=3600)
    camera: bool = setting(True, "Scan booking QR codes with the kiosk's camera on the check-in screen. Without a "
                                 "camera the keypad and a USB scanner still work.")
    camera_device: str = setting("", "Which camera: part of its name or its id; empty: the system's default camera.")


@dataclass(frozen=True)
class PrinterSettings:
    type: PrinterType = setting("none", "Ticket printer connection.")  # noqa: RUF009
    usb_vendor_id: str = setting("", "USB vendor id, hex, e.g. 0x0416.", check="usb_id")
    usb_product_id: str = setting("", "USB product id, hex, e.g. 0x5011.", check="usb_id")
    host: str = setting("", "Network printer host name or IP address.")
    port: int = setting(9100, "Network printer TCP port.", minimum=1, maximum=MAX_PORT)
    timeout_seconds: float = setting(
        5.0, "Margin added to the time the bytes take at the link's speed; also how long a status answer may take.",
        minimum=0.1, maximum=600)
    status: PrinterStatusMode = setting(  # noqa: RUF009
        "escpos", "escpos: ask the printer's status (DLE EOT) before and after each ticket; escpos-done: also wait "
                  "for the paper sensor (GS r 1), which the printer answers only once the ticket is processed; none: "
                  "the model cannot answer, tickets are recorded as sent, never printed.")
    serial_device: str = setting("/dev/ttyUSB0", "Serial printer device.")
    baudrate: int = setting(9600, "Serial printer speed.", minimum=300, maximum=4_000_000)
    file_path: str = setting("", "For type = file: the device or file the bytes go to.")
    paper_mm: PaperWidth = setting(80, "Paper width in millimetres.")  # noqa: RUF009
    text_mode: TextMode = setting(  # noqa: RUF009
        "image", "image: render Vietnamese text to a bitmap (works on every printer); codepage: the printer's own.")
    qr_mode: QrMode = setting("native", "QR code as the printer's native command or as a raster image.")  # noqa: RUF009
    font: str = setting("DejaVu Sans", "Font family used for the bitmap text.", check="not_blank")


@dataclass(frozen=True)
class CounterSettings:
    number: int = setting(0, "Fix this PC to one counter number; 0 asks at sign-in.", minimum=0, maximum=9999)


@dataclass(frozen=True)
class DisplaySettings:
    notice: str = setting("", "Scrolling notice line at the bottom of the board.")
    http_port: int = setting(8080, "Port of the ticket status page (the QR code's target).",
                             minimum=1, maximum=MAX_PORT)
    http_host: str = setting("0.0.0.0", "Address the status page listens on.", check="host")
    recent_calls: int = setting(6, "How many recent calls the board lists.", minimum=1, maximum=50)
    repeat: int = setting(2, "How many times each call is spoken.", minimum=1, maximum=5)
    voice: str = setting("vi", "pyttsx3 voice id (espeak-ng 'vi', or a SAPI5 voice on Windows).")
    voice_pack: str = setting("", "Folder of recorded WAV clips that replaces synthesis when present.")
    speak_english: bool = setting(False, "Also say the English phrase after the Vietnamese one.")
    call_phrase_vi: str = setting("Mời công dân có số thứ tự {ticket} đến quầy số {counter}",
                                  "The spoken and shown call; {ticket} and {counter} are filled in.",
                                  check="phrase")
    call_phrase_en: str = setting("Ticket number {ticket}, please go to counter {counter}",
                                  "The optional English call.", check="phrase")
    chime: str = setting("", "WAV played before each call; empty uses assets/chime.wav.")
    public_page_seconds: int = setting(60, "The công khai page (/cong-khai: waits and satisfaction per office) is "
                                       "recomputed at most this often; 0 does not serve it.", minimum=0,
                                       maximum=86400)


@dataclass(frozen=True)
class RatingSettings:
    reasons: tuple[str, ...] = setting(("Chờ lâu", "Thái độ", "Hướng dẫn chưa rõ", "Thủ tục phức tạp"),
                                       "Reasons offered after a low rating (Bình thường, Không hài lòng), "
                                       "one tap each.", check="not_blank")
    timeout_seconds: int = setting(
        30, "Seconds the panel waits for a rating before it returns to idle (the ticket stays unrated).",
        minimum=1, maximum=3600)
    thanks_seconds: int = setting(4, "Seconds the thank-you screen stays before the panel returns to idle.",
                                  minimum=1, maximum=600)


@dataclass(frozen=True)
class Settings:
    """All sections; ``Settings()`` is every default."""

    office: OfficeSettings = field(default_factory=OfficeSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    kiosk: KioskSettings = field(default_factory=KioskSettings)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    counter: CounterSettings = field(default_factory=CounterSettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
    rating: RatingSettings = field(default_factory=RatingSettings)


DEFAULTS = Settings()
AT_RISK_MINUTES = DEFAULTS.office.at_risk_minutes  # the default of widgets built without a config (tests, samples)


# ------------------------------------------------------------------ derived from the dataclasses
@dataclass(frozen=True)
class Setting:
    """One declared setting, read off its dataclass field."""

    name: str  # "section.key"
    type: type  # the TOML value's type: str, int, float, bool or list
    default: Any
    description: str
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    rule: str = ""

    @property
    def section(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def key(self) -> str:
        return self.name.split(".", 1)[1]

    def check(self, value: Any) -> Any:
        """``value`` as the dataclass holds it, or ValueError with one line that says what is wrong."""
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, self.type) or (self.type is int and isinstance(value, bool)):
            raise Invalid(f"{self.name} phải là {self.type.__name__}, không phải {value!r}",
                          f"{self.name} must be {self.type.__name__}, not {value!r}")
        if isinstance(value, list):
            if not all(isinstance(v, str) for v in value):
                raise Invalid(f"{self.name} phải là danh sách chuỗi, không phải {value!r}",
                              f"{self.name} must be a list of text, not {value!r}")
            value = tuple(value)
        if self.type is float and not math.isfinite(value):
            raise Invalid(f"{self.name} phải là số hữu hạn, không phải {value!r}",
                          f"{self.name} must be a finite number, not {value!r}")
        if self.choices and value not in self.choices:
            choices = ", ".join(map(str, self.choices))
            raise Invalid(f"{self.name} phải là một trong {choices}, không phải {value!r}",
                          f"{self.name} must be one of {choices}, not {value!r}")
        if self.minimum is not None and self.maximum is not None and not self.minimum <= value <= self.maximum:
            span = f"{_num(self.minimum)}–{_num(self.maximum)}"
            raise Invalid(f"{self.name} phải trong khoảng {span}, không phải {value!r}",
                          f"{self.name} must be from {_num(self.minimum)} to {_num(self.maximum)}, not {value!r}")
        if self.rule:
            _RULES[self.rule](self.name, value)
        return value


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _not_blank(name: str, value: str | tuple[str, ...]) -> None:
    if any(not v.strip() for v in ((value,) if isinstance(value, str) else value)):
        raise Invalid(f"{name} không được để trống", f"{name} must not be empty")


def _timezone(name: str, value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid(f"không rõ múi giờ {value!r} ({name})", f"unknown time zone {value!r} ({name})") from exc


def _url(name: str, value: str) -> None:
    if value and not value.startswith(("http://", "https://")):
        raise Invalid(f"{name} phải bắt đầu bằng http:// hoặc https://, không phải {value!r}",
                      f"{name} must start with http:// or https://, not {value!r}")


def _usb_id(name: str, value: str) -> None:
    text = value.strip()
    try:
        number = int(text, 16) if text else 0
    except ValueError:
        number = -1
    if not 0 <= number <= 0xFFFF:
        raise Invalid(f"{name} phải là mã USB dạng thập lục phân như 0x0416, không phải {value!r}",
                      f"{name} must be a hexadecimal USB id such as 0x0416, not {value!r}")


def _phrase(name: str, value: str) -> None:
    """A phrase that ``str.format(ticket=…, counter=…)`` would break on is refused now, not at the first call."""
    try:
        fields_used = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
    except ValueError as exc:
        raise Invalid(f"{name} thiếu dấu ngoặc nhọn: {value!r}", f"{name} has an unbalanced brace: {value!r}") from exc
    unknown = fields_used - {"ticket", "counter"}
    if unknown:
        bad = sorted(unknown)[0]
        raise Invalid(f"{name} chỉ được dùng {{ticket}} và {{counter}}, không dùng {{{bad}}}",
                      f"{name} may use only {{ticket}} and {{counter}}, not {{{bad}}}")


HOSTNAME_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def _host(name: str, value: str) -> None:
    """An address to listen on: an IP address or a host name. "999.1.1.1" is refused here, with the file's
    line, not when the display binds at start-up."""
    text = value.strip()
    _not_blank(name, text)
    try:
        ipaddress.ip_address(text)
        return
    except ValueError:
        pass
    looks_numeric = all(part.isdigit() for part in text.split("."))  # a mistyped IPv4 address, not a name
    labels = text.removesuffix(".").split(".")
    if looks_numeric or len(text) > 253 or not all(HOSTNAME_LABEL.fullmatch(label) for label in labels):
        raise Invalid(f"{name} phải là địa chỉ IP (như 0.0.0.0 hoặc 192.168.1.20) hoặc tên máy, không phải {value!r}",
                      f"{name} must be an IP address (such as 0.0.0.0 or 192.168.1.20) or a host name, not {value!r}")


def _role(name: str, value: str) -> None:
    """A role is spliced into SET ROLE as an identifier, so only plain names pass."""
    if value and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", value):
        raise Invalid(f"{name} phải là tên vai trò PostgreSQL đơn giản (a-z, 0-9, _), không phải {value!r}",
                      f"{name} must be a plain PostgreSQL role name (a-z, 0-9, _), not {value!r}")


_RULES = {"not_blank": _not_blank, "timezone": _timezone, "url": _url, "usb_id": _usb_id, "phrase": _phrase,
          "role": _role, "host": _host}


def _declared() -> tuple[Setting, ...]:
    result = []
    for section in fields(Settings):
        cls = get_type_hints(Settings)[section.name]
        hints = get_type_hints(cls)
        for f in fields(cls):
            hint, choices = hints[f.name], ()
            if get_origin(hint) is Literal:
                choices = tuple(get_args(hint))
                hint = type(get_args(hint)[0])
            elif get_origin(hint) is tuple:
                hint = list
            meta = f.metadata
            result.append(Setting(f"{section.name}.{f.name}", hint, f.default, meta["description"], choices,
                                  meta["minimum"], meta["maximum"], meta["check"]))
    return tuple(result)


SETTINGS: tuple[Setting, ...] = _declared()
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
SECTIONS: tuple[str, ...] = tuple(f.name for f in fields(Settings))


def build(values: dict[str, Any]) -> Settings:
    """The settings with ``values`` (already checked, keyed "section.key") over the defaults."""
    sections = {}
    for section in fields(Settings):
        cls = get_type_hints(Settings)[section.name]
        own = {s.key: values[s.name] for s in SETTINGS if s.section == section.name and s.name in values}
        sections[section.name] = cls(**own)
    return Settings(**sections)


def reference_table() -> str:
    """The configuration reference as a Markdown table (for ``motcua config`` and the README)."""
    rows = ["| setting | type | default | meaning |", "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        default = list(s.default) if isinstance(s.default, tuple) else s.default
        extra = f" One of: {', '.join(map(str, s.choices))}." if s.choices else ""
        if s.minimum is not None and s.maximum is not None:
            extra += f" From {_num(s.minimum)} to {_num(s.maximum)}."
        rows.append(f"| `{s.name}` | {s.type.__name__} | `{default!r}` | {s.description}{extra} |")
    return "\n".join(rows)
