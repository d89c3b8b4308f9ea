"""The hot paths in few statements: issue a ticket, call the next one, move the ticket at a counter.

Issue 12 counted 12 statements per ticket and 11 round trips per call. Here each action
reads what it needs in one statement, computes in Python, and writes once:

- ``issue``: one upsert of the day's number whose RETURNING also reads people ahead and the
  estimate's inputs; then one insert of the finished ticket row (plus its event). PostgreSQL: 2
  statements; SQLite: BEGIN IMMEDIATE + 3.
- ``call_next``: PostgreSQL, one CTE (lock the counter, pick with SKIP LOCKED in the rule's
  order, update, log, notify). SQLite: BEGIN IMMEDIATE, the event inserted from the pick
  (returning the ticket's issue time), the ticket updated: 3.
- ``move`` (start, finish, recall, no-show): the event inserted from the ticket at the counter,
  then the ticket updated: 2 (SQLite: + BEGIN IMMEDIATE).

Every statement re-checks the counter (open, held by this clerk) and the ticket's state in
SQL. When a check fails these return None and the caller runs the slow, fully worded path
(common.store.tx), which raises the right message or does the rarer work (opening a closed
counter, say). Nothing is written before such a None.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import BindParameter

from common.core import rules
from common.core.estimate import RECENT_SERVICE_SAMPLE
from common.core.events import OF_ACTION, EventKind
from common.core.model import CounterState, Ordering, TicketStatus
from common.core.rules import Action
from common.store.catalog import CounterInfo, version_query
from common.store.orm import (
    ClerkRow,
    CounterRow,
    CounterServiceRow,
    DailyNumberRow,
    EventRow,
    TicketRow,
    UTCDateTime,
)

W = TicketStatus
T = TicketRow.__table__
E = EventRow.__table__
C = CounterRow.__table__
K = ClerkRow.__table__
CS = CounterServiceRow.__table__
DN = DailyNumberRow.__table__
AT_COUNTER = sorted(s.value for s in rules.AT_COUNTER)
NOTIFY_CHANNEL = "motcua"
# The inserted event's ticket_id, from inside a RETURNING subquery over an aliased tickets table
# (SQLAlchemy would otherwise add ``events`` to that subquery's FROM).
OUTER_TICKET_ID = literal_column("ticket_id")


class Retry(Exception):
    """A fast path lost a race after writing; the caller rolls back and runs the checked slow path."""


def _now(now: datetime) -> BindParameter[datetime]:
    return bindparam("now", now, type_=UTCDateTime())


# ---------------------------------------------------------------------------- the call order in SQL
def call_order_by(ordering: Ordering, t: Any, counter_id: Any) -> list[ColumnElement[Any]]:
    """``rules.call_key`` as ORDER BY terms over the tickets table (or alias) ``t``, for counter ``counter_id``.

    call_key is (0 if priority else 1, position, queued_at, id); position is 0 unless the
    counter is strict, then -1 for a ticket transferred to it, else the service's index in the
    counter's list. tests/common/test_call_order_sql.py checks this order equals
    ``rules.call_order`` on random queues, on SQLite and PostgreSQL.
    """
    terms: list[ColumnElement[Any]] = [case((t.c.priority, 0), else_=1)]
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


def _counter_ready(counter: CounterInfo, clerk_id: int) -> ColumnElement[bool]:
    """The counter is open, held by this clerk, configured as cached; the clerk is active."""
    return and_(
        exists().where(C.c.id == counter.id, C.c.number == counter.number, C.c.active.is_(True),
                       C.c.state == CounterState.OPEN.value, C.c.clerk_id == clerk_id,
                       C.c.ordering == counter.ordering.value),
        exists().where(K.c.id == clerk_id, K.c.active.is_(True)),
    )


def seconds_sql(start: Any, now: Any) -> ColumnElement[int]:
    """``tx.seconds_between`` in PostgreSQL: max(0, round half to even), as Python's round does."""
    x = func.extract("epoch", now - start)
    whole = func.floor(x)
    rounded = case((and_(x - whole == 0.5, func.mod(whole, 2) == 0), whole), else_=func.round(x))
    return cast(func.greatest(0, rounded), Integer)


