"""Appointments and remote numbers (issue 19): each operation is one transaction of the store.

The plan (``[appointments]`` in the office config) is stored by ``load_office`` in
office_settings, so the kiosk, the phone pages, the counter and the CLI all read the same
plan from the database. A slot's places are a row of ``booking_slots`` whose ``taken`` the
database keeps below ``capacity`` (the UPDATE's WHERE and a CHECK): that, and nothing in
Python, is what makes two citizens racing for the last place get one booking and one refusal.

Called through ``Store`` (common.store.operations), never directly by the apps.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import threading
import weakref
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, cast

import psycopg
from sqlalchemy import Table, bindparam, func, insert, literal_column, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import undefer

from common.core.bookings import (
    AppointmentPlan,
    Booking,
    BookingRefused,
    BookingState,
    CheckIn,
    ServicePlan,
    Slot,
    clean_code,
    new_code,
    refused,
)
from common.core.clock import local_midnight
from common.core.clock import service_day as day_of
from common.core.errors import DomainError, NotFound
from common.core.model import Issued, PrintStatus
from common.store import hotpath
from common.store.catalog import ServiceInfo
from common.store.channels import CHANNEL
from common.store.lane import Lanes
from common.store.lean import issue
from common.store.orm import ACTIVE_STATES, BookingRow, BookingSlotRow, SettingRow, TicketRow
from common.store.tx import Tx

if TYPE_CHECKING:
    from common.store.operations import Store

PLAN_SETTING = "appointments"
B = BookingState


# ---------------------------------------------------------------------------- reading the plan
@cache
def _plan_query() -> Any:
    settings = SettingRow.__table__.c  # Core, not ORM: hotpath.first runs it as a plain statement
    return select(settings.value).where(settings.key == PLAN_SETTING)


@lru_cache(maxsize=8)
def _parsed_plan(value: str | None) -> AppointmentPlan:
    return AppointmentPlan.from_json(json.loads(value) if value else None)


def plan_of(tx: Tx) -> AppointmentPlan:
    """The plan as stored now: one small statement, and parsed only when its text changed (a booking read
    and parsed it each time, a third of the booking's CPU; the parsed plan is a frozen value, safe to share)."""
    return _plan_and_text(tx)[0]


def _plan_and_text(tx: Tx, store: Store | None = None) -> tuple[AppointmentPlan, str | None]:
    """The plan and its stored text; with ``store`` on PostgreSQL, kept for ``book_in_one`` to check against
    (the slots page a citizen reads before booking reads it, so the booking itself needs no read)."""
    row = hotpath.first(tx, _plan_query(), {})
    value = row.value if row is not None else None
    plan = _parsed_plan(value)
    if store is not None and tx.dialect == "postgresql":
        one_statement(store).plan = (value, plan)
    return plan, value


def _service(tx: Tx, code: str) -> ServiceInfo:
    info = tx.snap.services.get(code) or tx.fresh_snap().services.get(code)
    if info is None:
        raise NotFound(f"Không có dịch vụ {code!r}", f"No service {code!r}")
    return info


def _when(store: Store, at: datetime) -> str:
    return f"{at.astimezone(store.tz):%H:%M %d/%m/%Y}"


def _bookable(store: Store, tx: Tx | None, plan: AppointmentPlan, info: ServiceInfo) -> ServicePlan:
    sp = plan.service(info.code)
    if sp is None or not info.active:
        raise BookingRefused("closed", f"{info.name_vi} không nhận đặt lịch hẹn", f"{info.name_en} takes no bookings")
    return sp


def _check_slot(store: Store, tx: Tx, plan: AppointmentPlan, info: ServiceInfo, sp: ServicePlan,
                slot_start: datetime) -> None:
    _check_slot_at(store, tx.now, tx.day, plan, info, sp, slot_start)


def _check_slot_at(store: Store, now: datetime, today: date, plan: AppointmentPlan, info: ServiceInfo,
                   sp: ServicePlan, slot_start: datetime) -> None:
    """The slot is on the plan's grid, on a day that takes bookings, in the future and not too far ahead."""
    if slot_start.tzinfo is None:
        raise ValueError("slot_start must be timezone-aware")
    local_day = slot_start.astimezone(store.tz).date()
    if not plan.open_on(sp, local_day) or not sp.holds(slot_start, store.tz):
        when = _when(store, slot_start)
        raise BookingRefused("closed", f"{info.name_vi} không nhận lịch hẹn vào {when}",
                             f"{info.name_en} takes no bookings at {when}")
    if slot_start <= now:
        raise refused("past", when=_when(store, slot_start))
    if (local_day - today).days > sp.ahead_days:
        raise refused("too_far", days=sp.ahead_days)


def places(tx: Tx | Store, info: ServiceInfo, sp: ServicePlan) -> int:
    """A slot's places: the plan's capacity, within ``reserved_share`` of the service's open counters' time
    at the office's usual service time (ServicePlan.places)."""
    return sp.places(len(info.counters), tx.default_service_s / 60)


# ---------------------------------------------------------------------------- values
def booking_value(tx: Tx, row: BookingRow, *, contact: bool = True) -> Booking:
    """The booking's value; ``contact=False`` where the role may not read it (the kiosk)."""
    svc = tx.service_by_id(row.service_id)
    ticket_code = None
    if row.ticket_id is not None:
        ticket_code = tx.session.scalar(select(TicketRow.code).where(TicketRow.id == row.ticket_id))
    return Booking(row.code, svc.code, svc.name_vi, svc.name_en, row.slot_start.astimezone(UTC),
                   row.slot_end.astimezone(UTC), BookingState(row.state), row.contact if contact else None, ticket_code,
                   row.created_at.astimezone(UTC))


def _by_code(tx: Tx, code: str, *, lock: bool = False) -> BookingRow | None:
    cleaned = clean_code(code)
    if not cleaned:
        return None
    query = select(BookingRow).where(BookingRow.code == cleaned)
    return tx.session.scalar(query.with_for_update() if lock else query)


def contact_key(contact: str | None) -> str | None:
    """What the per-contact cap counts by (migration 0016): a SHA-256 of the normalised contact, so that the
    status server's role counts a phone's bookings without the right to read any phone."""
    if contact is None:
        return None
    return hashlib.sha256(f"motcua-contact:{contact}".encode()).hexdigest()


def address_key(address: str | None, day: date) -> str | None:
    """What the cap on bookings WITHOUT a contact counts by: the asking address and the office's day, hashed.

    The day: an address is not a person for long (a dynamic line, a carrier's NAT shared by thousands), so
    yesterday's bookings from it do not hold back today's citizen. An IPv6 phone picks its last 64 bits at will:
    its /64 is the address. Not the contact's namespace, so no phone's count is ever mixed with an address's.
    """
    if address is None or not address.strip():
        return None
    text_ = address.strip()
    try:
        ip = ipaddress.ip_address(text_.split("%", 1)[0])
    except ValueError:
        net = text_[:64]  # not an address (a test's name, a proxy's label): counted as it is
    else:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        net = str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
    return hashlib.sha256(f"motcua-address:{net}:{day.isoformat()}".encode()).hexdigest()


def _normal_contact(contact: str | None) -> str | None:
    """Phones compared by their digits (0912 345 678 = 0912-345-678), e-mails by lower case."""
    if contact is None or not contact.strip():
        return None
    text_ = contact.strip()
    if "@" in text_:
        return text_.lower()[:120]
    digits = "".join(ch for ch in text_ if ch.isdigit())
    if digits.startswith("84") and len(digits) > 9:  # +84 912… is 0912…
        digits = "0" + digits[2:]
    if len(digits) < 8:
        raise BookingRefused("contact", f"Số điện thoại {text_!r} không hợp lệ", f"Not a phone number: {text_!r}")
    return digits[:120]


# ---------------------------------------------------------------------------- slots
def _slot_rows(tx: Tx, service_id: int, start: datetime, end: datetime) -> dict[datetime, BookingSlotRow]:
    rows = tx.session.scalars(select(BookingSlotRow).where(
        BookingSlotRow.service_id == service_id, BookingSlotRow.start >= start, BookingSlotRow.start < end))
    return {r.start: r for r in rows}


def booking_days(store: Store, tx: Tx, service: str) -> list[date]:
    plan, info = _plan_and_text(tx, store)[0], _service(tx, service)
    sp = plan.service(info.code)
    if sp is None or not info.active:
        return []
    days = []
    for offset in range(sp.ahead_days + 1):
        day = tx.day + timedelta(days=offset)
        if plan.open_on(sp, day) and any(s > tx.now for s in sp.slot_starts(day, store.tz)):
            days.append(day)
    return days


def booking_slots(store: Store, tx: Tx, service: str, day: date) -> list[Slot]:
    """The slots of ``day`` still to come, with their places taken; a closed day has none."""
    plan, info = _plan_and_text(tx, store)[0], _service(tx, service)
    sp = plan.service(info.code)
    if sp is None or not info.active or not plan.open_on(sp, day) or (day - tx.day).days > sp.ahead_days:
        return []
    rows = _slot_rows(tx, info.id, local_midnight(day, store.tz), local_midnight(day + timedelta(days=1), store.tz))
    step, cap = timedelta(minutes=sp.slot_minutes), places(tx, info, sp)
    slots = []
    for start in sp.slot_starts(day, store.tz):
        if start <= tx.now:
            continue
        row = rows.get(start)
        slots.append(Slot(info.code, start, start + step, cap, row.taken if row else 0))
    return slots


@cache
def _take_statement(dialect: str) -> Any:
    """One statement takes a place: the slot's row made with one place taken, or, if it exists, one more
    place taken where ``taken < capacity`` (no row returned: full). The plan's capacity counts, but never
    below the places already taken (a plan may have lowered it; the CHECK taken <= capacity holds)."""
    slots = cast(Table, BookingSlotRow.__table__)
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(slots).values(
        service_id=bindparam("sid"), start=bindparam("start"), end=bindparam("end"), capacity=bindparam("cap"),
        taken=1)
    biggest = func.greatest if dialect == "postgresql" else func.max
    return ins.on_conflict_do_update(
        index_elements=["service_id", "start"],
        set_={"taken": slots.c.taken + 1, "capacity": biggest(slots.c.taken + 1, ins.excluded.capacity)},
        where=slots.c.taken < ins.excluded.capacity,
    ).returning(slots.c.id)


def _take_place(tx: Tx, info: ServiceInfo, sp: ServicePlan, slot_start: datetime, when: str) -> int:
    """One place of the slot, or BookingRefused('full'): the database decides (taken < capacity)."""
    end, cap = slot_start + timedelta(minutes=sp.slot_minutes), places(tx, info, sp)
    if cap < 1:  # reserved_share leaves this service's slots no place (too few counters open)
        raise refused("full", when=when)
    row = hotpath.first(tx, _take_statement(tx.dialect), {"sid": info.id, "start": slot_start, "end": end, "cap": cap})
    if row is None:
        raise refused("full", when=when)
    return int(row.id)


def _give_back(tx: Tx, slot_id: int) -> None:
    tx.session.execute(update(BookingSlotRow).where(BookingSlotRow.id == slot_id, BookingSlotRow.taken > 0)
                       .values(taken=BookingSlotRow.taken - 1))


# ---------------------------------------------------------------------------- booking, cancel, rebook
@cache
def _active_statement() -> Any:
    rows = BookingRow.__table__.c
    return select(func.count()).where(
        rows.contact_key == bindparam("key"), rows.state == B.BOOKED.value, rows.slot_end > bindparam("now"))


@cache
def _insert_statement() -> Any:
    return insert(cast(Table, BookingRow.__table__)).values(
        code=bindparam("code"), service_id=bindparam("sid"), slot_id=bindparam("slot"), slot_start=bindparam("start"),
        slot_end=bindparam("end"), state=B.BOOKED.value, contact=bindparam("who"), contact_key=bindparam("key"),
        source=bindparam("source"),
        created_at=bindparam("now"), updated_at=bindparam("now")).returning(literal_column("1").label("one"))


def book_from(store: Store, service: str, slot_start: datetime, contact: str | None, address: str | None, *,
              source: str = "web") -> Booking:
    """``Store.book`` for the public page, which knows who asks: a booking without a contact counts against
    its ``address`` (``address_key``), under the same cap and in the same statement as a contact's bookings,
    so that one phone cannot take a day's slots by leaving the contact empty."""
    if not store.db.is_sqlite:  # as Store.book: one autocommit statement, unless the transaction must decide
        done = book_in_one(store, service, slot_start, contact, source, address=address)
        if done is not None:
            return done
    with store.transaction() as tx:
        return book(store, tx, service, slot_start, contact, source, address=address)


def _too_many(who: str | None, active: int) -> BookingRefused:
    return refused("too_many" if who is not None else "too_many_here", n=active)


def book(store: Store, tx: Tx, service: str, slot_start: datetime, contact: str | None, source: str, *,
         address: str | None = None) -> Booking:
    """Four statements at most (the plan, the contact's count, the place, the row), each compiled once.
    On PostgreSQL this is the first booking's path and the fallback of ``book_in_one``. Without a contact,
    ``address`` (the public page's caller) is counted instead (``book_from``)."""
    plan, info = _plan_and_text(tx, store)[0], _service(tx, service)
    sp = _bookable(store, tx, plan, info)
    _check_slot(store, tx, plan, info, sp, slot_start)
    who = _normal_contact(contact)
    key = contact_key(who) if who is not None else address_key(address, tx.day)
    if key is not None:
        if tx.dialect == "postgresql":  # two bookings for one phone at once: the second waits, then counts
            active = tx.session.scalar(select(func.motcua_contact_bookings(key, tx.now))) or 0
        else:  # SQLite: the write lock (BEGIN IMMEDIATE) already orders them
            active = hotpath.first(tx, _active_statement(), {"key": key, "now": tx.now})[0] or 0
        if active >= plan.max_active_per_contact:
            raise _too_many(who, active)
    slot_id = _take_place(tx, info, sp, slot_start, _when(store, slot_start))
    code, end = new_code(), slot_start + timedelta(minutes=sp.slot_minutes)
    hotpath.first(tx, _insert_statement(), {"code": code, "sid": info.id, "slot": slot_id, "start": slot_start,
                                            "end": end, "who": who, "key": key, "source": source[:16],
                                            "now": tx.now})
    tx.changed += 1
    return Booking(code, info.code, info.name_vi, info.name_en, slot_start.astimezone(UTC), end.astimezone(UTC),
                   B.BOOKED, who, None, tx.now.astimezone(UTC))


# ---------------------------------------------------------------------------- PostgreSQL: a booking in one statement
# The plan the caller checked is still the stored one; the contact's count (locked: motcua_contact_bookings,
# migration 0016) is under the cap; then the place (taken < capacity, as _take_statement) and the row, and
# NOTIFY at commit. Each step runs only if the one before it gave a row. Autocommit: no BEGIN, no COMMIT.
ONE_STATEMENT = f"""
WITH plan AS (
    SELECT s.value = %(plan)s::text AS same FROM office_settings s WHERE s.key = '{PLAN_SETTING}' LIMIT 1
), gate AS (
    SELECT motcua_contact_bookings(%(key)s::text, %(now)s::timestamptz) AS active WHERE (SELECT same FROM plan)
), place AS (
    INSERT INTO booking_slots AS b (service_id, start, "end", capacity, taken)
    SELECT %(sid)s::int, %(start)s::timestamptz, %(end)s::timestamptz, %(cap)s::int, 1
    FROM gate WHERE gate.active < %(most)s::int
    ON CONFLICT (service_id, start) DO UPDATE
    SET taken = b.taken + 1, capacity = greatest(b.taken + 1, excluded.capacity)
    WHERE b.taken < excluded.capacity
    RETURNING b.id
), booked AS (
    INSERT INTO bookings (code, service_id, slot_id, slot_start, slot_end, state, contact, contact_key, source,
                          created_at, updated_at)
    SELECT %(code)s::text, %(sid)s::int, place.id, %(start)s::timestamptz, %(end)s::timestamptz,
           '{B.BOOKED.value}', %(who)s::text, %(key)s::text, %(source)s::text, %(now)s::timestamptz,
           %(now)s::timestamptz
    FROM place
    RETURNING office_id
), told AS (
    SELECT pg_notify(CASE WHEN office_id = 1 THEN '{CHANNEL}' ELSE concat('{CHANNEL}_o', office_id) END, '1')
    FROM booked
)
SELECT (SELECT same FROM plan), (SELECT active FROM gate), (SELECT count(*) FROM told)
"""
NO_CAP = 2**31 - 1


class OneStatement:
    """A store's PostgreSQL booking path: its connections (common.store.lane) and the plan last read."""

    def __init__(self, store: Store) -> None:
        self.lanes = Lanes(store.db.engine)
        self.plan: tuple[str | None, AppointmentPlan] | None = None  # (stored text, parsed), from the slow path


_ONE: weakref.WeakKeyDictionary[Store, OneStatement] = weakref.WeakKeyDictionary()
_ONE_LOCK = threading.Lock()


def one_statement(store: Store) -> OneStatement:
    one = _ONE.get(store)
    if one is None:
        with _ONE_LOCK:
            one = _ONE.get(store)
            if one is None:
                one = _ONE[store] = OneStatement(store)
    return one


def book_in_one(store: Store, service: str, slot_start: datetime, contact: str | None, source: str, *,
                address: str | None = None) -> Booking | None:
    """The booking in one autocommit statement on PostgreSQL, or None: then ``book`` in a transaction decides
    (the first booking, the plan changed since, the catalog not read yet, or a refusal to word from fresh rows).

    The checks in Python use the plan the last transaction read; the statement books only if that plan is
    still the stored one. The database decides the place and the contact's count, as in ``book``.
    """
    one = one_statement(store)
    known, snap = one.plan, store.catalog.current
    info = snap.services.get(service) if snap is not None else None
    if known is None or info is None:
        return None
    plan_text, plan = known
    now = store.clock.now()
    try:
        sp = _bookable(store, None, plan, info)
        _check_slot_at(store, now, day_of(now, store.tz), plan, info, sp, slot_start)
    except BookingRefused:
        return None  # said from the stored plan, not from this copy of it
    cap = places(store, info, sp)
    if cap < 1:
        return None
    who = _normal_contact(contact)
    key = contact_key(who) if who is not None else address_key(address, day_of(now, store.tz))
    code, end = new_code(), slot_start + timedelta(minutes=sp.slot_minutes)
    params = {"plan": plan_text, "key": key, "now": now, "sid": info.id, "start": slot_start, "end": end, "cap": cap,
              "most": plan.max_active_per_contact if key is not None else NO_CAP, "code": code, "who": who,
              "source": source[:16]}
    try:
        with one.lanes.connection() as conn:
            row = conn.execute(ONE_STATEMENT, params, prepare=True).fetchone()
    except psycopg.Error as exc:
        failed = DBAPIError.instance(ONE_STATEMENT, params, exc, psycopg.Error)  # as SQLAlchemy would wrap it
        raise (store.failure(failed) if isinstance(failed, DBAPIError) else failed) from exc
    same, active, booked = row if row is not None else (None, None, 0)
    if not same:
        one.plan = None  # changed (or gone): re-read by the transaction
        return None
    if active is not None and key is not None and active >= plan.max_active_per_contact:
        raise _too_many(who, active)
    if not booked:
        raise refused("full", when=_when(store, slot_start))
    return Booking(code, info.code, info.name_vi, info.name_en, slot_start.astimezone(UTC), end.astimezone(UTC),
                   B.BOOKED, who, None, now.astimezone(UTC))


def _refuse_state(store: Store, row: BookingRow | None, code: str, tx: Tx) -> None:
    if row is None:
        raise refused("unknown", code=clean_code(code) or code.strip())
    if row.state == B.CANCELLED.value:
        raise refused("cancelled", code=row.code)
    if row.state == B.CHECKED_IN.value:
        ticket = tx.session.scalar(select(TicketRow.code).where(TicketRow.id == row.ticket_id)) or "?"
        raise refused("already", code=row.code, ticket=ticket)
    if row.state == B.NO_SHOW.value:
        raise refused("no_show", code=row.code)


def cancel_booking(store: Store, tx: Tx, code: str, *, contact: bool = True) -> Booking:
    row = _by_code(tx, code, lock=True)
    _refuse_state(store, row, code, tx)
    assert row is not None
    row.state, row.updated_at = B.CANCELLED.value, tx.now
    _give_back(tx, row.slot_id)
    tx.session.flush()
    tx.changed += 1
    return booking_value(tx, row, contact=contact)


def rebook(store: Store, tx: Tx, code: str, slot_start: datetime, *, contact: bool = True) -> Booking:
    """The same booking (same code, same contact) moved to another slot of its service."""
    row = _by_code(tx, code, lock=True)
    _refuse_state(store, row, code, tx)
    assert row is not None
    if row.slot_end <= tx.now:
        raise refused("past", when=_when(store, row.slot_start))
    plan, info = plan_of(tx), tx.service_by_id(row.service_id)
    sp = _bookable(store, tx, plan, info)
    if slot_start == row.slot_start:
        return booking_value(tx, row, contact=contact)
    _check_slot(store, tx, plan, info, sp, slot_start)
    new_slot = _take_place(tx, info, sp, slot_start, _when(store, slot_start))
    _give_back(tx, row.slot_id)
    row.slot_id, row.slot_start = new_slot, slot_start
    row.slot_end, row.updated_at = slot_start + timedelta(minutes=sp.slot_minutes), tx.now
    tx.session.flush()
    tx.changed += 1
    return booking_value(tx, row, contact=contact)


# ---------------------------------------------------------------------------- the kiosk's check-in
def check_in(store: Store, tx: Tx, code: str, print_status: PrintStatus) -> CheckIn:
    """Within [start − early, start + late]: a booked ticket ("Hẹn"). Later the same day: a normal ticket,
    with the reason. Too early: come back at the window's opening. Another day, unknown, cancelled: refused."""
    row = _by_code(tx, code, lock=True)
    if row is not None and row.state == B.NO_SHOW.value and day_of(row.slot_start, store.tz) == tx.day:
        pass  # expired at its slot's end, but the citizen came today after all: a normal ticket, said why
    else:
        _refuse_state(store, row, code, tx)
    assert row is not None
    plan = plan_of(tx)
    day = day_of(row.slot_start, store.tz)
    if day != tx.day:
        raise refused("other_day", code=row.code, day=f"{day:%d/%m/%Y}")
    opens, closes = plan.window(row.slot_start)
    local = row.slot_start.astimezone(store.tz)
    if tx.now < opens:
        at = opens.astimezone(store.tz)
        raise BookingRefused("early", f"Lịch hẹn {row.code} lúc {local:%H:%M}: xin quay lại từ {at:%H:%M}",
                             f"Booking {row.code} is at {local:%H:%M}: please come back from {at:%H:%M}")
    on_time = tx.now <= closes
    info = tx.service_by_id(row.service_id)
    # Checked in before the ticket is issued: the slip's forecast (store/hall.py) reads the bookings still
    # to come in the issue, and must not count this citizen twice, as the ticket and as a booking due.
    row.state = B.CHECKED_IN.value
    issued = issue(store, tx, info.code, None, print_status, check_hours=not on_time,
                   extra={"booking_id": row.id, "booked": on_time})
    row.ticket_id, row.updated_at = issued.ticket.id, tx.now
    tx.session.flush()
    if on_time:
        vi, en = (f"Lịch hẹn {local:%H:%M}: vé {issued.ticket.code} được gọi trước người không hẹn",
                  f"Booked for {local:%H:%M}: ticket {issued.ticket.code} is called before walk-ins")
    else:
        vi, en = (f"Quá giờ hẹn {local:%H:%M} (chỉ nhận đến {closes.astimezone(store.tz):%H:%M}): "
                  f"vé {issued.ticket.code} xếp hàng như vé thường",
                  f"Past the {local:%H:%M} booking (check-in closed at {closes.astimezone(store.tz):%H:%M}): "
                  f"ticket {issued.ticket.code} queues as a normal ticket")
    return CheckIn(booking_value(tx, row, contact=False), issued.ticket, on_time, vi, en, issued.counters)


# ---------------------------------------------------------------------------- the office's view
def bookings_for_day(store: Store, tx: Tx, day: date, services: Sequence[str] | None, *,
                     contact: bool = True) -> list[Booking]:
    """The day's bookings; ``contact=False`` for figures, which a role without the contact column reads too."""
    query = select(BookingRow).where(
        BookingRow.slot_start >= local_midnight(day, store.tz),
        BookingRow.slot_start < local_midnight(day + timedelta(days=1), store.tz))
    if services is not None:
        ids = [info.id for code in services if (info := tx.snap.services.get(code)) is not None]
        query = query.where(BookingRow.service_id.in_(ids))
    query = query.order_by(BookingRow.slot_start, BookingRow.id)
    rows = tx.session.scalars(query.options(undefer(BookingRow.contact)) if contact else query)
    return [booking_value(tx, r, contact=contact) for r in rows]


def expire_bookings(tx: Tx) -> int:
    """Booked and never checked in by the end of its slot: a booking no-show."""
    result = tx.session.execute(update(BookingRow).where(
        BookingRow.state == B.BOOKED.value, BookingRow.slot_end <= tx.now)
        .values(state=B.NO_SHOW.value, updated_at=tx.now))
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    tx.changed += 1 if count else 0
    return count


def bookings_outside_plan(store: Store, tx: Tx) -> list[Booking]:
    """Bookings still to come that the current plan no longer has a place for: the supervisor calls them."""
    plan = plan_of(tx)
    rows = list(tx.session.scalars(select(BookingRow).where(
        BookingRow.state == B.BOOKED.value, BookingRow.slot_end > tx.now).order_by(BookingRow.slot_start)
        .options(undefer(BookingRow.contact))))
    out = []
    counts: dict[int, int] = {}
    for r in rows:
        counts[r.slot_id] = counts.get(r.slot_id, 0) + 1
    for r in rows:
        info = tx.service_by_id(r.service_id)
        sp = plan.service(info.code)
        day = day_of(r.slot_start, store.tz)
        fits = (sp is not None and info.active and plan.open_on(sp, day) and sp.holds(r.slot_start, store.tz)
                and r.slot_end - r.slot_start == timedelta(minutes=sp.slot_minutes))
        # A smaller capacity leaves the later bookings of a slot over the plan: list the ones beyond it.
        over = sp is not None and counts[r.slot_id] > places(tx, info, sp)
        if not fits or over:
            out.append(booking_value(tx, r))
            if over:
                counts[r.slot_id] -= 1
    return out


# ---------------------------------------------------------------------------- the phone's number
def issue_remote_ticket(store: Store, tx: Tx, service: str, device: str) -> Issued:
    """Today's number from the phone: the kiosk's ticket, no paper, one active per device."""
    plan, info = plan_of(tx), _service(tx, service)
    sp = plan.service(info.code)
    if sp is None or not sp.remote_number:
        raise refused("remote_off", service=info.name_vi)
    device = device.strip()[:64]
    if not device:
        raise DomainError("Thiếu mã thiết bị", "No device id")
    held = active_remote(tx, device)
    if held is not None:
        raise refused("one_active", ticket=held)
    return issue(store, tx, info.code, None, PrintStatus.NOT_PRINTED, True, extra={"remote_device": device})


def active_remote(tx: Tx, device: str) -> str | None:
    return tx.session.scalar(select(TicketRow.code).where(
        TicketRow.remote_device == device, text(f"tickets.status IN {ACTIVE_STATES}")).limit(1))


def remote_conflict(exc: IntegrityError) -> bool:
    """The partial unique index refused a second active number for one phone (a race the check lost)."""
    return "remote_device" in str(exc.orig)


def plan_settings(plan: AppointmentPlan) -> dict[str, Any]:
    """What ``load_office`` stores for the plan (one office_settings row)."""
    return {PLAN_SETTING: plan.to_json()}
