"""The store-free queue engine: the store's rules in memory, then one bulk insert of the result.

Simulating twelve days through the real store took 113 s (issue 12): every citizen
cost ~30 statements. The sample data, the demo history, the benchmark loaders and the
staffing advice only need the *result* of those days, so :class:`Engine` plays the same
operations (``issue_ticket``, ``call_next``, ``start_service``, ``finish_service``,
``mark_no_show``, ``transfer``, ``set_counter_state``, ``close_day``, ``sign_in``/``sign_out``)
on plain objects, and :func:`write` inserts the tickets, their audit events, the day's
numbers and the counters' final state in one transaction (common.store.bulk).

It has the same surface as the parts of :class:`~common.store.Store` that the simulator's
day loop calls, so the loop runs unchanged on either; the exact-replay test
(tests/common/test_engine.py) runs both and compares every ticket and every event.

Why it is fast (≥ 50,000 tickets/s, benchmarks/sim_engine_bench.py; docs/benchmarks/engine4.md):
- time is an integer count of microseconds since the epoch (what a datetime holds, so the
  store and the engine see the very same instants); no datetime is made per ticket: a
  ticket's datetimes (its queue time included) are made when asked for, at the edge;
- waiting tickets sit in one queue per (service, priority) class, already in call order, and
  each counter holds its classes pre-sorted by the part of the shared ordering rule
  (``common.core.rules.call_key``) that is the same for every ticket of a class: the rule is
  asked once per counter and class, when the engine is built (:func:`call_groups`), and a call
  compares only the queue time and id of the heads of the classes that tie on it;
- the service day and the local hour are recomputed only when the clock leaves them;
- the recent-service mean behind the printed estimate is kept as a running integer sum of the
  window (exactly what summing the window gives), not re-summed per ticket.

What the engine assumes: it owns the days it simulates (nobody else issues or calls then),
and it starts from no finished services (estimates use the configured default until its own
services are done).
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from common.core.clock import Clock, local_midnight
from common.core.clock import service_day as day_of
from common.core.estimate import RECENT_SERVICE_SAMPLE, blended_from_sum, wait_seconds
from common.core.model import Counter, CounterState, Ordering, Service, TicketStatus
from common.core.rules import call_key, serves
from common.store import Store

W = TicketStatus
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = 1_000_000
_OPEN = CounterState.OPEN


def to_us(at: float) -> int:
    """Seconds since the epoch → whole microseconds, the resolution of a datetime and of the store's clock."""
    return round(at * US)


def from_us(us: int) -> datetime:
    """The UTC datetime of an engine instant (exact: no float in between)."""
    return EPOCH + timedelta(microseconds=us)


def us_of(at: datetime) -> int:
    return (at - EPOCH) // timedelta(microseconds=1)


def seconds_us(start: int, end: int) -> int:
    """Whole seconds between two instants, rounded as the store rounds a timedelta's total_seconds()."""
    return max(0, round((end - start) / US))


# (service, rank, transferred to counter): one queue per class, kept in call order. The rank is
# rules.rank's: 0 a priority category, 1 a checked-in booking, 2 a walk-in.
QueueKey = tuple[str | None, int, int | None]


