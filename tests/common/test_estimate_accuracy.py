"""Accuracy of the printed wait estimates on the hand-built Wednesday, checked against the tickets themselves."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from common.core.clock import ManualClock
from common.core.model import TicketStatus
from common.store import Store
from common.store.orm import TicketRow
from common.views.accuracy_render import to_json, to_table
from tests.dashboard.day import WED, build_day


def test_mae_and_bias_per_service(store: Store, clock: ManualClock) -> None:
    build_day(store, clock)
    report = store.views.estimate_accuracy(WED, WED)
    tickets = [t for t in store.tickets(WED, WED) if t.wait_seconds is not None
               and t.status is not TicketStatus.EXPIRED]
    assert sorted(t.code for t in tickets) == ["A001", "A002", "A003", "B001", "D001"]
    by = {a.code: a for a in report.services}
    for code in ("TP", "CT", "KD"):
        mine = [t for t in tickets if t.service == code]
        errors = [t.estimated_wait_seconds - t.wait_seconds for t in mine]  # type: ignore[operator]
        assert by[code].checked == len(mine)
        assert by[code].mae_s == round(sum(abs(e) for e in errors) / len(errors), 1)
        assert by[code].bias_s == round(sum(errors) / len(errors), 1)
        assert by[code].mean_wait_s == round(sum(t.wait_seconds for t in mine) / len(mine), 1)  # type: ignore[misc]
        assert by[code].late_over_5min_pct == round(100 * sum(e < -300 for e in errors) / len(errors), 1)
    # A001 was issued with three idle counters open: the kiosk printed 0 and the citizen waited 5 minutes.
    a001 = next(t for t in tickets if t.code == "A001")
    assert (a001.estimated_wait_seconds, a001.wait_seconds) == (0, 300)
    assert by["CT"].mean_wait_s == 1800
    assert by["DD"].checked == 0 and by["DD"].mae_s is None
    assert report.overall.checked == 5
    all_errors = [t.estimated_wait_seconds - t.wait_seconds for t in tickets]  # type: ignore[operator]
    assert report.overall.bias_s == round(sum(all_errors) / 5, 1)


def test_transfers_keep_the_printed_estimate_only(store: Store, clock: ManualClock) -> None:
    store.sign_in(8, "hoa")
    store.issue_ticket("CT")
    store.call_next(8, "hoa")
    store.transfer(8, "hoa", to_service="TP")
    store.call_next(8, "hoa")
    report = store.views.estimate_accuracy(WED, WED)
    assert report.overall.checked == 1  # the second transaction printed nothing
    assert {a.code: a.checked for a in report.services}["CT"] == 1


def test_the_share_of_real_waits_inside_the_forecast_band(store: Store, clock: ManualClock) -> None:
    build_day(store, clock)
    waits = {t.code: t.wait_seconds or 0 for t in store.tickets(WED, WED) if t.visit_id == t.id}
    # As the hall forecast would have stored them: A001's band holds its real wait, A002's misses it, A003
    # was printed from the formula (no band).
    bands = {"A001": (waits["A001"] - 60, waits["A001"] + 60, "forecast"),
             "A002": (waits["A002"] + 60, waits["A002"] + 600, "forecast")}
    with store.transaction() as tx:
        for code, (p10, p90, method) in bands.items():
            tx.session.execute(update(TicketRow).where(TicketRow.code == code, TicketRow.transfer_seq == 0)
                               .values(forecast_p10_s=p10, forecast_p50_s=(p10 + p90) // 2, forecast_p90_s=p90,
                                       estimate_method=method))
    report = store.views.estimate_accuracy(WED, WED)
    assert (report.overall.banded, report.overall.inside_band_pct) == (2, 50.0)
    tp = next(a for a in report.services if a.code == "TP")
    assert (tp.banded, tp.inside_band_pct) == (2, 50.0)
    assert next(a for a in report.services if a.code == "CT").inside_band_pct is None  # nothing banded
    # The Ticket value carries what was stored, and so do the export and the accuracy table.
    a001 = next(t for t in store.tickets(WED, WED) if t.code == "A001")
    p10, p90, _ = bands["A001"]
    assert (a001.estimate_method, a001.forecast_p10_s, a001.forecast_p50_s, a001.forecast_p90_s) == \
        ("forecast", p10, (p10 + p90) // 2, p90)
    assert "Trong p10–p90 %" in to_table(report, None).splitlines()[1]


def test_a_period_printed_by_the_formula_alone_says_so(store: Store, clock: ManualClock) -> None:
    """Simulated history prints the naive formula itself: both sets of columns agree, and the report says why
    rather than leaving a supervisor to wonder at "0,0 % better". One ticket from the forecast ends that."""
    build_day(store, clock)
    with store.transaction() as tx:  # as the sample history writes them: the formula, no band, no naive copy
        tx.session.execute(update(TicketRow).values(naive_wait_s=None, estimate_method=None, forecast_p10_s=None,
                                                    forecast_p90_s=None))
    report = store.views.estimate_accuracy(WED, WED)
    assert report.overall.mae_s == report.overall.naive_mae_s and report.formula_only
    assert to_table(report, None).splitlines()[-1].startswith("* Mọi vé trong kỳ được in theo chính công thức")
    assert to_json(report, None)["printed_by_formula_only"] is True
    first = next(t for t in store.tickets(WED, WED) if t.code == "A002")
    with store.transaction() as tx:
        tx.session.execute(update(TicketRow).where(TicketRow.id == first.id).values(
            forecast_p10_s=0, forecast_p50_s=60, forecast_p90_s=120, estimate_method="forecast"))
    report = store.views.estimate_accuracy(WED, WED)
    assert not report.formula_only and "* Mọi vé" not in to_table(report, None)
    assert not store.views.estimate_accuracy(WED - timedelta(days=7), WED - timedelta(days=7)).formula_only
