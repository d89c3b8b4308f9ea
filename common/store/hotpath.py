"""The hot paths in few statements: issue a ticket, call the next one, move the ticket at a counter.

Issue 12 counted 12 statements per ticket and 11 round trips per call. Here each action
reads what it needs in one statement, computes in Python, and writes once:

- ``issue``: one upsert of the day's number whose RETURNING also reads people ahead and the
  estimate's inputs; then one insert of the finished ticket row (plus its event). PostgreSQL: 2
  statements; SQLite: BEGIN IMMEDIATE + 3. PostgreSQL without the hall forecast (``issue_one_pg``):
  all of it, the estimate's formula too, in one autocommit statement.
- ``call_next``: PostgreSQL, one CTE (lock the counter, pick with SKIP LOCKED in the rule's
  order, update, log, notify). SQLite: BEGIN IMMEDIATE, the event inserted from the pick
  (returning the ticket's issue time), the ticket updated: 3.
- ``move`` (start, finish, recall, no-show): PostgreSQL, one CTE in autocommit (update the ticket at
  the counter, log, notify: ``move_pg``). SQLite: BEGIN IMMEDIATE, the event inserted from the ticket
  at the counter, then the ticket updated: 3.

Every statement re-checks the counter (open, held by this clerk) and the ticket's state in
SQL. When a check fails these return None and the caller runs the slow, fully worded path
(common.store.tx), which raises the right message or does the rarer work (opening a closed
counter, say). Nothing is written before such a None.
"""

from __future__ import annotations

import operator
import re
import typing
from collections import namedtuple
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    Float,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from common.core import rules
from common.core.estimate import NO_COUNTER, RECENT_SERVICE_SAMPLE, TRUSTED_SAMPLE
from common.core.events import OF_ACTION, EventKind
from common.core.model import CounterState, Ordering, TicketStatus
from common.core.rules import Action
from common.store.catalog import CounterInfo, version_query
from common.store.channels import CHANNEL, channel_sql
from common.store.orm import (
    ClerkRow,
    CounterRow,
    CounterServiceRow,
    DailyNumberRow,
    EventRow,
    ServiceRow,
    TicketRow,
    UTCDateTime,
    finished_done,
)

W = TicketStatus
T = typing.cast(Table, TicketRow.__table__)
E = typing.cast(Table, EventRow.__table__)
C = typing.cast(Table, CounterRow.__table__)
K = typing.cast(Table, ClerkRow.__table__)
CS = typing.cast(Table, CounterServiceRow.__table__)
DN = typing.cast(Table, DailyNumberRow.__table__)
AT_COUNTER = sorted(s.value for s in rules.AT_COUNTER)
NOTIFY_CHANNEL = CHANNEL  # office 1's; each statement notifies its row's office (common.store.channels)
# The inserted event's ticket_id, from inside a RETURNING subquery over an aliased tickets table
# (SQLAlchemy would otherwise add ``events`` to that subquery's FROM).
OUTER_TICKET_ID: ColumnElement[int] = literal_column("ticket_id", Integer())


class Retry(Exception):
    """A fast path lost a race after writing; the caller rolls back and runs the checked slow path."""


# Every statement is built once per shape (functools.cache) with named parameters, and
# executed with a dict: building SQLAlchemy expressions per call cost more CPU than the SQL.
NOW = bindparam("now", type_=UTCDateTime())
DAY = bindparam("day", type_=Date())
CID, CNUM = bindparam("cid", type_=Integer()), bindparam("cnum", type_=Integer())
CORD = bindparam("cord", type_=String())
KID, SID, TID = bindparam("kid", type_=Integer()), bindparam("sid", type_=Integer()), bindparam("tid", type_=Integer())
Q, B, IT, R = T.alias("q"), T.alias("b"), T.alias("i"), T.alias("r")  # queue, busy check, its times, recent


def counter_params(counter: CounterInfo, clerk_id: int, day: date, now: datetime) -> dict[str, Any]:
    return {"cid": counter.id, "cnum": counter.number, "cord": counter.ordering.value, "kid": clerk_id,
            "day": day, "now": now}


# ---------------------------------------------------------------------------- the call order in SQL
def rank_sql(t: Any, booked_first: bool) -> ColumnElement[int]:
    """``rules.rank`` in SQL: 0 priority, 1 a booking checked in on time (when booked_first), 2 the rest."""
    if booked_first:
        return case((t.c.priority, 0), (t.c.booked, 1), else_=2)
    return case((t.c.priority, 0), else_=2)


def call_order_by(ordering: Ordering, t: Any, counter_id: Any, booked_first: bool = True) -> list[ColumnElement[Any]]:
    """``rules.call_key`` as ORDER BY terms over the tickets table (or alias) ``t``, for counter ``counter_id``.

    call_key is (rank, position, queued_at, id); rank is 0 for priority, 1 for a booked ticket
    (issue 19, unless the office orders bookings with the walk-ins), else 2; position is 0 unless the
    counter is strict, then -1 for a ticket transferred to it, else the service's index in the
    counter's list. tests/common/core/test_call_order_store.py checks this order equals
    ``rules.call_order`` on random queues, on SQLite and PostgreSQL.
    """
    terms: list[ColumnElement[Any]] = [rank_sql(t, booked_first)]
    if ordering == Ordering.STRICT:
        position = select(CS.c.position).where(
            CS.c.counter_id == counter_id, CS.c.service_id == t.c.service_id).scalar_subquery()
        terms.append(case((t.c.target_counter_id == counter_id, -1), else_=func.coalesce(position, 0)))
    return [*terms, t.c.queued_at, t.c.id]


def serves_sql(t: Any, counter_id: Any) -> ColumnElement[bool]:
    """``rules.serves`` in SQL: transferred to this counter, or one of its services and no counter in particular."""
    mine = select(CS.c.service_id).where(CS.c.counter_id == counter_id)
    return or_(t.c.target_counter_id == counter_id,
               and_(t.c.target_counter_id.is_(None), t.c.service_id.in_(mine)))


