"""Appointments (issue 19): the plan, its slots, and the values a booking crosses the boundary as.

Standard library only, like the rest of common.core: the store applies the plan to rows
(common.store.bookings), the config reads it (common.config), the phone pages and the kiosk
show these values. Times are aware UTC instants; a day and an hour of the plan are the
office's local ones, turned into UTC here with the office's zone.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from common.core.errors import MotcuaError
from common.core.model import Ticket, parse_span, span_text

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: a code read aloud over the phone or typed on a kiosk keypad
# cannot be mistaken. 24 letters and digits, 8 of them: 24**8 ≈ 1.1e11, unguessable at any rate limit.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY3467"
CODE_LENGTH = 8

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class BookingState(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"
    NO_SHOW = "no_show"


class BookingOrder(StrEnum):
    """Where a checked-in booking stands in the call order (``rules.call_key``)."""

    AFTER_PRIORITY = "after_priority"  # after the priority categories, before walk-ins
    WITH_WALKINS = "with_walkins"  # with the walk-ins, by queue time


@dataclass(frozen=True)
class ServicePlan:
    """One service's appointment plan ([appointments.services.CODE])."""

    service: str
    slot_minutes: int = 15
    capacity: int = 2
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)  # ISO, 1 = Monday
    hours: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 0)), (time(13, 30), time(16, 30)))
    ahead_days: int = 14
    reserved_share: float | None = None  # share of the service's counters' time kept for bookings (``places``)
    remote_number: bool = True

    def slot_starts(self, day: date, tz: ZoneInfo) -> Iterator[datetime]:
        """The UTC start of every slot of ``day`` that fits wholly inside an interval of the plan."""
        if day.isoweekday() not in self.weekdays:
            return
        step = timedelta(minutes=self.slot_minutes)
        for start, end in self.hours:
            at = datetime.combine(day, start, tz)
            stop = datetime.combine(day, end, tz) if end != time.max else datetime.combine(
                day + timedelta(days=1), time(0), tz)
            while at + step <= stop:
                yield at.astimezone(UTC)
                at += step

    def places(self, counters: int, service_minutes: float) -> int:
        """The places a slot offers: ``capacity``, and with ``reserved_share`` no more than that share of the
        service's counters' time in the slot holds at the usual service time. 3 counters × 0.2 × 15 min at
        6 min a citizen = 1.5 → 1 place: the other 80 % of their time stays for walk-ins, whatever the
        capacity says. Rounded down, so bookings never take more than their share; no counter, no place."""
        if self.reserved_share is None:
            return self.capacity
        fits = counters * self.reserved_share * self.slot_minutes / max(service_minutes, 0.1)
        return max(0, min(self.capacity, int(fits + 1e-9)))

    def holds(self, slot_start: datetime, tz: ZoneInfo) -> bool:
        """Is ``slot_start`` a slot of this plan (right day, right hour, on the slot grid)?"""
        local = slot_start.astimezone(tz)
        day = local.date()
        if day.isoweekday() not in self.weekdays:
            return False
        step = timedelta(minutes=self.slot_minutes)
        for start, end in self.hours:  # as slot_starts steps: on the local wall clock from the interval's start
            at = datetime.combine(day, start, tz)
            stop = datetime.combine(day, end, tz) if end != time.max else datetime.combine(
                day + timedelta(days=1), time(0), tz)
            if at <= local and (local - at) % step == timedelta(0) and local + step <= stop \
                    and local.astimezone(UTC) == slot_start:
                return True
        return False

    def to_json(self) -> dict[str, Any]:
        return {"service": self.service, "slot_minutes": self.slot_minutes, "capacity": self.capacity,
                "weekdays": list(self.weekdays), "hours": [span_text(h) for h in self.hours],
                "ahead_days": self.ahead_days, "reserved_share": self.reserved_share,
                "remote_number": self.remote_number}


