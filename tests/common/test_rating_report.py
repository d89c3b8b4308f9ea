"""Satisfaction figures checked against a day built by hand (docs/metrics.md, "Citizen satisfaction")."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from common.core.clock import ManualClock
from common.store import Store
from common.store.rating import Score, rate_by_token
from common.views.rating_report import to_csv, to_table
from tests.common.rated_day import serve_and_rate

DAY = date(2026, 11, 25)
# (service, counter, clerk, wait in minutes, score or None for unrated, reasons)
HAND_BUILT_DAY = (
    ("TP", 1, "lan", 5, 4, ()),
    ("TP", 1, "lan", 12, 3, ()),
    ("TP", 1, "lan", 25, 2, ("Chờ lâu",)),
    ("CT", 1, "lan", 30, 3, ()),  # exactly 30 min: the 20–30 band, within the target
    ("CT", 1, "lan", 35, 1, ("Chờ lâu", "Thái độ")),
    ("DD", 3, "hoa", 8, 4, ()),
    ("DD", 3, "hoa", 40, None, ()),
    ("DD", 3, "hoa", 15, 1, ("Thủ tục phức tạp", "Chờ lâu")),
    ("XD", 3, "hoa", 2, None, ()),
)


@pytest.fixture
def day(store: Store, clock: ManualClock) -> Store:
    serve_and_rate(store, clock, HAND_BUILT_DAY)
    store.issue_ticket("TP")  # still waiting: neither served nor rated
    clock.set(clock.now() + timedelta(days=1))  # the next day: one more, rated by phone
    token = store.issue_ticket("TP", check_hours=False).ticket.token
    clock.advance(timedelta(minutes=3))
    store.call_next(1, "lan")
    store.start_service(1, "lan")
    store.finish_service(1, "lan")
    rate_by_token(store, token or "", Score.VERY_SATISFIED)
    return store


def figures(report, key):  # type: ignore[no-untyped-def]
    f = next(g.figures for g in report.groups if g.key == key)
    return (f.served, f.rated, f.satisfaction_pct, f.response_rate_pct)


def test_the_day_overall(day: Store) -> None:
    report = day.views.satisfaction(DAY, DAY)
    o = report.overall
    assert (o.served, o.rated) == (9, 7)
    assert (o.very_satisfied, o.satisfied, o.neutral, o.dissatisfied) == (2, 2, 1, 2)
    assert o.satisfaction_pct == 57.1 and o.response_rate_pct == 77.8  # 4/7 and 7/9
    assert o.meets_target is False and report.target_pct == 95.0


def test_grouped_like_the_wait_figures(day: Store) -> None:
    by_counter = day.views.satisfaction(DAY, DAY, "counter")
    assert [g.key for g in by_counter.groups] == [1, 3]
    assert figures(by_counter, 1) == (5, 5, 60.0, 100.0) and figures(by_counter, 3) == (4, 2, 50.0, 50.0)
    by_clerk = day.views.satisfaction(DAY, DAY, "clerk")
    assert figures(by_clerk, "lan") == (5, 5, 60.0, 100.0) and figures(by_clerk, "hoa") == (4, 2, 50.0, 50.0)
    by_service = day.views.satisfaction(DAY, DAY, "service")
    assert [g.key for g in by_service.groups] == ["TP", "CT", "DD", "XD"]
    assert figures(by_service, "TP") == (3, 3, 66.7, 100.0) and figures(by_service, "CT") == (2, 2, 50.0, 100.0)
    assert figures(by_service, "DD") == (3, 2, 50.0, 66.7) and figures(by_service, "XD") == (1, 0, None, 0.0)
    by_day = day.views.satisfaction(DAY, DAY + timedelta(days=1), "day")
    assert figures(by_day, DAY) == (9, 7, 57.1, 77.8)
    assert figures(by_day, DAY + timedelta(days=1)) == (1, 1, 100.0, 100.0)
    assert (by_day.overall.served, by_day.overall.rated) == (10, 8)
    assert next(g.figures for g in by_day.groups if g.key == DAY + timedelta(days=1)).meets_target is True


def test_satisfaction_by_wait_band(day: Store) -> None:
    bands = day.views.satisfaction(DAY, DAY).wait_bands
    assert [(b.label, b.rated, b.satisfied, b.satisfaction_pct) for b in bands] == [
        ("< 10 phút", 2, 2, 100.0), ("10–20 phút", 2, 1, 50.0), ("20–30 phút", 2, 1, 50.0), ("> 30 phút", 1, 0, 0.0)]


def test_the_most_frequent_reasons_for_low_ratings(day: Store) -> None:
    report = day.views.satisfaction(DAY, DAY)
    assert report.low_ratings == 3
    assert [(r.reason, r.count, r.pct_of_low) for r in report.reasons] == [
        ("Chờ lâu", 3, 100.0), ("Thái độ", 1, 33.3), ("Thủ tục phức tạp", 1, 33.3)]


def test_an_empty_period_has_no_figures_rather_than_zeros(day: Store) -> None:
    report = day.views.satisfaction(date(2026, 1, 1), date(2026, 1, 31), "service")
    assert report.groups == () and report.overall.satisfaction_pct is None and report.overall.meets_target is None
    assert all(b.rated == 0 and b.satisfaction_pct is None for b in report.wait_bands) and report.reasons == ()


def test_renderers_and_bad_arguments(day: Store) -> None:
    report = day.views.satisfaction(DAY, DAY, "counter")
    table = to_table(report)
    assert "chỉ tiêu ≥ 95% hài lòng" in table and "57,1" in table and "chưa đạt" in table and "Chờ lâu" in table
    lines = to_csv(report).splitlines()
    assert lines[0].startswith("key,label,served,rated,response_rate_pct,satisfaction_pct")
    assert lines[-1].startswith(",Tổng cộng,9,7,77.8,57.1,2,2,1,2,False,95.0")
    data = report.to_json()
    assert json.loads(json.dumps(data))["overall"]["satisfaction_pct"] == 57.1
    with pytest.raises(ValueError, match="hour"):
        day.views.satisfaction(DAY, DAY, "hour")
    with pytest.raises(ValueError, match="before it starts"):
        day.views.satisfaction(DAY, DAY - timedelta(days=1))


def test_motcua_report_ratings(day: Store, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from common.cli.main import main

    base = ["--db", db_url, "report", "--ratings", "--from", DAY.isoformat()]
    assert main([*base, "--by", "counter", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["overall"]["rated"] == 7 and [g["key"] for g in data["groups"]] == [1, 3]
    assert data["wait_bands"][3]["satisfaction_pct"] == 0.0 and data["reasons"][0]["reason"] == "Chờ lâu"
    assert main([*base, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith(",Tổng cộng,9,7,77.8,57.1")
    assert main(base) == 0
    assert "Hài lòng theo thời gian chờ" in capsys.readouterr().out
    assert main([*base, "--by", "hour"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--ratings --by hour: chọn một trong service, counter, clerk, day" in err