def _counter_ready() -> ColumnElement[bool]:
    """The counter is open, held by this clerk, configured as cached; the clerk is active.

    EXISTS names a column, never ``*``: the counter role may not read clerks.password_hash.
    """
    return and_(
        exists(select(C.c.id).where(C.c.id == CID, C.c.number == CNUM, C.c.active.is_(True),
                       C.c.state == CounterState.OPEN.value, C.c.clerk_id == KID, C.c.ordering == CORD)),
        exists(select(K.c.id).where(K.c.id == KID, K.c.active.is_(True))),
    )


def _free() -> ColumnElement[bool]:
    return ~exists(select(B.c.id).where(B.c.counter_id == CID, B.c.status.in_(AT_COUNTER)))


def seconds_sql(start: Any, now: Any) -> ColumnElement[int]:
    """``tx.seconds_between`` in PostgreSQL: max(0, round half to even), as Python's round does."""
    x = func.extract("epoch", now - start)
    whole = func.floor(x)
    rounded = case((and_(x - whole == 0.5, func.mod(whole, 2) == 0), whole), else_=func.round(x))
    return cast(func.greatest(0, rounded), Integer)


# ---------------------------------------------------------------------------- issue
@cache
def issue_read(dialect: str, priority: bool, booked: bool = False, booked_first: bool = True) -> Any:
    """Take the next number, and read everything the ticket needs, in one statement (params: sid, day, now).

    Returns (last_number, issued, ahead, recent, counters, version): see _issue_reads.
    The number's row is upserted first; if a check then refuses the ticket the transaction
    rolls back and the number is not used. number_min is read from the row, not the cache.
    """
    S = typing.cast(Table, ServiceRow.__table__)
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(DN)
    stmt = ins.from_select(
        ["service_id", "service_day", "last_number", "issued"],
        select(S.c.id, DAY, S.c.number_min, literal(1, Integer)).where(S.c.id == SID),
    )
    return stmt.on_conflict_do_update(
        index_elements=[DN.c.service_id, DN.c.service_day],
        set_={"last_number": DN.c.last_number + 1, "issued": DN.c.issued + 1},
    ).returning(*_issue_reads(priority, booked, booked_first, sqlite=dialect == "sqlite"))


@cache
def issue_read_update(priority: bool, booked: bool = False, booked_first: bool = True) -> Any:
    """SQLite: ``issue_read`` as a plain UPDATE of the day's number; no row: the day's first ticket (use issue_read).

    SQLite evaluates the reads' subqueries over tickets 2-3x slower in an upsert's RETURNING than in
    an UPDATE's (docs/benchmarks/lean3.md); under BEGIN IMMEDIATE nobody can insert the row between
    this UPDATE and the upsert that follows it for the day's first ticket.
    """
    stmt = update(DN).where(DN.c.service_id == SID, DN.c.service_day == DAY).values(
        last_number=DN.c.last_number + 1, issued=DN.c.issued + 1)
    return stmt.returning(*_issue_reads(priority, booked, booked_first, sqlite=True))


# Two or three small counts travel as one integer: each scalar subquery of a RETURNING is a pass of its own
# over its rows (the recent sample's sum and its size read the same 100 index entries twice). Every part is
# a count below PACK, or (the first) a non-negative sum; unpack() splits them again.
PACK = 1024  # > RECENT_SERVICE_SAMPLE, and more counters than one service will ever have


def packed(*parts: Any) -> ColumnElement[int]:
    """``((a × PACK) + b) × PACK + c …`` in SQL: one value read in one pass (see PACK)."""
    total = parts[0]
    for part in parts[1:]:
        total = total * PACK + part
    return typing.cast(ColumnElement[int], total)


def unpack(value: int, n: int) -> tuple[int, ...]:
    """The ``n`` parts of a ``packed`` value, first to last."""
    if n == 1:
        return (value,)
    high, low = divmod(value, PACK)
    return (*unpack(high, n - 1), low)


def _ahead(priority: bool, booked: bool, booked_first: bool, sqlite: bool) -> Any:
    """The people ahead of a new ticket of the service (params: sid, day, now).

    A priority ticket: the priority ones queued no later. A check-in (issue 19, booked_first): the
    priority ones, then the bookings queued no later. A walk-in: everyone waiting but those queued
    later that it goes before (not priority; nor booked, where bookings go first). On SQLite that is
    the service's waiting count less a range that is almost always empty, both read in
    ix_tickets_queue alone (migration 0026), so that no ticket row is read nor tested one by one.
    """
    waiting = [Q.c.status == W.WAITING.value, Q.c.service_id == SID, Q.c.service_day == DAY]

    def count(*where: ColumnElement[bool]) -> Any:
        return select(func.count()).where(*waiting, *where).scalar_subquery()

    # booked is NOT NULL: on SQLite IN (false, true) lets the index range step over it to queued_at.
    any_booking = [Q.c.booked.in_([False, True])] if sqlite else []
    if priority:
        return count(Q.c.priority.is_(True), *any_booking, Q.c.queued_at <= NOW)
    if booked and booked_first:
        return count(or_(Q.c.priority.is_(True), and_(Q.c.booked.is_(True), Q.c.queued_at <= NOW)))
    if not sqlite:
        bookings = [Q.c.booked.is_(True)] if booked_first else []
        return count(or_(Q.c.priority.is_(True), Q.c.queued_at <= NOW, *bookings))
    booking = [Q.c.booked.is_(False)] if booked_first else any_booking  # later bookings: ahead, or walk-ins
    return count() - count(Q.c.priority.is_(False), *booking, Q.c.queued_at > NOW)


