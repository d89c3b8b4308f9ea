"""Every number a person reads, the Vietnamese way, from one QLocale("vi_VN").

Vietnamese writes a dot between thousands and a comma before decimals: 1.446 and 158,9; a
percentage keeps a space before its sign: 92,4 %; a duration is words: "1 giờ 12 phút".
Screens and the dashboard's PDF and CSV exports call these functions so one table never mixes "1.446"
with "158.9". XLSX cells stay numbers with a "#,##0.0" format, which Excel draws in the reader's locale;
`motcua report --format csv` keeps plain numbers for machines.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale

DASH = "–"
VI = QLocale("vi_VN")


def integer(value: int | float | None) -> str:
    """1446 → "1.446"; None → "–"."""
    return DASH if value is None else VI.toString(round(value))


def decimal(value: float | None, places: int = 1) -> str:
    """158.94 → "158,9"; 1446.0 → "1.446,0"."""
    return DASH if value is None else VI.toString(float(value), "f", places)


def number(value: int | float | None) -> str:
    """An int as a count ("1.446"), a float with one decimal ("158,9")."""
    if value is None:
        return DASH
    return integer(value) if isinstance(value, int) else decimal(value)


def percent(value: float | None, places: int = 1) -> str:
    """92.43 → "92,4 %" (the value is already ×100)."""
    return DASH if value is None else f"{decimal(value, places)} %"


def minutes(seconds: float | None, places: int = 1) -> str:
    """A duration as a bare figure in minutes, for a column headed "(phút)": 4308 → "71,8"."""
    return DASH if seconds is None else decimal(seconds / 60, places)


def whole_minutes(seconds: float | None) -> str:
    """Whole minutes as words, rounded down as a clock reads them: 4308 → "71 phút"."""
    return DASH if seconds is None else f"{integer(max(0, int(seconds)) // 60)} phút"


def duration(seconds: float | None) -> str:
    """A duration in words: 45 → "45 giây"; 450 → "7 phút 30 giây"; 4320 → "1 giờ 12 phút".

    Past ten minutes the seconds are noise and are rounded away; past an hour, hours and minutes.
    """
    if seconds is None:
        return DASH
    total = max(0, round(seconds))
    m, s = divmod(total, 60)
    if m == 0:
        return f"{s} giây"
    if m < 10:
        return f"{m} phút {s:02d} giây" if s else f"{m} phút"
    m = round(total / 60)
    h, m = divmod(m, 60)
    if h == 0:
        return f"{m} phút"
    return f"{integer(h)} giờ {m} phút" if m else f"{integer(h)} giờ"
