"""The History tab's periods: today, this week (from Monday), this month, or custom days."""

from __future__ import annotations

from datetime import date, timedelta

PERIODS = {"today": "Hôm nay", "week": "Tuần này", "month": "Tháng này", "custom": "Tùy chọn"}
GROUPINGS_VI = {"service": "Dịch vụ", "counter": "Quầy", "clerk": "Cán bộ", "hour": "Giờ trong ngày",
                "weekday": "Thứ trong tuần", "day": "Ngày"}


def period(kind: str, today: date, custom: tuple[date, date] | None = None) -> tuple[date, date]:
    """The first and last service day of a period, both inclusive."""
    if kind == "today":
        return today, today
    if kind == "week":
        return today - timedelta(days=today.isoweekday() - 1), today
    if kind == "month":
        return today.replace(day=1), today
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
