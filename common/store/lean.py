"""The Python side of the hot paths (common.store.hotpath holds their SQL): read, compute, write once.

``issue`` is shaped for additions such as a hall-wide forecast: the one read returns what the
ticket needs, the values are computed here in plain Python, and the row is inserted once.
``issue_one_statement`` is PostgreSQL's walk-in without the forecast: read, compute and write in one
statement, the formula of common.core.estimate carried into SQL (checked equal by tests/common/test_issue_one.py).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from common.core.errors import DomainError, NotFound
from common.core.estimate import NO_COUNTER, blended_from_sum, wait_seconds
from common.core.model import Issued, PrintStatus, Ticket, TicketStatus
from common.core.rules import Action
from common.core.tokens import ticket_token
from common.planning.forecast import Waiting
from common.store import hotpath
from common.store.catalog import ServiceInfo
from common.store.hall import NEW_TICKET_ID, forecast_columns
from common.store.tx import Tx, seconds_between, staffed

NEVER_REACHED = 2**31 - 1  # the cap of a service without one: no day issues that many tickets

if TYPE_CHECKING:
    from common.store.operations import Store


def _new_ticket(tx: Tx, info: ServiceInfo, local: datetime, priority_category: str | None,
                print_status: PrintStatus, token: str | None = None) -> dict[str, Any]:
    """A walk-in's ticket row but its number, code, people ahead and estimate (both issue paths)."""
    return {
        "service_id": info.id, "number_service_id": info.id, "service_day": tx.day,
        "token": token or ticket_token(tx.now.timestamp()), "priority": priority_category is not None,
        "priority_category": priority_category, "issued_at": tx.now, "queued_at": tx.now, "local_hour": local.hour,
        "print_status": print_status.value, "estimate_method": None, "naive_wait_s": None, **hotpath.WALK_IN,
    }


def issue(store: Store, tx: Tx, service: str, priority_category: str | None, print_status: PrintStatus,
          check_hours: bool, extra: dict[str, Any] | None = None) -> Issued:
    """A new waiting ticket; ``extra`` sets booking_id/booked (a check-in) or remote_device (a phone's number)."""
    snap = tx.snap
    info = snap.services.get(service)
    if info is None:  # another process added it: the whole catalog reloaded (its categories, typical times)
        snap = tx.fresh_snap()
        info = snap.services.get(service)
    if info is None:
        raise NotFound(f"Không có dịch vụ {service!r}", f"No service {service!r}")
    priority = priority_category is not None
    booked = bool(extra and extra.get("booked"))
    where = {"sid": info.id, "day": tx.day, "now": tx.now}
    read = None
    if tx.dialect == "sqlite":  # the day's number exists after its first ticket: a plain UPDATE reads faster
        read = hotpath.first(tx, hotpath.issue_read_update(priority, booked, snap.booked_first), where)
    if read is None:
        read = hotpath.first(tx, hotpath.issue_read(tx.dialect, priority, booked, snap.booked_first), where)
    number, issued, ahead, recent, counters, version = read
    recent_sum, recent_n = hotpath.unpack(recent, 2)
    n_serving, n_open, free = hotpath.unpack(counters, 3)
    if version != tx.catalog.version:  # another process changed the office since the catalog was read
        snap = tx.fresh_snap()
        info = snap.services[service]
    if not info.active:
        raise DomainError(f"Dịch vụ {info.name_vi} đang tạm ngừng", f"{info.name_en} is not available")
    local = tx.now.astimezone(store.tz)
    if check_hours and not info.hours.is_open(local):
        raise DomainError(f"{info.name_vi}: ngoài giờ tiếp nhận ({info.hours.label()})",
                          f"{info.name_en} is closed now (open {info.hours.label()})")
    if priority_category is not None and priority_category not in snap.categories:
        raise NotFound(f"Không có diện ưu tiên {priority_category!r}", f"No priority category {priority_category!r}")
    if (info.daily_cap and issued > info.daily_cap) or number > info.number_max:
        raise DomainError(f"{info.name_vi}: Đã hết số hôm nay", f"{info.name_en}: no more tickets today")
    # Until the service has its own history: its typical duration from the config, else the office's default.
    mean_service = blended_from_sum(recent_sum, recent_n, snap.typical_s.get(service, tx.default_service_s))
    values = _new_ticket(tx, info, local, priority_category, print_status)
    values.update(number=number, code=f"{info.prefix}{number:03d}", people_ahead=ahead,
                  estimated_wait_s=wait_seconds(ahead, mean_service, n_open, n_serving, bool(free)))
    values.update(extra or {})
    if not n_open and not staffed(tx.counters_serving(info.id)):
        # Nobody serves it now and nobody is on a break: no wait is promised (common.core.estimate)
        values.update(estimate_method=NO_COUNTER, naive_wait_s=values["estimated_wait_s"])
    elif store.hall_forecast:  # issue 17: the hall run forward; its median printed, the formula kept as naive
        me = Waiting(NEW_TICKET_ID, service, priority, tx.now, booked=booked)
        values.update(forecast_columns(tx, me, values["estimated_wait_s"], seed=info.id * 100_000 + number))
    detail = json.dumps({"priority": priority_category}, ensure_ascii=False) if priority_category else None
    walk_in = hotpath.walk_in_constants(values)
    # The row's values are the insert's parameters, by column name; with the event's own beside them.
    params = {**values, "now": tx.now, "detail": detail}
    ticket_id = hotpath.first(tx, hotpath.issue_write(tx.dialect, walk_in), params)[0]
    if tx.dialect == "postgresql":
        tx.notified = True  # the event and the notification went with the insert
    else:
        params["tid"] = ticket_id
        hotpath.first(tx, hotpath.issued_event(), params)
    tx.changed += 1
    return Issued(new_ticket_value(tx, info, values, ticket_id), info.counters)


