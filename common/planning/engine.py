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

Why it is fast (≥ 50,000 tickets/s, benchmarks/sim_engine_bench.py):
- time is an integer count of microseconds since the epoch (what a datetime holds, so the
  store and the engine see the very same instants); a datetime is made once per ticket
  (its queue time, which the shared ordering rule compares) and otherwise only at the
  edge, when the result is written;
- waiting tickets sit in one queue per (service, priority) class, already in call order,
  so ``next_to_call`` — the one rule, shared with the store and the counter's view — only
  compares the head of each class the counter serves, not the whole hall;
- the service day and the local hour are recomputed only when the clock leaves them.

What the engine assumes: it owns the days it simulates (nobody else issues or calls then),
and it starts from no finished services (estimates use the configured default until its own
services are done).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from common.core.clock import Clock, local_midnight
from common.core.clock import service_day as day_of
from common.core.estimate import RECENT_SERVICE_SAMPLE, blended_service_s, wait_seconds
from common.core.model import Counter, CounterState, Ordering, Service, TicketStatus
from common.core.rules import next_to_call
from common.store import Store

W = TicketStatus
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = 1_000_000


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


@dataclass(slots=True, eq=False)
class SimTicket:
    """One transaction as the store would hold it; ``id`` is the engine's own (1, 2, …), offset on write.

    Instants are engine microseconds (``*_us``); ``queued_at`` is also kept as a datetime because
    the shared ordering rule (common.core.rules.call_key) compares it.
    """

    id: int
    visit: int
    service: str
    number_service: str
    day: date
    number: int
    transfer_seq: int
    code: str
    priority_category: str | None
    issued_us: int
    queued_us: int
    queued_at: datetime
    local_hour: int
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
    key: QueueKey = (None, 2, None)  # its queue class while it waits (set by Engine._enqueue)
    booked: bool = False  # checked in within its booking's window (issue 19): called after priority, before walk-ins

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

    # datetimes at the edge (reports, tests); the engine itself never needs them
    @property
    def issued_at(self) -> datetime:
        return from_us(self.issued_us)

    @property
    def called_at(self) -> datetime | None:
        return None if self.called_us is None else from_us(self.called_us)

    @property
    def finished_at(self) -> datetime | None:
        return None if self.finished_us is None else from_us(self.finished_us)


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

    @classmethod
    def of(cls, c: Counter) -> _Desk:
        keys: list[QueueKey] = [(code, r, None) for code in c.services for r in (0, 1, 2)]
        keys += [(None, r, c.number) for r in (0, 1, 2)]
        return cls(c.number, c.services, c.ordering, tuple(keys), c.state, None, c.clerk,  # as the store has it now
                   booked_first=c.booked_first)


# (at µs, kind, ticket, counter, clerk, from status, to status, detail): a tuple, cheap to make by the million
SimEvent = tuple[int, str, SimTicket | None, int | None, str | None, str | None, str | None, dict[str, Any] | None]


