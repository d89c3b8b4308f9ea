"""bookings.contact_key: a phone's active bookings counted without reading the phone

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 15:15:00

Issue 19 caps the active bookings per phone (or e-mail). The status server counted them with
``WHERE contact = …``, so its database role had to read every citizen's contact. Now each booking
also keeps ``contact_key``, a SHA-256 of the normalised contact (common.store.bookings.contact_key),
and the count goes by the key: assets/postgres/roles.sql takes the contact column away from the
display role (it still writes it; the counter and the supervisor, who call citizens, read it).

On PostgreSQL, ``motcua_contact_bookings(key, now)`` is that count behind a transaction-level
advisory lock on the key, in PL/pgSQL (VOLATILE: its query takes a fresh snapshot once the lock is
held), so that one statement can book (common.store.bookings) and two bookings for one phone at
once still count each other: the second waits for the first to commit, then sees it. It runs with
the caller's rights, under row-level security: an office counts only its own bookings.
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNT_FUNCTION = """CREATE OR REPLACE FUNCTION motcua_contact_bookings(p_key text, p_now timestamptz)
RETURNS integer LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS
$$
BEGIN
  IF p_key IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('booking:' || p_key));
  RETURN (SELECT count(*) FROM bookings b WHERE b.contact_key = p_key AND b.state = 'booked'
          AND b.slot_end > p_now);
END
$$"""
SIGNATURE = "motcua_contact_bookings(text, timestamptz)"


def key_of(contact: str) -> str:
    """The same as common.store.bookings.contact_key (a migration does not import the app)."""
    return hashlib.sha256(f"motcua-contact:{contact}".encode()).hexdigest()


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("bookings", sa.Column("contact_key", sa.String(length=64), nullable=True))
    rows = bind.execute(sa.text("SELECT id, contact FROM bookings WHERE contact IS NOT NULL")).all()
    for booking_id, contact in rows:  # stored already normalised (digits, or a lower-case e-mail)
        bind.execute(
            sa.text("UPDATE bookings SET contact_key = :k WHERE id = :i"), {"k": key_of(contact), "i": booking_id}
        )
    op.drop_index("ix_bookings_contact_state", table_name="bookings")
    op.create_index("ix_bookings_contact_key_state", "bookings", ["contact_key", "state"])
    if bind.dialect.name == "postgresql":
        op.execute(COUNT_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {SIGNATURE}")
    op.drop_index("ix_bookings_contact_key_state", table_name="bookings")
    op.create_index("ix_bookings_contact_state", "bookings", ["contact", "state"])
    op.execute("ALTER TABLE bookings DROP COLUMN contact_key")
