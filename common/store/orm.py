"""The tables. Alembic (common/store/migrations) owns the schema; these mappings describe it.

Only the store imports this module: ORM rows never leave a transaction.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    and_,
    literal_column,
    text,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

from common.core.events import KIND_LENGTH, EventKind


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on the way in and out, on every backend.

    SQLite has no timezone type; refusing naive values here means no
    "an hour off" report can come from a naive ``datetime.now()``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} would be ambiguous; use the store's clock")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if getattr(dialect, "name", "") == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


Timestamp = Annotated[datetime, mapped_column(UTCDateTime)]
OptionalTimestamp = Annotated[datetime | None, mapped_column(UTCDateTime, nullable=True)]
Code = Annotated[str, mapped_column(String(32))]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def office_column(*, deferred: bool = False) -> Mapped[int]:
    """The office a row belongs to (migration 0010).

    The apps never write it: the database fills it in (1 on SQLite; on PostgreSQL the
    connecting role's office), and row-level security there shows each role its own office only.
    """
    return mapped_column(Integer, ForeignKey("offices.id"), server_default=text("1"), deferred=deferred)


class OfficeRow(Base):
    """One office of a province: the provincial centre, a district's or a commune's one-stop desk."""

    __tablename__ = "offices"
    __table_args__ = (CheckConstraint("level IN ('province', 'district', 'commune')", name="level_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[Code] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), server_default="province")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), nullable=True)
    timezone: Mapped[str] = mapped_column(String(64), server_default="Asia/Ho_Chi_Minh")
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))


class OfficeRoleRow(Base):
    """Which office a PostgreSQL role works for (NULL and ``province``: reads every office)."""

    __tablename__ = "office_roles"

    role_name: Mapped[str] = mapped_column(String(63), primary_key=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), nullable=True)
    province: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class ServiceRow(Base):
    __tablename__ = "services"

    office_id: Mapped[int] = office_column()
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[Code] = mapped_column(unique=True)
    prefix: Mapped[str] = mapped_column(String(4))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    number_min: Mapped[int] = mapped_column(Integer, default=1)
    number_max: Mapped[int] = mapped_column(Integer, default=999)
    hours: Mapped[str] = mapped_column(String(200), default="00:00-24:00")
    weekdays: Mapped[str] = mapped_column(String(7), default="1234567")
    daily_cap: Mapped[int | None] = mapped_column(Integer, nullable=True)
    target_minutes: Mapped[int] = mapped_column(Integer, default=30)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ClerkRow(Base):
    __tablename__ = "clerks"

    office_id: Mapped[int] = office_column(deferred=True)  # the app roles read clerks by column grant (roles.sql)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[Code] = mapped_column(unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    # Deferred: never loaded with the row. On PostgreSQL the app roles may not read this column
    # (assets/postgres/roles.sql); the sign-in check compares it inside the database, motcua_check_password() (0006).
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True, deferred=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CounterRow(Base):
    __tablename__ = "counters"

    office_id: Mapped[int] = office_column()
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    ordering: Mapped[str] = mapped_column(String(16), default="oldest_first")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(16), default="closed")
    state_since: Mapped[OptionalTimestamp]
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("clerks.id"), nullable=True)
    # A new value on every sign-in: a window whose session was taken over notices it.
    session_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class CounterServiceRow(Base):
    __tablename__ = "counter_services"

    office_id: Mapped[int] = office_column()
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class DailyNumberRow(Base):
    """The last number handed out per service and service day: the kiosks' atomic counter."""

    __tablename__ = "daily_numbers"

    office_id: Mapped[int] = office_column()
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    service_day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)
    issued: Mapped[int] = mapped_column(Integer)