def _issue_reads(priority: bool, booked: bool, booked_first: bool, sqlite: bool) -> list[Any]:
    """The RETURNING columns of issue_read: the number, the people ahead, the estimate's inputs, the version.

    Returns (last_number, issued, ahead, recent, counters, version): ``recent`` packs the recent
    sample's sum and size, ``counters`` the service's active counters, the open ones and whether an
    open one is free (unpack(recent, 2), unpack(counters, 3)).
    """
    # ix_tickets_service_done serves this newest-first LIMIT: O(1) in the history (on SQLite service_s in it).
    recent = select(R.c.service_s).where(
        R.c.service_id == SID, finished_done(R.c.status), R.c.service_s.is_not(None),
    ).order_by(R.c.id.desc()).limit(RECENT_SERVICE_SAMPLE).subquery("recent")
    recent_read = select(packed(func.coalesce(func.sum(recent.c.service_s), 0), func.count())).scalar_subquery()
    c2, cs2 = C.alias("c2"), CS.alias("cs2")
    is_open = c2.c.state == CounterState.OPEN.value
    # Spelled out: SQLAlchemy renders RETURNING columns unqualified, even inside subqueries, and a bare
    # "counter_id = id" would compare the ticket with itself. (The other subqueries name one table each.)
    busy = exists(select(B.c.id).where(text("b.counter_id = c2.id"), B.c.status.in_(AT_COUNTER)))
    one = literal(1, Integer)
    n_open = func.coalesce(func.sum(case((is_open, one), else_=0)), 0)
    free = func.coalesce(func.max(case((and_(is_open, ~busy), one), else_=0)), 0)
    counters = select(packed(func.count(), n_open, free)).select_from(c2.join(cs2, cs2.c.counter_id == c2.c.id)).where(
        cs2.c.service_id == SID, c2.c.active.is_(True)).scalar_subquery()
    return [DN.c.last_number, DN.c.issued, _ahead(priority, booked, booked_first, sqlite), recent_read, counters,
            version_query().scalar_subquery()]


ISSUE_COLUMNS = ("service_id", "number_service_id", "service_day", "number", "transfer_seq", "code", "token",
                 "status", "priority", "priority_category", "issued_at", "queued_at", "local_hour", "print_status",
                 "people_ahead", "estimated_wait_s", "recall_count", "estimate_method", "forecast_p10_s",
                 "forecast_p50_s", "forecast_p90_s", "naive_wait_s", "booking_id", "booked", "remote_device")
ISSUE_EVENT_COLUMNS = ["at", "kind", "ticket_id", "to_status", "detail"]
# tickets.id's own default, nextval('tickets_id_seq'::regclass), named once when the statement is prepared:
# pg_get_serial_sequence('tickets', 'id') looked the sequence up in pg_depend on every issue (docs/benchmarks/pg7.md).
# The roles' grants name it too (roles.sql: USAGE ON SEQUENCE tickets_id_seq).
TICKET_ID_SEQ: ColumnElement[Any] = literal_column("'tickets_id_seq'::regclass")


def _issued_event(ticket_id: Any) -> Any:
    return select(NOW, literal(EventKind.ISSUED.value, String), ticket_id, literal(W.WAITING.value, String),
                  bindparam("detail", type_=String()))


def walk_in_constants(values: dict[str, Any]) -> bool:
    """Whether a new row's WALK_IN columns hold WALK_IN's values (no booking, phone or forecast): issue_write's
    ``walk_in`` statement writes them as literals."""
    return bool(_walk_in_of(values) == _WALK_IN_VALUES)


@cache
def issue_write(dialect: str, walk_in: bool = False) -> Any:
    """The ticket row, inserted once with everything computed (params: the row's values by column, now, detail).

    PostgreSQL: also its ``issued`` event and the notification, in the same CTE (id from the
    sequence, so visit_id = id in the same insert). SQLite: the ticket alone; under the write
    lock max(id) + 1 is the next id (tickets are never deleted); then ``issued_event``.
    ``walk_in``: WALK_IN's columns written as literals (walk_in_constants), a third fewer values to bind.
    """
    constants = WALK_IN if walk_in else {}
    params = [literal(constants[k], T.c[k].type) if constants.get(k) is not None
              else cast(null(), T.c[k].type) if k in constants
              else bindparam(k, type_=T.c[k].type) for k in ISSUE_COLUMNS]
    if dialect == "postgresql":
        n = select(func.nextval(TICKET_ID_SEQ).label("id")).cte("n")
        t = insert(T).from_select(["id", "visit_id", *ISSUE_COLUMNS], select(n.c.id, n.c.id, *params)).returning(
            T.c.id, T.c.office_id).cte("t")
        ev = insert(E).from_select(ISSUE_EVENT_COLUMNS, _issued_event(t.c.id)).cte("ev")
        return select(t.c.id, func.pg_notify(channel_sql(t.c.office_id), "1")).add_cte(ev)
    next_id = select(func.coalesce(func.max(T.c.id), 0) + 1).scalar_subquery()
    return insert(T).from_select(["id", "visit_id", *ISSUE_COLUMNS], select(next_id, next_id, *params)).returning(
        T.c.id)


@cache
def issued_event() -> Any:
    """SQLite: the ticket's ``issued`` event (params: tid, now, detail)."""
    return insert(E).from_select(ISSUE_EVENT_COLUMNS, _issued_event(TID))


# ---------------------------------------------------------------------------- issue in one statement (PostgreSQL)
# The issue's columns the one statement computes itself.
ISSUE_ONE_COMPUTED = ("number", "code", "people_ahead", "estimated_wait_s", "estimate_method", "naive_wait_s")
# What every walk-in's new row holds (lean._new_ticket uses it too): written into issue_one_pg's SQL as
# literals, not bound per call, as the action's own values (service, day, instant) are bound once each.
WALK_IN: dict[str, Any] = {
    "transfer_seq": 0, "status": W.WAITING.value, "recall_count": 0, "forecast_p10_s": None, "forecast_p50_s": None,
    "forecast_p90_s": None, "booking_id": None, "booked": False, "remote_device": None,
}
_walk_in_of = operator.itemgetter(*WALK_IN)
_WALK_IN_VALUES = tuple(WALK_IN.values())


F8: Any = postgresql.DOUBLE_PRECISION()  # float8: IEEE doubles, as Python's float


def blended_sql(total: Any, count: Any, default_s: Any) -> ColumnElement[Any]:
    """``estimate.blended_from_sum`` in float8, operation for operation (tests/common/test_issue_one.py).

    count + missing is at least TRUSTED_SAMPLE, never 0, so the Python's ``if count or missing`` always holds.
    """
    missing = func.greatest(0, TRUSTED_SAMPLE - count)
    return (cast(total, F8) + cast(missing, F8) * cast(default_s, F8)) / cast(count + missing, F8)