# ---------------------------------------------------------------------------- issue
def issue_read(dialect: str, service_id: int, day: date, now: datetime, priority: bool) -> Any:
    """Take the next number, and read everything the ticket needs, in one statement.

    Returns (last_number, issued, ahead, recent_sum, recent_count, serving, open, free, version).
    The number's row is upserted first; if a check then refuses the ticket the transaction
    rolls back and the number is not used.
    """
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(DN)
    from common.store.orm import ServiceRow  # the services table: number_min is read fresh, not cached

    S = ServiceRow.__table__
    day_p = bindparam("day", day, type_=Date())
    stmt = ins.from_select(
        ["service_id", "service_day", "last_number", "issued"],
        select(S.c.id, day_p, S.c.number_min, literal(1, Integer)).where(S.c.id == service_id),
    )
    q = T.alias("q")
    now_p = _now(now)
    earlier = and_(q.c.priority.is_(True), q.c.queued_at <= now_p) if priority else or_(
        q.c.priority.is_(True), q.c.queued_at <= now_p)
    ahead = select(func.count()).where(q.c.status == W.WAITING.value, q.c.service_id == service_id,
                                       q.c.service_day == day_p, earlier).scalar_subquery()
    # ix_tickets_service_done serves this newest-first LIMIT: O(1) in the history.
    r = T.alias("r")
    recent = select(r.c.service_s).where(
        r.c.service_id == service_id, r.c.status == W.DONE.value, r.c.service_s.is_not(None),
    ).order_by(r.c.id.desc()).limit(RECENT_SERVICE_SAMPLE).subquery("recent")
    recent_sum = select(func.coalesce(func.sum(recent.c.service_s), 0)).scalar_subquery()
    recent_n = select(func.count()).select_from(recent).scalar_subquery()
    c2, cs2, b = C.alias("c2"), CS.alias("cs2"), T.alias("b")
    serving_where = [cs2.c.service_id == service_id, c2.c.active.is_(True)]
    linked = c2.join(cs2, cs2.c.counter_id == c2.c.id)
    n_serving = select(func.count()).select_from(linked).where(*serving_where).scalar_subquery()
    is_open = c2.c.state == CounterState.OPEN.value
    n_open = select(func.count()).select_from(linked).where(*serving_where, is_open).scalar_subquery()
    busy = exists().where(b.c.counter_id == c2.c.id, b.c.status.in_(AT_COUNTER))
    free = exists(select(c2.c.id).select_from(linked).where(*serving_where, is_open, ~busy))
    free_col = case((free, 1), else_=0)
    return stmt.on_conflict_do_update(
        index_elements=[DN.c.service_id, DN.c.service_day],
        set_={"last_number": DN.c.last_number + 1, "issued": DN.c.issued + 1},
    ).returning(DN.c.last_number, DN.c.issued, ahead, recent_sum, recent_n, n_serving, n_open, free_col,
                version_query().scalar_subquery())


def issue_write(dialect: str, values: Mapping[str, Any], event_detail: str | None) -> list[Any]:
    """The ticket row, inserted once with everything computed; and its ``issued`` event.

    PostgreSQL: one statement (id from the sequence, so visit_id = id in the same insert, the
    event and the notification in the same CTE). SQLite: two, under the write lock, where
    max(id) + 1 is the next id (tickets are never deleted).
    """
    now = values["issued_at"]
    cols = [k for k in values]
    params = [bindparam(f"v_{k}", v, type_=T.c[k].type) for k, v in values.items()]
    event_cols = ["at", "kind", "ticket_id", "to_status", "detail"]

    def event_from(ticket_id: Any) -> Any:
        return select(_now(now), literal(EventKind.ISSUED.value, String), ticket_id,
                      literal(W.WAITING.value, String), literal(event_detail, String))

    if dialect == "postgresql":
        n = select(func.nextval(func.pg_get_serial_sequence("tickets", "id")).label("id")).cte("n")
        t = insert(T).from_select(["id", "visit_id", *cols], select(n.c.id, n.c.id, *params)).returning(
            T.c.id).cte("t")
        ev = insert(E).from_select(event_cols, event_from(t.c.id)).cte("ev")
        return [select(t.c.id, func.pg_notify(NOTIFY_CHANNEL, "1")).add_cte(ev)]
    next_id = select(func.coalesce(func.max(T.c.id), 0) + 1).scalar_subquery()
    t_ins = insert(T).from_select(["id", "visit_id", *cols], select(next_id, next_id, *params)).returning(T.c.id)
    return [t_ins, lambda ticket_id: insert(E).from_select(
        event_cols, event_from(literal(ticket_id, Integer)))]


# ---------------------------------------------------------------------------- call next
def call_next_pg(counter: CounterInfo, clerk_id: int, day: date, now: datetime) -> Any:
    """One statement: lock the counter, pick (SKIP LOCKED, the rule's order), update, log, notify."""
    now_p = _now(now)
    c = select(C.c.id).where(C.c.id == counter.id, _counter_ready(counter, clerk_id)).with_for_update().cte("c")
    q, b = T.alias("q"), T.alias("b")
    pick = (
        select(q.c.id)
        .where(q.c.status == W.WAITING.value, q.c.service_day == bindparam("day", day, type_=Date()),
               serves_sql(q, counter.id), exists(select(c.c.id)),
               ~exists().where(b.c.counter_id == counter.id, b.c.status.in_(AT_COUNTER)))
        .order_by(*call_order_by(counter.ordering, q, counter.id))
        .limit(1)
        .with_for_update(skip_locked=True, of=q)
        .cte("pick")
    )
    upd = (
        update(T).where(T.c.id == pick.c.id, T.c.status == W.WAITING.value)
        .values(status=W.CALLED.value, counter_id=counter.id, clerk_id=clerk_id, target_counter_id=None,
                first_called_at=func.coalesce(T.c.first_called_at, now_p), called_at=now_p,
                wait_s=seconds_sql(T.c.issued_at, now_p), last_called_at=now_p)
        .returning(*T.c).cte("upd")
    )
    ev = insert(E).from_select(
        ["at", "kind", "ticket_id", "counter_id", "clerk_id", "from_status", "to_status"],
        select(now_p, literal(OF_ACTION[Action.CALL_NEXT].value, String), upd.c.id, literal(counter.id, Integer),
               literal(clerk_id, Integer), literal(W.WAITING.value, String), literal(W.CALLED.value, String)),
    ).cte("ev")
    return select(*upd.c, func.pg_notify(NOTIFY_CHANNEL, "1").label("notified")).add_cte(ev)


