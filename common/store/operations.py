"""The queue engine: every user action is one method, one transaction.

Each public method opens a transaction, checks the move, writes the ticket and
an event, and returns frozen dataclasses (common.core.model). On PostgreSQL the
transaction also sends ``NOTIFY motcua`` so that other PCs see the change at
commit; on SQLite other processes notice ``PRAGMA data_version`` moving.

Which moves are allowed, and the order ``call_next`` calls in, are the ticket's
rules in ``common.core.rules`` (documented in docs/metrics.md too); this module
applies them to rows.
"""

from __future__ import annotations

import functools
import inspect
import json
import secrets
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from common.config import ClerkSpec, OfficeSpec
from common.core.bookings import AppointmentPlan, Booking, CheckIn, Slot
from common.core.bookings import refused as refused_booking
from common.core.clock import Clock, SystemClock, local_midnight
from common.core.clock import service_day as day_of
from common.core.errors import DomainError, NotFound, Refused, StoreUnavailable, bilingual, said
from common.core.events import CALLS, EventKind
from common.core.model import (
    Clerk,
    Counter,
    CounterState,
    Event,
    Issued,
    Ordering,
    PrintStatus,
    QueueSnapshot,
    Role,
    Service,
    Ticket,
    span_text,
)
from common.core.rules import Action
from common.core.tokens import ticket_token
from common.settings import DEFAULTS
from common.store import passwords
from common.store.catalog import BREAKS_SETTING, TYPICAL_SETTING, Catalog
from common.store.channels import caller_channel_sql
from common.store.db import READONLY_OPTION, SQLITE_BUSY_TIMEOUT_MS, Database, first_line
from common.store.hall import hall_estimates
from common.store.hotpath import Retry, warm
from common.store.lean import call_next_fast, issue, issue_one_statement, move_fast
from common.store.orm import (
    ClerkRow,
    CounterRow,
    CounterServiceRow,
    EventRow,
    ServiceRow,
    SettingRow,
    TicketRow,
    read_kinds,
)
from common.store.tx import Tx, W, clerk_value, service_value

_R = TypeVar("_R")

if TYPE_CHECKING:
    from common.store.reads import Views

# insufficient_privilege, and a row-level security WITH CHECK violation.
REFUSED_SQLSTATES = ("42501", "44000")


def refused(db: Database, exc: DBAPIError) -> Refused:
    """One line: which role tried which statement, and the server's reason."""
    role = db.engine.url.username or "?"
    verb = (exc.statement or "").split(None, 1)[0].upper() if exc.statement else "?"
    why = first_line(exc)
    return bilingual(Refused(f"role {role} may not {verb}: {why}"),  # type: ignore[return-value]
                     f"vai trò {role} không được phép {verb}: {why}", f"role {role} may not {verb}: {why}")

class StaleConnection(StoreUnavailable):
    """A pooled connection the server had closed failed this transaction before its COMMIT.

    Nothing of the transaction was kept (the server rolls back a transaction whose connection
    is gone), so ``retry_once`` runs the action again on a new connection. Anyone else sees the
    StoreUnavailable it is.
    """


class OutcomeUnknown(StoreUnavailable):
    """The connection was lost after the write may have committed (a COMMIT sent, or an autocommit statement):
    the server may have kept it and lost only the reply. Never retried blindly; ``Store.issue_ticket``
    tells which by the ticket's token. Anyone else sees the StoreUnavailable it is.
    """


class NotWritten(StoreUnavailable):
    """An autocommit issue lost its connection, and its token shows it wrote nothing: it may run once more."""