def new_ticket_value(tx: Tx, info: ServiceInfo, v: dict[str, Any], ticket_id: int) -> Ticket:
    """``Tx.ticket`` of the row just inserted from ``v``, without reading it back nor building a row: a new
    ticket has not been called, served or moved (tests/common/test_people_ahead.py reads each back: equal)."""
    return Ticket(
        id=ticket_id, visit_id=ticket_id, code=v["code"], service=info.code, service_name_vi=info.name_vi,
        service_name_en=info.name_en, token=v["token"], status=TicketStatus(v["status"]), priority=v["priority"],
        priority_category=v["priority_category"], service_day=v["service_day"], issued_at=v["issued_at"],
        queued_at=v["queued_at"], first_called_at=None, called_at=None, last_called_at=None, started_at=None,
        finished_at=None, counter=None, clerk=None, target_counter=None, people_ahead=v["people_ahead"],
        estimated_wait_seconds=v["estimated_wait_s"], print_status=PrintStatus(v["print_status"]),
        recall_count=v["recall_count"], target_minutes=info.target_minutes, estimate_method=v["estimate_method"],
        forecast_p10_s=v["forecast_p10_s"], forecast_p50_s=v["forecast_p50_s"], forecast_p90_s=v["forecast_p90_s"],
        naive_wait_s=v["naive_wait_s"], booked=bool(v["booked"]), booking_code=tx.booking_code(v["booking_id"]),
    )