class SimTicket:
    """One transaction as the store would hold it; ``id`` is the engine's own (1, 2, …), offset on write.

    Instants are engine microseconds (``*_us``); ``queued_at`` and the other datetimes are made from
    them when asked for (the shared ordering rule, common.core.rules.call_key, reads ``queued_at``).
    A plain class with class-level defaults: a ticket stores only what it was given or what changed,
    which makes one three times cheaper to create than a 30-field dataclass.
    """

    target_counter: int | None = None
    status: TicketStatus = W.WAITING
    counter: int | None = None
    clerk: str | None = None
    first_called_us: int | None = None
    called_us: int | None = None
    last_called_us: int | None = None
    started_us: int | None = None
    finished_us: int | None = None
    wait_s: int | None = None
    walk_s: int | None = None
    service_s: int | None = None
    people_ahead: int = 0
    estimated_wait_s: int = 0
    booked: bool = False  # checked in within its booking's window (issue 19): called after priority, before walk-ins
    queue: list[SimTicket]  # the queue of its class while it waits (set by Engine._enqueue)

    def __init__(self, id: int, visit: int, service: str, number_service: str, day: date, number: int,
                 transfer_seq: int, prefix: str, priority_category: str | None, issued_us: int, queued_us: int,
                 local_hour: int, target_counter: int | None = None) -> None:
        self.id, self.visit, self.service, self.number_service = id, visit, service, number_service
        self.day, self.number, self.transfer_seq, self.prefix = day, number, transfer_seq, prefix
        self.priority_category, self.issued_us, self.queued_us, self.local_hour = (
            priority_category, issued_us, queued_us, local_hour)
        if target_counter is not None:
            self.target_counter = target_counter

    def __repr__(self) -> str:
        return (f"SimTicket(id={self.id}, code={self.code!r}, service={self.service!r}, status={self.status.value}, "
                f"counter={self.counter}, wait_s={self.wait_s})")

    @property
    def code(self) -> str:
        """The printed number, "A017": made when asked for (the simulated days never read it)."""
        return f"{self.prefix}{self.number:03d}"

    @property
    def rank(self) -> int:
        """rules.rank for a counter that puts bookings first (the default order, ``after_priority``)."""
        return 0 if self.priority_category is not None else 1 if self.booked else 2

    @property
    def priority(self) -> bool:
        return self.priority_category is not None

    @property
    def order(self) -> tuple[int, int]:
        return (self.queued_us, self.id)

    # datetimes at the edge (the shared rule, reports, tests); the engine itself never needs them
    @property
    def queued_at(self) -> datetime:
        return EPOCH + timedelta(microseconds=self.queued_us)

    @property
    def issued_at(self) -> datetime:
        return from_us(self.issued_us)

    @property
    def called_at(self) -> datetime | None:
        return None if self.called_us is None else from_us(self.called_us)

    @property
    def finished_at(self) -> datetime | None:
        return None if self.finished_us is None else from_us(self.finished_us)


# A counter's queues in the order it calls from them: groups of queues, the first group with a waiting
# ticket of today holds the winner, and within a group the earliest (queue time, id) of the heads wins.
CallGroups = tuple[tuple[list[SimTicket], ...], ...]


@dataclass(slots=True, eq=False)
class _Desk:
    number: int
    services: tuple[str, ...]
    ordering: Ordering
    keys: tuple[QueueKey, ...]  # the queue classes it may call from
    state: CounterState = CounterState.CLOSED
    since_us: int | None = None
    clerk: str | None = None
    current: SimTicket | None = None
    booked_first: bool = True  # the office's [appointments] order (rules.rank reads it)
    groups: CallGroups = ()  # its queues, grouped and ordered by the shared rule (Engine.__init__)
    chain: tuple[list[SimTicket], ...] = ()  # the same when every group has one queue (no ties between classes)

    @classmethod
    def of(cls, c: Counter) -> _Desk:
        keys: list[QueueKey] = [(code, r, None) for code in c.services for r in (0, 1, 2)]
        keys += [(None, r, c.number) for r in (0, 1, 2)]
        return cls(c.number, c.services, c.ordering, tuple(keys), c.state, None, c.clerk,  # as the store has it now
                   booked_first=c.booked_first)


@dataclass(frozen=True, slots=True)
class _Probe:
    """Any ticket of one queue class, as the shared rule sees it (the Queued protocol)."""

    service: str
    priority: bool
    booked: bool
    target_counter: int | None
    id: int = 0
    queued_at: datetime = EPOCH


def _probe(key: QueueKey) -> _Probe:
    service, rank, target = key
    return _Probe(service if service is not None else "", rank == 0, rank == 1, target)


def call_groups(desk: _Desk, keys: Sequence[QueueKey]) -> list[list[QueueKey]]:
    """The classes ``desk`` may call from, in call order, grouped where the shared rule ties them.

    ``common.core.rules.call_key`` orders tickets by (rank, position, queue time, id). The rank and the
    position depend only on a ticket's class (its service, priority, booking and target counter), so the
    rule itself is asked, once per class, with a ticket of that class; within a class, and between
    classes of a group, only (queue time, id) is left to compare. A test checks the engine's calls
    against ``rules.call_order`` on random halls.
    """
    prefix: dict[QueueKey, tuple[int, int]] = {}
    for key in keys:
        probe = _probe(key)
        if serves(desk, probe):
            rank, position, _, _ = call_key(desk, probe)
            prefix[key] = (rank, position)
    groups: dict[tuple[int, int], list[QueueKey]] = {}
    for key in sorted(prefix, key=lambda k: prefix[k]):
        groups.setdefault(prefix[key], []).append(key)
    return list(groups.values())


