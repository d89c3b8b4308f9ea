"""The dashboard's periods: presets counted back from today, calendar months, quarter, year, or custom days.

The default is the last 30 days: on the 1st of a month "this month" is one morning long and every tab
looked empty.
"""

from __future__ import annotations

from datetime import date, timedelta

PERIODS = {"today": "Hôm nay", "7d": "7 ngày qua", "30d": "30 ngày qua", "month": "Tháng này",
           "last_month": "Tháng trước", "quarter": "Quý này", "year": "Năm nay", "custom": "Tùy chọn"}
DEFAULT = "30d"
GROUPINGS_VI = {"service": "Dịch vụ", "counter": "Quầy", "clerk": "Cán bộ", "hour": "Giờ trong ngày",
                "weekday": "Thứ trong tuần", "day": "Ngày"}


def period(kind: str, today: date, custom: tuple[date, date] | None = None) -> tuple[date, date]:
    """The first and last service day of a period, both inclusive ("7 ngày qua" includes today)."""
    if kind == "today":
        return today, today
    if kind in ("7d", "30d"):
        return today - timedelta(days=int(kind[:-1]) - 1), today
    if kind == "month":
        return today.replace(day=1), today
    if kind == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if kind == "quarter":
        return today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1), today
    if kind == "year":
        return today.replace(month=1, day=1), today
    if kind == "custom":
        if custom is None:
            raise ValueError("a custom period needs its first and last day")
        start, end = custom
        if end < start:
            raise ValueError(f"ngày kết thúc {end:%d/%m/%Y} trước ngày bắt đầu {start:%d/%m/%Y}")
        return start, end
    raise ValueError(f"unknown period {kind!r}")


def label(start: date, end: date) -> str:
    return f"{start:%d/%m/%Y}" if start == end else f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
