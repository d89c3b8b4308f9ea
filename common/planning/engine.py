"""The store-free queue engine: the store's rules in memory, then one bulk insert of the result.

Simulating twelve days through the real store took 113 s (issue 12): every citizen
cost ~30 statements. The sample data, the demo history and the benchmark loaders
only need the *result* of those days, so :class:`Engine` plays the same operations
(``issue_ticket``, ``call_next``, ``start_service``, ``finish_service``,
``mark_no_show``, ``close_day``, ``sign_in``/``sign_out``) on plain objects, and
:func:`write` inserts the tickets, their audit events, the day's numbers and the
counters' final state in one transaction (executemany).

It has the same surface as the parts of :class:`~common.store.Store` that the
simulator's day loop calls, so the loop runs unchanged on either; the exact-replay
test (tests/common/test_engine.py) runs both and compares every ticket.

What the engine assumes: it owns the days it simulates (nobody else issues or
calls then), it starts from no finished services (estimates use the configured default),
and tickets are not transferred (the simulator never transfers).
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from common.core.clock import Clock, local_midnight
from common.core.clock import service_day as day_of
from common.core.estimate import RECENT_SERVICE_SAMPLE, blended_service_s, wait_seconds
from common.core.model import CounterState, Ordering, Service, TicketStatus
from common.core.rules import next_to_call
from common.store import Store

W = TicketStatus


@dataclass(slots=True)
class SimTicket:
    """One transaction as the store would hold it; ``id`` is the engine's own, remapped on write."""

    id: int
    service: str
    day: date
    number: int
    code: str
    priority_category: str | None
    issued_at: datetime
    local_hour: int
    status: TicketStatus = W.WAITING
    counter: int | None = None
    clerk: str | None = None
    first_called_at: datetime | None = None
    called_at: datetime | None = None
    last_called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    wait_s: int | None = None
    walk_s: int | None = None
    service_s: int | None = None
    people_ahead: int = 0
    estimated_wait_s: int = 0

    @property
    def priority(self) -> bool:
        return self.priority_category is not None

    @property
    def queued_at(self) -> datetime:
        return self.issued_at  # never transferred here, so queued when issued

    @property
    def target_counter(self) -> int | None:
        return None


@dataclass(slots=True)
class _Desk:
    number: int
    services: tuple[str, ...]
    strict: bool
    state: CounterState = CounterState.CLOSED
    since: datetime | None = None
    clerk: str | None = None
    current: SimTicket | None = None

    @property
    def ordering(self) -> Ordering:
        return Ordering.STRICT if self.strict else Ordering.OLDEST_FIRST


@dataclass(slots=True)
class SimEvent:
    at: datetime
    kind: str
    ticket: SimTicket | None
    counter: int | None
    clerk: str | None
    before: str | None
    after: str | None
    detail: dict[str, Any] | None = None