@functools.lru_cache(maxsize=1024)
def _groups_of(number: int, services: tuple[str, ...], ordering: Ordering, booked_first: bool
               ) -> tuple[tuple[QueueKey, ...], ...]:
    """call_groups of a counter, once per process (a what-if builds the same counters once per seeded day)."""
    desk = _Desk.of(Counter(number, "", services, ordering, booked_first=booked_first))
    return tuple(tuple(group) for group in call_groups(desk, desk.keys))


# (at µs, kind, ticket, counter, clerk, from status, to status, detail): a tuple, cheap to make by the million
SimEvent = tuple[int, str, SimTicket | None, int | None, str | None, str | None, str | None, dict[str, Any] | None]


class _Recent:
    """A service's finished service times by ticket id, and the integer sum of the latest RECENT_SERVICE_SAMPLE.

    The store reads the latest finished tickets by id (issue order), not by finishing order; the sum
    is exact (whole seconds), so the mean is the very float that summing the window gives.
    """

    __slots__ = ("ids", "seconds", "total")

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.seconds: list[int] = []
        self.total = 0

    def add(self, ticket_id: int, seconds: int) -> None:
        ids, values = self.ids, self.seconds
        n = len(ids)
        if not n or ids[-1] < ticket_id:  # the usual case: finished in issue order
            ids.append(ticket_id)
            values.append(seconds)
            at = n
        else:
            at = bisect_left(ids, ticket_id)
            ids.insert(at, ticket_id)
            values.insert(at, seconds)
        n += 1
        if n <= RECENT_SERVICE_SAMPLE:
            self.total += seconds
        elif at >= n - RECENT_SERVICE_SAMPLE:  # inside the window: the oldest of it drops out
            self.total += seconds - values[n - RECENT_SERVICE_SAMPLE - 1]

    def prepend(self, pairs: list[tuple[int, int]]) -> None:
        """Older services (id, seconds), oldest first, before those already kept."""
        self.ids[:0] = [i for i, _ in pairs]
        self.seconds[:0] = [s for _, s in pairs]
        self.total = sum(self.seconds[-RECENT_SERVICE_SAMPLE:])

    def mean(self, default_s: float) -> float:
        """common.core.estimate.blended_service_s of the window."""
        return blended_from_sum(self.total, min(len(self.ids), RECENT_SERVICE_SAMPLE), default_s)


