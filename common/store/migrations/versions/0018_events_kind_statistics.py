"""a province's kiosk reads its catalog version from its own office's few catalog events

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 16:55:00

Every kiosk issue reads the catalog's version, ``max(events.id)`` over the catalog kinds
(``catalog.version_query``). 0015 gave it a partial index by office, ``ix_events_office_catalog``,
but on the 200-office province (32.7 M events, 599 of them catalog events) the planner never chose
it: ANALYZE's default sample (30,000 rows) holds no catalog event, so it estimates one row by
``ix_events_kind_at`` and reads all 599 instead, each then dropped by the row-level policy but the
office's own 3 (1-30 ms, warm to cold, per ticket). With a larger sample of ``kind`` (3,000 → 900,000
rows) the estimate is right and the plan is the partial index: 3 rows (docs/benchmarks.md, the
province section).

Only the statistics target changes; the next ANALYZE (autovacuum's, or the province loader's) uses
it. SQLite holds one office: nothing to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND_STATISTICS = 3000


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE events ALTER COLUMN kind SET STATISTICS {KIND_STATISTICS}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE events ALTER COLUMN kind SET STATISTICS -1")