@dataclass(eq=False)
class Engine:
    """The office in memory. Build it with :meth:`for_store` or :meth:`for_office`; drive it like a Store.

    Set the time with :meth:`set_time` (seconds since the epoch) before each operation. An
    engine built with a ``clock`` and never given a time reads that clock instead (slower).
    ``record_events=False`` skips the audit trail when nothing will be written (what-ifs).
    """

    services: dict[str, Service]
    counters: dict[int, _Desk]
    tz: ZoneInfo
    default_service_s: float
    call_starts_service: bool = False
    clock: Clock | None = None
    record_events: bool = True
    tickets: list[SimTicket] = field(default_factory=list)
    events: list[SimEvent] = field(default_factory=list)
    numbers: dict[tuple[str, date], int] = field(default_factory=dict)
    now_us: int | None = None
    _queues: dict[QueueKey, list[SimTicket]] = field(default_factory=dict)
    _waiting: dict[str, list[int]] = field(default_factory=dict)  # service → [priority, all, booked] waiting today
    _done: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    _mean: dict[str, float] = field(default_factory=dict)  # cached recent mean per service
    _serving: dict[str, tuple[_Desk, ...]] = field(default_factory=dict)
    _day: date | None = None
    _hour: int = 0
    _hour_span: tuple[int, int] = (1, 0)
    _booked_first: bool = True  # the office's [appointments] order, as its counters carry it

    def __post_init__(self) -> None:
        self._booked_first = all(d.booked_first for d in self.counters.values())
        self._serving = {code: tuple(d for d in self.counters.values() if code in d.services)
                         for code in self.services}

    @classmethod
    def for_store(cls, store: Store, clock: Clock | None = None, *, call_starts_service: bool = False,
                  record_events: bool = True) -> Engine:
        return cls.for_office(store.services(), store.counters(), store.tz, store.default_service_s,
                              call_starts_service=call_starts_service, clock=clock, record_events=record_events)

    @classmethod
    def for_office(cls, services: tuple[Service, ...] | list[Service], counters: tuple[Counter, ...] | list[Counter],
                   tz: ZoneInfo, default_service_s: float, *, call_starts_service: bool = False,
                   clock: Clock | None = None, record_events: bool = True) -> Engine:
        desks = {c.number: _Desk.of(c) for c in counters if c.active}
        return cls({s.code: s for s in services}, desks, tz, default_service_s, call_starts_service, clock,
                   record_events)

    def remember(self, finished: Iterable[tuple[str, int]]) -> None:
        """Service times (code, seconds) of the store's finished tickets, oldest first: the estimates'
        history, so that tickets the engine issues after real ones are promised what the store would."""
        for i, (code, seconds) in enumerate(reversed(list(finished))):
            self._done.setdefault(code, []).insert(0, (-1 - i, seconds))  # before any of the engine's own ids
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

    # -- the Store's surface, as the simulator uses it
    def issue_ticket(self, service: str, priority_category: str | None = None, *,
                     check_hours: bool = True, booked: bool = False) -> SimTicket:
        """A kiosk ticket; ``booked``: a booking checked in within its window (what ``Store.check_in`` issues)."""
        now = self._now()
        svc = self.services[service]
        day = self._today(now)
        key = (service, day)
        number = self.numbers[key] = self.numbers.get(key, svc.number_min - 1) + 1
        n = len(self.tickets) + 1
        t = SimTicket(n, n, service, service, day, number, 0, f"{svc.prefix}{number:03d}", priority_category,
                      now, now, from_us(now), self._local_hour(now))
        t.booked = booked and priority_category is None  # a priority citizen is called first anyway
        counts = self._waiting.setdefault(service, [0, 0, 0])
        # Everyone already waiting was queued no later, so: those of a rank called no later, or all of them.
        t.people_ahead = (counts[0] if priority_category is not None
                          else counts[0] + counts[2] if t.booked and self._booked_first else counts[1])
        t.estimated_wait_s = self._estimate(service, t.people_ahead)
        self._enqueue(t)
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
        if desk.state is not CounterState.OPEN:
            self._set_state(desk, CounterState.OPEN, clerk)
        now = self._now()
        today = self._today(now)
        queues = self._queues
        heads = [q[0] for k in desk.keys if (q := queues.get(k)) and q[0].day == today]
        # The one ordering rule, shared with the store and the counter's view. Each class is already
        # in call order (priority, position and queue time are constant or rising within it), so the
        # heads hold the winner.
        best = next_to_call(desk, heads)
        if best is None:
            return None
        queues[best.key].pop(0)
        self._unwait(best)
        best.status, best.counter, best.clerk, best.target_counter = W.CALLED, counter, clerk, None
        if best.first_called_us is None:
            best.first_called_us = now
        best.called_us = best.last_called_us = now
        best.wait_s = seconds_us(best.issued_us, now)
        desk.current = best
        if self.record_events:
            self.events.append((now, "called", best, counter, clerk, "waiting", "called", None))
        if self.call_starts_service:
            self.start_service(counter, clerk)
        return best

    def start_service(self, counter: int, clerk: str) -> SimTicket:
        now = self._now()
        t = self._current(counter, W.CALLED)
        t.status, t.started_us = W.SERVING, now
        t.walk_s = seconds_us(t.last_called_us if t.last_called_us is not None else now, now)
        if self.record_events:
            self.events.append((now, "started", t, counter, clerk, "called", "serving", None))
        return t

    def finish_service(self, counter: int, clerk: str) -> SimTicket:
        now = self._now()
        t = self._close(counter, clerk, now, W.DONE, "finished", None)
        # The store reads the latest finished tickets by id (issue order), not by finishing order.
        assert t.service_s is not None
        insort(self._done.setdefault(t.service, []), (t.id, t.service_s))
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
        new = SimTicket(n, old.visit, target, old.number_service, old.day, old.number, seq + 1, old.code,
                        old.priority_category, now, old.queued_us, old.queued_at, self._local_hour(now), to_counter)
        # booked stays False, as Store.transfer writes it: the queue time is kept, the "Hẹn" rank is not
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
        for key, q in self._queues.items():
            kept = [t for t in q if t.day > last]
            expired += [t for t in q if t.day <= last]
            self._queues[key] = kept
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
    def _enqueue(self, t: SimTicket) -> None:
        self.tickets.append(t)
        priority, rank = t.priority_category is not None, t.rank
        t.key = (None, rank, t.target_counter) if t.target_counter is not None else (t.service, rank, None)
        q = self._queues.setdefault(t.key, [])
        # Ids only grow, so only an earlier queue time (a transferred citizen's) goes before the tail.
        if q and q[-1].queued_us > t.queued_us:
            q.insert(bisect_left([w.order for w in q], t.order), t)
        else:
            q.append(t)
        counts = self._waiting.setdefault(t.service, [0, 0, 0])
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
            recent = [s for _, s in self._done.get(service, [])[-RECENT_SERVICE_SAMPLE:]]
            mean = self._mean[service] = blended_service_s(recent, self.default_service_s)
        serving = self._serving[service]
        opened, free = 0, False
        for d in serving:
            if d.state is CounterState.OPEN:
                opened += 1
                free = free or d.current is None
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