def call_next_sqlite_pick(counter: CounterInfo, clerk_id: int, day: date, now: datetime) -> Any:
    """The ``called`` event inserted straight from the pick; returns the ticket id and its issue time."""
    q, b, i = T.alias("q"), T.alias("b"), T.alias("i")
    pick = (
        select(q.c.id)
        .where(q.c.status == W.WAITING.value, q.c.service_day == bindparam("day", day, type_=Date()),
               serves_sql(q, counter.id))
        .order_by(*call_order_by(counter.ordering, q, counter.id))
        .limit(1)
        .subquery("pick")
    )
    source = select(
        _now(now), literal(OF_ACTION[Action.CALL_NEXT].value, String), pick.c.id, literal(counter.id, Integer),
        literal(clerk_id, Integer), literal(W.WAITING.value, String), literal(W.CALLED.value, String),
    ).select_from(pick).where(
        _counter_ready(counter, clerk_id), ~exists().where(b.c.counter_id == counter.id, b.c.status.in_(AT_COUNTER)))
    issued_at = select(i.c.issued_at).where(i.c.id == OUTER_TICKET_ID).scalar_subquery()
    return insert(E).from_select(
        ["at", "kind", "ticket_id", "counter_id", "clerk_id", "from_status", "to_status"], source,
    ).returning(E.c.ticket_id, type_coerce(issued_at, UTCDateTime()).label("issued_at"))


def called_update(ticket_id: int, counter: CounterInfo, clerk_id: int, now: datetime, wait_s: int) -> Any:
    now_p = _now(now)
    return (update(T).where(T.c.id == ticket_id, T.c.status == W.WAITING.value)
            .values(status=W.CALLED.value, counter_id=counter.id, clerk_id=clerk_id, target_counter_id=None,
                    first_called_at=func.coalesce(T.c.first_called_at, now_p), called_at=now_p, wait_s=wait_s,
                    last_called_at=now_p)
            .returning(*T.c))


# ---------------------------------------------------------------------------- moves at the counter
FAST_MOVES = (Action.START, Action.FINISH, Action.RECALL, Action.NO_SHOW)


def move_states(action: Action) -> tuple[TicketStatus, TicketStatus]:
    """The one state ``action`` moves from, and where the rules say it leads."""
    (before,) = rules.from_states(action)
    after = rules.move(before, action)
    assert after is not None
    return before, after


def move_log(action: Action, counter: CounterInfo, clerk_id: int, now: datetime) -> Any:
    """Log the move from the ticket at the counter; returns the ticket's id and the times the update needs."""
    before, after = move_states(action)
    t, i = T.alias("t"), T.alias("i")
    detail: Any = literal(None, String)
    if action == Action.RECALL:  # json.dumps({"recall": n}), written in SQL
        detail = literal('{"recall": ', String) + cast(t.c.recall_count + 1, String) + literal("}", String)
    source = select(
        _now(now), literal(OF_ACTION[action].value, String), t.c.id, literal(counter.id, Integer),
        literal(clerk_id, Integer), t.c.status, literal(after.value, String), detail,
    ).where(t.c.counter_id == counter.id, t.c.status == before.value, _counter_ready(counter, clerk_id))

    def of_ticket(col: str) -> Any:
        # type_coerce, not CAST: SQLite would turn CAST(text AS DATETIME) into a number.
        return type_coerce(select(i.c[col]).where(i.c.id == OUTER_TICKET_ID).scalar_subquery(),
                           UTCDateTime()).label(col)

    return insert(E).from_select(
        ["at", "kind", "ticket_id", "counter_id", "clerk_id", "from_status", "to_status", "detail"], source,
    ).returning(E.c.ticket_id, of_ticket("last_called_at"), of_ticket("started_at"))


def move_update(action: Action, ticket_id: int, values: dict[str, Any], dialect: str) -> Any:
    before, after = move_states(action)
    stmt = update(T).where(T.c.id == ticket_id, T.c.status == before.value).values(status=after.value, **values)
    cols: list[Any] = list(T.c)
    if dialect == "postgresql":
        cols.append(func.pg_notify(NOTIFY_CHANNEL, "1").label("notified"))
    return stmt.returning(*cols)


def recall_values(now: datetime) -> dict[str, Any]:
    return {"last_called_at": _now(now), "recall_count": T.c.recall_count + 1}