# The rows two indexes hold (migration 0019): only those their readers look for, so that a new
# ticket, waiting and not finished, and its ``issued`` event write neither index (two of the issue's
# eleven WAL pages on SQLite, docs/benchmarks/sqlite6.md). A query reaches a partial index only when
# its WHERE holds the index's predicate, and the planners prove that from a literal, not a bound value
# (SQLite's prover matches terms, and a PostgreSQL generic plan sees no value): readers AND
# ``finished_done`` / ``read_kinds`` in, which write the very predicate as SQL.
DONE_SQL = "status = 'done'"
# The kinds every ticket writes and nobody reads by kind (new kinds stay indexed by default).
UNREAD_KINDS = ("issued", "started", "finished")
# Three ``<>`` terms, not ``NOT IN (…)``: SQLite builds an IN list into a temporary table each time it
# checks the predicate, on every event inserted (6 µs against 1 µs, docs/benchmarks/sqlite6.md).
READ_KINDS_SQL = " AND ".join(f"kind <> '{k}'" for k in UNREAD_KINDS)


def finished_done(status: ColumnElement[Any] | InstrumentedAttribute[Any]) -> ColumnElement[bool]:
    """``status = 'done'`` as a literal: what ix_tickets_service_done holds."""
    return status == literal_column("'done'")


def read_kinds(kind: ColumnElement[Any] | InstrumentedAttribute[Any]) -> ColumnElement[bool]:
    """``kind <> 'issued' AND kind <> 'started' AND kind <> 'finished'`` as literals: what ix_events_kind_at holds."""
    return and_(*(kind != literal_column(f"'{k}'") for k in UNREAD_KINDS))


# A ticket still in the citizen's hands (a remote number may not be taken twice while one is).
ACTIVE_STATES = "('waiting', 'called', 'serving', 'on_hold')"