def wait_seconds_sql(ahead: Any, mean_s: Any, n_open: Any, n_serving: Any, free: Any) -> ColumnElement[int]:
    """``estimate.wait_seconds`` in float8: 0 with nobody ahead and a free open counter, else
    ceil((ahead + 1) × mean ÷ (open or serving or 1)), multiplied then divided as Python does."""
    share = case((n_open > 0, n_open), (n_serving > 0, n_serving), else_=1)
    formula = func.ceil(cast(ahead + 1, F8) * mean_s / cast(share, F8))
    return cast(case((and_(ahead == 0, free), 0), else_=formula), Integer)


@cache
def issue_one_pg(priority: bool, booked_first: bool = True) -> Any:
    """A walk-in's ticket in one autocommit statement: number, reads, estimate, insert, event, NOTIFY.

    Params: sid, day, now, version (the cached catalog's), nmax (number_max), cap (daily_cap, or
    a number never reached), typical_s (the estimate's prior), prefix, detail, v_token,
    v_priority_category, v_local_hour, v_print_status. The day's number is taken only when the catalog has not
    moved, the service is active and the number stays within number_max and the cap (the upsert's
    WHERE): otherwise nothing is written, no row comes back, and the caller runs the two-statement
    path, which reloads the catalog or words the refusal. A ticket the present path would refuse in
    Python (hours, category) is never sent here. Every data-modifying CTE sees the statement's
    snapshot: the reads count the tickets as they were before this one, as issue_read's do.
    Returns (id, number, code, people_ahead, estimated_wait_s, estimate_method, naive_wait_s, notified).
    """
    S = typing.cast(Table, ServiceRow.__table__)
    # The rows' office: the three columns' default, motcua_office_default() (a PL/pgSQL function that
    # looks the role up), asked once here and written explicitly, not once per row inserted (the day's
    # number, the ticket, its event: ~10 µs of the server each, docs/benchmarks/pg7.md). Same value.
    ok = select(S.c.id, S.c.number_min, func.motcua_office_default().label("office_id")).where(
        S.c.id == SID, S.c.active.is_(True),
        version_query().scalar_subquery() == bindparam("version", type_=Integer())).cte("ok")
    num = postgresql.insert(DN).from_select(
        ["service_id", "service_day", "last_number", "issued", "office_id"],
        select(ok.c.id, DAY, ok.c.number_min, literal(1, Integer), ok.c.office_id),
    ).on_conflict_do_update(
        index_elements=[DN.c.service_id, DN.c.service_day],
        set_={"last_number": DN.c.last_number + 1, "issued": DN.c.issued + 1},
        # issue()'s checks on the new number: number > number_max, issued > daily_cap
        where=and_(DN.c.last_number < bindparam("nmax", type_=Integer()),
                   DN.c.issued < bindparam("cap", type_=Integer())),
    ).returning(DN.c.last_number).cte("num")
    if priority:
        earlier = and_(Q.c.priority.is_(True), Q.c.queued_at <= NOW)
    elif booked_first:  # everyone already waiting was queued no later; a later booking still goes first
        earlier = or_(Q.c.priority.is_(True), Q.c.queued_at <= NOW, Q.c.booked.is_(True))
    else:
        earlier = or_(Q.c.priority.is_(True), Q.c.queued_at <= NOW)
    # ix_tickets_waiting (office_id, service_day, service_id; migration 0020): the day and the service are
    # read in the index, so only this service's waiting rows are fetched. (Naming the office as well, from ok,
    # cost more than it saved in one office: docs/benchmarks/pg7.md; a role under row-level security has
    # its office added by the policy.)
    ah = select(func.count().label("ahead")).where(Q.c.status == W.WAITING.value, Q.c.service_id == SID,
                                                   Q.c.service_day == DAY, earlier).cte("ah")
    # ix_tickets_service_done serves this newest-first LIMIT; its sum and size in one pass.
    recent = select(R.c.service_s).where(
        R.c.service_id == SID, finished_done(R.c.status), R.c.service_s.is_not(None),
    ).order_by(R.c.id.desc()).limit(RECENT_SERVICE_SAMPLE).subquery("recent")
    rs = select(func.coalesce(func.sum(recent.c.service_s), 0).label("total"),
                func.count().label("n")).cte("rs")
    # The service's active counters, one pass: serving, open, not closed (open or on a break), an open one free.
    c2, cs2 = C.alias("c2"), CS.alias("cs2")
    is_open = c2.c.state == CounterState.OPEN.value
    busy = exists(select(B.c.id).where(B.c.counter_id == c2.c.id, B.c.status.in_(AT_COUNTER)))
    cn = select(func.count().label("serving"), func.count().filter(is_open).label("open"),
                func.count().filter(c2.c.state != CounterState.CLOSED.value).label("staffed"),
                func.coalesce(func.bool_or(and_(is_open, ~busy)), False).label("free"),
                ).select_from(c2.join(cs2, cs2.c.counter_id == c2.c.id)).where(
                    cs2.c.service_id == SID, c2.c.active.is_(True)).cte("cn")
    mean = blended_sql(rs.c.total, rs.c.n, bindparam("typical_s", type_=Float()))
    wait = wait_seconds_sql(ah.c.ahead, mean, cn.c.open, cn.c.serving, cn.c.free)
    # Nobody serves it now and nobody is on a break: no wait promised, the formula's kept as naive.
    nobody = and_(cn.c.open == 0, cn.c.staffed == 0)
    # nextval in a CTE of its own (volatile: evaluated once per row), so that visit_id = id.
    n = select(func.nextval(TICKET_ID_SEQ).label("id"),
               num.c.last_number.label("number"), ah.c.ahead, wait.label("wait"),
               nobody.label("nobody"), ok.c.office_id).select_from(ok, num, ah, rs, cn).cte("n")
    code = bindparam("prefix", type_=String()) + case(
        (n.c.number < 1000, func.lpad(cast(n.c.number, String), 3, "0")), else_=cast(n.c.number, String))
    computed = {"number": n.c.number, "code": code, "people_ahead": n.c.ahead, "estimated_wait_s": n.c.wait,
                "estimate_method": case((n.c.nobody, literal(NO_COUNTER, String)), else_=null()),
                "naive_wait_s": case((n.c.nobody, n.c.wait), else_=null())}
    # The action's own values bound once each (psycopg dumps each parameter per call), the rest literals.
    computed.update(service_id=SID, number_service_id=SID, service_day=DAY, issued_at=NOW, queued_at=NOW,
                    priority=literal(priority, Boolean))
    columns = [*ISSUE_COLUMNS, "office_id"]
    computed["office_id"] = n.c.office_id
    computed.update({k: literal(v, T.c[k].type) if v is not None else cast(null(), T.c[k].type)
                     for k, v in WALK_IN.items()})
    values = [computed[k] if k in computed else bindparam(f"v_{k}", type_=T.c[k].type) for k in columns]
    t = insert(T).from_select(["id", "visit_id", *columns], select(n.c.id, n.c.id, *values)).returning(
        T.c.id, T.c.office_id, *(T.c[k] for k in ISSUE_ONE_COMPUTED)).cte("t")
    ev = insert(E).from_select([*ISSUE_EVENT_COLUMNS, "office_id"],
                               _issued_event(t.c.id).add_columns(t.c.office_id)).cte("ev")
    return select(t.c.id, *(t.c[k] for k in ISSUE_ONE_COMPUTED),
                  func.pg_notify(channel_sql(t.c.office_id), "1").label("notified")).add_cte(ev)


