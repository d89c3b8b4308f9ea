"""What every app does when the store cannot be reached: one retry schedule, one text.

The live view (ui/live_view.py) and the change feed (ui/feed.py) both wait by this
schedule, so a kiosk and a counter on the same lost network come back at the same pace,
and a server that restarts is not hammered by every PC of the hall at once.
"""

from __future__ import annotations

# Milliseconds to wait before the n-th attempt after an outage; the last one repeats.
BACKOFF_MS: tuple[int, ...] = (1_000, 2_000, 4_000, 8_000, 15_000)

# The one sentence shown while the store is unreachable (Vietnamese first).
OUTAGE_TEXT = {
    "vi": "Mất kết nối tới máy chủ dữ liệu – đang tự kết nối lại…",
    "en": "Lost the connection to the data server – reconnecting…",
}


def backoff_ms(attempt: int) -> int:
    """The wait before retry number ``attempt`` (0 = the first retry after the outage began)."""
    return BACKOFF_MS[min(max(attempt, 0), len(BACKOFF_MS) - 1)]


def outage_text(lang: str = "vi") -> str:
    return OUTAGE_TEXT.get(lang, OUTAGE_TEXT["vi"])
