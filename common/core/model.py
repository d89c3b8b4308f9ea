"""Plain values that cross the boundary between the store and the apps.

The store never hands ORM rows to a caller: every operation returns one of these
frozen dataclasses, so a widget can keep them as long as it likes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from common.core.estimate import NO_COUNTER
from common.core.events import EventKind

# The states and their rules live in common.core.rules; re-exported so existing imports keep working.
from common.core.rules import CounterState as CounterState
from common.core.rules import Ordering as Ordering
from common.core.rules import TicketStatus as TicketStatus


class Role(StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class PrintStatus(StrEnum):
    PENDING = "pending"  # committed, not yet sent to a printer
    PRINTED = "printed"  # the printer answered its status after the job, with no error
    SENT = "sent"  # the bytes went out to a printer that cannot report status (printer.status = none)
    FAILED = "failed"  # the citizen holds no paper: the kiosk showed the number on screen
    NOT_PRINTED = "not_printed"  # issued without a printer (CLI, clerk, phone)


# The categories served first by law and custom; offices can replace the list in their config.
DEFAULT_PRIORITY_CATEGORIES: dict[str, tuple[str, str]] = {
    "elderly": ("Người cao tuổi", "Elderly"),
    "disability": ("Người khuyết tật", "Person with disability"),
    "pregnant": ("Phụ nữ mang thai", "Pregnant woman"),
    "small_child": ("Người bế con nhỏ", "Carrying a small child"),
    "meritorious": ("Người có công với cách mạng", "Meritorious service"),
}


def parse_span(text: str) -> tuple[time, time]:
    """``"07:30-11:30"`` → (07:30, 11:30); ``24:00`` is the end of the day. ValueError if malformed."""
    start, end = (part.strip() for part in text.split("-"))
    return _clock_time(start), time.max if end == "24:00" else _clock_time(end)


def span_text(span: tuple[time, time]) -> str:
    start, end = span
    return f"{start:%H:%M}-{'24:00' if end == time.max else f'{end:%H:%M}'}"


def _clock_time(text: str) -> time:
    hours, minutes = text.split(":")
    if len(minutes) != 2:
        raise ValueError(f"not a time of day: {text!r}")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class OpeningHours:
    """Opening intervals on the listed ISO weekdays (1 = Monday)."""

    intervals: tuple[tuple[time, time], ...] = ((time(0, 0), time.max),)
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)

    def is_open(self, local: datetime) -> bool:
        if local.isoweekday() not in self.weekdays:
            return False
        t = local.time()
        return any(start <= t < end for start, end in self.intervals)

    def label(self) -> str:
        return ", ".join(span_text(span).replace("-", "–") for span in self.intervals)


@dataclass(frozen=True)
class Service:
    code: str
    prefix: str
    name_vi: str
    name_en: str
    number_min: int = 1
    number_max: int = 999
    hours: OpeningHours = field(default_factory=OpeningHours)
    daily_cap: int | None = None
    target_minutes: int = 30
    active: bool = True
    # What the office expects one service to take before it has a history (issue 17): the forecast's prior
    # for this service in place of the office-wide default_service_minutes. None: that default.
    typical_minutes: float | None = None

    def name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" else self.name_vi


@dataclass(frozen=True)
class Counter:
    number: int
    name: str
    services: tuple[str, ...]
    ordering: Ordering = Ordering.OLDEST_FIRST
    state: CounterState = CounterState.CLOSED
    clerk: str | None = None
    active: bool = True
    # The office's [appointments] order (issue 19): checked-in bookings before walk-ins (rules.call_key).
    booked_first: bool = True
    # Scheduled breaks (issue 17), daily, in office local time: (start, end) by start; the hall forecast takes them.
    breaks: tuple[tuple[time, time], ...] = ()


@dataclass(frozen=True)
class Clerk:
    username: str
    full_name: str
    role: Role
    active: bool = True


@dataclass(frozen=True)
class Ticket:
    id: int
    visit_id: int
    code: str
    service: str
    service_name_vi: str
    service_name_en: str
    token: str | None
    status: TicketStatus
    priority: bool
    priority_category: str | None
    service_day: date
    issued_at: datetime
    queued_at: datetime
    first_called_at: datetime | None
    called_at: datetime | None
    last_called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    counter: int | None
    clerk: str | None
    target_counter: int | None
    people_ahead: int
    estimated_wait_seconds: int
    print_status: PrintStatus
    recall_count: int
    target_minutes: int
    # The hall forecast behind the printed wait (docs/metrics.md, "The printed wait"): its method
    # ('forecast' or 'formula'; None when the store did not forecast), its 10th/50th/90th
    # percentiles (None when the formula was printed) and the naive formula's figure.
    estimate_method: str | None = None
    forecast_p10_s: int | None = None
    forecast_p50_s: int | None = None
    forecast_p90_s: int | None = None
    naive_wait_s: int | None = None
    # Issue 19: a booking checked in within its window ("Hẹn"), called after the priority categories.
    booked: bool = False
    booking_code: str | None = None

    @property
    def no_counter_open(self) -> bool:
        """Issued while no counter of its service was open or on a break: no wait was promised."""
        return self.estimate_method == NO_COUNTER

    @property
    def wait_seconds(self) -> int | None:
        """First call − issued; when a no-show was called again, that last call counts."""
        if self.called_at is None:
            return None
        return int((self.called_at - self.issued_at).total_seconds())

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, datetime | date):
                data[key] = value.isoformat()
        data["status"] = self.status.value
        data["print_status"] = self.print_status.value
        data["wait_seconds"] = self.wait_seconds
        return data


@dataclass(frozen=True)
class Issued:
    """What the kiosk needs after a tap: the committed ticket and where to go."""

    ticket: Ticket
    counters: tuple[int, ...]


@dataclass(frozen=True)
class ServiceQueue:
    service: Service
    waiting: int
    longest_wait_seconds: int
    estimated_wait_seconds: int
    open_now: bool
    issued_today: int
    cap_reached: bool
    counters_open: int
    # Some counter serving it is open or on a break. False: no wait can be promised (common.core.estimate).
    staffed: bool = True


@dataclass(frozen=True)
class CounterStatus:
    counter: Counter
    current: Ticket | None
    on_hold: tuple[Ticket, ...]


@dataclass(frozen=True)
class QueueSnapshot:
    """Everything a live screen shows, read in one transaction."""

    at: datetime
    services: tuple[ServiceQueue, ...]
    counters: tuple[CounterStatus, ...]
    waiting: tuple[Ticket, ...]

    @property
    def longest_wait_seconds(self) -> int:
        return max((s.longest_wait_seconds for s in self.services), default=0)

    def service(self, code: str) -> ServiceQueue:
        return next(s for s in self.services if s.service.code == code)


@dataclass(frozen=True)
class Event:
    """One row of the append-only audit log."""

    id: int
    at: datetime
    kind: EventKind
    ticket_id: int | None
    ticket_code: str | None
    counter: int | None
    clerk: str | None
    from_status: str | None
    to_status: str | None
    detail: str | None