# ---------------------------------------------------------------------------- call next
CALL_EVENT_COLUMNS = ["at", "kind", "ticket_id", "counter_id", "clerk_id", "from_status", "to_status"]


def _pick(literal_status: bool = False) -> Any:
    """The waiting tickets the counter serves today (params: cid, day).

    ``literal_status`` (PostgreSQL, migration 0017): a province's counter reads its own office's queue
    by ix_tickets_waiting (office_id, service_day) WHERE status = 'waiting', not every office's waiting
    tickets by ix_tickets_queue. 'waiting' is written into the SQL, not bound, so that a generic
    (prepared) plan still proves the index's predicate; the counter's office is named (implied by
    serves_sql: its services and counters are its office's) as an equality the planner can estimate,
    which the policy's ``office_id = ANY(motcua_offices())`` is not (docs/benchmarks/queue4.md).
    """
    if not literal_status:
        return select(Q.c.id).where(Q.c.status == W.WAITING.value, Q.c.service_day == DAY, serves_sql(Q, CID))
    office = select(C.c.office_id).where(C.c.id == CID).scalar_subquery()
    return select(Q.c.id).where(Q.c.status == literal_column(f"'{W.WAITING.value}'"), Q.c.office_id == office,
                                Q.c.service_day == DAY, serves_sql(Q, CID))


def _call_event(ticket_id: Any) -> Any:
    return select(NOW, literal(OF_ACTION[Action.CALL_NEXT].value, String), ticket_id, CID, KID,
                  literal(W.WAITING.value, String), literal(W.CALLED.value, String))


def _called_values(wait_s: Any) -> dict[str, Any]:
    return {"status": W.CALLED.value, "counter_id": CID, "clerk_id": KID, "target_counter_id": None,
            "first_called_at": func.coalesce(T.c.first_called_at, NOW), "called_at": NOW, "wait_s": wait_s,
            "last_called_at": NOW}


@cache
def call_next_pg(ordering: Ordering, booked_first: bool = True) -> Any:
    """One statement: lock the counter, pick (SKIP LOCKED, the rule's order), update, log, notify.

    Params: counter_params(). No row: the counter was not ready or nobody waits.
    """
    c = select(C.c.id).where(C.c.id == CID, _counter_ready()).with_for_update().cte("c")
    pick = (_pick(literal_status=True).where(exists(select(c.c.id)), _free())
            .order_by(*call_order_by(ordering, Q, CID, booked_first)).limit(1)
            .with_for_update(skip_locked=True, of=Q).cte("pick"))
    # The picked row by its key (an InitPlan), not a join with pick and a literal 'waiting': with those,
    # the planner, told by the statistics of a quiet moment that nobody waits, drove the update from the
    # index of every office's waiting tickets and looked for the picked one among them
    # (docs/benchmarks/plan5.md). Its state needs no second check: pick locked it, and PostgreSQL
    # re-checks pick's WHERE (still waiting) on the row version it locks, skipping it otherwise.
    upd = (update(T).where(T.c.id == select(pick.c.id).scalar_subquery())
           .values(**_called_values(seconds_sql(T.c.issued_at, NOW))).returning(*T.c).cte("upd"))
    ev = insert(E).from_select(CALL_EVENT_COLUMNS, _call_event(upd.c.id)).cte("ev")
    return select(*upd.c, func.pg_notify(channel_sql(upd.c.office_id), "1").label("notified")).add_cte(ev)


@cache
def call_next_sqlite_pick(ordering: Ordering, booked_first: bool = True) -> Any:
    """The ``called`` event inserted straight from the pick; returns the ticket id and its issue time."""
    pick = _pick().order_by(*call_order_by(ordering, Q, CID, booked_first)).limit(1).subquery("pick")
    source = _call_event(pick.c.id).select_from(pick).where(_counter_ready(), _free())
    issued_at = select(IT.c.issued_at).where(IT.c.id == OUTER_TICKET_ID).scalar_subquery()
    return insert(E).from_select(CALL_EVENT_COLUMNS, source).returning(
        E.c.ticket_id, type_coerce(issued_at, UTCDateTime()).label("issued_at"))


@cache
def called_update() -> Any:
    """SQLite: the picked ticket called (params: tid, cid, kid, now, wait)."""
    return (update(T).where(T.c.id == TID, T.c.status == W.WAITING.value)
            .values(**_called_values(bindparam("wait", type_=Integer()))).returning(*T.c))


# ---------------------------------------------------------------------------- moves at the counter
FAST_MOVES = (Action.START, Action.FINISH, Action.RECALL, Action.NO_SHOW)


def move_states(action: Action) -> tuple[TicketStatus, TicketStatus]:
    """The one state ``action`` moves from, and where the rules say it leads."""
    (before,) = rules.from_states(action)
    after = rules.move(before, action)
    assert after is not None
    return before, after