@dataclass(frozen=True)
class AppointmentPlan:
    """The office's [appointments] section: window, order, caps, holidays and the per-service plans."""

    early_minutes: int = 15
    late_minutes: int = 10
    order: BookingOrder = BookingOrder.AFTER_PRIORITY
    max_active_per_contact: int = 2
    closed_dates: tuple[date, ...] = ()  # holidays and other closed days: no slot on them
    services: Mapping[str, ServicePlan] = field(default_factory=dict)

    def service(self, code: str) -> ServicePlan | None:
        return self.services.get(code)

    def open_on(self, plan: ServicePlan, day: date) -> bool:
        return day not in self.closed_dates and day.isoweekday() in plan.weekdays

    def window(self, slot_start: datetime) -> tuple[datetime, datetime]:
        """The check-in window: from ``early_minutes`` before the slot to ``late_minutes`` after its start."""
        return (slot_start - timedelta(minutes=self.early_minutes),
                slot_start + timedelta(minutes=self.late_minutes))

    def to_json(self) -> dict[str, Any]:
        return {"early_minutes": self.early_minutes, "late_minutes": self.late_minutes, "order": self.order.value,
                "max_active_per_contact": self.max_active_per_contact,
                "closed_dates": [d.isoformat() for d in self.closed_dates],
                "services": {code: p.to_json() for code, p in self.services.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> AppointmentPlan:
        """The plan as ``load_office`` stored it in office_settings; None or {} is 'no bookings anywhere'."""
        if not data:
            return cls()
        services = {}
        for code, p in dict(data.get("services", {})).items():
            hours = tuple(parse_span(h) for h in p.get("hours", ()))
            services[code] = ServicePlan(
                code, int(p["slot_minutes"]), int(p["capacity"]), tuple(int(d) for d in p["weekdays"]), hours,
                int(p["ahead_days"]), p.get("reserved_share"), bool(p.get("remote_number", True)))
        return cls(int(data.get("early_minutes", 15)), int(data.get("late_minutes", 10)),
                   BookingOrder(data.get("order", BookingOrder.AFTER_PRIORITY.value)),
                   int(data.get("max_active_per_contact", 2)),
                   tuple(date.fromisoformat(d) for d in data.get("closed_dates", ())), services)


def new_code() -> str:
    """CODE_LENGTH characters of CODE_ALPHABET, uniform, from ONE read of the system's random source
    (``secrets.choice`` per character read it CODE_LENGTH times: a quarter of a booking's client CPU)."""
    n = len(CODE_ALPHABET)
    value = secrets.randbelow(n**CODE_LENGTH)
    chars = []
    for _ in range(CODE_LENGTH):
        value, i = divmod(value, n)
        chars.append(CODE_ALPHABET[i])
    return "".join(chars)


def clean_code(typed: str) -> str:
    """What a citizen typed or a scanner sent, as a code: the QR may hold a URL ending in it; case and
    spaces and dashes do not matter. Letters a code never has stay, so the lookup simply finds nothing."""
    text = typed.strip().rstrip("/")
    if "/" in text:
        text = text.rsplit("/", 1)[-1]
    return "".join(ch for ch in text.upper() if ch.isalnum())


@dataclass(frozen=True)
class Slot:
    service: str
    start: datetime  # aware UTC
    end: datetime
    capacity: int
    taken: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.taken)


@dataclass(frozen=True)
class Booking:
    code: str
    service: str
    service_name_vi: str
    service_name_en: str
    slot_start: datetime
    slot_end: datetime
    state: BookingState
    contact: str | None
    ticket_code: str | None
    created_at: datetime


@dataclass(frozen=True)
class CheckIn:
    booking: Booking
    ticket: Ticket
    on_time: bool
    reason_vi: str
    reason_en: str
    counters: tuple[int, ...] = ()  # where to go, as ``Issued.counters``


class BookingRefused(MotcuaError):
    """A booking, cancel, rebook, check-in or remote number refused; ``reason`` is one of REFUSALS.

    ``str()`` is the Vietnamese line (what the kiosk and the phone show first); ``en`` beside it.
    """

    def __init__(self, reason: str, vi: str, en: str) -> None:
        super().__init__(vi)
        self.reason, self.vi, self.en = reason, vi, en

    def message(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


REFUSALS = ("full", "closed", "past", "too_far", "too_many", "unknown", "cancelled", "other_day", "already",
            "remote_off", "one_active", "no_show", "early", "contact", "too_many_here")


def refused(reason: str, **facts: Any) -> BookingRefused:
    """The refusal ``reason`` in both languages, its facts filled in."""
    vi, en = REFUSAL_WORDS[reason]
    return BookingRefused(reason, vi.format(**facts), en.format(**facts))


REFUSAL_WORDS: dict[str, tuple[str, str]] = {
    "full": ("Khung giờ {when} đã hết chỗ, xin chọn giờ khác", "The {when} slot is full, please choose another"),
    "closed": ("{service} không nhận lịch hẹn vào {when}", "{service} takes no bookings at {when}"),
    "past": ("Khung giờ {when} đã qua", "The {when} slot has passed"),
    "too_far": ("Chỉ nhận đặt lịch trước tối đa {days} ngày", "Bookings open at most {days} days ahead"),
    "too_many": ("Số điện thoại/e-mail này đã có {n} lịch hẹn chưa dùng", "This contact already has {n} open "
                 "bookings"),
    # no contact given: the page's caller's address holds as many bookings a day as a phone (bookings.address_key)
    "too_many_here": ("Hôm nay đã có {n} lịch hẹn không kèm số điện thoại được đặt từ mạng này. Để đặt thêm, "
                      "xin nhập số điện thoại hoặc e-mail (của người đi làm thủ tục hoặc người nhà)",
                      "{n} bookings without a phone number were already made from this network today. To book "
                      "another, please enter a phone number or e-mail (yours or a relative's)"),
    "unknown": ("Không tìm thấy lịch hẹn {code}", "No booking {code}"),
    "cancelled": ("Lịch hẹn {code} đã bị huỷ", "Booking {code} was cancelled"),
    "other_day": ("Lịch hẹn {code} là của ngày {day}, không phải hôm nay", "Booking {code} is for {day}, not "
                  "today"),
    "already": ("Lịch hẹn {code} đã được sử dụng (vé {ticket})", "Booking {code} was already used (ticket "
                "{ticket})"),
    "remote_off": ("{service} không cấp số trực tuyến", "{service} does not give numbers online"),
    "one_active": ("Điện thoại này đã có số {ticket} đang chờ", "This phone already holds number {ticket}"),
    "no_show": ("Lịch hẹn {code} đã quá giờ và bị tính vắng mặt", "Booking {code} expired as a no-show"),
}
