"""The công khai renderer shared by `motcua province --format html` and the status server's /cong-khai."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from common.core.clock import ManualClock
from common.store import Store
from common.store.db import connect
from common.store.province_demo import simulating_as
from common.views.province import OfficeFigures, ProvinceView
from common.views.public_page import render, vi_number


def figures(code: str, level: str, within: int, satisfied: int) -> OfficeFigures:
    return OfficeFigures(1, code, f"UBND {code}", level, tickets=1234, served=100, no_show=0, judged=100,
                         within=within, visits=100, visits_within=within, wait_n=100, wait_sum=100 * 754.0,
                         p90_wait_s=None, ratings=100 if satisfied else 0, satisfied=satisfied)


def test_vietnamese_numbers() -> None:
    assert vi_number(1234.56) == "1.234,6" and vi_number(95, 0) == "95" and vi_number(0.5) == "0,5"


def test_the_page_flags_with_words_and_escapes_names() -> None:
    good, bad = figures("xa-a", "commune", 99, 99), figures("<b>huyen</b>", "district", 80, 97)
    empty = OfficeFigures(3, "xa-c", "UBND xã C", "commune", 0, 0, 0, 0, 0, 0, 0, 0, 0.0, None, 0, 0)
    view = ProvinceView("2026-12-03", "2026-12-03", (good, bad, empty))
    page = render(view, ProvinceView("2026-12-01", "2026-12-03", ()), updated="09:00 03/12/2026")
    assert page.startswith("<!doctype html>") and "<html lang='vi'>" in page
    assert "✓ đạt" in page and "⚠ dưới chỉ tiêu" in page and "chưa có số liệu" in page
    assert "&lt;b&gt;huyen&lt;/b&gt;" in page and "<b>huyen" not in page
    assert "1.234" in page and "99,0 %" in page and "12,6 phút" in page  # 754 s = 12,6 minutes
    assert "Hôm nay 03/12/2026" in page and "Tháng này 01/12/2026 – 03/12/2026" in page
    assert "Chưa có số liệu." in page  # the empty month
    assert "Cập nhật 09:00 03/12/2026" in page and "http-equiv" not in page  # the static export
    assert "http-equiv='refresh' content='60'" in render(view, view, updated="", refresh_seconds=60)
    # on the 1st "this month" is today: said so, not a second table that looks like another period
    first = ProvinceView("2026-12-01", "2026-12-01", (good,))
    page = render(first, first, updated="09:00 01/12/2026")
    assert "Tháng này 01/12/2026 (tháng mới bắt đầu hôm nay" in page and "01/12/2026 – 01/12/2026" not in page


@pytest.mark.postgres
def test_the_demo_puts_back_what_it_lends_the_office_admin(pg_url: str, clock: ManualClock) -> None:
    owner = Store(connect(pg_url), clock, "Asia/Ho_Chi_Minh")
    role = f"provui_admin_{uuid.uuid4().hex[:8]}"
    with owner.db.engine.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{role}"'))
        had = conn.execute(text("SELECT relrowsecurity FROM pg_class WHERE relname = 'ratings'")).scalar()
        conn.execute(text("ALTER TABLE ratings ENABLE ROW LEVEL SECURITY"))  # one table on, the others as found

    def state() -> tuple[bool, ...]:
        with owner.db.engine.connect() as conn:
            return tuple(conn.execute(text(q), {"r": role}).scalar() for q in (
                "SELECT has_table_privilege(:r, 'tickets', 'INSERT')",
                "SELECT has_sequence_privilege(:r, 'tickets_id_seq', 'UPDATE')",
                "SELECT relrowsecurity FROM pg_class WHERE relname = 'ratings'",
                "SELECT relrowsecurity FROM pg_class WHERE relname = 'tickets'"))

    before = state()
    try:
        with pytest.raises(RuntimeError), simulating_as(owner, role):
            assert state()[:3] == (True, True, False)
            raise RuntimeError("the simulation failed")
        assert state() == before
    finally:
        with owner.db.engine.begin() as conn:
            if not had:
                conn.execute(text("ALTER TABLE ratings DISABLE ROW LEVEL SECURITY"))
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
        owner.db.engine.dispose()