# The server process a lost autocommit statement went to, ended whatever it is doing: still running the
# statement (waiting for a lock, say), or not yet given it, it could commit after the token was looked up
# (tests/common/test_lost_reply.py); idle, it is a connection of ours nobody will use again.
# pg_terminate_backend waits up to 5 s for it to exit; any role may end its own processes (a kiosk's
# connections are its role's; pg_has_role leaves out a process this role may not signal, as under
# [database] role's SET ROLE, where asking would be refused). No row: the process is gone, or not ours to end.
# (Through PgBouncer the pid is PgBouncer's and no server process has it: then the look is not fenced;
# docs/province.md.)
END_LOST_STATEMENT = text("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                          "WHERE pid = :pid AND pg_has_role(usesysid, 'MEMBER')")


_CALL = threading.local()  # per thread: inside a public Store method, and whether it has committed


def retry_once(method: Callable[..., _R]) -> Callable[..., _R]:
    """Run a public Store method again, once, when a connection the server had closed failed it.

    ``pool_pre_ping`` checks a connection before each transaction; this catches one the server
    closed after that check (between the ping and the first statement). Only
    when no transaction of this call had committed: an action of several transactions is never
    half repeated. Nested calls (a method calling another) retry from the outermost one.
    """

    @functools.wraps(method)
    def run(*args: Any, **kwargs: Any) -> _R:
        if getattr(_CALL, "inside", False):
            return method(*args, **kwargs)
        _CALL.inside, _CALL.committed = True, False
        try:
            try:
                return method(*args, **kwargs)
            except StaleConnection:
                if _CALL.committed:
                    raise
            return method(*args, **kwargs)
        finally:
            _CALL.inside = False

    return run


STATUS_URL_SETTING = "status_page_url"  # office_settings row the display publishes at start


class Store:
    """The one entry point the apps, the CLI and the simulator use."""

    def __init__(
        self,
        db: Database,
        clock: Clock | None = None,
        tz: ZoneInfo | str = DEFAULTS.office.timezone,
        *,
        default_service_minutes: float = DEFAULTS.office.default_service_minutes,
        call_starts_service: bool = False,
        hall_forecast: bool = False,
    ) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.default_service_s = default_service_minutes * 60
        self.call_starts_service = call_starts_service
        self.catalog = Catalog()  # services, counters, clerks: cached for the life of the store
        # Print the hall-wide forecast's median (issue 17; ~30 ms CPU per ticket). The apps turn it on
        # (bootstrap.store_for); simulations through the store keep the formula the engine replays.
        self.hall_forecast = hall_forecast
        self._binds: dict[tuple[Engine, tuple[tuple[str, Any], ...]], Engine] = {}  # see _bind

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def transaction(self, *, notify: bool = True, consistent: bool = False, readonly: bool = False,
                    one_statement: bool = False) -> Iterator[Tx]:
        """One transaction: committed on success, rolled back on any error.

        ``readonly=True`` is for reads: on SQLite it reads a WAL snapshot without
        taking the write lock, so a year's report never makes a kiosk wait.
        ``consistent=True`` is for multi-statement reads (a whole board, a snapshot):
        on PostgreSQL every statement then sees the same instant (REPEATABLE READ)
        instead of each seeing the latest commits. SQLite's transactions already do.

        ``one_statement=True`` (PostgreSQL) runs each statement in autocommit: for an action that is
        one statement, atomic on its own (the CTEs of the call, the walk-in issue and the moves at the
        counter), so that no BEGIN and COMMIT round trips go with it (issue 12). The caller must not
        write with a second statement.

        For the store's own modules (common/store/reads, rating); the apps and the
        rest of common/ call operations and ``store.views``.
        """
        options: dict[str, Any] = {}
        if one_statement and not self.db.is_sqlite:
            options["isolation_level"] = "AUTOCOMMIT"
        if readonly:
            notify = False
            if self.db.is_sqlite:
                options[READONLY_OPTION] = True
        if consistent and not self.db.is_sqlite:
            options["isolation_level"] = "REPEATABLE READ"
        bind = self._bind(options) if options else self.db.engine
        # In autocommit every statement commits as it runs: a lost connection may have lost only the
        # reply, so such a transaction is never retried (retry_once), as if its COMMIT had been sent
        # (OutcomeUnknown; the walk-in issue tells by its ticket's token: Store._issue_in_one).
        committing = one_statement and not self.db.is_sqlite
        try:
            with bind.connect() as conn, conn.begin():
                tx = Tx(conn, self.clock.now(), self.tz, self.default_service_s, self.catalog)
                try:
                    yield tx
                    tx.finish()
                    if notify and tx.changed and not tx.notified and not self.db.is_sqlite:
                        conn.execute(select(func.pg_notify(caller_channel_sql(), str(tx.changed))))
                    committing = True
                finally:
                    tx.release()
            _CALL.committed = True
        except (OperationalError, DBAPIError) as exc:
            failure = self.failure(exc, before_commit=not committing)
            if isinstance(failure, OutcomeUnknown):
                _CALL.committed = True  # it may have: retry_once must not run the whole call again
            if failure is exc:
                raise
            raise failure from exc

    def _bind(self, options: dict[str, Any]) -> Engine:
        """The engine with these execution options, made once per set of options and kept.

        ``Engine.execution_options`` builds a new OptionEngine (its events joined to the engine's)
        each time: 60 µs of CPU, a tenth of the PostgreSQL call's client CPU when it was made per
        call (docs/benchmarks/floor5.md). The kept one shares the engine's pool and sees the
        listeners added to the engine later (SQLAlchemy joins the dispatch, not a copy of it).
        """
        key = (self.db.engine, tuple(sorted(options.items())))
        bind = self._binds.get(key)
        if bind is None:
            bind = self._binds[key] = self.db.engine.execution_options(**options)
        return bind

    def failure(self, exc: DBAPIError, *, before_commit: bool = False) -> BaseException:
        """What a database error becomes for the caller: a refusal in one line, StoreUnavailable, or ``exc``.

        ``before_commit``: the transaction's COMMIT was not sent yet, so a lost connection means
        the server rolled it back and ``retry_once`` may run the action once more (StaleConnection).
        """
        if isinstance(exc, IntegrityError):
            return exc
        if getattr(exc.orig, "sqlstate", None) in REFUSED_SQLSTATES:
            return refused(self.db, exc)
        if self.db.is_sqlite and "database is locked" in str(exc):
            busy = SQLITE_BUSY_TIMEOUT_MS // 1000
            return said(StoreUnavailable, f"cơ sở dữ liệu {self.db.masked_url} bận quá {busy} giây; chưa ghi gì, "
                        "hãy thử lại", f"the database {self.db.masked_url} stayed busy for {busy} s; nothing was "
                        "written, try again")
        if exc.connection_invalidated:
            return self._unreachable(StaleConnection if before_commit else OutcomeUnknown)
        if isinstance(exc, OperationalError):
            return self._unreachable(StoreUnavailable)
        return exc

    def _unreachable(self, cls: type[StoreUnavailable]) -> StoreUnavailable:
        return said(cls, f"không kết nối được cơ sở dữ liệu {self.db.masked_url}",
                    f"cannot reach the database {self.db.masked_url}")

    @property
    def today(self) -> date:
        return day_of(self.clock.now(), self.tz)

    @property
    def views(self) -> Views:
        """The read models (board, desk, live figures, reports), each one read-only transaction."""
        from common.store.reads import Views  # the reads build on this module: imported when first used

        return Views(self)

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
                counter = s.scalar(select(CounterRow).where(CounterRow.number == spec.number))
                if counter is None:
                    counter = CounterRow(number=spec.number, state=CounterState.CLOSED.value)
                    s.add(counter)
                counter.name, counter.ordering, counter.active = spec.name, spec.ordering.value, spec.active
                s.flush()
                wanted = {service_ids[c]: pos for pos, c in enumerate(spec.services)}
                for link in s.scalars(select(CounterServiceRow).where(CounterServiceRow.counter_id == counter.id)):
                    if link.service_id not in wanted:
                        s.delete(link)
                    else:
                        link.position = wanted.pop(link.service_id)
                for service_id, pos in wanted.items():
                    s.add(CounterServiceRow(counter_id=counter.id, service_id=service_id, position=pos))
                counts["counters"] += 1
            for clerk in office.clerks:
                self._upsert_clerk(s, clerk)
                counts["clerks"] += 1
            # Each counter's daily breaks, office time (issue 17); the hall forecast and the staffing advice read
            # them. Per counter of this spec: a spec without counters (the simulator's clerks) keeps the schedule.
            stored = s.get(SettingRow, BREAKS_SETTING)
            breaks = json.loads(stored.value) if stored is not None else {}
            for c in office.counters:
                breaks.pop(str(c.number), None)
                if c.breaks:
                    breaks[str(c.number)] = [span_text(b) for b in c.breaks]
            # The same per service: a spec without services keeps the figures of the services it does not name.
            stored = s.get(SettingRow, TYPICAL_SETTING)
            typical = json.loads(stored.value) if stored is not None else {}
            for svc in office.services:
                typical.pop(svc.code, None)
                if svc.typical_minutes is not None:
                    typical[svc.code] = svc.typical_minutes
            merged = {"priority_categories": json.dumps(dict(office.priority_categories), ensure_ascii=False),
                      "appointments": json.dumps(office.appointments.to_json(), ensure_ascii=False),
                      BREAKS_SETTING: json.dumps(dict(sorted(breaks.items(), key=lambda kv: int(kv[0])))),
                      # Each service's typical minutes (issue 17): the forecast's prior before any history.
                      TYPICAL_SETTING: json.dumps(typical)}
            merged.update({k: json.dumps(v, ensure_ascii=False) for k, v in (settings or {}).items()})
            for key, value in merged.items():
                s.merge(SettingRow(key=key, value=value))
            tx.log(EventKind.OFFICE_LOADED, detail=counts)
        self.catalog.clear()
        return counts

    def add_clerk(self, username: str, full_name: str, role: Role, password: str) -> Clerk:
        spec = ClerkSpec(username, full_name, role, passwords.hash_password(password))
        with self.transaction() as tx:
            row = self._upsert_clerk(tx.session, spec)
            tx.log(EventKind.CLERK_SAVED, k=row, detail={"role": role.value})
            value = clerk_value(row)
        self.catalog.clear()
        return value

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

    def authenticate(self, username: str, password: str, *, pc: str | None = None, app: str = "cli") -> Clerk:
        """The clerk, or AuthError; throttled per user name and per PC, and logged (common.store.signin)."""
        from common.store import signin

        return signin.authenticate(self, username, password, pc=pc, app=app)

    # ------------------------------------------------------------------ reads
    def services(self) -> list[Service]:
        with self.transaction(readonly=True) as tx:
            return [service_value(r) for r in tx.session.scalars(select(ServiceRow).order_by(ServiceRow.position))]

    def counters(self) -> list[Counter]:
        with self.transaction(readonly=True) as tx:
            return [tx.counter(r) for r in tx.session.scalars(select(CounterRow).order_by(CounterRow.number))]

    def clerks(self) -> list[Clerk]:
        with self.transaction(readonly=True) as tx:
            return [clerk_value(r) for r in tx.session.scalars(select(ClerkRow).order_by(ClerkRow.username))]

    def office_setting(self, key: str, default: Any = None) -> Any:
        with self.transaction(readonly=True) as tx:
            row = tx.session.get(SettingRow, key)
            return json.loads(row.value) if row else default

    def publish_status_url(self, url: str) -> None:
        """The display's own status page address, for kiosks to print when office.public_url is empty."""
        with self.transaction() as tx:
            tx.session.merge(SettingRow(key=STATUS_URL_SETTING, value=json.dumps(url)))

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
                .where(EventRow.kind.in_(sorted(CALLS)), read_kinds(EventRow.kind),
                       EventRow.at >= local_midnight(tx.day, self.tz))
                .order_by(EventRow.id.desc())
                .limit(limit))
            return [tx.event(r) for r in rows]

    def hall_estimates(self, codes: Sequence[str]) -> dict[str, int]:
        """The wait a new ordinary ticket of each service would be printed now (the hall forecast; issue 17)."""
        with self.transaction(readonly=True) as tx:
            return hall_estimates(tx, codes)

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
        if not self.db.is_sqlite and not self.hall_forecast:
            # One statement in autocommit, as the call (issue 12; no BEGIN and COMMIT round trips, 0.1 of
            # the wall ratio to the floor: docs/benchmarks/pg6.md, docs/benchmarks/pgauto.md). The kiosk's
            # forecast reads the hall first, in a transaction.
            try:
                got = self._issue_in_one(service, priority_category, print_status, check_hours)
            except NotWritten:  # the connection was lost and nothing was written: issued again, once
                got = self._issue_in_one(service, priority_category, print_status, check_hours)
            if got is not None:
                return got
        with self.transaction() as tx:  # where the one statement wrote nothing: read, check and word, insert
            return issue(self, tx, service, priority_category, print_status, check_hours)

    def _issue_in_one(self, service: str, priority_category: str | None, print_status: PrintStatus,
                      check_hours: bool) -> Issued | None:
        """The walk-in's one statement in autocommit; where its connection is lost, its token says what it did.

        In autocommit a lost connection cannot tell a statement the server never ran from a reply lost
        after it committed: retry_once would issue a second ticket for the first, so it leaves such a
        failure alone (OutcomeUnknown). The ticket's token (16 random bytes) is made here, before the
        statement, and looked up on a new connection: found, the ticket was issued and only its reply
        was lost (returned, nothing doubled); not found, nothing was written (NotWritten).
        """
        token, backend = "", 0
        try:
            with self.transaction(one_statement=True) as tx:
                token = ticket_token(tx.now.timestamp())
                driver = tx.conn.connection.driver_connection
                backend = driver.info.backend_pid if driver is not None else 0  # libpq's: no round trip
                return issue_one_statement(self, tx, service, priority_category, print_status, check_hours, token)
        except OutcomeUnknown as lost:
            try:
                found = self._issued_with(token, backend, service) if token else None
            except StoreUnavailable as again:
                # The look itself lost its connection: whether the ticket exists is still unknown, so it is
                # not issued again (retry_once would, for the look's StaleConnection): the outage is shown.
                raise self._unreachable(OutcomeUnknown) from again
            if found is None:
                raise self._unreachable(NotWritten) from lost
            return found

    def _issued_with(self, token: str, backend: int, service: str) -> Issued | None:
        """The ticket an autocommit issue wrote with ``token`` before its connection was lost, or None.

        The server process it was sent to is ended first if it is still running a statement: that
        statement could otherwise commit after this look, and the citizen be issued a second ticket.
        """
        with self.transaction(one_statement=True, notify=False) as tx:
            if tx.conn.execute(END_LOST_STATEMENT, {"pid": backend}).scalar() is False:
                raise self._unreachable(OutcomeUnknown)  # still running after 5 s: what it will do is unknown
        # A transaction of its own, begun after the process ended: it sees whatever that statement committed,
        # whatever the server's default isolation.
        with self.transaction(readonly=True) as tx:
            row = tx.session.scalar(  # the first with the token: a transfer copies it
                select(TicketRow).where(TicketRow.token == token).order_by(TicketRow.id).limit(1))
            return Issued(tx.ticket(row), tx.snap.services[service].counters) if row is not None else None

    def set_print_status(self, ticket_id: int, status: PrintStatus, detail: str | None = None) -> Ticket:
        with self.transaction() as tx:
            row = tx.session.get(TicketRow, ticket_id)
            if row is None:
                raise NotFound(f"Không có vé số hiệu {ticket_id}", f"No ticket with id {ticket_id}")
            before, row.print_status = row.print_status, status.value
            tx.log(EventKind.printed(status.value), row, detail={"from": before, "error": detail} if detail else None)
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
            tx.leave_other_counters(c, k)
            c.session_id = secrets.token_hex(8)
            tx.set_state(c, CounterState.OPEN, k)
            # The day's first sign-in closes earlier days: whoever still waited then is "expired".
            # (Here rather than at the kiosk, whose database role may not rewrite tickets.)
            tx.expire_before(tx.day)
            # ...and bookings whose slot ended without a check-in become booking no-shows (issue 19).
            from common.store import bookings

            bookings.expire_bookings(tx)
            session_id, ordering = c.session_id, Ordering(c.ordering)
            tx.snap  # noqa: B018 -- the catalog read now, not by the counter's first call (29 ms of it on PostgreSQL)
        warm(self.db.engine.dialect, ordering)  # the counter's first call does not compile its statements
        return session_id

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
        def slow(tx: Tx) -> Ticket | None:
            c, k = tx.take_counter(counter, clerk)
            tx.check_catalog(c, k)
            row = tx.next_candidate(c)
            if row is None:
                return None
            tx.call(row, c, k, Action.CALL_NEXT, self.call_starts_service)
            return tx.ticket(row)

        if self.call_starts_service:  # two moves in one action: the general path
            with self.transaction() as tx:
                return slow(tx)
        return self._fast_or_slow(lambda tx: call_next_fast(tx, counter, clerk), slow, one_statement=True)

    def _fast_or_slow(self, fast: Callable[[Tx], Ticket | None], slow: Callable[[Tx], _R], *,
                      one_statement: bool = False) -> _R:
        """The few-statement path; where its checks in SQL fail, the worded one in the same transaction.

        A fast path that lost a race (another PC acted on the same counter between its snapshot and
        its lock: on PostgreSQL the call's unique index refuses it; SQLite's moves re-check the ticket's
        state in their UPDATE) rolls back, or in autocommit wrote nothing, and the slow path runs anew.
        ``one_statement``: the fast path writes with one statement (on PostgreSQL the call and the
        moves at the counter: start, finish, recall, no-show), which then runs in autocommit; where it
        finds nothing to do (it wrote nothing), the slow path runs in a transaction of its own.

        A connection lost under that one statement is OutcomeUnknown (Store.transaction), never run
        again: the server may have committed the move and lost only its reply. Repeated blindly, a
        recall would call the citizen twice and count two recalls; a start, finish or no-show would
        find the ticket already moved and word a refusal of what in fact was done, or, where another
        PC has called the next ticket meanwhile, move that one. Unlike the walk-in issue (its token),
        a move has nothing of its own to look up that tells "done" from "not done" without racing the
        counter's other PCs. The clerk sees the store-unavailable message, and the counter's next read
        of the hall (the snapshot it reloads once the store answers) shows the true state, from which
        the key is pressed again or not.
        """
        lost = False
        try:
            with self.transaction(one_statement=one_statement) as tx:
                try:
                    got = fast(tx)
                except (Retry, IntegrityError):
                    lost = True
                    raise
                if got is not None:
                    return got  # type: ignore[return-value]
                if not (one_statement and not self.db.is_sqlite):
                    return slow(tx)
        except (Retry, IntegrityError):
            if not lost:
                raise
        with self.transaction() as tx:
            return slow(tx)

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
            tx.check(row, Action.CALL_SPECIFIC)
            if row.service_day != tx.day:
                raise DomainError(f"{row.code} là vé của ngày {row.service_day:%d/%m/%Y}",
                                  f"{row.code} was issued on {row.service_day:%Y-%m-%d}")
            tx.call(row, c, k, Action.CALL_SPECIFIC, self.call_starts_service, reason=reason.strip())
            return tx.ticket(row)

    def recall(self, counter: int, clerk: str) -> Ticket:
        def slow(tx: Tx) -> Ticket:
            c, k = tx.take_counter(counter, clerk, free=False)
            row = tx.require_at_counter(c, Action.RECALL)
            row.last_called_at = tx.now
            row.recall_count += 1
            tx.apply(row, Action.RECALL, c, k, {"recall": row.recall_count})
            return tx.ticket(row)

        return self._fast_or_slow(lambda tx: move_fast(tx, counter, clerk, Action.RECALL), slow,
                                  one_statement=True)

    def start_service(self, counter: int, clerk: str) -> Ticket:
        def slow(tx: Tx) -> Ticket:
            c, k = tx.take_counter(counter, clerk, free=False)
            row = tx.require_at_counter(c, Action.START)
            tx.start(row, c, k)
            return tx.ticket(row)

        return self._fast_or_slow(lambda tx: move_fast(tx, counter, clerk, Action.START), slow,
                                  one_statement=True)

    def finish_service(self, counter: int, clerk: str) -> Ticket:
        def slow(tx: Tx) -> Ticket:
            c, k = tx.take_counter(counter, clerk, free=False)
            row = tx.require_at_counter(c, Action.FINISH)
            tx.close(row, Action.FINISH, c, k)
            return tx.ticket(row)

        return self._fast_or_slow(lambda tx: move_fast(tx, counter, clerk, Action.FINISH), slow,
                                  one_statement=True)

    def mark_no_show(self, counter: int, clerk: str) -> Ticket:
        def slow(tx: Tx) -> Ticket:
            c, k = tx.take_counter(counter, clerk, free=False)
            row = tx.require_at_counter(c, Action.NO_SHOW)
            tx.apply(row, Action.NO_SHOW, c, k)
            return tx.ticket(row)

        return self._fast_or_slow(lambda tx: move_fast(tx, counter, clerk, Action.NO_SHOW), slow,
                                  one_statement=True)

    def transfer(self, counter: int, clerk: str, *, to_service: str | None = None,
                 to_counter: int | None = None) -> Ticket:
        """Close this transaction and queue a new one; the citizen keeps their place in line."""
        if (to_service is None) == (to_counter is None):
            raise ValueError("transfer needs exactly one of to_service or to_counter")
        with self.transaction() as tx:
            c, k = tx.take_counter(counter, clerk, free=False)
            row = tx.require_at_counter(c, Action.TRANSFER)
            target_svc: ServiceRow | None
            if to_service is not None:
                target_svc, target_counter = tx.service_row(to_service), None
            else:
                target_counter = tx.counter_row(to_counter)  # type: ignore[arg-type]
                if target_counter.id == c.id:
                    raise DomainError("Không thể chuyển vé về chính quầy này", "Cannot transfer to the same counter")
                target_svc = tx.session.get(ServiceRow, row.service_id)
            assert target_svc is not None
            tx.close(row, Action.TRANSFER, c, k, detail={
                "to_service": target_svc.code, "to_counter": target_counter.number if target_counter else None})
            # The visit's rows share the printed number: uq_tickets_number's key, transfer_seq last (0025).
            seq = tx.session.scalar(select(func.max(TicketRow.transfer_seq)).where(
                TicketRow.number_service_id == row.number_service_id, TicketRow.service_day == row.service_day,
                TicketRow.number == row.number)) or 0
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
            tx.log(EventKind.TRANSFER_QUEUED, new, c, k, None, W.WAITING, {"from_ticket": row.id})
            return tx.ticket(new)

    def hold(self, counter: int, clerk: str) -> Ticket:
        """Set the citizen aside (fetching a document, say); the counter can call others meanwhile."""
        with self.transaction() as tx:
            c, k = tx.take_counter(counter, clerk, free=False)
            row = tx.require_at_counter(c, Action.HOLD)
            tx.apply(row, Action.HOLD, c, k)
            return tx.ticket(row)

    def resume(self, ref: str, counter: int, clerk: str) -> Ticket:
        """Take back a ticket this counter held."""
        with self.transaction() as tx:
            c, k = tx.take_counter(counter, clerk)
            row = tx.find(ref, lock=True)
            if row.status != W.ON_HOLD or row.counter_id != c.id:
                raise DomainError(f"{row.code} không được giữ tại quầy {counter}",
                                  f"{row.code} is not on hold at counter {counter}")
            row.clerk_id = k.id
            tx.apply(row, Action.RESUME, c, k)
            return tx.ticket(row)

    def cancel(self, ref: str, clerk: str, reason: str = "") -> Ticket:
        with self.transaction() as tx:
            k = tx.clerk_row(clerk)
            row = tx.find(ref, lock=True)
            tx.check(row, Action.CANCEL)
            row.finished_at = tx.now
            tx.apply(row, Action.CANCEL, None, k, {"reason": reason} if reason else None)
            return tx.ticket(row)

    # ------------------------------------------------------------------ appointments (issue 19)
    # One transaction each; the rules and the SQL are in common.store.bookings.
    def appointment_plan(self) -> AppointmentPlan:
        """The [appointments] plan the office loaded (the same for every PC)."""
        from common.store import bookings

        with self.transaction(readonly=True) as tx:
            return bookings._plan_and_text(tx, self)[0]  # kept for the one-statement booking too

    def booking_days(self, service: str) -> list[date]:
        """The days from today that take bookings for ``service`` (closed days and holidays left out)."""
        from common.store import bookings

        with self.transaction(readonly=True) as tx:
            return bookings.booking_days(self, tx, service)

    def booking_slots(self, service: str, day: date) -> list[Slot]:
        """``day``'s slots still to come, with the places taken."""
        from common.store import bookings

        with self.transaction(readonly=True) as tx:
            return bookings.booking_slots(self, tx, service, day)

    def book(self, service: str, slot_start: datetime, contact: str | None, *, source: str = "web") -> Booking:
        """A place in the slot, or BookingRefused (full, closed, past, too_far, too_many)."""
        from common.store import bookings

        if not self.db.is_sqlite:  # one autocommit statement, unless the transaction must decide
            done = bookings.book_in_one(self, service, slot_start, contact, source)
            if done is not None:
                return done
        with self.transaction() as tx:
            return bookings.book(self, tx, service, slot_start, contact, source)

    def booking(self, code: str, *, contact: bool = True) -> Booking | None:
        """The booking with exactly this code (a scanned URL ending in it will do); there is no listing.
        ``contact=False`` for a role that may not read the contact (the status server's, the kiosk's)."""
        from common.store import bookings

        with self.transaction(readonly=True) as tx:
            row = bookings._by_code(tx, code)
            return bookings.booking_value(tx, row, contact=contact) if row is not None else None

    def cancel_booking(self, code: str, *, contact: bool = True) -> Booking:
        from common.store import bookings

        with self.transaction() as tx:
            return bookings.cancel_booking(self, tx, code, contact=contact)

    def rebook(self, code: str, slot_start: datetime, *, contact: bool = True) -> Booking:
        """The same booking moved to another slot of its service: the new place taken, the old one freed."""
        from common.store import bookings

        with self.transaction() as tx:
            return bookings.rebook(self, tx, code, slot_start, contact=contact)

    def check_in(self, code: str, *, print_status: PrintStatus = PrintStatus.NOT_PRINTED) -> CheckIn:
        """The kiosk: a booked ticket within the window, a normal one later (said why), else BookingRefused."""
        from common.store import bookings

        with self.transaction() as tx:
            return bookings.check_in(self, tx, code, print_status)

    def bookings_for_day(self, day: date, services: Sequence[str] | None = None) -> list[Booking]:
        from common.store import bookings

        with self.transaction(readonly=True) as tx:
            return bookings.bookings_for_day(self, tx, day, services)

    def expire_bookings(self) -> int:
        """Bookings never checked in by their slot's end become booking no-shows; returns how many."""
        from common.store import bookings

        with self.transaction() as tx:
            return bookings.expire_bookings(tx)

    def bookings_outside_plan(self) -> list[Booking]:
        """Bookings to come that the current plan has no place for (a plan change): the supervisor's list."""
        from common.store import bookings

        with self.transaction(readonly=True) as tx:
            return bookings.bookings_outside_plan(self, tx)

    def issue_remote_ticket(self, service: str, device: str) -> Issued:
        """Today's number taken from a phone: the kiosk's numbering, no paper, one active ticket per device."""
        from common.store import bookings

        try:
            with self.transaction() as tx:
                return bookings.issue_remote_ticket(self, tx, service, device)
        except IntegrityError as exc:
            if not bookings.remote_conflict(exc):
                raise
            with self.transaction(readonly=True) as tx:  # the other request's number, now committed
                held = bookings.active_remote(tx, device.strip()[:64])
            raise refused_booking("one_active", ticket=held or "?") from exc

    def database_now(self) -> datetime | None:
        """The database server's clock (installers compare it with the PC's); None on SQLite, which has none."""
        if self.db.is_sqlite:
            return None
        with self.db.engine.connect() as conn:
            now: datetime = conn.execute(text("SELECT CURRENT_TIMESTAMP")).scalar_one()
        return now

    def close_day(self, day: date | None = None) -> int:
        """Expire tickets still waiting (or on hold) on ``day`` and before, and the bookings whose slot is over;
        returns how many tickets.

        On PostgreSQL the office's days before today, now over, are also summed for the province
        view (migration 0012's office_days; days already summed are left alone).
        """
        from common.store import bookings

        with self.transaction() as tx:
            bookings.expire_bookings(tx)
            expired = tx.expire_before((day or tx.day) + timedelta(days=1))
            if not self.db.is_sqlite:
                last = min(day or tx.day, tx.day - timedelta(days=1))
                tx.session.execute(select(func.motcua_close_days(last)))
            return expired


for _name, _method in list(vars(Store).items()):
    # Every public action and read; transaction() is the plumbing they share.
    if not _name.startswith("_") and _name != "transaction" and inspect.isfunction(_method):
        setattr(Store, _name, retry_once(_method))