def _recall_detail(recall_count: Any) -> ColumnElement[str]:
    """json.dumps({"recall": n}) written in SQL: the event's detail of a recall."""
    return literal('{"recall": ', String) + cast(recall_count, String) + literal("}", String)


@cache
def move_log(action: Action) -> Any:
    """Log the move from the ticket at the counter; returns the ticket's id and the times the update needs.

    Params: counter_params(). No row: the counter was not ready or its ticket is in another state.
    """
    before, after = move_states(action)
    t = T.alias("t")
    detail: Any = literal(None, String)
    if action == Action.RECALL:  # json.dumps({"recall": n}), written in SQL
        detail = _recall_detail(t.c.recall_count + 1)
    source = select(
        NOW, literal(OF_ACTION[action].value, String), t.c.id, CID, KID, t.c.status,
        literal(after.value, String), detail,
    ).where(t.c.counter_id == CID, t.c.status == before.value, _counter_ready())

    def of_ticket(col: str) -> Any:
        # type_coerce, not CAST: SQLite would turn CAST(text AS DATETIME) into a number.
        return type_coerce(select(IT.c[col]).where(IT.c.id == OUTER_TICKET_ID).scalar_subquery(),
                           UTCDateTime()).label(col)

    return insert(E).from_select([*CALL_EVENT_COLUMNS, "detail"], source).returning(
        E.c.ticket_id, of_ticket("last_called_at"), of_ticket("started_at"))


MOVE_VALUES: dict[Action, dict[str, Any]] = {
    Action.START: {"started_at": NOW, "walk_s": bindparam("walk_s", type_=Integer())},
    Action.FINISH: {"finished_at": NOW, "service_s": bindparam("service_s", type_=Integer())},
    Action.RECALL: {"last_called_at": NOW, "recall_count": T.c.recall_count + 1},
    Action.NO_SHOW: {},
}


@cache
def move_update(action: Action, dialect: str) -> Any:
    """The ticket moved (params: tid, now, and walk_s or service_s); no row: another PC moved it first."""
    before, after = move_states(action)
    stmt = update(T).where(T.c.id == TID, T.c.status == before.value).values(
        status=after.value, **MOVE_VALUES[action])
    cols: list[Any] = list(T.c)
    if dialect == "postgresql":
        cols.append(func.pg_notify(channel_sql(T.c.office_id), "1").label("notified"))
    return stmt.returning(*cols)


# What move_pg sets, MOVE_VALUES with the seconds computed in SQL from the row's old values (in an
# UPDATE's SET every column names the row as it was): lean.move_fast's Python, seconds_between's rounding.
MOVE_VALUES_PG: dict[Action, dict[str, Any]] = {
    Action.START: {"started_at": NOW, "walk_s": seconds_sql(func.coalesce(T.c.last_called_at, NOW), NOW)},
    # seconds_sql(NULL, now) would be 0 (greatest() skips a NULL): a ticket never started keeps no service time.
    Action.FINISH: {"finished_at": NOW, "service_s": case((T.c.started_at.is_(None), null()),
                                                          else_=seconds_sql(T.c.started_at, NOW))},
    Action.RECALL: MOVE_VALUES[Action.RECALL],
    Action.NO_SHOW: {},
}


@cache
def move_pg(action: Action) -> Any:
    """PostgreSQL: start, finish, recall or no-show in one statement: update, log, notify (issue 12).

    Params: counter_params(). The ticket at the counter in ``before`` state, the counter ready
    (move_log's WHERE), moved to ``after`` with MOVE_VALUES_PG; its event written as move_log
    writes it; the ticket's row returned with pg_notify, as move_update returns it. Run alone in
    autocommit (Store._fast_or_slow, one_statement): no row, nothing written, and the caller runs the
    worded path in a transaction of its own. A concurrent move of the same ticket is waited for, and
    PostgreSQL re-checks the WHERE on the row as that move left it: it matches no more, and nothing
    is written (what move_update's None and Retry were for).

    The event's office is the ticket's (a column of the updated row), not the column's default
    motcua_office_default() evaluated per row: the same value for every role that may write it
    (fk_events_office_counter_id ties the event's office to its counter's, and the ticket's counter
    is in the ticket's office), one function call fewer, as issue_one_pg does. Row-level security
    sees the same rows as move_log and move_update: the update reads and writes tickets of the
    role's offices, the event is checked against its policy as any insert.
    """
    before, after = move_states(action)
    upd = (update(T).where(T.c.counter_id == CID, T.c.status == before.value, _counter_ready())
           .values(status=after.value, **MOVE_VALUES_PG[action]).returning(*T.c).cte("upd"))
    detail: Any = _recall_detail(upd.c.recall_count) if action == Action.RECALL else literal(None, String)
    source = select(NOW, literal(OF_ACTION[action].value, String), upd.c.id, CID, KID,
                    literal(before.value, String), literal(after.value, String), detail, upd.c.office_id)
    ev = insert(E).from_select([*CALL_EVENT_COLUMNS, "detail", "office_id"], source).cte("ev")
    return select(*upd.c, func.pg_notify(channel_sql(upd.c.office_id), "1").label("notified")).add_cte(ev)


# ---------------------------------------------------------------------------- raw DB-API execution
# The last value converted per (type, dialect) of the types below, and what it became. An action binds
# its instant (tx.now) and day (tx.day) to several parameters of several statements (issued_at,
# queued_at, the event's at, ...): the same object each time, converted once. SQLite's DATETIME
# processor costs 3-5 µs a value (docs/benchmarks/floor5.md). Compared by identity (``is``), so only
# the very object converted last is reused; one tuple is swapped in at a time, so threads only miss.
_MEMO: dict[tuple[type, str], tuple[Any, Any]] = {}


def _memo_key(type_: Any, dialect_name: str) -> tuple[type, str] | None:
    """Which memo a parameter of this type shares: UTCDateTime and Date convert by their class alone."""
    return (type(type_), dialect_name) if type(type_) in (UTCDateTime, Date) else None