class TicketRow(Base):
    """One transaction of a visit. A transfer closes this row and opens a new one."""

    __tablename__ = "tickets"
    __table_args__ = (
        # The printed number is unique per numbering service and day; transfers keep the
        # label and count up ``transfer_seq``.
        UniqueConstraint("number_service_id", "service_day", "number", "transfer_seq", name="uq_tickets_number"),
        # At most one ticket at a counter at a time, enforced by the database itself.
        Index(
            "uq_tickets_active_counter",
            "counter_id",
            unique=True,
            postgresql_where=text("status IN ('called', 'serving')"),
            sqlite_where=text("status IN ('called', 'serving')"),
        ),
        # ix_tickets_queue: on SQLite (migration 0026) the issue counts a service's waiting tickets of the day
        # in the index alone, the day, priority and booking included (hotpath._ahead). PostgreSQL counts them
        # by ix_tickets_waiting and keeps the index of its plans (tests/common/test_generic_plans.py).
        Index("ix_tickets_queue", "status", "service_id", "priority", "queued_at").ddl_if(dialect="postgresql"),
        Index("ix_tickets_queue", "status", "service_id", "service_day", "priority", "booked", "queued_at"
              ).ddl_if(dialect="sqlite"),
        Index("ix_tickets_day_service", "service_day", "service_id"),
        # No index on visit_id (migration 0025): a visit's rows share uq_tickets_number's printed number.
        # ix_tickets_service_done (migrations 0004, 0019): the wait estimate reads a service's latest finished
        # tickets newest first; this index serves that ORDER BY id DESC LIMIT n whatever the history. It
        # holds the finished tickets only (DONE_SQL): a new ticket does not write it. On SQLite service_s and
        # status too (0026): the estimate reads its sample in the index alone, not a ticket row per sample.
        Index("ix_tickets_service_done", "service_id", "id",
              postgresql_where=text(DONE_SQL)).ddl_if(dialect="postgresql"),
        Index("ix_tickets_service_done", "service_id", "id", "service_s", "status",
              sqlite_where=text(DONE_SQL)).ddl_if(dialect="sqlite"),
        # ix_tickets_transferred (migration 0008): the rows of transferred visits, the only ones the report
        # groups per visit (common/store/reads/visits.py); a few per cent of the table.
        Index("ix_tickets_transferred", "service_day",
              postgresql_where=text("status = 'transferred' OR transfer_seq > 0"),
              sqlite_where=text("status = 'transferred' OR transfer_seq > 0")),
        CheckConstraint("called_at IS NULL OR called_at >= issued_at", name="wait_not_negative"),
        # One active number per phone (migration 0011): the database refuses a second one.
        Index("uq_tickets_remote_device", "remote_device", unique=True,
              postgresql_where=text(f"remote_device IS NOT NULL AND status IN {ACTIVE_STATES}"),
              sqlite_where=text(f"remote_device IS NOT NULL AND status IN {ACTIVE_STATES}")),
    )

    office_id: Mapped[int] = office_column()
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # These plain keys are SQLite's; on PostgreSQL the office-scoped keys of 0012 imply them and 0022 drops
    # them (also counter_id, clerk_id, target_counter_id and office_id below, and the event's counter and clerk).
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    number_service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    service_day: Mapped[date] = mapped_column(Date)
    number: Mapped[int] = mapped_column(Integer)
    transfer_seq: Mapped[int] = mapped_column(SmallInteger, default=0)
    code: Mapped[Code]
    # The QR token belongs to the visit: a transfer copies it, so the citizen's one QR
    # code follows them; the newest row of the visit is the one a lookup shows.
    token: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    priority_category: Mapped[str | None] = mapped_column(String(32), nullable=True)
    issued_at: Mapped[Timestamp]
    queued_at: Mapped[Timestamp]
    local_hour: Mapped[int] = mapped_column(SmallInteger)
    first_called_at: Mapped[OptionalTimestamp]
    called_at: Mapped[OptionalTimestamp]
    last_called_at: Mapped[OptionalTimestamp]
    started_at: Mapped[OptionalTimestamp]
    finished_at: Mapped[OptionalTimestamp]
    # Seconds, written when the interval closes, so that reports over a million
    # tickets aggregate integers in SQL instead of timestamps in Python.
    wait_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    walk_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    service_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("clerks.id"), nullable=True)
    target_counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    people_ahead: Mapped[int] = mapped_column(Integer, default=0)
    estimated_wait_s: Mapped[int] = mapped_column(Integer, default=0)
    # The simple formula's wait at issue (migration 0008), kept when a forecast prints something else;
    # NULL: the printed estimate was the simple formula (docs/metrics.md, "Estimate accuracy").
    naive_wait_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    print_status: Mapped[str] = mapped_column(String(16), default="not_printed")
    recall_count: Mapped[int] = mapped_column(Integer, default=0)
    # The hall-wide forecast at issue time (migration 0007, common/planning/forecast.py): its quantiles,
    # and which rule gave the printed estimate ('forecast' = its median, 'formula'), for the accuracy audit.
    forecast_p10_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    forecast_p50_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    forecast_p90_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    estimate_method: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # Issue 19 (migration 0011): the booking this ticket came from, and whether it counts as booked ("Hẹn":
    # checked in within its window; called after the priority categories). A late check-in keeps booking_id
    # with booked false. remote_device: the phone that took this number (one active ticket per phone).
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), nullable=True)
    booked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    remote_device: Mapped[str | None] = mapped_column(String(64), nullable=True)


class EventRow(Base):
    """The append-only audit trail; database triggers refuse UPDATE and DELETE."""

    __tablename__ = "events"
    # ix_events_kind_at (migrations 0003, 0019): the staffing advice reads counter state changes over a
    # period, the board the day's calls, the catalog its version; the kinds every ticket writes and none
    # of them reads (UNREAD_KINDS) are left out of it. ix_events_ticket: no reader looks events up by
    # ticket, and tickets are never deleted; SQLite dropped it (migration 0026: one page fewer for every
    # action), PostgreSQL keeps it for the owner's clean-ups (benchmarks/_tidy.py deletes a run's tickets).
    __table_args__ = (Index("ix_events_ticket", "ticket_id").ddl_if(dialect="postgresql"),
                      Index("ix_events_kind_at", "kind", "at",
                            postgresql_where=text(READ_KINDS_SQL), sqlite_where=text(READ_KINDS_SQL)))

    office_id: Mapped[int] = office_column()
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[Timestamp]
    # The enum is stored by value in the same VARCHAR(32) (no CHECK, no native type), so no migration.
    kind: Mapped[EventKind] = mapped_column(SAEnum(
        EventKind, native_enum=False, create_constraint=False, length=KIND_LENGTH,
        values_callable=lambda kinds: [k.value for k in kinds]))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("clerks.id"), nullable=True)
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)


