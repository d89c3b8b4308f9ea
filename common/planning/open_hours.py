"""Open minutes per local hour: the denominator of an arrival *rate while open*.

Dividing a clock hour's arrivals by 60 minutes undercounts every half-open hour (issue 17): with
opening at 07:30, the 07:00 hour's 9 arrivals came in 30 open minutes, a rate of 18 an hour, not 9.
Stdlib only, so the staffing advice, the plan search and their tests share one definition.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import time

Window = tuple[time, time]


def seconds_of(t: time) -> float:
    """Seconds since midnight; ``time.max`` (the default 'open all day' end) counts as 24:00."""
    if t == time.max:
        return 86400.0
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


def merge(windows: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping or touching intervals (seconds since midnight) merged, in order."""
    out: list[tuple[float, float]] = []
    for a, b in sorted(w for w in windows if w[1] > w[0]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def as_seconds(windows: Sequence[Window]) -> list[tuple[float, float]]:
    return merge((seconds_of(a), seconds_of(b)) for a, b in windows)


def open_minutes(windows: Sequence[tuple[float, float]]) -> dict[int, float]:
    """Open minutes in each local hour (0–23) covered by the windows (seconds since midnight)."""
    out: dict[int, float] = {}
    for a, b in merge(windows):
        t = a
        while t < b:
            hour = int(t // 3600)
            step = min(b, (hour + 1) * 3600.0)
            out[hour] = out.get(hour, 0.0) + (step - t) / 60
            t = step
    return out


def rate_while_open(arrivals: float, minutes_open: float) -> float:
    """Arrivals per open hour; an hour the office's hours say is closed counts as fully open
    (tickets issued there anyway, e.g. by a supervisor, came in *some* time)."""
    return arrivals * 60 / minutes_open if minutes_open > 0 else arrivals