def _converted(process: Any, memo: tuple[type, str] | None, value: Any) -> Any:
    """``process(value)``; for the instant and the day, the last conversion reused (see _MEMO)."""
    if memo is None:
        return process(value)
    last = _MEMO.get(memo)
    if last is not None and last[0] is value:
        return last[1]
    converted = process(value)
    _MEMO[memo] = (value, converted)
    return converted


class Prepared:
    """A hot statement compiled once per dialect, then sent straight to the DB-API cursor.

    Profiling lean_bench (issue 12, lean2) showed SQLAlchemy's per-call work — the compiled
    cache lookup, building the parameters, the execution context, result metadata and row
    processing — costing more CPU than SQLite's own execution of these statements. Here the
    SQL string, the parameter order, the constants (already converted) and the converters are
    fixed once; a call converts only its own values, runs the cursor and converts one row.
    The result is the same as ``session.execute(stmt, params).first()``: a named tuple with the
    same column names and Python types, tested by every store test that takes a hot path.
    """

    def __init__(self, stmt: Any, dialect: Any) -> None:
        compiled = stmt.compile(dialect=dialect)
        # The IN lists are constants: expanded once here, not per call as SQLAlchemy does.
        expanded = compiled.construct_expanded_state(
            {name: None for name, bind in compiled.binds.items() if bind.required}, escape_names=False)
        self.sql: str = expanded.statement
        self.positional: bool = bool(compiled.positional)
        self.names: tuple[str, ...] = tuple(expanded.positiontup or expanded.parameters)
        processors = {**compiled._bind_processors, **expanded.processors}
        callers = {name for name, bind in compiled.binds.items() if bind.required}
        # Constants (literal() values, IN lists, rule states) are converted once here; each name a
        # caller passes is converted once per call, even where the SQL repeats it.
        def const(name: str) -> Any:
            value, process = expanded.parameters[name], processors.get(name)
            return process(value) if process is not None and value is not None else value

        if self.positional:
            # SQLite: the constants are written into the SQL (see inline_constants); only the caller's
            # values stay parameters.
            self.sql, self.names = inline_constants(self.sql, self.names, callers, const)
        else:
            # PostgreSQL: the same, for its generic plans (see pg_inline_constants).
            self.sql, self.names = pg_inline_constants(self.sql, self.names, callers, const)
            if dialect.paramstyle == "pyformat":
                # psycopg: then numbered once here and sent by a RawCursor (first()), so that psycopg does
                # not parse the %(name)s placeholders again on every call (its cache skips queries over
                # 4 KB, the call's).
                self.sql, self.names = dollar_numbered(self.sql)
                self.positional = True
        if self.positional:
            self.base: Any = [None if n in callers else const(n) for n in self.names]
            where: dict[str, list[Any]] = {}
            for i, n in enumerate(self.names):
                if n in callers:
                    where.setdefault(n, []).append(i)
        else:
            self.base = {n: None if n in callers else const(n) for n in self.names}
            where = {n: [n] for n in callers}
        # The instant and the day are converted once per transaction, not once per parameter (see _MEMO).
        self.callers = [(n, processors.get(n), tuple(at), _memo_key(compiled.binds[n].type, dialect.name))
                        for n, at in where.items()]
        # Where every parameter is the caller's (the constants are in the SQL), the tuple is taken from the
        # caller's dict in one C call, after the few values with a converter are replaced in a copy of it.
        self.fetch: Any = None
        if self.positional and self.names and all(n in callers for n in self.names):
            names = self.names
            self.fetch = operator.itemgetter(*names) if len(names) > 1 else lambda p: (p[names[0]],)
        self.converting = [(n, process, memo) for n, process, _, memo in self.callers if process is not None]
        columns = compiled._result_columns
        self.row: Any = namedtuple("Row", [c.keyname for c in columns], rename=True)  # type: ignore[misc]
        self.results = [(i, p) for i, c in enumerate(columns)
                        if (p := c.type._cached_result_processor(dialect, None)) is not None]

    def parameters(self, params: dict[str, Any]) -> Any:
        """The driver's parameters: a tuple (SQLite's qmark, psycopg's $n), or a dict (another named style)."""
        if self.fetch is not None:
            if self.converting:
                params = params.copy()
                for name, process, memo in self.converting:
                    value = params[name]
                    if value is not None:
                        params[name] = _converted(process, memo, value)
            return self.fetch(params)
        args = self.base.copy()
        for name, process, at, memo in self.callers:
            value = params[name]
            if process is not None and value is not None:
                value = _converted(process, memo, value)
            for i in at:
                args[i] = value
        return tuple(args) if self.positional else args

    def convert(self, raw: Any) -> Any:
        if raw is None:
            return None
        if not self.results:
            return self.row._make(raw)
        values = list(raw)
        for i, process in self.results:
            values[i] = process(values[i])
        return self.row._make(values)


_PYFORMAT = re.compile(r"%\(([^)]+)\)s|%%")


def dollar_numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """psycopg's ``%(name)s`` SQL as PostgreSQL's own ``$1, $2 …``, and the names in that order.

    What psycopg does per execute (psycopg._queries._query2pg): a name used twice is one parameter,
    ``%%`` is a percent sign. Its result is cached only for queries up to 4,096 bytes, and the call's
    CTE is longer: the regular expression ran on every call, 0.1-0.26 ms of the client's CPU
    (docs/benchmarks/floor5.md), more than the rest of the call's Python.
    """
    order: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "%"
        return f"${order.setdefault(name, len(order) + 1)}"

    return _PYFORMAT.sub(number, sql), tuple(order)


