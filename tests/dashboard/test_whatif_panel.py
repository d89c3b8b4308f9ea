"""The what-if panel shows a range across seeded days (issue 17): the band bar and the sentence carry the 5%,
median and 95% days of the same deterministic what-if."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from common.planning.booking_whatif import booking_what_if
from common.planning.staffing import HourAdvice, StaffingAdvice, what_if
from dashboard.whatif_panel import WhatIfPanel
from tests.dashboard.day import WED

# 34 an hour × 8 min = 4.5 erlangs: 5 counters leave a spread of good and bad days.
ADVICE = StaffingAdvice(WED, WED, 1, 30, 0.95, tuple(HourAdvice(h, 34, 480, 0, 0, 0, None) for h in range(8, 12)),
                        480)


def test_panel_shows_the_band_and_the_median(qtbot: QtBot) -> None:
    panel = WhatIfPanel()
    qtbot.addWidget(panel)
    result = what_if(ADVICE, 5, days=30, first_seed=4)
    low, mid, high = result.within_pct
    assert low < mid <= high  # a real spread: the panel has a range to show
    panel.show_result(result)
    assert panel.bar.band == result.within_pct
    text = panel.result.text()
    assert text.startswith("5 quầy, 30 ngày:")
    vi = [f"{v:.1f}".replace(".", ",") for v in (low, mid, high)]
    assert f"trung vị {vi[1]} %" in text and f"{vi[0]}–{vi[2]} %" in text
    assert ("không đạt" in text) == (low < 95)
    panel.resize(900, 80)
    panel.layout().activate()
    image = panel.grab().toImage()
    # The median line is drawn in the bar: its colour appears in the bar's pixels.
    bar = panel.bar.geometry()
    colours = {image.pixelColor(x, bar.center().y()).name() for x in range(bar.left(), bar.right())}
    assert "#08519c" in colours and "#9ecae1" in colours


def test_panel_shows_walk_ins_and_bookings_apart(qtbot: QtBot, tmp_path: Path) -> None:
    panel = WhatIfPanel()
    qtbot.addWidget(panel)
    assert not panel.bookings().active  # 0 %: the plain what-if
    panel.booking_share.setValue(20)
    panel.booking_no_show.setValue(10)
    mix = panel.bookings()
    assert (mix.share, mix.no_show) == (0.2, 0.1)
    result = booking_what_if(ADVICE, 4, 30, mix, first_seed=4)
    assert result.booked.tickets > 0 and result.walk_in.tickets > result.booked.tickets
    assert result.without.tickets > result.walk_in.tickets  # everyone walked in on the same days
    assert result.booked.within_pct is not None and result.walk_in.within_pct is not None
    assert result.booked.within_pct[1] >= result.walk_in.within_pct[1]  # called after priority, before walk-ins
    panel.show_booked_result(result)
    assert panel.bar.band == result.walk_in.within_pct
    text = panel.result.text()
    assert text.startswith("4 quầy, 30 ngày, 20 % đặt hẹn (10 % không đến).")
    assert "Người không hẹn: chờ trong 30 phút trung vị" in text and "Người có hẹn: chờ trong 30 phút" in text
    assert "không có lịch hẹn: chờ trong 30 phút" in text
    low, mid, high = (f"{v:.1f}".replace(".", ",") for v in result.walk_in.within_pct)
    assert f"trung vị {mid} % ({low}–{high} %)" in text
    assert text.count("\n") == 3  # one line per group
    panel.resize(1366, 160)
    panel.layout().activate()
    assert panel.grab().save(str(tmp_path / "whatif-bookings.png"))
