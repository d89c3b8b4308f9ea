"""The working state of one transaction, and the checks and transitions the operations share.

Only common.store.operations and other operation modules of common/ use it; a Tx never leaves
its transaction.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Integer, bindparam, func, or_, select, union_all
from sqlalchemy.orm import Session

from common.core import rules
from common.core.clock import local_midnight
from common.core.clock import service_day as day_of
from common.core.errors import DomainError, NotFound
from common.core.estimate import RECENT_SERVICE_SAMPLE, blended_service_s, wait_seconds
from common.core.events import OF_ACTION, EventKind
from common.core.model import (
    Clerk,
    Counter,
    CounterState,
    Event,
    OpeningHours,
    Ordering,
    PrintStatus,
    QueueSnapshot,
    Role,
    Service,
    Ticket,
    TicketStatus,
    parse_span,
)
from common.core.rules import Action
from common.core.wording import refusal
from common.store.catalog import Catalog, ServiceInfo, Snapshot
from common.store.hotpath import call_order_by, rank_sql, serves_sql
from common.store.orm import (
    BookingRow,
    ClerkRow,
    CounterRow,
    CounterServiceRow,
    EventRow,
    ServiceRow,
    TicketRow,
    finished_done,
)

W = TicketStatus
UNION_MOST = 250  # services per UNION ALL of recent_service_times: within SQLite's 500 compound terms


@cache
def _recent_union(services: int) -> Any:
    """The UNION ALL of ``services`` newest-first LIMITs (params s0, s1, …), built once per count."""
    parts = []
    for i in range(services):
        sid = bindparam(f"s{i}", type_=Integer())
        newest = (select(TicketRow.id, TicketRow.service_s)
                  .where(TicketRow.service_id == sid, finished_done(TicketRow.status),
                         TicketRow.service_s.is_not(None))
                  .order_by(TicketRow.id.desc()).limit(RECENT_SERVICE_SAMPLE).subquery())
        parts.append(select(sid.label("sid"), newest.c.id, newest.c.service_s))
    return union_all(*parts)


class Tx:
    """The working state of one transaction: its connection, an ORM session if asked for, the instant, lookups."""

    def __init__(self, conn: Connection, now: datetime, tz: ZoneInfo, default_service_s: float,
                 catalog: Catalog | None = None) -> None:
        self.conn = conn
        self._session: Session | None = None
        self.catalog = catalog or Catalog()
        self.notified = False  # a hot path sent NOTIFY in its own statement
        self.raw: Any = None  # (connection, DB-API cursor) of the hot paths (hotpath.first)
        # Per transaction: the estimate's inputs per service (a board read asks once per waiting place).
        self._estimate_inputs: dict[int, tuple[float, int, int, list[CounterRow]]] = {}
        self._free: dict[int, bool] = {}
        self.booking_codes: dict[int, str] = {}  # read ahead by common.store.snapshot for a whole hall
        self.default_service_s = default_service_s
        self.now = now
        self.tz = tz
        self.day = day_of(now, tz)
        self.changed = 0
        self.dialect = conn.dialect.name

    @property
    def session(self) -> Session:
        """An ORM session inside this transaction, made on first use.

        The hot paths (common.store.lean) send their statements on the connection and never make
        one: a Session's begin, connection and commit cost about 0.13 ms of CPU an action, a third of
        the floor's whole issue (docs/benchmarks/floor4.md). The session joins the connection's
        transaction and never commits or closes it (``rollback_only``); Store.transaction flushes
        it before the connection commits.
        """
        session = self._session
        if session is None:
            session = self._session = Session(bind=self.conn, expire_on_commit=False,
                                              join_transaction_mode="rollback_only")
        return session

    def finish(self) -> None:
        """Flush the session, if one was made: its writes go before the connection's COMMIT."""
        if self._session is not None:
            self._session.flush()

    def release(self) -> None:
        """Let the session go (its rows detached); the connection's own transaction ends in Store.transaction."""
        if self._session is not None:
            self._session.close()

    # -- lookups
    def service_row(self, code: str) -> ServiceRow:
        row = self.session.scalar(select(ServiceRow).where(ServiceRow.code == code))
        if row is None:
            raise NotFound(f"Không có dịch vụ {code!r}", f"No service {code!r}")
        return row

    def counter_row(self, number: int, *, lock: bool = False) -> CounterRow:
        query = select(CounterRow).where(CounterRow.number == number)
        row = self.session.scalar(query.with_for_update() if lock else query)
        if row is None or not row.active:
            raise NotFound(f"Không có quầy số {number}", f"No counter {number}")
        return row

    def clerk_row(self, username: str) -> ClerkRow:
        row = self.session.scalar(select(ClerkRow).where(ClerkRow.username == username))
        if row is None or not row.active:
            raise NotFound(f"Không có cán bộ {username!r}", f"No clerk {username!r}")
        return row

    @property
    def snap(self) -> Snapshot:
        """The cached services, counters and clerks (common.store.catalog)."""
        snap = self.catalog.current
        return snap if snap is not None else self.catalog.get(self.session)

    def fresh_snap(self) -> Snapshot:
        """The catalog reloaded: an id or name was missing, so another process changed the office."""
        return self.catalog.reload(self.session)

    def counter_number(self, counter_id: int | None) -> int | None:
        if counter_id is None:
            return None
        number = self.snap.counter_numbers.get(counter_id)
        return number if number is not None else self.fresh_snap().counter_numbers[counter_id]

    def clerk_name(self, clerk_id: int | None) -> str | None:
        if clerk_id is None:
            return None
        name = self.snap.clerk_names.get(clerk_id)
        return name if name is not None else self.fresh_snap().clerk_names[clerk_id]

    def service_by_id(self, service_id: int) -> ServiceInfo:
        svc = self.snap.services_by_id.get(service_id)
        return svc if svc is not None else self.fresh_snap().services_by_id[service_id]

    def by_token(self, token: str) -> TicketRow | None:
        return self.session.scalar(
            select(TicketRow).where(TicketRow.token == token).order_by(TicketRow.id.desc()).limit(1))

    def find(self, ref: str, *, lock: bool = False) -> TicketRow:
        ref = ref.strip()
        # A scanned QR may carry the whole status-page address: the token is its last part.
        token = ref.rstrip("/").rsplit("/t/", 1)[-1]
        query = select(TicketRow).order_by(TicketRow.id.desc()).limit(1)
        row = None
        if len(token) >= 16:
            row = self.session.scalar(query.where(TicketRow.token == token))
        if row is None:
            row = self.session.scalar(query.where(
                TicketRow.code == ref.upper(), TicketRow.service_day == self.day))
        if row is None:
            raise NotFound(f"Không tìm thấy vé {ref}", f"No ticket {ref}")
        if lock:
            self.session.refresh(row, with_for_update=True)
        return row

    def counters_serving(self, service_id: int) -> list[CounterRow]:
        return list(self.session.scalars(
            select(CounterRow).join(CounterServiceRow).where(
                CounterServiceRow.service_id == service_id, CounterRow.active.is_(True))
            .order_by(CounterRow.number)))

    # -- numbers and estimates (the ticket's number is taken in common.store.hotpath.issue_read)
    def waiting_query(self, service_id: int):  # type: ignore[no-untyped-def]
        return select(func.count()).select_from(TicketRow).where(
            TicketRow.status == W.WAITING.value, TicketRow.service_id == service_id,
            TicketRow.service_day == self.day)

    def ahead_of(self, row: TicketRow) -> int:
        """Waiting tickets of the same service that will be called before this one."""
        mine = 0 if row.priority else 1 if row.booked and self.snap.booked_first else 2  # rules.rank
        theirs = rank_sql(TicketRow.__table__, self.snap.booked_first)
        earlier = or_(
            theirs < mine,
            (theirs == mine) & (TicketRow.queued_at < row.queued_at),
            (theirs == mine) & (TicketRow.queued_at == row.queued_at) & (TicketRow.id < row.id),
        )
        return self.session.scalar(self.waiting_query(row.service_id).where(earlier)) or 0

    def estimate(self, svc: ServiceRow | ServiceInfo, ahead: int) -> int:
        """People ahead, shared among the open counters serving this service, times recent service time.

        The inputs are read once per service and transaction: a phone-status read asks for
        every waiting place, and costs O(services) statements, not O(tickets).
        """
        inputs = self._estimate_inputs.get(svc.id)
        if inputs is None:
            inputs = self.know_estimate_inputs(svc.id, self.recent_service_times([svc.id])[svc.id],
                                               self.counters_serving(svc.id))
        mean_service, n_open, n_serving, open_ = inputs
        free = False
        if ahead == 0:  # read only when nobody is ahead, once per service
            if svc.id not in self._free:
                self._free[svc.id] = any(self.at_counter(c) is None for c in open_)
            free = self._free[svc.id]
        return wait_seconds(ahead, mean_service, n_open, n_serving, free)

    def know_estimate_inputs(self, service_id: int, recent: list[int], serving: list[CounterRow],
                             busy: Collection[int] | None = None) -> tuple[float, int, int, list[CounterRow]]:
        """Keep the estimate's inputs for this service; ``busy``, where the caller read them: the ids of
        the counters with a ticket, which tell whether an open one is free (else read when needed)."""
        open_ = [c for c in serving if c.state == CounterState.OPEN.value]
        inputs = self._estimate_inputs[service_id] = (
            blended_service_s(recent, self.default_service_s), len(open_), len(serving), open_)
        if busy is not None:
            self._free[service_id] = any(c.id not in busy for c in open_)
        return inputs

    def recent_service_times(self, service_ids: list[int]) -> dict[int, list[int]]:
        """Each service's latest RECENT_SERVICE_SAMPLE service times, newest first, in one statement.

        One newest-first LIMIT per service, joined by UNION ALL: each walks ix_tickets_service_done from
        its service's newest finished ticket, O(1) in the history.
        """
        got: dict[int, list[int]] = {sid: [] for sid in service_ids}
        rows: list[tuple[int, int, int]] = []
        for at in range(0, len(service_ids), UNION_MOST):  # SQLite joins at most 500 SELECTs in one compound
            chunk = service_ids[at:at + UNION_MOST]
            params = {f"s{i}": sid for i, sid in enumerate(chunk)}
            rows += [(sid, i, t) for sid, i, t in self.session.execute(_recent_union(len(chunk)), params)]
        for sid, _, service_s in sorted(rows, key=lambda r: (r[0], -r[1])):
            got[sid].append(service_s)
        return got

    # -- counters
    def take_counter(self, number: int, clerk: str, *, free: bool = True) -> tuple[CounterRow, ClerkRow]:
        """Lock the counter for this action, open it for ``clerk`` if nobody holds it."""
        c, k = self.counter_row(number, lock=True), self.clerk_row(clerk)
        if c.state == CounterState.CLOSED.value or c.clerk_id is None:
            self.leave_other_counters(c, k)
            self.set_state(c, CounterState.OPEN, k)
        self.check_holder(c, k)
        if c.state != CounterState.OPEN.value:
            self.set_state(c, CounterState.OPEN, k)
        if free:
            current = self.at_counter(c)
            if current is not None:
                raise DomainError(
                    f"Quầy {c.number} đang {'phục vụ' if current.status == W.SERVING else 'gọi'} {current.code}",
                    f"Counter {c.number} is still {'serving' if current.status == W.SERVING else 'calling'} "
                    f"{current.code}")
        return c, k

    def leave_other_counters(self, c: CounterRow, k: ClerkRow) -> None:
        """One counter per clerk: close ``k``'s other open counter, or refuse while a ticket is still there.

        Signing in (the counter app) and acting at a closed counter (the command line) both open ``c`` for
        ``k``; a clerk left open at two desks would be counted at both in the reports.
        """
        other = self.session.scalar(select(CounterRow).where(
            CounterRow.clerk_id == k.id, CounterRow.id != c.id, CounterRow.state != CounterState.CLOSED.value))
        if other is None:
            return
        left = self.at_counter(other)
        if left is not None:
            raise DomainError(
                f"{k.username} còn vé {left.code} ở quầy {other.number}: hãy kết thúc hoặc chuyển trước",
                f"{k.username} still has {left.code} at counter {other.number}: finish or transfer it first")
        self.set_state(other, CounterState.CLOSED, None)

    def check_catalog(self, c: CounterRow, k: ClerkRow) -> None:
        """The slow path read the rows: if the cached catalog disagrees, drop it (another process changed them)."""
        cached = self.snap.counters.get(c.number)
        if cached is None or cached.id != c.id or cached.ordering != c.ordering or self.snap.clerks.get(
                k.username) != k.id:
            self.catalog.clear()

    def check_holder(self, c: CounterRow, k: ClerkRow) -> None:
        if c.clerk_id not in (None, k.id):
            holder = self.clerk_name(c.clerk_id)
            raise DomainError(f"Quầy {c.number} đang do {holder} sử dụng", f"Counter {c.number} is held by {holder}")

    def set_state(self, c: CounterRow, state: CounterState, k: ClerkRow | None) -> None:
        before = c.state
        c.state, c.state_since = state.value, self.now
        c.clerk_id = k.id if k else None
        self.log(EventKind.counter(state), None, c, k, before, state.value)

    def at_counter(self, c: CounterRow) -> TicketRow | None:
        return self.session.scalar(select(TicketRow).where(
            TicketRow.counter_id == c.id, TicketRow.status.in_((W.CALLED.value, W.SERVING.value))))

    def require_at_counter(self, c: CounterRow, action: Action) -> TicketRow:
        """The ticket at the counter, if the rules let ``action`` move it."""
        row = self.at_counter(c)
        if row is None:
            raise DomainError(f"Quầy {c.number} chưa gọi vé nào", f"Counter {c.number} has no ticket")
        self.check(row, action)
        return row

    def check(self, row: TicketRow, action: Action) -> None:
        if not rules.allowed(TicketStatus(row.status), action):
            raise self.wrong_state(row)

    def wrong_state(self, row: TicketRow) -> DomainError:
        return DomainError(*refusal(TicketStatus(row.status), row.code, self.counter_number(row.counter_id)))

    def next_candidate(self, c: CounterRow) -> TicketRow | None:
        """``common.core.rules.next_to_call`` in SQL, so that rows are locked (SKIP LOCKED) as they are picked.

        Keep the two in step: tests/common/core/test_call_order_store.py compares them on a real store.
        """
        table = TicketRow.__table__
        query = (
            select(TicketRow)
            .where(TicketRow.status == W.WAITING.value, TicketRow.service_day == self.day, serves_sql(table, c.id))
            .order_by(*call_order_by(Ordering(c.ordering), table, c.id, self.snap.booked_first))
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        return self.session.scalar(query)

    # -- ticket transitions
    def call(self, row: TicketRow, c: CounterRow, k: ClerkRow, action: Action, start: bool,
             reason: str | None = None) -> None:
        before = TicketStatus(row.status)
        resumed = rules.move(before, action, started=row.started_at is not None)
        if resumed is None:
            raise self.wrong_state(row)
        row.status, row.counter_id, row.clerk_id = resumed.value, c.id, k.id
        row.target_counter_id = None
        row.first_called_at = row.first_called_at or self.now
        if before in (W.WAITING, W.NO_SHOW):
            # The call that counts for the wait is the last one that brought the citizen.
            row.called_at = self.now
            row.wait_s = seconds_between(row.issued_at, self.now)
        row.last_called_at = self.now
        self.session.flush()
        self.log(OF_ACTION[action], row, c, k, before, resumed, {"reason": reason} if reason else None)
        if start and row.started_at is None:
            self.start(row, c, k)

    def start(self, row: TicketRow, c: CounterRow, k: ClerkRow) -> None:
        before = TicketStatus(row.status)
        after = rules.move(before, Action.START)
        if after is None:
            raise self.wrong_state(row)
        row.status, row.started_at = after.value, self.now
        row.walk_s = seconds_between(row.last_called_at or self.now, self.now)
        self.log(OF_ACTION[Action.START], row, c, k, before, after)

    def close(self, row: TicketRow, action: Action, c: CounterRow, k: ClerkRow,
              detail: dict[str, Any] | None = None) -> TicketStatus:
        """Finish or transfer the ticket at the counter: its transaction ends and its service time is kept."""
        before = TicketStatus(row.status)
        after = rules.move(before, action)
        if after is None:
            raise self.wrong_state(row)
        row.status, row.finished_at = after.value, self.now
        if row.started_at is not None:
            row.service_s = seconds_between(row.started_at, self.now)
        self.log(OF_ACTION[action], row, c, k, before, after, detail)
        return after

    def apply(self, row: TicketRow, action: Action, c: CounterRow | None, k: ClerkRow | None,
              detail: dict[str, Any] | None = None) -> TicketStatus:
        """A move that changes only the ticket's state (no-show, hold, resume, cancel), checked and logged."""
        before = TicketStatus(row.status)
        after = rules.move(before, action, started=row.started_at is not None)
        if after is None:
            raise self.wrong_state(row)
        row.status = after.value
        self.log(OF_ACTION[action], row, c, k, before, after, detail)
        return after

    def expire_before(self, day: date) -> int:
        # Several clerks sign in at once each morning: SKIP LOCKED splits the rows between them
        # on PostgreSQL, so no ticket is expired (and logged) twice. SQLite runs them one by one.
        rows = list(self.session.scalars(select(TicketRow).where(
            TicketRow.status.in_(sorted(rules.from_states(Action.EXPIRE))), TicketRow.service_day < day)
            .with_for_update(skip_locked=True)))
        for row in rows:
            end = min(self.now, local_midnight(row.service_day + timedelta(days=1), self.tz))
            # A visit transferred after midnight keeps its service day but was queued later.
            end = max(end, row.issued_at)
            row.finished_at = end
            if row.called_at is None:
                row.wait_s = seconds_between(row.issued_at, end)  # censored: waited this long and was never called
            self.apply(row, Action.EXPIRE, None, None)
        return len(rows)

    # -- the log and conversions
    def log(self, kind: EventKind, row: TicketRow | None = None, c: CounterRow | None = None,
            k: ClerkRow | None = None, before: str | None = None, after: str | None = None,
            detail: dict[str, Any] | None = None) -> None:
        self.session.add(EventRow(
            at=self.now, kind=kind, ticket_id=row.id if row is not None else None,
            counter_id=c.id if c is not None else (row.counter_id if row is not None else None),
            clerk_id=k.id if k is not None else None, from_status=str(before) if before else None,
            to_status=str(after) if after else None,
            detail=json.dumps(detail, ensure_ascii=False) if detail else None,
        ))
        self.changed += 1

    def ticket(self, row: TicketRow | Any) -> Ticket:
        """The ticket's value, from an ORM row or a Core row (the hot paths' RETURNING)."""
        svc = self.service_by_id(row.service_id)
        return Ticket(
            id=row.id, visit_id=row.visit_id or row.id, code=row.code, service=svc.code,
            service_name_vi=svc.name_vi, service_name_en=svc.name_en, token=row.token,
            status=TicketStatus(row.status), priority=row.priority, priority_category=row.priority_category,
            service_day=row.service_day, issued_at=row.issued_at, queued_at=row.queued_at,
            first_called_at=row.first_called_at, called_at=row.called_at, last_called_at=row.last_called_at,
            started_at=row.started_at, finished_at=row.finished_at, counter=self.counter_number(row.counter_id),
            clerk=self.clerk_name(row.clerk_id), target_counter=self.counter_number(row.target_counter_id),
            people_ahead=row.people_ahead, estimated_wait_seconds=row.estimated_wait_s,
            print_status=PrintStatus(row.print_status), recall_count=row.recall_count,
            target_minutes=svc.target_minutes,
            # getattr: a Core row returning fewer columns still makes a Ticket (the forecast left empty).
            estimate_method=getattr(row, "estimate_method", None),
            forecast_p10_s=getattr(row, "forecast_p10_s", None),
            forecast_p50_s=getattr(row, "forecast_p50_s", None),
            forecast_p90_s=getattr(row, "forecast_p90_s", None),
            naive_wait_s=getattr(row, "naive_wait_s", None),
            booked=bool(getattr(row, "booked", False)),
            booking_code=self.booking_code(getattr(row, "booking_id", None)),
        )

    def booking_code(self, booking_id: int | None) -> str | None:
        """The booking a ticket came from (issue 19); walk-ins have none and cost no statement."""
        if booking_id is None:
            return None
        code = self.booking_codes.get(booking_id)
        return code if code is not None else self.session.scalar(
            select(BookingRow.code).where(BookingRow.id == booking_id))

    def counter(self, row: CounterRow, codes: tuple[str, ...] | None = None) -> Counter:
        """The counter's value; ``codes``: its services in order, where the caller read them already."""
        if codes is None:
            codes = tuple(self.session.scalars(
                select(ServiceRow.code).join(CounterServiceRow).where(CounterServiceRow.counter_id == row.id)
                .order_by(CounterServiceRow.position)))
        return Counter(row.number, row.name, codes, Ordering(row.ordering), CounterState(row.state),
                       self.clerk_name(row.clerk_id), row.active, self.snap.booked_first,
                       self.snap.breaks.get(row.number, ()))  # the schedule: the staffing advice plans around it

    def event(self, row: EventRow) -> Event:
        ticket = self.session.get(TicketRow, row.ticket_id) if row.ticket_id else None
        return Event(row.id, row.at, row.kind, row.ticket_id, ticket.code if ticket else None,
                     self.counter_number(row.counter_id), self.clerk_name(row.clerk_id),
                     row.from_status, row.to_status, row.detail)

    def snapshot(self) -> QueueSnapshot:
        """The live queue in a fixed number of statements (common.store.snapshot)."""
        from common.store.snapshot import read_snapshot

        return read_snapshot(self)


def staffed(counters: Iterable[CounterRow]) -> bool:
    """Some counter is open or on a break (it comes back): a wait can be promised (common.core.estimate)."""
    return any(c.state != CounterState.CLOSED.value for c in counters)


def seconds_between(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds()))


def opening_hours(row: ServiceRow) -> OpeningHours:
    intervals = tuple(parse_span(span) for span in row.hours.split(","))
    return OpeningHours(intervals, tuple(int(d) for d in row.weekdays))


def service_value(row: ServiceRow) -> Service:
    return Service(row.code, row.prefix, row.name_vi, row.name_en, row.number_min, row.number_max, opening_hours(row),
                   row.daily_cap, row.target_minutes, row.active)


def clerk_value(row: ClerkRow) -> Clerk:
    return Clerk(row.username, row.full_name, Role(row.role), row.active)