def sql_literal(value: Any) -> str | None:
    """``value`` as a SQLite literal, or None where it is not a plain number or string."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def inline_constants(sql: str, names: tuple[str, ...], callers: set[str],
                     const: Callable[[str], Any]) -> tuple[str, tuple[str, ...]]:
    """The qmark SQL with every constant parameter written in as a literal; the parameters left.

    SQLite re-prepares a statement each time a parameter is bound that the planner compared with
    a partial index's WHERE (``status = ?`` against uq_tickets_active_counter's ``status IN
    (...)``): every hot statement was compiled anew on every call, 0.35 ms of the issue's 0.7 ms
    of SQL (docs/benchmarks/floor4.md). The states, kinds, LIMITs and flags are the same on every
    call, so they are literals; only the caller's values (ids, day, instant) are bound.
    """
    out: list[str] = []
    kept: list[str] = []
    at = 0
    quote = ""
    for ch in sql:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            name = names[at]
            at += 1
            literal_sql = None if name in callers else sql_literal(const(name))
            if literal_sql is not None:
                out.append(literal_sql)
                continue
            kept.append(name)
        out.append(ch)
    assert at == len(names), "a placeholder was not where SQLAlchemy said"
    return "".join(out), tuple(kept)


def pg_literal(value: Any) -> str | None:
    """``value`` as a PostgreSQL literal in psycopg's pyformat SQL, or None where it stays a parameter."""
    if isinstance(value, bool):
        return "true" if value else "false"
    got = sql_literal(value)
    return None if got is None else got.replace("%", "%%")  # a literal % is %% in pyformat


PYFORMAT = re.compile(r"%\((\w+)\)s")


def pg_inline_constants(sql: str, names: tuple[str, ...], callers: set[str],
                        const: Callable[[str], Any]) -> tuple[str, tuple[str, ...]]:
    """The pyformat SQL with every constant parameter written in as a literal; the parameters left.

    psycopg prepares a statement after its 5th run, and PostgreSQL then plans it once for any
    parameters (a generic plan) where that plan's estimate looks no worse than the custom ones.
    A generic plan cannot prove a partial index's WHERE from a bound value: call_next's "is the
    counter free" (``status IN ($1, $2)``) then scanned every ticket of the history for
    uq_tickets_active_counter's ``status IN ('called', 'serving')``, 33 ms a call on a year of one
    office, and the kiosk's catalog version (``kind IN ($1, $2)``) scanned every event backwards
    instead of ix_events_office_catalog (docs/benchmarks/plan5.md). The states, kinds and LIMITs
    are the same on every call, so they are literals, as on SQLite; only the caller's values (ids,
    day, instant) are bound, and a generic plan sees the same predicates a custom one does.
    """
    kept: list[str] = []

    def put(m: re.Match[str]) -> str:
        name = m.group(1)
        literal_sql = None if name in callers else pg_literal(const(name))
        if literal_sql is None:
            if name not in kept:
                kept.append(name)
            return m.group(0)
        return literal_sql

    out = PYFORMAT.sub(put, sql)
    assert set(kept) <= set(names), "a placeholder SQLAlchemy did not name"
    return out, tuple(kept)


_PREPARED: dict[tuple[Any, str], Prepared] = {}


def prepared(stmt: Any, dialect_name: str, dialect: Any) -> Prepared:
    """Keyed by the statement and the dialect's name, not the dialect object: engines come and go
    (tests, reconnects) and each has its own; compiled with the first one seen."""
    key = (stmt, dialect_name)
    got = _PREPARED.get(key)
    if got is None:
        got = _PREPARED[key] = Prepared(stmt, dialect)
    return got


def warm(dialect: Any, ordering: Ordering) -> None:
    """Compile a counter's hot statements ahead of its first call (at sign-in).

    A counter process's first call compiled them, 45-64 ms of CPU that at a busy moment waited
    seconds for a core: the whole p99 of the 32-counter benchmark (docs/benchmarks/lean3.md).
    """
    name = dialect.name
    if name not in RAW_DIALECTS:
        return
    stmts: list[Any] = []
    for booked_first in (True, False):
        stmts += ([call_next_pg(ordering, booked_first)] if name == "postgresql"
                  else [call_next_sqlite_pick(ordering, booked_first), called_update()])
    for action in FAST_MOVES:
        stmts += [move_pg(action)] if name == "postgresql" else [move_log(action), move_update(action, name)]
    for stmt in stmts:
        prepared(stmt, name, dialect)


# The dialects whose hot statements take the raw DB-API path below. PostgreSQL joined in lean3:
# the multi-second tail lean2 blamed on it was each counter process's first, cold call (statements
# compiled, modules loaded) at a load of 30-60; with the server's own timings logged, both paths
# showed it, and without the first calls the raw path's tail was no worse (docs/benchmarks/lean3.md).
RAW_DIALECTS = frozenset({"sqlite", "postgresql"})


def raw_cursor(driver: Any) -> Any:
    """A psycopg RawCursor (``$1`` placeholders, positional parameters) on the transaction's connection."""
    import psycopg  # only a PostgreSQL store gets here; the import is then already done by SQLAlchemy

    return psycopg.RawCursor(driver)


def first(tx: Any, stmt: Any, params: dict[str, Any]) -> Any:
    """``tx.session.execute(stmt, params).first()`` through the raw DB-API cursor of the transaction.

    The statement still goes through the Session's connection (BEGIN IMMEDIATE and the write
    queue on SQLite, the transaction's isolation on PostgreSQL), and SQLAlchemy's
    ``before_cursor_execute`` listeners are still told, so statement counts stay observable
    (tests/common/test_statements.py). Driver errors are wrapped as SQLAlchemy's would be
    (IntegrityError for the lost race, sqlstate kept for refusals).
    """
    if tx.dialect not in RAW_DIALECTS:
        result = tx.session.execute(stmt, params)
        return result.first() if result.returns_rows else None
    if tx.raw is None:
        conn = tx.conn
        driver = conn.connection.driver_connection
        # psycopg: a RawCursor takes the $n SQL of Prepared as it is (no placeholder parsing per call).
        tx.raw = (conn, raw_cursor(driver) if tx.dialect == "postgresql" else driver.cursor())
    conn, cursor = tx.raw
    prep = prepared(stmt, tx.dialect, conn.dialect)
    args = prep.parameters(params)
    if conn._has_events or conn.engine._has_events:
        conn.dispatch.before_cursor_execute(conn, cursor, prep.sql, args, None, False)
    try:
        cursor.execute(prep.sql, args)
        got = cursor.fetchone()
    except Exception as exc:  # wrapped (or re-raised) by SQLAlchemy's own handler
        conn._handle_dbapi_exception(exc, prep.sql, args, cursor, None)
    if got is not None:
        cursor.fetchall()  # finish the statement (SQLite keeps a RETURNING statement open until drained)
    return prep.convert(got)
