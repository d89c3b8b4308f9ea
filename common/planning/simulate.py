"""Simulated working days through the real store: "what if we open one more counter?".

A discrete-event simulation (a heap of timed events) drives the *real* Store
operations (issue_ticket, call_next, start_service, finish_service, mark_no_show)
on a ManualClock that jumps from event to event. Citizens arrive as a Poisson
process while the office is open; each clerk calls the next ticket whenever free,
so every figure of the resulting report comes from the same code as a real day.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import time as timer
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from common.config import ClerkSpec, OfficeSpec
from common.core.clock import ManualClock
from common.core.errors import DomainError, MotcuaError, said
from common.core.model import Counter, CounterState, OpeningHours, Role, Service, TicketStatus
from common.planning.booked import NO_BOOKINGS, BookingMix, booking_rng
from common.planning.booked import with_slots as booked_arrivals
from common.planning.engine import US, Engine, from_us, to_us, write
from common.store import Store
from common.views.report import Report

MORNING, AFTERNOON = (time(7, 30), time(11, 30)), (time(13, 30), time(17, 0))
OFFICE_HOURS = (MORNING, AFTERNOON)
WORKDAYS = (1, 2, 3, 4, 5)
NO_SHOW_GIVE_UP_S = 120  # a clerk recalls for two minutes before marking a no-show
DEFAULT_SERVICE = Service("TT", "T", "Tiếp nhận hồ sơ", "Document intake",
                          hours=OpeningHours(OFFICE_HOURS, WORKDAYS))

# arrivals per hour at local time -> per service code
Demand = Callable[[datetime], Mapping[str, float]]
ServiceTime = Callable[[random.Random, str], float]
# (counter, local start, minutes): the counter leaves for a break then, or when its citizen leaves
Breaks = Sequence[tuple[int, time, float]]


@dataclass(frozen=True)
class SimResult:
    days: tuple[date, ...]
    counters: tuple[int, ...]
    tickets: int
    report: Report
    wall_seconds: float
    # walk-in and booked waits, called or expired (seconds; issue 19): only when bookings were simulated
    walk_in_waits_s: tuple[int, ...] = ()
    booked_waits_s: tuple[int, ...] = ()

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "days": [d.isoformat() for d in self.days], "counters": list(self.counters), "tickets": self.tickets,
            "wall_seconds": round(self.wall_seconds, 2), "report": self.report.to_json()}
        if self.booked_waits_s or self.walk_in_waits_s:
            out["walk_in"], out["booked"] = wait_summary(self.walk_in_waits_s), wait_summary(self.booked_waits_s)
        return out


def wait_summary(waits: Sequence[int], target_s: float = 1800) -> dict[str, float | int | None]:
    """Tickets, % within target and mean wait (minutes) of ``waits``; None where there is none."""
    n = len(waits)
    return {"tickets": n, "within_target_pct": round(100 * sum(w <= target_s for w in waits) / n, 1) if n else None,
            "wait_mean_min": round(sum(waits) / n / 60, 1) if n else None}


def simulate(store: Store, days: int = 1, counters: int = 3, arrivals_per_hour: float = 30.0,
             mean_service_minutes: float = 8.0, seed: int = 1, start: date | None = None, *,
             hours: Sequence[tuple[time, time]] = OFFICE_HOURS, weekdays: Sequence[int] = WORKDAYS,
             walk_seconds: float = 0.0, no_show_share: float = 0.0, overtime_minutes: float = 60,
             fast: bool = False, bookings: BookingMix = NO_BOOKINGS) -> SimResult:
    """An M/M/c office: Poisson arrivals spread evenly over the counters' services, exponential service.

    An empty store gets a one-service office ("TT", Tiếp nhận hồ sơ) with ``counters``
    counters; otherwise the first ``counters`` active counters are staffed. ``fast`` plays the
    days on the engine (for a scratch store: the engine assumes it owns the days it writes).
    """
    if days < 1 or counters < 1 or arrivals_per_hour < 0 or mean_service_minutes <= 0:
        got = f"days={days}, counters={counters}, arrivals={arrivals_per_hour}, service={mean_service_minutes} min"
        raise said(MotcuaError, f"mô phỏng cần days ≥ 1, counters ≥ 1, arrivals ≥ 0 và thời gian phục vụ dương; "
                   f"nhận được {got}", f"simulate needs days ≥ 1, counters ≥ 1, arrivals ≥ 0 and a positive "
                   f"service time; got {got}")
    if bookings.active and not fast:  # the store books only the office's own plan's slots: the engine's draw
        raise said(MotcuaError, "mô phỏng lịch hẹn chỉ chạy trong cơ sở dữ liệu tạm (bỏ --into-store)",
                   "simulating bookings runs only in a temporary database (drop --into-store)")
    if not store.services():
        store.load_office(OfficeSpec(services=(DEFAULT_SERVICE,), counters=tuple(
            Counter(n, f"Quầy {n}", (DEFAULT_SERVICE.code,)) for n in range(1, counters + 1))))
    staffed = staff(store, counters)
    codes = sorted({code for c in staffed for code in c.services})
    share = arrivals_per_hour / len(codes)
    mean_s = mean_service_minutes * 60
    return run(store, staffed, workdays(start or store.today, days, weekdays), hours,
               demand=lambda _local: dict.fromkeys(codes, share),
               service_time=lambda rng, _code: rng.expovariate(1 / mean_s),
               seed=seed, walk_seconds=walk_seconds, no_show_share=no_show_share, overtime_minutes=overtime_minutes,
               fast=fast, bookings=bookings)


def staff(store: Store, n: int) -> list[Counter]:
    """The first ``n`` active counters, each given a simulated clerk simN (no password: cannot sign in)."""
    available = [c for c in store.counters() if c.active and c.services]
    if len(available) < n:
        raise said(MotcuaError, f"trung tâm có {len(available)} quầy; không thể bố trí {n}",
                   f"the office has {len(available)} counters; cannot staff {n}")
    categories = store.office_setting("priority_categories")  # load_office rewrites it: keep the office's
    clerks = tuple(ClerkSpec(f"sim{i}", f"Cán bộ mô phỏng {i}", Role.CLERK) for i in range(1, n + 1))
    # ...and its appointment plan (issue 19), which the booked citizens' check-ins follow
    store.load_office(OfficeSpec(clerks=clerks, appointments=store.appointment_plan(),
                                 **({"priority_categories": categories} if categories else {})))
    return available[:n]


def workdays(first: date, n: int, weekdays: Sequence[int] = WORKDAYS) -> list[date]:
    days: list[date] = []
    day = first
    while len(days) < n:
        if day.isoweekday() in weekdays:
            days.append(day)
        day += timedelta(days=1)
    return days


def run(store: Store, staffed: Sequence[Counter], days: Sequence[date], hours: Sequence[tuple[time, time]], *,
        demand: Demand, service_time: ServiceTime, seed: int, walk_seconds: float | Callable[[random.Random], float]
        = 0.0, no_show_share: float = 0.0, overtime_minutes: float = 60, fast: bool = False,
        priority_share: float = 0.0, transfer_share: float = 0.0, breaks: Breaks = (),
        bookings: BookingMix = NO_BOOKINGS) -> SimResult:
    """Simulate ``days`` with ``staffed`` counters; returns the report of those days.

    ``bookings`` (issue 19) turns a share of arrivals into booked citizens (common.planning.booked).
    On the store, each booked citizen's slot is booked the evening before (``Store.book``: the office's
    plan must hold it) and checked in at the arrival (``Store.check_in``), which the exact replay
    (tests/common/test_engine.py) compares with the engine; ``simulate`` keeps bookings on the engine.

    ``fast=True`` plays the days on the store-free engine (common.planning.engine) and bulk-inserts
    the result: the same tickets (the exact-replay test checks it) in a fraction of the time.
    """
    began = timer.perf_counter()
    clock = ManualClock(datetime.combine(days[0], hours[0][0], store.tz))
    # With no walk and no no-shows the call itself starts the service: one transaction fewer per citizen.
    instant = not callable(walk_seconds) and walk_seconds == 0 and no_show_share == 0
    sim = Store(store.db, clock, store.tz, default_service_minutes=store.default_service_s / 60,
                call_starts_service=instant)
    rng = random.Random(seed)
    walk = walk_seconds if callable(walk_seconds) else (lambda _rng, w=walk_seconds: w)
    engine = Engine.for_store(sim, call_starts_service=instant) if fast else None
    day_engine = _Day(engine or sim, clock, staffed, rng, service_time, walk, no_show_share, priority_share,
                      transfer_share, breaks, bookings, {s.code: s.hours for s in sim.services()})
    for day in days:
        day_engine.run(day, hours, demand, overtime_minutes)
    if engine is not None:
        if engine.now_us is not None:  # the report is written "now", as after the same days through the store
            clock.set(from_us(engine.now_us).astimezone(store.tz))
        write(engine, sim)
    result_report = sim.views.report(days[0], days[-1])
    split: tuple[list[int], list[int]] = ([], [])
    if engine is not None and bookings.active:
        for t in engine.tickets:
            if t.wait_s is not None and t.transfer_seq == 0:  # a citizen's first queue, called or expired
                split[t.booked].append(t.wait_s)
    return SimResult(tuple(days), tuple(c.number for c in staffed), day_engine.issued, result_report,
                     timer.perf_counter() - began, tuple(split[0]), tuple(split[1]))


# The day loop's events, numbered in the order the loop tests them (the commonest first). A heap entry is
# (at, order, kind, arg): ``order`` breaks ties first pushed, first played, so ``kind`` is never compared.
ARRIVE, START, FINISH, NO_SHOW, OPEN, BOOKED, BREAK, BACK = range(8)


class HourlyDemand:
    """A Demand that depends only on the local hour and ISO weekday: ``rates(hour, weekday)`` → arrivals an
    hour per service, asked once per (hour, weekday). Marked ``hourly``, so the day loop's thinning asks it
    once per local hour instead of once per candidate arrival (the same rates, so the same draws)."""

    hourly = True

    def __init__(self, rates: Callable[[int, int], Mapping[str, float]]) -> None:
        self._rates = rates
        self._known: dict[tuple[int, int], Mapping[str, float]] = {}

    def __call__(self, local: datetime) -> Mapping[str, float]:
        key = (local.hour, local.isoweekday())
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = self._rates(*key)
        return found


class _Day:
    """The event loop of one working day, the same on the store and on the engine (the exact replay relies on it).

    Event times are float seconds; each is turned into whole microseconds once (engine.to_us), the
    instant both backends then see, so that their waits are equal to the second.
    """

    def __init__(self, sim: Store | Engine, clock: ManualClock, staffed: Sequence[Counter], rng: random.Random,
                 service_time: ServiceTime, walk: Callable[[random.Random], float], no_show_share: float,
                 priority_share: float = 0.0, transfer_share: float = 0.0, breaks: Breaks = (),
                 bookings: BookingMix = NO_BOOKINGS, opening: Mapping[str, OpeningHours] | None = None) -> None:
        self.sim, self.clock, self.rng = sim, clock, rng
        self.clerk = {c.number: f"sim{i}" for i, c in enumerate(staffed, 1)}
        self.serves = {c.number: set(c.services) for c in staffed}
        self.codes = sorted({code for c in staffed for code in c.services})
        self.by_code = {code: sorted(n for n, s in self.serves.items() if code in s) for code in self.codes}
        self.service_time, self.walk, self.no_show_share = service_time, walk, no_show_share
        self.priority_share, self.transfer_share, self.breaks = priority_share, transfer_share, tuple(breaks)
        self.bookings = bookings
        self.book_rng = booking_rng(rng) if bookings.active else rng
        self.opening = opening or {}  # each service's hours: a late check-in after them gets no ticket
        self.issued = 0
        self.waiting: dict[str, int] = {}  # known without asking: only the simulator issues and calls here
        if isinstance(sim, Engine):
            self.tick: Callable[[float], None] = sim.set_time
        else:
            tz = sim.tz
            self.tick = lambda at: clock.set(from_us(to_us(at)).astimezone(tz))

    def run(self, day: date, hours: Sequence[tuple[time, time]], demand: Demand, overtime_minutes: float) -> None:
        tz = self.sim.tz
        events: list[tuple[float, int, int, Any]] = []
        sim, rng, clerk_of, serves, waiting, tick = self.sim, self.rng, self.clerk, self.serves, self.waiting, self.tick
        engine = sim if isinstance(sim, Engine) else None
        # ties at one instant: first pushed, first played
        heappush, heappop, nxt = heapq.heappush, heapq.heappop, itertools.count(1).__next__

        def push(at: float, kind: int, arg: object = None) -> None:
            heappush(events, (at, nxt(), kind, arg))

        for number, starts, minutes in self.breaks:  # first: a counter off at opening never calls
            if number in clerk_of:
                push(datetime.combine(day, starts, tz).timestamp(), BREAK, (number, minutes * 60))
        windows = []
        for opens, closes in hours:
            a, b = datetime.combine(day, opens, tz).timestamp(), datetime.combine(day, closes, tz).timestamp()
            windows.append((a, b + overtime_minutes * 60))
            push(a, OPEN)
            if self.bookings.active:  # booked citizens arrive around their slot; the rest as drawn
                for at, code, on_time, slot in booked_arrivals(self.bookings, self.book_rng, a,
                                                               self._arrivals(a, b, demand)):
                    if slot is None:
                        push(at, ARRIVE, code)
                    else:  # on the store, booked before the day opens (below) and checked in at ``at``
                        push(at, BOOKED, [code, slot, on_time, ""])
            else:
                for at, code in self._arrivals(a, b, demand):
                    push(at, ARRIVE, code)
        if self.bookings.active and isinstance(sim, Store):  # the day's bookings, made the evening before
            tick(windows[0][0] - 12 * 3600)
            for *_, kind, arg in sorted(events):
                if kind == BOOKED:
                    booking = cast(list, arg)
                    booking[3] = sim.book(booking[0], from_us(to_us(booking[1])), None, source="sim").code
        tick(windows[0][0])
        for number, clerk in clerk_of.items():
            sim.sign_in(number, clerk, take_over=True)  # the day's first sign-in closes earlier days
        idle = set(clerk_of)
        away: dict[int, float] = {}  # counters due for a break (seconds) once their citizen leaves
        on_break: set[int] = set()
        # The hot loop's names, bound once (a local is cheaper than an attribute, per event).
        issue, call_next, start, finish = sim.issue_ticket, sim.call_next, sim.start_service, sim.finish_service
        service_time, walk, draw, by_code = self.service_time, self.walk, rng.random, self.by_code
        no_show_share, priority_share, transfer_share = self.no_show_share, self.priority_share, self.transfer_share
        transfers = bool(transfer_share) and len(self.codes) > 1
        serving, issued = TicketStatus.SERVING, self.issued

        def call(number: int, at: float) -> None:
            if number in away:
                sim.set_counter_state(number, clerk_of[number], CounterState.BREAK)
                on_break.add(number)
                push(at + away.pop(number), BACK, number)
                return
            ticket = None
            for code in serves[number]:  # anyone to call? (a loop: this runs for every free counter)
                if waiting.get(code):
                    for a, b in windows:  # may it call now? (a loop: any() and its generator cost more)
                        if a <= at < b:
                            ticket = call_next(number, clerk_of[number])
                            break
                    break
            if ticket is None:
                idle.add(number)
                return
            code = ticket.service
            left = waiting.get(code, 0) - 1
            waiting[code] = left if left > 0 else 0
            if ticket.status is serving:
                heappush(events, (at + service_time(rng, code), nxt(), FINISH, number))
            elif draw() < no_show_share:
                heappush(events, (at + NO_SHOW_GIVE_UP_S, nxt(), NO_SHOW, number))
            else:
                heappush(events, (at + walk(rng), nxt(), START, (number, code)))

        def queued(code: str, at: float) -> None:
            waiting[code] = waiting.get(code, 0) + 1
            for number in by_code.get(code, ()):
                if number in idle:
                    idle.discard(number)
                    call(number, at)
                    if number not in idle:
                        break

        while events:
            at, _, kind, arg = heappop(events)
            if engine is not None:
                engine.now_us = round(at * US)  # Engine.set_time, inlined: this runs once per event
            else:
                tick(at)
            if kind == ARRIVE:
                # Drawn only when asked for, so that the same seed gives the same days as before.
                category = "elderly" if priority_share and draw() < priority_share else None
                issue(arg, category, check_hours=False)
                issued += 1
                waiting[arg] = waiting.get(arg, 0) + 1  # queued(arg, at), inlined: once per citizen
                for number in by_code.get(arg, ()):
                    if number in idle:
                        idle.discard(number)
                        call(number, at)
                        if number not in idle:
                            break
            elif kind == START:
                number, code = arg
                start(number, clerk_of[number])
                heappush(events, (at + service_time(rng, code), nxt(), FINISH, number))
            elif kind == FINISH and transfers and draw() < transfer_share:
                number = arg
                current = sim.current_ticket(number) if isinstance(sim, Store) else sim.counters[number].current
                assert current is not None
                to = rng.choice([c for c in self.codes if c != current.service])
                sim.transfer(number, clerk_of[number], to_service=to)
                call(number, at)
                queued(to, at)
            elif kind in (FINISH, NO_SHOW):  # the counter is free again
                (finish if kind == FINISH else sim.mark_no_show)(arg, clerk_of[arg])
                call(arg, at)
            elif kind == OPEN:
                for number in sorted(idle):
                    idle.discard(number)
                    call(number, at)
            elif kind == BOOKED:  # a booking checked in: within its window a booked ticket, later a normal one
                code, _slot, on_time, booking_code = cast(list, arg)
                if isinstance(sim, Engine):  # as Store.check_in: no priority asked, none drawn
                    opening = self.opening.get(code)
                    if not on_time and opening is not None and not opening.is_open(from_us(to_us(at)).astimezone(tz)):
                        continue  # late, and the service has closed: the kiosk refuses, as Store.check_in does
                    sim.issue_ticket(code, None, check_hours=False, booked=on_time)
                else:
                    try:
                        sim.check_in(booking_code)
                    except DomainError:  # late and after the service's hours: no ticket (the engine: above)
                        continue
                issued += 1
                queued(code, at)
            elif kind == BREAK:
                number, seconds = arg
                away[number] = seconds
                if number in idle:  # free now: the break starts now; else when the citizen leaves
                    idle.discard(number)
                    call(number, at)
            else:  # BACK
                number = arg
                on_break.discard(number)
                sim.set_counter_state(number, clerk_of[number], CounterState.OPEN)
                call(number, at)
        self.issued = issued
        end = max(self.now(), windows[-1][1])
        tick(end)
        sim.close_day(day)
        waiting.clear()  # whoever was left has just expired
        for number, clerk in clerk_of.items():
            sim.sign_out(number, clerk)

    def now(self) -> float:
        if isinstance(self.sim, Engine):
            return (self.sim.now_us or 0) / 1_000_000
        return self.clock.now().timestamp()

    def _arrivals(self, a: float, b: float, demand: Demand) -> list[tuple[float, str]]:
        """A non-homogeneous Poisson process by thinning: candidates at the peak rate, kept with rate/peak.

        A candidate's rates are asked of ``demand`` at its local time; a demand marked ``hourly``
        (HourlyDemand) is asked once per local hour, the rates then holding for every candidate inside it.
        """
        tz = self.sim.tz
        rates = [demand(datetime.fromtimestamp(t, tz)) for t in range(int(a), int(b), 900)]
        peak = max((sum(r.values()) for r in rates), default=0.0) / 3600
        out: list[tuple[float, str]] = []
        t = a
        rng = self.rng
        draw, log = rng.random, math.log
        hourly = getattr(demand, "hourly", False)
        holds_from, holds_to = 1.0, 0.0  # hourly: the instants within which ``rate`` holds
        rate: Mapping[str, float] | None = None
        total, codes, cum, weight, last = 0.0, [""], [0.0], 0.0, 0
        while peak > 0:
            t += -log(1.0 - draw()) / peak  # rng.expovariate(peak), in its own arithmetic
            if t >= b:
                break
            if not holds_from <= t < holds_to:
                local = datetime.fromtimestamp(t, tz)
                asked = demand(local)
                if asked is not rate:  # its total, and the cumulative weights random.choices would make of it
                    rate = asked
                    total = sum(rate.values()) / 3600
                    codes = list(rate)
                    cum = list(itertools.accumulate(rate[c] for c in codes))
                    weight, last = (cum[-1] + 0.0 if cum else 0.0), len(codes) - 1
                if hourly:
                    holds_from, holds_to = _same_hour(local, tz)
            if draw() * peak < total:
                # rng.choices(codes, weights=...)[0], in its own arithmetic (the same draw, the same pick;
                # tests/common/test_simulate.py checks it): a call of it cost more than the rest of the loop
                out.append((t, codes[bisect_right(cum, draw() * weight, 0, last)]))
        return out


def _same_hour(local: datetime, tz: ZoneInfo) -> tuple[float, float]:
    """Instants (seconds) around ``local`` whose local time has the same date and hour; (1, 0): none known.

    10 µs inside the hour at each end: a timestamp is rounded to the microsecond when it becomes a datetime.
    The ends are checked to have the hour, the date and the UTC offset of ``local`` (no clock change inside).
    """
    began = local.replace(minute=0, second=0, microsecond=0).timestamp()
    first, last = datetime.fromtimestamp(began + 5e-6, tz), datetime.fromtimestamp(began + 3600 - 5e-6, tz)
    for end in (first, last):
        if end.hour != local.hour or end.date() != local.date() or end.utcoffset() != local.utcoffset():
            return 1.0, 0.0
    return began + 1e-5, began + 3600 - 1e-5


# The demo's history: peaks mid-morning and early afternoon (DOMAIN.md), Monday busiest.
HOURLY_PROFILE = {7: 0.6, 8: 1.0, 9: 1.5, 10: 1.4, 11: 0.6, 13: 0.8, 14: 1.3, 15: 1.2, 16: 0.7}
WEEKDAY_PROFILE = {1: 1.2, 2: 1.0, 3: 1.0, 4: 0.95, 5: 0.85}
# Arrivals per hour and mean minutes at the counter for the example office's services.
EXAMPLE_MIX = {"TP": (9, 8), "CT": (9, 4), "DD": (4.5, 12), "KD": (4.5, 10), "XD": (2, 12), "LD": (4.5, 8),
               "BH": (4.5, 7), "CA": (7, 6)}


def fill_history(store: Store, days: int, seed: int = 2026, end: date | None = None,
                 scale: float = 1.0, *, fast: bool = True, priority_share: float = 0.0, transfer_share: float = 0.0,
                 breaks: Breaks = (), bookings: BookingMix = NO_BOOKINGS) -> SimResult:
    """Fill the ``days`` working days before ``end`` (default: today) with realistic traffic.

    Every active counter is staffed; services not in EXAMPLE_MIX get 4 arrivals an
    hour and the office's default service time. Service times are lognormal (a long
    right tail, as at real desks), 3% of citizens do not come when called, and the
    walk to the counter takes 10–60 s.
    """
    if not store.services():
        store.load_office(OfficeSpec(services=(DEFAULT_SERVICE,), counters=tuple(
            Counter(n, f"Quầy {n}", (DEFAULT_SERVICE.code,)) for n in (1, 2, 3))))
    staffed = staff(store, len([c for c in store.counters() if c.active and c.services]))
    served = {code for c in staffed for code in c.services}
    default_minutes = store.default_service_s / 60
    # sorted: a set of strings iterates in a per-process order, and the same seed must give the same days
    mix = {code: EXAMPLE_MIX.get(code, (4.0, default_minutes)) for code in sorted(served)}
    chosen: list[date] = []
    day = (end or store.today) - timedelta(days=1)
    while len(chosen) < days:
        if day.isoweekday() in WORKDAYS:
            chosen.append(day)
        day -= timedelta(days=1)
    chosen.reverse()

    demand, service_time = example_traffic(mix, scale)
    return run(store, staffed, chosen, OFFICE_HOURS, demand=demand, service_time=service_time,
               seed=seed, walk_seconds=example_walk, no_show_share=0.03, fast=fast,
               priority_share=priority_share, transfer_share=transfer_share, breaks=breaks, bookings=bookings)


def example_traffic(mix: Mapping[str, tuple[float, float]], scale: float = 1.0) -> tuple[Demand, ServiceTime]:
    """The demo history's traffic for ``mix`` (code → arrivals an hour, mean minutes at the counter).

    Arrivals follow HOURLY_PROFILE × WEEKDAY_PROFILE × ``scale``; service times are lognormal
    (a long right tail, as at real desks) with the mix's mean.
    """

    def rates(hour: int, weekday: int) -> dict[str, float]:
        factor = HOURLY_PROFILE.get(hour, 0.0) * WEEKDAY_PROFILE.get(weekday, 0.0) * scale
        return {code: rate * factor for code, (rate, _) in mix.items()}

    demand = HourlyDemand(rates)  # the same few (hour, weekday) rates, asked once each

    sigma = 0.6  # lognormal with this mean: exp(μ + σ²/2) = mean
    mu = {code: math.log(minutes * 60) - sigma**2 / 2 for code, (_, minutes) in mix.items()}
    magic, log, exp = 4 * math.exp(-0.5) / math.sqrt(2.0), math.log, math.exp  # random.NV_MAGICCONST

    def service_time(rng: random.Random, code: str) -> float:
        # rng.lognormvariate(mu[code], sigma) in its own arithmetic (random.normalvariate's Kinderman–Monahan
        # loop, then exp): the same draws and the same value (tests/common/test_simulate.py checks it), without
        # its two calls, which cost a tenth of a simulated day
        draw = rng.random
        while True:
            u1 = draw()
            u2 = 1.0 - draw()
            z = magic * (u1 - 0.5) / u2
            if z * z / 4.0 <= -log(u2):
                return exp(mu[code] + z * sigma)

    return demand, service_time


def example_walk(rng: random.Random) -> float:
    """The walk to the counter in the demo history: 10–60 s, ``rng.uniform(10, 60)`` in its own arithmetic."""
    return 10.0 + 50.0 * rng.random()
