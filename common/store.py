"""The queue engine: every user action is one method, one transaction.

Each public method opens a transaction, checks the move, writes the ticket and
an event, and returns frozen dataclasses (common.model). On PostgreSQL the
transaction also sends ``NOTIFY motcua`` so that other PCs see the change at
commit; on SQLite other processes notice ``PRAGMA data_version`` moving.

The rule for ``call_next`` (documented in docs/metrics.md too):

1. only today's tickets that are waiting for one of the counter's services, or
   were transferred to this counter by number;
2. priority tickets before all others;
3. then, for an ``oldest_first`` counter, the longest-queued ticket across its
   services; for a ``strict`` counter, its first-listed service with anyone
   waiting, oldest first within it. "Queued" is the original issue time, so a
   transferred citizen keeps their place.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from common import passwords
from common.clock import Clock, SystemClock, local_midnight
from common.clock import service_day as day_of
from common.config import ClerkSpec, OfficeSpec
from common.db import READONLY_OPTION, SQLITE_BUSY_TIMEOUT_MS, Database
from common.errors import AuthError, DomainError, NotFound, StoreUnavailable
from common.model import (
    DEFAULT_PRIORITY_CATEGORIES,
    Clerk,
    Counter,
    CounterState,
    CounterStatus,
    Event,
    Issued,
    OpeningHours,
    Ordering,
    PrintStatus,
    QueueSnapshot,
    Role,
    Service,
    ServiceQueue,
    Ticket,
    TicketStatus,
    parse_span,
    span_text,
)
from common.orm import (
    ClerkRow,
    CounterRow,
    CounterServiceRow,
    DailyNumberRow,
    EventRow,
    ServiceRow,
    SettingRow,
    TicketRow,
)

W = TicketStatus
RECENT_SERVICE_SAMPLE = 20  # finished tickets behind each service-time estimate


class Store:
    """The one entry point the apps, the CLI and the simulator use."""

    def __init__(
        self,
        db: Database,
        clock: Clock | None = None,
        tz: ZoneInfo | str = "Asia/Ho_Chi_Minh",
        *,
        default_service_minutes: float = 8,
        call_starts_service: bool = False,
    ) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.default_service_s = default_service_minutes * 60
        self.call_starts_service = call_starts_service

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def transaction(self, *, notify: bool = True, consistent: bool = False, readonly: bool = False) -> Iterator[Tx]:
        """One transaction: committed on success, rolled back on any error.

        ``readonly=True`` is for reads: on SQLite it reads a WAL snapshot without
        taking the write lock, so a year's report never makes a kiosk wait.
        ``consistent=True`` is for multi-statement reads (a whole board, a snapshot):
        on PostgreSQL every statement then sees the same instant (REPEATABLE READ)
        instead of each seeing the latest commits. SQLite's transactions already do.

        Public for operations written in other modules of common/ (reports, the
        board); the apps never call it: they call operations.
        """
        bind = self.db.engine
        if readonly:
            notify = False
            if self.db.is_sqlite:
                bind = bind.execution_options(**{READONLY_OPTION: True})
        if consistent and not self.db.is_sqlite:
            bind = bind.execution_options(isolation_level="REPEATABLE READ")
        try:
            with Session(bind, expire_on_commit=False) as session, session.begin():
                tx = Tx(session, self.clock.now(), self.tz, self.default_service_s)
                yield tx
                if notify and tx.changed and not self.db.is_sqlite:
                    session.execute(select(func.pg_notify("motcua", str(tx.changed))))
        except (OperationalError, DBAPIError) as exc:
            if isinstance(exc, IntegrityError):
                raise
            if self.db.is_sqlite and "database is locked" in str(exc):
                raise StoreUnavailable(f"the database {self.db.masked_url} stayed busy for "
                                       f"{SQLITE_BUSY_TIMEOUT_MS // 1000} s; nothing was written, try again") from exc
            if exc.connection_invalidated or isinstance(exc, OperationalError):
                raise StoreUnavailable(f"cannot reach the database {self.db.masked_url}") from exc
            raise

    @property
    def today(self) -> date:
        return day_of(self.clock.now(), self.tz)

    # ------------------------------------------------------------------ setup
    def load_office(self, office: OfficeSpec, settings: dict[str, Any] | None = None) -> dict[str, int]:
        """Create or update services, counters and clerks; running it twice changes nothing."""
        counts = {"services": 0, "counters": 0, "clerks": 0}
        with self.transaction() as tx:
            s = tx.session
            for position, svc in enumerate(office.services):
                row = s.scalar(select(ServiceRow).where(ServiceRow.code == svc.code)) or ServiceRow(code=svc.code)
                row.prefix, row.name_vi, row.name_en = svc.prefix, svc.name_vi, svc.name_en
                row.number_min, row.number_max = svc.number_min, svc.number_max
                row.hours = ",".join(span_text(span) for span in svc.hours.intervals)
                row.weekdays = "".join(str(d) for d in svc.hours.weekdays)
                row.daily_cap, row.target_minutes, row.active, row.position = (
                    svc.daily_cap, svc.target_minutes, svc.active, position)
                s.add(row)
                counts["services"] += 1
            s.flush()
            service_ids = {r.code: r.id for r in s.scalars(select(ServiceRow))}
            for spec in office.counters:
                row = s.scalar(select(CounterRow).where(CounterRow.number == spec.number))
                if row is None:
                    row = CounterRow(number=spec.number, state=CounterState.CLOSED.value)
                    s.add(row)
                row.name, row.ordering, row.active = spec.name, spec.ordering.value, spec.active
                s.flush()
                wanted = {service_ids[c]: pos for pos, c in enumerate(spec.services)}
                for link in s.scalars(select(CounterServiceRow).where(CounterServiceRow.counter_id == row.id)):
                    if link.service_id not in wanted:
                        s.delete(link)
                    else:
                        link.position = wanted.pop(link.service_id)
                for service_id, pos in wanted.items():
                    s.add(CounterServiceRow(counter_id=row.id, service_id=service_id, position=pos))
                counts["counters"] += 1
            for clerk in office.clerks:
                self._upsert_clerk(s, clerk)
                counts["clerks"] += 1
            merged = {"priority_categories": json.dumps(dict(office.priority_categories), ensure_ascii=False)}
            merged.update({k: json.dumps(v, ensure_ascii=False) for k, v in (settings or {}).items()})
            for key, value in merged.items():
                s.merge(SettingRow(key=key, value=value))
            tx.log("office_loaded", detail=counts)
        return counts

    def add_clerk(self, username: str, full_name: str, role: Role, password: str) -> Clerk:
        spec = ClerkSpec(username, full_name, role, passwords.hash_password(password))
        with self.transaction() as tx:
            row = self._upsert_clerk(tx.session, spec)
            tx.log("clerk_saved", k=row, detail={"role": role.value})
            return _clerk(row)

    @staticmethod
    def _upsert_clerk(s: Session, spec: ClerkSpec) -> ClerkRow:
        row = s.scalar(select(ClerkRow).where(ClerkRow.username == spec.username))
        if row is None:
            row = ClerkRow(username=spec.username)
            s.add(row)
        row.full_name, row.role, row.active = spec.full_name, spec.role.value, True
        if spec.password_hash:
            row.password_hash = spec.password_hash
        s.flush()
        return row

    def authenticate(self, username: str, password: str) -> Clerk:
        with self.transaction(readonly=True) as tx:
            row = tx.session.scalar(select(ClerkRow).where(ClerkRow.username == username))
            hashed = row.password_hash if row else None
        if row is None or not row.active or not passwords.verify_password(password, hashed):
            raise AuthError("Sai tên đăng nhập hoặc mật khẩu", "Wrong username or password")
        return _clerk(row)

    # ------------------------------------------------------------------ reads
    def services(self) -> list[Service]:
        with self.transaction(readonly=True) as tx:
            return [_service(r) for r in tx.session.scalars(select(ServiceRow).order_by(ServiceRow.position))]

    def counters(self) -> list[Counter]:
        with self.transaction(readonly=True) as tx:
            return [tx.counter(r) for r in tx.session.scalars(select(CounterRow).order_by(CounterRow.number))]

    def clerks(self) -> list[Clerk]:
        with self.transaction(readonly=True) as tx:
            return [_clerk(r) for r in tx.session.scalars(select(ClerkRow).order_by(ClerkRow.username))]

    def office_setting(self, key: str, default: Any = None) -> Any:
        with self.transaction(readonly=True) as tx:
            row = tx.session.get(SettingRow, key)
            return json.loads(row.value) if row else default

    def ticket(self, ticket_id: int) -> Ticket:
        with self.transaction(readonly=True) as tx:
            row = tx.session.get(TicketRow, ticket_id)
            if row is None:
                raise NotFound(f"Không có vé số hiệu {ticket_id}", f"No ticket with id {ticket_id}")
            return tx.ticket(row)

    def find_ticket(self, ref: str) -> Ticket:
        """A ticket by its QR token, or by its printed code today (``A023``)."""
        with self.transaction(readonly=True) as tx:
            return tx.ticket(tx.find(ref))

    def ticket_by_token(self, token: str) -> Ticket | None:
        with self.transaction(readonly=True) as tx:
            row = tx.by_token(token)
            return tx.ticket(row) if row else None

    def people_ahead(self, ticket_id: int) -> int:
        with self.transaction(readonly=True) as tx:
            row = tx.session.get(TicketRow, ticket_id)
            return tx.ahead_of(row) if row is not None and row.status == W.WAITING else 0

    def current_ticket(self, counter: int) -> Ticket | None:
        with self.transaction(readonly=True) as tx:
            row = tx.at_counter(tx.counter_row(counter))
            return tx.ticket(row) if row else None

    def tickets(self, start: date, end: date) -> list[Ticket]:
        """Every transaction with a service day in [start, end], oldest first."""
        with self.transaction(readonly=True) as tx:
            rows = tx.session.scalars(
                select(TicketRow).where(TicketRow.service_day.between(start, end)).order_by(TicketRow.id))
            return [tx.ticket(r) for r in rows]

    def events_since(self, after_id: int, limit: int = 500) -> list[Event]:
        with self.transaction(readonly=True) as tx:
            rows = tx.session.scalars(
                select(EventRow).where(EventRow.id > after_id).order_by(EventRow.id).limit(limit))
            return [tx.event(r) for r in rows]

    def last_event_id(self) -> int:
        with self.transaction(readonly=True) as tx:
            return tx.session.scalar(select(func.coalesce(func.max(EventRow.id), 0))) or 0

    def recent_calls(self, limit: int = 10) -> list[Event]:
        """The latest calls and recalls, newest first: what the hall display lists."""
        with self.transaction(readonly=True) as tx:
            rows = tx.session.scalars(
                select(EventRow)
                .where(EventRow.kind.in_(("called", "recalled")), EventRow.at >= local_midnight(tx.day, self.tz))
                .order_by(EventRow.id.desc())
                .limit(limit))
            return [tx.event(r) for r in rows]

    def snapshot(self) -> QueueSnapshot:
        """Waiting counts, estimates, counters and the waiting list, read in one transaction."""
        with self.transaction(readonly=True, consistent=True) as tx:
            return tx.snapshot()

    # ------------------------------------------------------------------ the kiosk
    def issue_ticket(
        self,
        service: str,
        priority_category: str | None = None,
        *,
        print_status: PrintStatus = PrintStatus.NOT_PRINTED,
        check_hours: bool = True,
    ) -> Issued:
        with self.transaction() as tx:
            svc = tx.service_row(service)
            if not svc.active:
                raise DomainError(f"Dịch vụ {svc.name_vi} đang tạm ngừng", f"{svc.name_en} is not available")
            if check_hours and not _hours(svc).is_open(tx.now.astimezone(self.tz)):
                raise DomainError(f"{svc.name_vi}: ngoài giờ tiếp nhận ({_hours(svc).label()})",
                                  f"{svc.name_en} is closed now (open {_hours(svc).label()})")
            if priority_category is not None:
                tx.check_category(priority_category)
            number = tx.next_number(svc)
            row = TicketRow(
                service_id=svc.id, number_service_id=svc.id, service_day=tx.day, number=number,
                transfer_seq=0, code=f"{svc.prefix}{number:03d}", token=secrets.token_urlsafe(16),
                status=W.WAITING.value, priority=priority_category is not None,
                priority_category=priority_category, issued_at=tx.now, queued_at=tx.now,
                local_hour=tx.now.astimezone(self.tz).hour, print_status=print_status.value,
            )
            tx.session.add(row)
            tx.session.flush()
            row.visit_id = row.id
            row.people_ahead = tx.ahead_of(row)
            row.estimated_wait_s = tx.estimate(svc, row.people_ahead)
            detail = {"priority": priority_category} if priority_category else None
            tx.log("issued", row, after=W.WAITING, detail=detail)
            counters = tuple(c.number for c in tx.counters_serving(svc.id))
            return Issued(tx.ticket(row), counters)

    def set_print_status(self, ticket_id: int, status: PrintStatus, detail: str | None = None) -> Ticket:
        with self.transaction() as tx:
            row = tx.session.get(TicketRow, ticket_id)
            if row is None:
                raise NotFound(f"Không có vé số hiệu {ticket_id}", f"No ticket with id {ticket_id}")
            before, row.print_status = row.print_status, status.value
            tx.log("print_" + status.value, row, detail={"from": before, "error": detail} if detail else None)
            return tx.ticket(row)

    # ------------------------------------------------------------------ the counter
    def sign_in(self, counter: int, clerk: str, *, take_over: bool = False) -> str:
        """Hold ``counter`` for ``clerk``; returns a session id that changes on every sign-in."""
        with self.transaction() as tx:
            c, k = tx.counter_row(counter, lock=True), tx.clerk_row(clerk)
            if c.clerk_id not in (None, k.id) and c.state != CounterState.CLOSED and not take_over:
                holder = tx.session.get(ClerkRow, c.clerk_id)
                name = holder.username if holder else "?"
                raise DomainError(f"Quầy {counter} đang do {name} sử dụng", f"Counter {counter} is held by {name}")
            other = tx.session.scalar(select(CounterRow).where(
                CounterRow.clerk_id == k.id, CounterRow.id != c.id, CounterRow.state != CounterState.CLOSED.value))
            if other is not None:
                left = tx.at_counter(other)
                if left is not None:
                    raise DomainError(
                        f"{k.username} còn vé {left.code} ở quầy {other.number}: hãy kết thúc hoặc chuyển trước",
                        f"{k.username} still has {left.code} at counter {other.number}: finish or transfer it first")
                tx.set_state(other, CounterState.CLOSED, None)
            c.session_id = secrets.token_hex(8)
            tx.set_state(c, CounterState.OPEN, k)
            # The day's first sign-in closes earlier days: whoever still waited then is "expired".
            # (Here rather than at the kiosk, whose database role may not rewrite tickets.)
            tx.expire_before(tx.day)
            return c.session_id

    def sign_out(self, counter: int, clerk: str) -> None:
        with self.transaction() as tx:
            c = tx.counter_row(counter, lock=True)
            tx.check_holder(c, tx.clerk_row(clerk))
            tx.set_state(c, CounterState.CLOSED, None)
            c.session_id = None

    def set_counter_state(self, counter: int, clerk: str, state: CounterState) -> Counter:
        """Open, on break or in back-office work: idle time is then measured honestly."""
        with self.transaction() as tx:
            c, k = tx.counter_row(counter, lock=True), tx.clerk_row(clerk)
            tx.check_holder(c, k)
            if state != CounterState.OPEN and tx.at_counter(c) is not None:
                raise DomainError(f"Quầy {counter} còn vé đang phục vụ", f"Counter {counter} still has a ticket")
            tx.set_state(c, state, k if state != CounterState.CLOSED else None)
            return tx.counter(c)

    def call_next(self, counter: int, clerk: str) -> Ticket | None:
        with self.transaction() as tx:
            c, k = tx.take_counter(counter, clerk)
            row = tx.next_candidate(c)
            if row is None:
                return None
            tx.call(row, c, k, "called", self.call_starts_service)
            return tx.ticket(row)

    def call_specific(self, ref: str, counter: int, clerk: str, reason: str) -> Ticket:
        """Call one ticket out of order (typed or scanned); the reason goes into the audit log."""
        if not reason.strip():
            raise DomainError("Cần ghi lý do khi gọi vé không theo thứ tự",
                              "A reason is required to call a ticket out of order")
        with self.transaction() as tx:
            c, k = tx.take_counter(counter, clerk)
            row = tx.find(ref, lock=True)
            if row.status == W.ON_HOLD and row.counter_id not in (None, c.id):
                raise DomainError(f"{row.code} đang được giữ tại quầy {tx.counter_number(row.counter_id)}",
                                  f"{row.code} is on hold at counter {tx.counter_number(row.counter_id)}")
            if row.status not in (W.WAITING, W.NO_SHOW, W.ON_HOLD):
                raise tx.wrong_state(row)
            if row.service_day != tx.day:
                raise DomainError(f"{row.code} là vé của ngày {row.service_day:%d/%m/%Y}",
                                  f"{row.code} was issued on {row.service_day:%Y-%m-%d}")
            tx.call(row, c, k, "called", self.call_starts_service, reason=reason.strip())
            return tx.ticket(row)

    def recall(self, counter: int, clerk: str) -> Ticket:
        with self.transaction() as tx:
            c, k = tx.take_counter(counter, clerk, free=False)
            row = tx.require_at_counter(c, W.CALLED)
            row.last_called_at = tx.now
            row.recall_count += 1
            tx.log("recalled", row, c, k, W.CALLED, W.CALLED, {"recall": row.recall_count})
            return tx.ticket(row)

    def start_service(self, counter: int, clerk: str) -> Ticket:
        with self.transaction() as tx:
            c, k = tx.take_counter(counter, clerk, free=False)
            row = tx.require_at_counter(c, W.CALLED)
            tx.start(row, c, k)
            return tx.ticket(row)

    def finish_service(self, counter: int, clerk: str) -> Ticket:
        with self.transaction() as tx:
            c, k = tx.take_counter(counter, clerk, free=False)
            row = tx.require_at_counter(c, W.SERVING)
            tx.close(row, W.DONE, c, k)
            return tx.ticket(row)

    def mark_no_show(self, counter: int, clerk: str) -> Ticket:
        with self.transaction() as tx:
            c, k = tx.take_counter(counter, clerk, free=False)
            row = tx.require_at_counter(c, W.CALLED)
            row.status = W.NO_SHOW.value
            tx.log("no_show", row, c, k, W.CALLED, W.NO_SHOW)
            return tx.ticket(row)

    def transfer(self, counter: int, clerk: str, *, to_service: str | None = None,
                 to_counter: int | None = None) -> Ticket:
        """Close this transaction and queue a new one; the citizen keeps their place in line."""
        if (to_service is None) == (to_counter is None):
            raise ValueError("transfer needs exactly one of to_service or to_counter")
        with self.transaction() as tx:
            c, k = tx.take_counter(counter, clerk, free=False)
            row = tx.require_at_counter(c, W.CALLED, W.SERVING)
            if to_service is not None:
                target_svc, target_counter = tx.service_row(to_service), None
            else:
                target_counter = tx.counter_row(to_counter)  # type: ignore[arg-type]
                if target_counter.id == c.id:
                    raise DomainError("Không thể chuyển vé về chính quầy này", "Cannot transfer to the same counter")
                target_svc = tx.session.get(ServiceRow, row.service_id)
            assert target_svc is not None
            tx.close(row, W.TRANSFERRED, c, k, detail={
                "to_service": target_svc.code, "to_counter": target_counter.number if target_counter else None})
            seq = tx.session.scalar(select(func.max(TicketRow.transfer_seq)).where(
                TicketRow.visit_id == row.visit_id)) or 0
            new = TicketRow(
                visit_id=row.visit_id, service_id=target_svc.id, number_service_id=row.number_service_id,
                service_day=row.service_day, number=row.number, transfer_seq=seq + 1, code=row.code,
                token=row.token, status=W.WAITING.value, priority=row.priority,
                priority_category=row.priority_category, issued_at=tx.now, queued_at=row.queued_at,
                local_hour=tx.now.astimezone(self.tz).hour, print_status=row.print_status,
                target_counter_id=target_counter.id if target_counter else None,
            )
            tx.session.add(new)
            tx.session.flush()
            new.people_ahead = tx.ahead_of(new)
            new.estimated_wait_s = tx.estimate(target_svc, new.people_ahead)
            tx.log("transfer_queued", new, c, k, None, W.WAITING, {"from_ticket": row.id})
            return tx.ticket(new)

    def hold(self, counter: int, clerk: str) -> Ticket:
        """Set the citizen aside (fetching a document, say); the counter can call others meanwhile."""
        with self.transaction() as tx:
            c, k = tx.take_counter(counter, clerk, free=False)
            row = tx.require_at_counter(c, W.CALLED, W.SERVING)
            before, row.status = row.status, W.ON_HOLD.value
            tx.log("held", row, c, k, before, W.ON_HOLD)
            return tx.ticket(row)

    def resume(self, ref: str, counter: int, clerk: str) -> Ticket:
        """Take back a ticket this counter held."""
        with self.transaction() as tx:
            c, k = tx.take_counter(counter, clerk)
            row = tx.find(ref, lock=True)
            if row.status != W.ON_HOLD or row.counter_id != c.id:
                raise DomainError(f"{row.code} không được giữ tại quầy {counter}",
                                  f"{row.code} is not on hold at counter {counter}")
            row.status = (W.SERVING if row.started_at else W.CALLED).value
            row.clerk_id = k.id
            tx.log("resumed", row, c, k, W.ON_HOLD, row.status)
            return tx.ticket(row)

    def cancel(self, ref: str, clerk: str, reason: str = "") -> Ticket:
        with self.transaction() as tx:
            k = tx.clerk_row(clerk)
            row = tx.find(ref, lock=True)
            if TicketStatus(row.status).final or row.status == W.SERVING:
                raise tx.wrong_state(row)
            before, row.status, row.finished_at = row.status, W.CANCELLED.value, tx.now
            tx.log("cancelled", row, None, k, before, W.CANCELLED, {"reason": reason} if reason else None)
            return tx.ticket(row)

    def close_day(self, day: date | None = None) -> int:
        """Expire tickets still waiting (or on hold) on ``day`` and before; returns how many."""
        with self.transaction() as tx:
            return tx.expire_before((day or tx.day) + timedelta(days=1))


class Tx:
    """The working state of one transaction: the session, the instant and small lookups."""

    def __init__(self, session: Session, now: datetime, tz: ZoneInfo, default_service_s: float) -> None:
        self.session = session
        self.default_service_s = default_service_s
        self.now = now
        self.tz = tz
        self.day = day_of(now, tz)
        self.changed = 0
        self._services: dict[int, ServiceRow] = {}
        self._counter_numbers: dict[int, int] = {}
        self._clerk_names: dict[int, str] = {}
        self.dialect = session.get_bind().dialect.name

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

    def counter_number(self, counter_id: int | None) -> int | None:
        if counter_id is None:
            return None
        if counter_id not in self._counter_numbers:
            self._counter_numbers[counter_id] = self.session.get(CounterRow, counter_id).number  # type: ignore[union-attr]
        return self._counter_numbers[counter_id]

    def clerk_name(self, clerk_id: int | None) -> str | None:
        if clerk_id is None:
            return None
        if clerk_id not in self._clerk_names:
            self._clerk_names[clerk_id] = self.session.get(ClerkRow, clerk_id).username  # type: ignore[union-attr]
        return self._clerk_names[clerk_id]

    def service_by_id(self, service_id: int) -> ServiceRow:
        if service_id not in self._services:
            self._services[service_id] = self.session.get(ServiceRow, service_id)  # type: ignore[assignment]
        return self._services[service_id]

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

    def check_category(self, category: str) -> None:
        row = self.session.get(SettingRow, "priority_categories")
        known = json.loads(row.value) if row else None
        if category not in (known or DEFAULT_PRIORITY_CATEGORIES):
            raise NotFound(f"Không có diện ưu tiên {category!r}", f"No priority category {category!r}")

    # -- numbers and estimates
    def next_number(self, svc: ServiceRow) -> int:
        """Atomically take the next number for ``svc`` today (a row lock on PostgreSQL, the write lock on SQLite)."""
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        stmt = insert(DailyNumberRow).values(
            service_id=svc.id, service_day=self.day, last_number=svc.number_min, issued=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[DailyNumberRow.service_id, DailyNumberRow.service_day],
            set_={"last_number": DailyNumberRow.last_number + 1, "issued": DailyNumberRow.issued + 1},
        ).returning(DailyNumberRow.last_number, DailyNumberRow.issued)
        number, issued = self.session.execute(stmt).one()
        if (svc.daily_cap and issued > svc.daily_cap) or number > svc.number_max:
            raise DomainError(f"{svc.name_vi}: Đã hết số hôm nay", f"{svc.name_en}: no more tickets today")
        return int(number)

    def waiting_query(self, service_id: int):  # type: ignore[no-untyped-def]
        return select(func.count()).select_from(TicketRow).where(
            TicketRow.status == W.WAITING.value, TicketRow.service_id == service_id,
            TicketRow.service_day == self.day)

    def ahead_of(self, row: TicketRow) -> int:
        """Waiting tickets of the same service that will be called before this one."""
        earlier = or_(
            TicketRow.priority.is_(True) if not row.priority else False,
            (TicketRow.priority == row.priority) & (TicketRow.queued_at < row.queued_at),
            (TicketRow.priority == row.priority) & (TicketRow.queued_at == row.queued_at)
            & (TicketRow.id < row.id),
        )
        return self.session.scalar(self.waiting_query(row.service_id).where(earlier)) or 0

    def estimate(self, svc: ServiceRow, ahead: int) -> int:
        """People ahead, shared among the open counters serving this service, times recent service time."""
        recent = self.session.scalars(
            select(TicketRow.service_s).where(
                TicketRow.service_id == svc.id, TicketRow.status == W.DONE.value, TicketRow.service_s.is_not(None))
            .order_by(TicketRow.id.desc()).limit(RECENT_SERVICE_SAMPLE)).all()
        mean_service = sum(recent) / len(recent) if recent else self.default_service_s
        counters = self.counters_serving(svc.id)
        open_ = [c for c in counters if c.state == CounterState.OPEN.value]
        servers = len(open_) or len(counters) or 1
        if ahead == 0 and open_ and any(self.at_counter(c) is None for c in open_):
            return 0
        return math.ceil((ahead + 1) * mean_service / servers)

    # -- counters
    def take_counter(self, number: int, clerk: str, *, free: bool = True) -> tuple[CounterRow, ClerkRow]:
        """Lock the counter for this action, open it for ``clerk`` if nobody holds it."""
        c, k = self.counter_row(number, lock=True), self.clerk_row(clerk)
        if c.state == CounterState.CLOSED.value or c.clerk_id is None:
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

    def check_holder(self, c: CounterRow, k: ClerkRow) -> None:
        if c.clerk_id not in (None, k.id):
            holder = self.clerk_name(c.clerk_id)
            raise DomainError(f"Quầy {c.number} đang do {holder} sử dụng", f"Counter {c.number} is held by {holder}")

    def set_state(self, c: CounterRow, state: CounterState, k: ClerkRow | None) -> None:
        before = c.state
        c.state, c.state_since = state.value, self.now
        c.clerk_id = k.id if k else None
        self.log("counter_" + state.value, None, c, k, before, state.value)

    def at_counter(self, c: CounterRow) -> TicketRow | None:
        return self.session.scalar(select(TicketRow).where(
            TicketRow.counter_id == c.id, TicketRow.status.in_((W.CALLED.value, W.SERVING.value))))

    def require_at_counter(self, c: CounterRow, *statuses: TicketStatus) -> TicketRow:
        row = self.at_counter(c)
        if row is None:
            raise DomainError(f"Quầy {c.number} chưa gọi vé nào", f"Counter {c.number} has no ticket")
        if row.status not in statuses:
            raise self.wrong_state(row)
        return row

    def wrong_state(self, row: TicketRow) -> DomainError:
        status = TicketStatus(row.status)
        where = self.counter_number(row.counter_id)
        vi = {
            W.WAITING: f"{row.code} đang chờ, chưa được gọi",
            W.CALLED: f"{row.code} đã được gọi tới quầy {where}",
            W.SERVING: f"{row.code} đang được phục vụ tại quầy {where}",
            W.DONE: f"{row.code} đã được phục vụ xong",
            W.NO_SHOW: f"{row.code} đã bị báo vắng",
            W.TRANSFERRED: f"{row.code} đã được chuyển đi",
            W.CANCELLED: f"{row.code} đã bị huỷ",
            W.ON_HOLD: f"{row.code} đang được giữ tại quầy {where}",
            W.EXPIRED: f"{row.code} đã hết hạn (cuối ngày)",
        }[status]
        en = {
            W.WAITING: f"{row.code} is waiting and has not been called",
            W.CALLED: f"{row.code} has already been called to counter {where}",
            W.SERVING: f"{row.code} is already being served at counter {where}",
            W.DONE: f"{row.code} has already been served",
            W.NO_SHOW: f"{row.code} was marked as a no-show",
            W.TRANSFERRED: f"{row.code} was transferred",
            W.CANCELLED: f"{row.code} was cancelled",
            W.ON_HOLD: f"{row.code} is on hold at counter {where}",
            W.EXPIRED: f"{row.code} expired at the end of its day",
        }[status]
        return DomainError(vi, en)

    def next_candidate(self, c: CounterRow) -> TicketRow | None:
        links = select(CounterServiceRow.service_id, CounterServiceRow.position).where(
            CounterServiceRow.counter_id == c.id).subquery()
        mine = or_(
            TicketRow.target_counter_id == c.id,
            TicketRow.target_counter_id.is_(None) & TicketRow.service_id.in_(select(links.c.service_id)),
        )
        order = [TicketRow.priority.desc()]
        if c.ordering == Ordering.STRICT.value:
            position = select(links.c.position).where(links.c.service_id == TicketRow.service_id).scalar_subquery()
            order.append(case((TicketRow.target_counter_id == c.id, -1), else_=func.coalesce(position, 0)))
        order += [TicketRow.queued_at, TicketRow.id]
        query = (
            select(TicketRow)
            .where(TicketRow.status == W.WAITING.value, TicketRow.service_day == self.day, mine)
            .order_by(*order)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        return self.session.scalar(query)

    # -- ticket transitions
    def call(self, row: TicketRow, c: CounterRow, k: ClerkRow, kind: str, start: bool,
             reason: str | None = None) -> None:
        before = row.status
        # A held citizen whose service had begun comes back to service, not to a new call.
        resumed = W.SERVING if before == W.ON_HOLD and row.started_at is not None else W.CALLED
        row.status, row.counter_id, row.clerk_id = resumed.value, c.id, k.id
        row.target_counter_id = None
        row.first_called_at = row.first_called_at or self.now
        if before in (W.WAITING, W.NO_SHOW):
            # The call that counts for the wait is the last one that brought the citizen.
            row.called_at = self.now
            row.wait_s = _seconds(row.issued_at, self.now)
        row.last_called_at = self.now
        self.session.flush()
        self.log(kind, row, c, k, before, resumed, {"reason": reason} if reason else None)
        if start and row.started_at is None:
            self.start(row, c, k)

    def start(self, row: TicketRow, c: CounterRow, k: ClerkRow) -> None:
        row.status, row.started_at = W.SERVING.value, self.now
        row.walk_s = _seconds(row.last_called_at or self.now, self.now)
        self.log("started", row, c, k, W.CALLED, W.SERVING)

    def close(self, row: TicketRow, status: TicketStatus, c: CounterRow, k: ClerkRow,
              detail: dict[str, Any] | None = None) -> None:
        before = row.status
        row.status, row.finished_at = status.value, self.now
        if row.started_at is not None:
            row.service_s = _seconds(row.started_at, self.now)
        self.log({W.DONE: "finished", W.TRANSFERRED: "transferred"}[status], row, c, k, before, status, detail)

    def expire_before(self, day: date) -> int:
        # Several clerks sign in at once each morning: SKIP LOCKED splits the rows between them
        # on PostgreSQL, so no ticket is expired (and logged) twice. SQLite runs them one by one.
        rows = list(self.session.scalars(select(TicketRow).where(
            TicketRow.status.in_((W.WAITING.value, W.ON_HOLD.value)), TicketRow.service_day < day)
            .with_for_update(skip_locked=True)))
        for row in rows:
            end = min(self.now, local_midnight(row.service_day + timedelta(days=1), self.tz))
            # A visit transferred after midnight keeps its service day but was queued later.
            end = max(end, row.issued_at)
            before, row.status, row.finished_at = row.status, W.EXPIRED.value, end
            if row.called_at is None:
                row.wait_s = _seconds(row.issued_at, end)  # censored: waited this long and was never called
            self.log("expired", row, None, None, before, W.EXPIRED)
        return len(rows)

    # -- the log and conversions
    def log(self, kind: str, row: TicketRow | None = None, c: CounterRow | None = None,
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

    def ticket(self, row: TicketRow) -> Ticket:
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
        )

    def counter(self, row: CounterRow) -> Counter:
        codes = self.session.scalars(
            select(ServiceRow.code).join(CounterServiceRow).where(CounterServiceRow.counter_id == row.id)
            .order_by(CounterServiceRow.position)).all()
        return Counter(row.number, row.name, tuple(codes), Ordering(row.ordering), CounterState(row.state),
                       self.clerk_name(row.clerk_id), row.active)

    def event(self, row: EventRow) -> Event:
        ticket = self.session.get(TicketRow, row.ticket_id) if row.ticket_id else None
        return Event(row.id, row.at, row.kind, row.ticket_id, ticket.code if ticket else None,
                     self.counter_number(row.counter_id), self.clerk_name(row.clerk_id),
                     row.from_status, row.to_status, row.detail)

    def snapshot(self) -> QueueSnapshot:
        local = self.now.astimezone(self.tz)
        waiting_rows = list(self.session.scalars(
            select(TicketRow).where(TicketRow.status == W.WAITING.value, TicketRow.service_day == self.day)
            .order_by(TicketRow.priority.desc(), TicketRow.queued_at, TicketRow.id)))
        waiting = tuple(self.ticket(r) for r in waiting_rows)
        issued = dict(self.session.execute(select(DailyNumberRow.service_id, DailyNumberRow.issued).where(
            DailyNumberRow.service_day == self.day)).all())
        counter_rows = list(self.session.scalars(select(CounterRow).order_by(CounterRow.number)))
        services = []
        for svc in self.session.scalars(select(ServiceRow).order_by(ServiceRow.position)):
            mine = [t for t in waiting if t.service == svc.code]
            longest = max((_seconds(t.issued_at, self.now) for t in mine), default=0)
            serving = self.counters_serving(svc.id)
            n_issued = issued.get(svc.id, 0)
            services.append(ServiceQueue(
                service=_service(svc), waiting=len(mine), longest_wait_seconds=longest,
                estimated_wait_seconds=self.estimate(svc, len(mine)),
                open_now=svc.active and _hours(svc).is_open(local), issued_today=n_issued,
                cap_reached=bool(svc.daily_cap and n_issued >= svc.daily_cap),
                counters_open=sum(1 for c in serving if c.state == CounterState.OPEN.value)))
        counters = []
        for c in counter_rows:
            current = self.at_counter(c)
            held = self.session.scalars(select(TicketRow).where(
                TicketRow.counter_id == c.id, TicketRow.status == W.ON_HOLD.value,
                TicketRow.service_day == self.day))
            counters.append(CounterStatus(self.counter(c), self.ticket(current) if current else None,
                                          tuple(self.ticket(h) for h in held)))
        return QueueSnapshot(self.now, tuple(services), tuple(counters), waiting)


def _seconds(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds()))


def _hours(row: ServiceRow) -> OpeningHours:
    intervals = tuple(parse_span(span) for span in row.hours.split(","))
    return OpeningHours(intervals, tuple(int(d) for d in row.weekdays))


def _service(row: ServiceRow) -> Service:
    return Service(row.code, row.prefix, row.name_vi, row.name_en, row.number_min, row.number_max, _hours(row),
                   row.daily_cap, row.target_minutes, row.active)


def _clerk(row: ClerkRow) -> Clerk:
    return Clerk(row.username, row.full_name, Role(row.role), row.active)