@dataclass
class Engine:
    """The office in memory. Build it with :meth:`for_store`; drive it like a Store."""

    services: dict[str, Service]
    counters: dict[int, _Desk]
    clock: Clock
    tz: ZoneInfo
    default_service_s: float
    call_starts_service: bool = False
    tickets: list[SimTicket] = field(default_factory=list)
    events: list[SimEvent] = field(default_factory=list)
    numbers: dict[tuple[str, date], int] = field(default_factory=dict)
    _waiting: list[SimTicket] = field(default_factory=list)
    _done: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @classmethod
    def for_store(cls, store: Store, clock: Clock, *, call_starts_service: bool = False) -> Engine:
        counters = {c.number: _Desk(c.number, c.services, c.ordering is Ordering.STRICT)
                    for c in store.counters() if c.active}
        return cls({s.code: s for s in store.services()}, counters, clock, store.tz, store.default_service_s,
                   call_starts_service)

    # -- the Store's surface, as the simulator uses it
    def issue_ticket(self, service: str, priority_category: str | None = None, *,
                     check_hours: bool = True) -> SimTicket:
        now = self.clock.now()
        svc = self.services[service]
        day = day_of(now, self.tz)
        key = (service, day)
        number = self.numbers[key] = self.numbers.get(key, svc.number_min - 1) + 1
        t = SimTicket(len(self.tickets) + 1, service, day, number, f"{svc.prefix}{number:03d}",
                      priority_category, now, now.astimezone(self.tz).hour)
        same = [w for w in self._waiting if w.service == service]
        t.people_ahead = sum(1 for w in same if w.priority) if t.priority else len(same)
        t.estimated_wait_s = self._estimate(service, t.people_ahead)
        self.tickets.append(t)
        self._waiting.append(t)
        self._log(now, "issued", t, None, None, None, W.WAITING,
                  {"priority": priority_category} if priority_category else None)
        return t

    def sign_in(self, counter: int, clerk: str, *, take_over: bool = False) -> str:
        self._set_state(self.counters[counter], CounterState.OPEN, clerk)
        return ""

    def sign_out(self, counter: int, clerk: str) -> None:
        self._set_state(self.counters[counter], CounterState.CLOSED, None)

    def call_next(self, counter: int, clerk: str) -> SimTicket | None:
        desk = self.counters[counter]
        if desk.state is not CounterState.OPEN:
            self._set_state(desk, CounterState.OPEN, clerk)
        now = self.clock.now()
        today = day_of(now, self.tz)
        # The one ordering rule, shared with the counter's view and mirrored by the store's SQL.
        best = next_to_call(desk, (t for t in self._waiting if t.day == today))
        if best is None:
            return None
        self._waiting.remove(best)
        best.status, best.counter, best.clerk = W.CALLED, counter, clerk
        best.first_called_at = best.first_called_at or now
        best.called_at, best.last_called_at = now, now
        best.wait_s = seconds_between(best.issued_at, now)
        desk.current = best
        self._log(now, "called", best, counter, clerk, W.WAITING, W.CALLED)
        if self.call_starts_service:
            self.start_service(counter, clerk)
        return best

    def start_service(self, counter: int, clerk: str) -> SimTicket:
        now = self.clock.now()
        t = self._current(counter, W.CALLED)
        t.status, t.started_at = W.SERVING, now
        t.walk_s = seconds_between(t.last_called_at or now, now)
        self._log(now, "started", t, counter, clerk, W.CALLED, W.SERVING)
        return t

    def finish_service(self, counter: int, clerk: str) -> SimTicket:
        now = self.clock.now()
        t = self._current(counter, W.SERVING)
        t.status, t.finished_at = W.DONE, now
        t.service_s = seconds_between(t.started_at, now)  # type: ignore[arg-type]
        # The store reads the latest finished tickets by id (issue order), not by finishing order.
        insort(self._done.setdefault(t.service, []), (t.id, t.service_s))
        self.counters[counter].current = None
        self._log(now, "finished", t, counter, clerk, W.SERVING, W.DONE)
        return t

    def mark_no_show(self, counter: int, clerk: str) -> SimTicket:
        now = self.clock.now()
        t = self._current(counter, W.CALLED)
        t.status = W.NO_SHOW
        self.counters[counter].current = None
        self._log(now, "no_show", t, counter, clerk, W.CALLED, W.NO_SHOW)
        return t

    def close_day(self, day: date | None = None) -> int:
        now = self.clock.now()
        last = day or day_of(now, self.tz)
        expired = [t for t in self._waiting if t.day <= last]
        for t in expired:
            end = max(min(now, local_midnight(t.day + timedelta(days=1), self.tz)), t.issued_at)
            t.status, t.finished_at = W.EXPIRED, end
            t.wait_s = seconds_between(t.issued_at, end)
            self._log(now, "expired", t, None, None, W.WAITING, W.EXPIRED)
        self._waiting = [t for t in self._waiting if t.day > last]
        return len(expired)

    # -- the rules the store applies in SQL
    def _estimate(self, service: str, ahead: int) -> int:
        recent = [s for _, s in self._done.get(service, [])[-RECENT_SERVICE_SAMPLE:]]
        mean = blended_service_s(recent, self.default_service_s)
        serving = [d for d in self.counters.values() if service in d.services]
        open_ = [d for d in serving if d.state is CounterState.OPEN]
        return wait_seconds(ahead, mean, len(open_), len(serving), any(d.current is None for d in open_))

    def _current(self, counter: int, status: TicketStatus) -> SimTicket:
        t = self.counters[counter].current
        if t is None or t.status is not status:
            raise RuntimeError(f"engine: counter {counter} has no {status.value} ticket")
        return t

    def _set_state(self, desk: _Desk, state: CounterState, clerk: str | None) -> None:
        now = self.clock.now()
        before = desk.state
        desk.state, desk.since, desk.clerk = state, now, clerk
        self.events.append(SimEvent(now, "counter_" + state.value, None, desk.number, clerk, before.value,
                                    state.value))

    def _log(self, at: datetime, kind: str, t: SimTicket, counter: int | None, clerk: str | None,
             before: str | None, after: str, detail: dict[str, Any] | None = None) -> None:
        self.events.append(SimEvent(at, kind, t, counter if counter is not None else t.counter, clerk,
                                    str(before) if before else None, str(after), detail))


def seconds_between(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds()))


def write(engine: Engine, store: Store) -> int:
    """Insert the engine's tickets, events, daily numbers and counters' state in one transaction."""
    from common.store.bulk import insert_simulated  # the SQL stays in common/store

    return insert_simulated(store, engine)
