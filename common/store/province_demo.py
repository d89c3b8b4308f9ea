"""`motcua demo --province --db postgresql://...`: a small province (3 offices) on one PostgreSQL.

The provincial centre (office 1), a district and a commune under it, each with the example
office's services, counters and clerks and the same simulated history (copied server-side),
each with its own roles; then the province view. The apps of one office are started with
that office's role in the URL (printed at the end).
"""

from __future__ import annotations

from pathlib import Path

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from common.config import load_config
from common.core.errors import ConfigError
from common.store import Store
from common.store.db import connect, mask
from common.store.offices import add_office, apply_office_roles, list_offices, role_names
from common.store.province_bulk import after_copies, copy_history
from common.views.province import to_table

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "assets" / "office.example.toml"
OFFICES = (("huyen-an-phu", "UBND huyện An Phú", "district", None),
           ("xa-an-binh", "UBND xã An Bình", "commune", "huyen-an-phu"))


def build_province(url: str, history_days: int) -> str:
    """Set up the three offices (idempotent: an office already there is left as it is); returns the view."""
    if make_url(url).get_backend_name() != "postgresql":
        raise ConfigError("motcua demo --province needs --db postgresql://OWNER@HOST/DB (a SQLite file is one office)")
    office = load_config(EXAMPLE).office
    owner = Store(connect(url), None, "Asia/Ho_Chi_Minh")
    sql = (ROOT / "assets" / "postgres" / "roles.sql").read_text() + (ROOT / "assets" / "postgres" /
                                                                      "offices.sql").read_text()
    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        conn.execute(sql)
    known = {o.code for o in list_offices(owner.db)}
    if not owner.services():
        owner.load_office(office)
        if history_days:
            from common.planning.simulate import fill_history

            fill_history(owner, history_days)
    with owner.db.engine.connect() as conn:
        span = conn.execute(text("SELECT coalesce(max(id), 0) FROM tickets")).scalar() or 0
    for n, (code, name, level, parent) in enumerate(OFFICES, start=1):
        if code in known:
            continue
        added = add_office(owner.db, code, name, level=level, parent=parent)
        apply_office_roles(owner.db, added.id)
        admin = Store(connect(url, role=role_names(added.id)["office_admin"]), None, "Asia/Ho_Chi_Minh")
        admin.load_office(office)
        admin.db.engine.dispose()
        with owner.db.engine.begin() as conn:
            copy_history(conn, 1, added.id, n * span)
            after_copies(conn)
    view = to_table(owner.views.province(owner.today.replace(day=1), owner.today))
    lines = [view, "", "Each office's apps connect with its own roles, e.g.:"]
    for o in list_offices(owner.db):
        roles = role_names(o.id) if o.id != 1 else {"counter": "motcua_counter", "kiosk": "motcua_kiosk"}
        lines.append(f"  {o.code:<14} motcua counter --db {mask(make_url(url).set(username=roles['counter']))}")
    lines.append(f"  province       motcua province --db {mask(make_url(url).set(username='motcua_province'))}")
    owner.db.engine.dispose()
    return "\n".join(lines)