def issue_one_statement(store: Store, tx: Tx, service: str, priority_category: str | None,
                        print_status: PrintStatus, check_hours: bool, token: str | None = None) -> Issued | None:
    """PostgreSQL, a walk-in without the hall forecast: ``issue`` in one statement (issue 12).

    The number, the reads, the estimate (common.core.estimate's formula in SQL, hotpath.wait_seconds_sql),
    the row, its event and NOTIFY go in one statement, in autocommit. ``token``: the ticket's, made by the
    caller before the statement, so that a lost reply can be told from a lost statement (Store.issue_ticket).
    None: nothing was written and the caller runs ``issue`` in a transaction, which reloads a moved
    catalog or says why it refuses: an unknown or inactive service, closed hours, an unknown category,
    no more numbers today (the statement takes a number only within number_max and the cap, and only
    while the cached catalog is the current one, so the checks made here on it hold).
    """
    snap = tx.snap
    info = snap.services.get(service)
    if info is None or not info.active or not 0 <= info.number_min <= info.number_max:
        return None
    if info.daily_cap is not None and info.daily_cap < 0:
        return None  # refused from its first ticket: worded by issue()
    local = tx.now.astimezone(store.tz)
    if check_hours and not info.hours.is_open(local):
        return None
    if priority_category is not None and priority_category not in snap.categories:
        return None
    values = _new_ticket(tx, info, local, priority_category, print_status, token)
    params = {f"v_{k}": values[k] for k in ("token", "priority_category", "local_hour", "print_status")}
    detail = json.dumps({"priority": priority_category}, ensure_ascii=False) if priority_category else None
    params.update(sid=info.id, day=tx.day, now=tx.now, version=snap.version, nmax=info.number_max,
                  cap=info.daily_cap or NEVER_REACHED, prefix=info.prefix, detail=detail,
                  typical_s=snap.typical_s.get(service, tx.default_service_s))
    row = hotpath.first(tx, hotpath.issue_one_pg(priority_category is not None, snap.booked_first), params)
    if row is None:
        return None
    tx.notified = True  # the event and the notification went with the insert
    tx.changed += 1
    values.update({k: getattr(row, k) for k in hotpath.ISSUE_ONE_COMPUTED})
    return Issued(new_ticket_value(tx, info, values, row.id), info.counters)


def call_next_fast(tx: Tx, counter: int, clerk: str) -> Ticket | None:
    """The next ticket called in one statement (PostgreSQL) or two (SQLite); None: use the slow path."""
    snap = tx.snap
    info, clerk_id = snap.counters.get(counter), snap.clerks.get(clerk)
    if info is None or clerk_id is None:
        return None
    params = hotpath.counter_params(info, clerk_id, tx.day, tx.now)
    if tx.dialect == "postgresql":
        row = hotpath.first(tx, hotpath.call_next_pg(info.ordering, snap.booked_first), params)
        if row is None:
            return None
        tx.notified = True
    else:
        got = hotpath.first(tx, hotpath.call_next_sqlite_pick(info.ordering, snap.booked_first), params)
        if got is None:
            return None
        params.update(tid=got.ticket_id, wait=seconds_between(got.issued_at, tx.now))
        row = hotpath.first(tx, hotpath.called_update(), params)
    tx.changed += 1
    return tx.ticket(row)


def move_fast(tx: Tx, counter: int, clerk: str, action: Action) -> Ticket | None:
    """Start, finish, recall or no-show in one statement (PostgreSQL, in autocommit) or two (SQLite);
    None: nothing was written, use the slow path.

    PostgreSQL's ``hotpath.move_pg`` computes walk_s and service_s in SQL (hotpath.seconds_sql) as the
    SQLite path below does in Python (tests/common/test_move_one.py holds them equal).
    """
    snap = tx.snap
    info, clerk_id = snap.counters.get(counter), snap.clerks.get(clerk)
    if info is None or clerk_id is None:
        return None
    params = hotpath.counter_params(info, clerk_id, tx.day, tx.now)
    if tx.dialect == "postgresql":
        row = hotpath.first(tx, hotpath.move_pg(action), params)
        if row is None:
            return None
        tx.notified = True
        tx.changed += 1
        return tx.ticket(row)
    got = hotpath.first(tx, hotpath.move_log(action), params)
    if got is None:
        return None
    params["tid"] = got.ticket_id
    if action == Action.START:
        params["walk_s"] = seconds_between(got.last_called_at or tx.now, tx.now)
    elif action == Action.FINISH:  # a serving ticket always has started_at (a held one keeps it)
        params["service_s"] = seconds_between(got.started_at, tx.now) if got.started_at is not None else None
    row = hotpath.first(tx, hotpath.move_update(action, tx.dialect), params)
    if row is None:  # another transaction moved the ticket after our event's snapshot (not under BEGIN IMMEDIATE)
        raise hotpath.Retry
    tx.changed += 1
    return tx.ticket(row)