class Engine:
    """The office in memory. Build it with :meth:`for_store` or :meth:`for_office`; drive it like a Store.

    Set the time with :meth:`set_time` (seconds since the epoch) before each operation. An
    engine built with a ``clock`` and never given a time reads that clock instead (slower).
    ``record_events=False`` skips the audit trail when nothing will be written (what-ifs), and
    ``estimates=False`` the printed estimate and people ahead (left 0) when nobody reads them.
    """

    def __init__(self, services: dict[str, Service], counters: dict[int, _Desk], tz: ZoneInfo,
                 default_service_s: float, call_starts_service: bool = False, clock: Clock | None = None,
                 record_events: bool = True, *, estimates: bool = True) -> None:
        self.services, self.counters, self.tz = services, counters, tz
        self.default_service_s, self.call_starts_service, self.clock = default_service_s, call_starts_service, clock
        self.record_events, self.estimates = record_events, estimates
        self.tickets: list[SimTicket] = []
        self.events: list[SimEvent] = []
        self.now_us: int | None = None
        self._numbers: dict[date, dict[str, int]] = {}  # day → service → its last number
        self._day_numbers: dict[str, int] = {}  # today's
        self._queues: dict[QueueKey, list[SimTicket]] = {}
        # a service's (or a counter's, for tickets transferred to it) queues of the three ranks
        self._by_service: dict[str, tuple[list[SimTicket], ...]] = {}
        self._by_target: dict[int, tuple[list[SimTicket], ...]] = {}
        self._waiting: dict[str, list[int]] = {}  # service → [priority, all, booked] waiting today
        self._recent: dict[str, _Recent] = {}
        self._mean: dict[str, float] = {}  # cached recent mean per service
        self._day: date | None = None
        self._hour = 0
        self._hour_span = (1, 0)
        self._booked_first = all(d.booked_first for d in counters.values())  # the office's [appointments] order
        self._serving = {code: tuple(d for d in counters.values() if code in d.services)
                         for code in services} if estimates else {}
        for desk in counters.values():
            found = _groups_of(desk.number, desk.services, desk.ordering, desk.booked_first)
            desk.groups = tuple(tuple(self._queue(k) for k in group) for group in found)
            # no ties between classes (a strict counter): the first class with a ticket of today has the winner
            desk.chain = tuple(g[0] for g in desk.groups) if all(len(g) == 1 for g in desk.groups) else ()

    @classmethod
    def for_store(cls, store: Store, clock: Clock | None = None, *, call_starts_service: bool = False,
                  record_events: bool = True) -> Engine:
        return cls.for_office(store.services(), store.counters(), store.tz, store.default_service_s,
                              call_starts_service=call_starts_service, clock=clock, record_events=record_events)

    @classmethod
    def for_office(cls, services: tuple[Service, ...] | list[Service], counters: tuple[Counter, ...] | list[Counter],
                   tz: ZoneInfo, default_service_s: float, *, call_starts_service: bool = False,
                   clock: Clock | None = None, record_events: bool = True, estimates: bool = True) -> Engine:
        desks = {c.number: _Desk.of(c) for c in counters if c.active}
        return cls({s.code: s for s in services}, desks, tz, default_service_s, call_starts_service, clock,
                   record_events, estimates=estimates)

    @property
    def numbers(self) -> dict[tuple[str, date], int]:
        """(service, day) → the last number issued."""
        return {(code, day): n for day, last in self._numbers.items() for code, n in last.items()}

    def remember(self, finished: Iterable[tuple[str, int]]) -> None:
        """Service times (code, seconds) of the store's finished tickets, oldest first: the estimates'
        history, so that tickets the engine issues after real ones are promised what the store would."""
        pairs: dict[str, list[tuple[int, int]]] = {}
        for i, (code, seconds) in enumerate(reversed(list(finished))):
            pairs.setdefault(code, []).append((-1 - i, seconds))  # before any of the engine's own ids
        for code, found in pairs.items():
            recent = self._recent.setdefault(code, _Recent())
            recent.prepend(found[::-1])
            self._mean.pop(code, None)

    # -- time
    def set_time(self, at: float) -> None:
        self.now_us = round(at * US)  # to_us, inlined: this runs once per event

    def set_now(self, at: datetime) -> None:
        self.now_us = us_of(at)

    def _now(self) -> int:
        if self.now_us is None:
            if self.clock is None:
                raise RuntimeError("engine: set_time() before the first operation")
            return us_of(self.clock.now())
        return self.now_us

    def _today(self, now: int) -> date:
        a, b = self._hour_span
        if not a <= now < b:
            self._enter_hour(now)
        assert self._day is not None
        return self._day

    def _local_hour(self, now: int) -> int:
        a, b = self._hour_span
        if not a <= now < b:
            self._enter_hour(now)
        return self._hour

    def _enter_hour(self, now: int) -> None:
        """The local hour around ``now`` and its service day (constant within it: midnight starts an hour)."""
        local = from_us(now).astimezone(self.tz)
        start = local.replace(minute=0, second=0, microsecond=0)
        self._hour, self._hour_span = local.hour, (us_of(start), us_of(start + timedelta(hours=1)))
        self._day = day_of(local, self.tz)
        self._day_numbers = self._numbers.setdefault(self._day, {})

    # -- the Store's surface, as the simulator uses it
    def issue_ticket(self, service: str, priority_category: str | None = None, *,
                     check_hours: bool = True, booked: bool = False) -> SimTicket:
        """A kiosk ticket; ``booked``: a booking checked in within its window (what ``Store.check_in`` issues)."""
        now = self.now_us
        if now is None:
            now = self._now()
        svc = self.services[service]
        a, b = self._hour_span
        if not a <= now < b:
            self._enter_hour(now)
        day = self._day
        assert day is not None
        numbers = self._day_numbers
        number = numbers[service] = numbers.get(service, svc.number_min - 1) + 1
        n = len(self.tickets) + 1
        t = SimTicket(n, n, service, service, day, number, 0, svc.prefix, priority_category, now, now, self._hour)
        if booked and priority_category is None:  # a priority citizen is called first anyway
            t.booked = True
        if self.estimates:
            counts = self._waiting.get(service)
            if counts is not None:
                # Everyone already waiting was queued no later, so: those of a rank called no later, or all of them.
                t.people_ahead = (counts[0] if priority_category is not None
                                  else counts[0] + counts[2] if t.booked and self._booked_first else counts[1])
            t.estimated_wait_s = self._estimate(service, t.people_ahead)
        # self._enqueue(t), inlined for a new ticket (no target counter): this runs once per citizen
        self.tickets.append(t)
        ranks = self._by_service.get(service)
        if ranks is None:
            ranks = self._by_service[service] = tuple(self._queue((service, r, None)) for r in (0, 1, 2))
        q = t.queue = ranks[0 if priority_category is not None else 1 if t.booked else 2]
        if q and q[-1].queued_us > now:  # the clock was set back (a caller's own replay): keep the call order
            q.insert(bisect_left([w.order for w in q], t.order), t)
        else:
            q.append(t)
        counts = self._waiting.get(service)
        if counts is None:
            counts = self._waiting[service] = [0, 0, 0]
        counts[1] += 1
        if priority_category is not None:
            counts[0] += 1
        elif t.booked:
            counts[2] += 1
        if self.record_events:
            detail: dict[str, Any] | None = {"priority": priority_category} if priority_category else None
            if t.booked:
                detail = {"booked": True}
            self.events.append((now, "issued", t, None, None, None, "waiting", detail))
        return t

    def sign_in(self, counter: int, clerk: str, *, take_over: bool = False) -> str:
        self._set_state(self.counters[counter], CounterState.OPEN, clerk)
        return ""

    def sign_out(self, counter: int, clerk: str) -> None:
        self._set_state(self.counters[counter], CounterState.CLOSED, None)

    def set_counter_state(self, counter: int, clerk: str, state: CounterState) -> _Desk:
        desk = self.counters[counter]
        if state is not CounterState.OPEN and desk.current is not None:
            raise RuntimeError(f"engine: counter {counter} still has a ticket")
        self._set_state(desk, state, clerk if state is not CounterState.CLOSED else None)
        return desk

    def call_next(self, counter: int, clerk: str) -> SimTicket | None:
        desk = self.counters[counter]
        if desk.state is not _OPEN:
            self._set_state(desk, CounterState.OPEN, clerk)
        now = self.now_us
        if now is None:
            now = self._now()
        a, b = self._hour_span
        if not a <= now < b:
            self._enter_hour(now)
        today = self._day
        # The one ordering rule, shared with the store and the counter's view, asked once per class when
        # the engine was built (call_groups): each class is already in call order, so the heads hold the
        # winner; the first group with a head of today has it, at the earliest (queue time, id).
        best: SimTicket | None = None
        if desk.chain:
            for q in desk.chain:
                if q and q[0].day == today:
                    best = q[0]
                    break
            else:
                return None
        else:
            for group in desk.groups:
                for q in group:
                    if q:
                        head = q[0]
                        if head.day == today and (best is None or head.queued_us < best.queued_us
                                                  or (head.queued_us == best.queued_us and head.id < best.id)):
                            best = head
                if best is not None:
                    break
            else:
                return None
        best.queue.pop(0)
        counts = self._waiting[best.service]
        counts[1] -= 1
        if best.priority_category is not None:
            counts[0] -= 1
        elif best.booked:
            counts[2] -= 1
        best.status, best.counter, best.clerk = W.CALLED, counter, clerk
        if best.target_counter is not None:
            best.target_counter = None
        if best.first_called_us is None:
            best.first_called_us = now
        best.called_us = best.last_called_us = now
        wait = round((now - best.issued_us) / US)  # seconds_us, inlined
        best.wait_s = wait if wait > 0 else 0
        desk.current = best
        if self.record_events:
            self.events.append((now, "called", best, counter, clerk, "waiting", "called", None))
        if self.call_starts_service:
            self.start_service(counter, clerk)
        return best

    def start_service(self, counter: int, clerk: str) -> SimTicket:
        now = self.now_us
        if now is None:
            now = self._now()
        t = self.counters[counter].current
        if t is None or t.status is not W.CALLED:
            raise RuntimeError(f"engine: counter {counter} has no called ticket")
        t.status, t.started_us = W.SERVING, now
        last = t.last_called_us
        walk = 0 if last is None else round((now - last) / US)
        t.walk_s = walk if walk > 0 else 0
        if self.record_events:
            self.events.append((now, "started", t, counter, clerk, "called", "serving", None))
        return t

    def finish_service(self, counter: int, clerk: str) -> SimTicket:
        now = self.now_us
        if now is None:
            now = self._now()
        desk = self.counters[counter]
        t = desk.current
        if t is None or t.status is not W.SERVING:
            raise RuntimeError(f"engine: counter {counter} has no serving ticket")
        t.status, t.finished_us = W.DONE, now
        started = t.started_us
        seconds = 0
        if started is not None:
            seconds = round((now - started) / US)
            t.service_s = seconds = seconds if seconds > 0 else 0
        desk.current = None
        if self.record_events:
            self.events.append((now, "finished", t, counter, clerk, "serving", "done", None))
        if self.estimates:
            recent = self._recent.get(t.service)
            if recent is None:
                recent = self._recent[t.service] = _Recent()
            recent.add(t.id, seconds)
            self._mean.pop(t.service, None)
        return t

    def mark_no_show(self, counter: int, clerk: str) -> SimTicket:
        now = self._now()
        t = self._current(counter, W.CALLED)
        t.status = W.NO_SHOW
        self.counters[counter].current = None
        if self.record_events:
            self.events.append((now, "no_show", t, counter, clerk, "called", "no_show", None))
        return t

    def transfer(self, counter: int, clerk: str, *, to_service: str | None = None,
                 to_counter: int | None = None) -> SimTicket:
        """Close this transaction and queue a new one that keeps the citizen's place in line."""
        if (to_service is None) == (to_counter is None):
            raise ValueError("transfer needs exactly one of to_service or to_counter")
        now = self._now()
        old = self._current(counter, None)
        target = to_service if to_service is not None else old.service
        self._close(counter, clerk, now, W.TRANSFERRED, "transferred", {"to_service": target, "to_counter": to_counter})
        seq = max(t.transfer_seq for t in self.tickets[old.visit - 1:] if t.visit == old.visit)
        n = len(self.tickets) + 1
        new = SimTicket(n, old.visit, target, old.number_service, old.day, old.number, seq + 1, old.prefix,
                        old.priority_category, now, old.queued_us, self._local_hour(now), to_counter)
        # booked stays False, as Store.transfer writes it: the queue time is kept, the "Hẹn" rank is not
        if self.estimates:
            new.people_ahead = self._ahead_of(new)
            new.estimated_wait_s = self._estimate(target, new.people_ahead)
        self._enqueue(new)
        if self.record_events:
            self.events.append((now, "transfer_queued", new, counter, clerk, None, "waiting", {"from_ticket": old.id}))
        return new

    def close_day(self, day: date | None = None) -> int:
        now = self._now()
        last = day or self._today(now)
        expired: list[SimTicket] = []
        for q in self._queues.values():
            if q:
                expired += [t for t in q if t.day <= last]
                q[:] = [t for t in q if t.day > last]  # in place: the counters hold these lists
        expired.sort(key=lambda t: t.id)
        for t in expired:
            end = max(min(now, us_of(local_midnight(t.day + timedelta(days=1), self.tz))), t.issued_us)
            t.status, t.finished_us = W.EXPIRED, end
            t.wait_s = seconds_us(t.issued_us, end)
            self._unwait(t)
            if self.record_events:
                self.events.append((now, "expired", t, t.counter, None, "waiting", "expired", None))
        return len(expired)

    # -- the rules the store applies in SQL
    def _queue(self, key: QueueKey) -> list[SimTicket]:
        q = self._queues.get(key)
        if q is None:
            q = self._queues[key] = []
        return q

    def _enqueue(self, t: SimTicket) -> None:
        self.tickets.append(t)
        priority = t.priority_category is not None
        target = t.target_counter
        if target is None:
            ranks = self._by_service.get(t.service)
            if ranks is None:
                ranks = self._by_service[t.service] = tuple(self._queue((t.service, r, None)) for r in (0, 1, 2))
        else:
            ranks = self._by_target.get(target)
            if ranks is None:
                ranks = self._by_target[target] = tuple(self._queue((None, r, target)) for r in (0, 1, 2))
        q = t.queue = ranks[0 if priority else 1 if t.booked else 2]
        # Ids only grow, so only an earlier queue time (a transferred citizen's) goes before the tail.
        if q and q[-1].queued_us > t.queued_us:
            q.insert(bisect_left([w.order for w in q], t.order), t)
        else:
            q.append(t)
        counts = self._waiting.get(t.service)
        if counts is None:
            counts = self._waiting[t.service] = [0, 0, 0]
        counts[1] += 1
        if priority:
            counts[0] += 1
        elif t.booked:
            counts[2] += 1

    def _unwait(self, t: SimTicket) -> None:
        counts = self._waiting[t.service]
        counts[1] -= 1
        if t.priority_category is not None:
            counts[0] -= 1
        elif t.booked:
            counts[2] -= 1

    def _ahead_of(self, t: SimTicket) -> int:
        """Waiting tickets of the same service called before ``t`` (Tx.ahead_of): rare, so a plain scan."""
        same = [w for q in self._queues.values() for w in q if w.service == t.service and w.day == t.day]
        def rank(x: SimTicket) -> int:  # rules.rank: with_walkins offices rank a booking with the walk-ins
            return x.rank if self._booked_first or x.rank == 0 else 2

        return sum(1 for w in same if rank(w) < rank(t) or (rank(w) == rank(t) and w.order < t.order))

    def _estimate(self, service: str, ahead: int) -> int:
        mean = self._mean.get(service)
        if mean is None:
            recent = self._recent.get(service)
            mean = self._mean[service] = (blended_from_sum(0, 0, self.default_service_s) if recent is None
                                          else recent.mean(self.default_service_s))
        serving = self._serving[service]
        opened, free = 0, False
        for d in serving:
            if d.state is _OPEN:
                opened += 1
                if d.current is None:
                    free = True
        return wait_seconds(ahead, mean, opened, len(serving), ahead == 0 and free)

    def _current(self, counter: int, status: TicketStatus | None) -> SimTicket:
        t = self.counters[counter].current
        if t is None or (status is not None and t.status is not status):
            raise RuntimeError(f"engine: counter {counter} has no {status.value if status else 'current'} ticket")
        return t

    def _close(self, counter: int, clerk: str, now: int, status: TicketStatus, kind: str,
               detail: dict[str, Any] | None) -> SimTicket:
        t = self._current(counter, W.SERVING if status is W.DONE else None)
        before = t.status
        t.status, t.finished_us = status, now
        if t.started_us is not None:
            t.service_s = seconds_us(t.started_us, now)
        self.counters[counter].current = None
        if self.record_events:
            self.events.append((now, kind, t, counter, clerk, before.value, status.value, detail))
        return t

    def _set_state(self, desk: _Desk, state: CounterState, clerk: str | None) -> None:
        now = self._now()
        before = desk.state
        desk.state, desk.since_us, desk.clerk = state, now, clerk
        if self.record_events:
            self.events.append((now, "counter_" + state.value, None, desk.number, clerk, before.value, state.value,
                                None))


def seconds_between(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds()))


def write(engine: Engine, store: Store) -> int:
    """Insert the engine's tickets, events, daily numbers and counters' state in one transaction."""
    from common.store.bulk import insert_simulated  # the SQL stays in common/store

    return insert_simulated(store, engine)
