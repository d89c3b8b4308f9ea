"""Every setting motcua reads, declared once with its type, default and meaning.

The config file is TOML; a setting ``printer.type`` is the key ``type`` in the
``[printer]`` table. ``motcua config`` prints this table, and the README's
configuration reference is generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str  # "section.key"
    type: type
    default: Any
    description: str
    choices: tuple[str, ...] = ()

    @property
    def section(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def key(self) -> str:
        return self.name.split(".", 1)[1]


SETTINGS: tuple[Setting, ...] = (
    # --- the office -------------------------------------------------------------
    Setting("office.name", str, "Bộ phận Một cửa", "Office name shown on the kiosk, tickets and the hall display."),
    Setting("office.timezone", str, "Asia/Ho_Chi_Minh", "IANA zone for service days and reports; UTC is stored."),
    Setting("office.language", str, "vi", "Default interface language.", ("vi", "en")),
    Setting("office.default_service_minutes", int, 8,
            "Service time assumed for wait estimates until a service has its own history."),
    Setting("office.call_starts_service", bool, False,
            "If true, calling a ticket also starts its service (no separate Start step)."),
    Setting("office.public_url", str, "",
            "Public address of the status page, e.g. http://192.168.1.20:8080; the QR code then opens "
            "{public_url}/t/{token}. Empty: the QR holds the token alone."),
    Setting("office.at_risk_minutes", int, 20, "Waits from this many minutes are shown amber (at risk)."),
    Setting("office.hotline", str, "", "Help line printed at the foot of every ticket; empty prints none."),
    # --- the database -------------------------------------------------------------
    Setting("database.url", str, "",
            "SQLAlchemy URL; empty means a SQLite file in the user data directory. "
            "MOTCUA_DB and --db take precedence."),
    # --- the kiosk ----------------------------------------------------------------
    Setting("kiosk.admin_pin", str, "", "PIN that closes the kiosk (long-press the clock). Empty: cannot close."),
    Setting("kiosk.return_seconds", int, 8, "Seconds the confirmation screen stays before returning home."),
    Setting("kiosk.fullscreen", bool, True, "Run full screen without window decorations."),
    Setting("kiosk.idle_seconds", int, 30,
            "Seconds without a touch after which the kiosk returns home in the office language."),
    # --- the ticket printer -------------------------------------------------------
    Setting("printer.type", str, "none", "Ticket printer connection.", ("none", "usb", "network", "serial", "file")),
    Setting("printer.usb_vendor_id", str, "", "USB vendor id, hex, e.g. 0x0416."),
    Setting("printer.usb_product_id", str, "", "USB product id, hex, e.g. 0x5011."),
    Setting("printer.host", str, "", "Network printer host name or IP address."),
    Setting("printer.port", int, 9100, "Network printer TCP port."),
    Setting("printer.timeout_seconds", float, 5.0,
            "Margin added to the time the bytes take at the link's speed; also how long a status answer may take."),
    Setting("printer.status", str, "escpos",
            "escpos: ask the printer's status (DLE EOT) before and after each ticket; none: the model cannot "
            "answer, tickets are recorded as sent, never printed.", ("escpos", "none")),
    Setting("printer.serial_device", str, "/dev/ttyUSB0", "Serial printer device."),
    Setting("printer.baudrate", int, 9600, "Serial printer speed."),
    Setting("printer.file_path", str, "", "For type = file: the device or file the bytes go to."),
    Setting("printer.paper_mm", int, 80, "Paper width in millimetres.", ("58", "80")),
    Setting("printer.text_mode", str, "image",
            "image: render Vietnamese text to a bitmap (works on every printer); codepage: the printer's own.",
            ("image", "codepage")),
    Setting("printer.qr_mode", str, "native", "QR code as the printer's native command or as a raster image.",
            ("native", "raster")),
    Setting("printer.font", str, "DejaVu Sans", "Font family used for the bitmap text."),
    # --- the counter ----------------------------------------------------------------
    Setting("counter.number", int, 0, "Fix this PC to one counter number; 0 asks at sign-in."),
    # --- the hall display ------------------------------------------------------------
    Setting("display.notice", str, "", "Scrolling notice line at the bottom of the board."),
    Setting("display.http_port", int, 8080, "Port of the ticket status page (the QR code's target)."),
    Setting("display.http_host", str, "0.0.0.0", "Address the status page listens on."),
    Setting("display.recent_calls", int, 6, "How many recent calls the board lists."),
    Setting("display.repeat", int, 2, "How many times each call is spoken."),
    Setting("display.voice", str, "vi", "pyttsx3 voice id (espeak-ng 'vi', or a SAPI5 voice on Windows)."),
    Setting("display.voice_pack", str, "", "Folder of recorded WAV clips that replaces synthesis when present."),
    Setting("display.speak_english", bool, False, "Also say the English phrase after the Vietnamese one."),
    Setting("display.call_phrase_vi", str, "Mời công dân có số thứ tự {ticket} đến quầy số {counter}",
            "The spoken and shown call; {ticket} and {counter} are filled in."),
    Setting("display.call_phrase_en", str, "Ticket number {ticket}, please go to counter {counter}",
            "The optional English call."),
    Setting("display.chime", str, "", "WAV played before each call; empty uses assets/chime.wav."),
    # --- the citizen's rating panel and the status page's rating ----------------------
    Setting("rating.reasons", list, ["Chờ lâu", "Thái độ", "Hướng dẫn chưa rõ", "Thủ tục phức tạp"],
            "Reasons offered after a low rating (Bình thường, Không hài lòng), one tap each."),
    Setting("rating.timeout_seconds", int, 30,
            "Seconds the panel waits for a rating before it returns to idle (the ticket stays unrated)."),
    Setting("rating.thanks_seconds", int, 4, "Seconds the thank-you screen stays before the panel returns to idle."),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
SECTIONS: frozenset[str] = frozenset(s.section for s in SETTINGS)


def reference_table() -> str:
    """The configuration reference as a Markdown table (for ``motcua config`` and the README)."""
    rows = ["| setting | type | default | meaning |", "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        choices = f" One of: {', '.join(s.choices)}." if s.choices else ""
        rows.append(f"| `{s.name}` | {s.type.__name__} | `{s.default!r}` | {s.description}{choices} |")
    return "\n".join(rows)