class SettingRow(Base):
    """Office-wide values loaded from the config (office name, phrase, priority categories)."""

    __tablename__ = "office_settings"

    office_id: Mapped[int] = office_column()
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RatingRow(Base):
    """A citizen's satisfaction rating of one served transaction (common.store.rating); at most one per ticket.

    The counter, clerk and service are copied from the ticket when it is rated, so the
    reports group ratings exactly as the ticket was served.
    """

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("ticket_id", name="uq_ratings_ticket_id"),
        CheckConstraint("score BETWEEN 1 AND 4", name="score_range"),
        CheckConstraint("channel IN ('counter', 'phone')", name="channel_known"),
        Index("ix_ratings_rated_at", "rated_at"),
    )

    office_id: Mapped[int] = office_column()
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("clerks.id"), nullable=True)
    # 4 Rất hài lòng, 3 Hài lòng, 2 Bình thường, 1 Không hài lòng.
    score: Mapped[int] = mapped_column(SmallInteger)
    # A JSON list of the reasons tapped (low scores only); NULL when none.
    reasons: Mapped[str | None] = mapped_column(Text, nullable=True)
    channel: Mapped[str] = mapped_column(String(16))
    rated_at: Mapped[Timestamp]


class SignInThrottleRow(Base):
    """Consecutive failed sign-ins per user name (``user:lan``) and per PC (``pc:quay3``), kept in the store.

    Being in the database, the back-off survives an app restart and holds across every
    sign-in path (counter, dashboard, --password-stdin, rating admin). Migration 0005.
    """

    __tablename__ = "sign_in_throttle"

    office_id: Mapped[int] = office_column()
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[Timestamp]
    blocked_until: Mapped[Timestamp]


class BookingSlotRow(Base):
    """One slot of one service (issue 19, migration 0011): how many bookings it holds, checked by the database.

    A booking takes a place with ``UPDATE … SET taken = taken + 1 WHERE taken < capacity``; the CHECK
    makes any other writer fail too. The row is created by the first booking of the slot.
    """

    __tablename__ = "booking_slots"
    __table_args__ = (
        UniqueConstraint("service_id", "start", name="uq_booking_slots_service_start"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="within_capacity"),
    )

    office_id: Mapped[int] = office_column()
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    start: Mapped[Timestamp]
    end: Mapped[Timestamp]
    capacity: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)


class BookingRow(Base):
    """A citizen's booking of a slot; ``code`` (random, unguessable) is the only way to look it up."""

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("state IN ('booked', 'cancelled', 'checked_in', 'no_show')", name="state_known"),
        Index("ix_bookings_contact_key_state", "contact_key", "state"),
        Index("ix_bookings_state_start", "state", "slot_start"),
    )

    office_id: Mapped[int] = office_column()
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("booking_slots.id"))
    slot_start: Mapped[Timestamp]
    slot_end: Mapped[Timestamp]
    state: Mapped[str] = mapped_column(String(16))
    # Deferred: the kiosk's database role checks a code in without the right to read it (roles.sql).
    contact: Mapped[str | None] = mapped_column(String(120), nullable=True, deferred=True)
    # SHA-256 of the contact (migration 0016): the per-phone cap counts by it, so the status server's role
    # needs no read of the contact itself. Deferred too: only that count reads it.
    contact_key: Mapped[str | None] = mapped_column(String(64), nullable=True, deferred=True)
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the check-in's ticket (no FK: cycle)
