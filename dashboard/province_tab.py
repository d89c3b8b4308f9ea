"""The province tab: every office's today and the window's period, ranked, the laggards flagged, by level.

For a province role only (dashboard/province_window.py). One read on the window's Runner fetches
today's and the period's ``store.views.province`` together (dashboard.period_read); the table
shows them side by side. An office under target is flagged by a word ("⚠ dưới chỉ tiêu") on a
pink cell, never by colour alone. Double-click or Enter on an office asks for its own dashboard.

Live (``live=True``, the province window): the tab follows the change feed of every office (the
province role LISTENs on each office's NOTIFY channel, common.store.channels) as well as a
1-minute clock (waits grow with the clock). A busy province commits many changes a second, so a
change only arms a single-shot debounce timer (DEBOUNCE_MS): every change until it fires is
folded into the one re-read it then asks for, so 200 offices' calls cost one read per
DEBOUNCE_MS at most, and a quiet province is fresh within DEBOUNCE_MS of its last call.

Signals:
    office_chosen(object): the OfficeFigures of the row double-clicked or entered.
    exported(str): the path of a file just written.
    shown(object): the (today, period) ProvinceViews just put on screen.
    online(bool): the change feed lost (False) or found again (True) the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from common.cli.province import write_xlsx
from common.store import Store
from common.views.province import OfficeFigures, ProvinceView, to_csv
from common.views.public_page import LEVEL_VI
from dashboard import cells
from dashboard.period_bar import PeriodBar
from dashboard.period_read import PeriodRead
from dashboard.periods import label
from ui.banner import Banner
from ui.feed import LiveFeed
from ui.style import font
from ui.worker import Runner

LEVELS = ("province", "district", "commune")
EXPORTS = {"csv": "CSV (*.csv)", "xlsx": "Excel (*.xlsx)"}
HEADINGS = ["Hạng", "Đơn vị", "Hôm nay:\nsố phiếu", "Hôm nay:\n% ≤ 30 phút", "Số phiếu", "Đã phục vụ",
            "Không đến", "% ≤ 30 phút\n(giao dịch)", "% ≤ 30 phút\n(lượt khách)", "Chờ TB\n(phút)",
            "Chờ P90\n(phút)", "Hài lòng\n(%)", "Phản hồi\n(%)", "Đánh giá"]
UNDER = QBrush(QColor("#fde2e1"))
LEVEL_ROW = QBrush(QColor("#ddebf7"))
REFRESH_MS = 60_000  # today's figures grow with the day
DEBOUNCE_MS = 5_000  # the feed's changes in this window make one re-read


@dataclass(frozen=True)
class Figures:
    today: ProvinceView
    period: ProvinceView


def read_both(store: Store, start: date, end: date) -> Figures:
    today = store.today
    return Figures(store.views.province(today, today), store.views.province(start, end))


def only(view: ProvinceView, level: str | None) -> ProvinceView:
    return view if level is None else ProvinceView(view.start, view.end,
                                                   tuple(o for o in view.offices if o.level == level))


class ProvinceTab(QWidget):
    office_chosen = Signal(object)
    exported = Signal(str)
    shown = Signal(object)
    online = Signal(bool)

    def __init__(self, store: Store, runner: Runner, parent: QWidget | None = None, *, live: bool = False) -> None:
        super().__init__(parent)
        self.store, self.runner = store, runner
        self.figures: Figures | None = None
        self.empty_note = ""  # the banner's "no ticket in this period" line while it is shown
        self.bar = PeriodBar(store.today, self, grouping=False)
        self.level = QComboBox(self)
        self.level.addItem("Tất cả các cấp", None)
        for key in LEVELS:
            self.level.addItem(LEVEL_VI[key], key)
        self.level.setFont(font(10))
        self.title = QLabel("", self)
        self.title.setFont(font(12, bold=True))
        self.title.setWordWrap(True)  # at 1280 px the title wraps rather than widening the window
        self.message = Banner(self, point_size=10)
        self.table = cells.setup_table(QTableWidget(self), HEADINGS)
        self.table.horizontalHeader().setStretchLastSection(True)  # a wide screen widens the verdict, not a gap
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.cellDoubleClicked.connect(lambda r, _c: self.choose(r))
        self.table.installEventFilter(self)
        self.buttons = {fmt: QPushButton(f"Xuất {fmt.upper()}", self) for fmt in EXPORTS}
        top = QHBoxLayout()
        top.addWidget(self.bar, 1)
        top.addWidget(QLabel("Cấp:", self))
        top.addWidget(self.level)
        row = QHBoxLayout()
        row.addWidget(self.title, 1)
        hint = QLabel("Nhấp đúp hoặc Enter: bảng điều khiển của đơn vị", self)
        hint.setFont(font(9))
        row.addWidget(hint)
        for fmt, button in self.buttons.items():
            button.setFont(font(10))
            button.clicked.connect(lambda _=False, f=fmt: self.export(f))
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.read = PeriodRead(runner, "province", self.bar, lambda start, end: lambda: read_both(store, start, end),
                               self._show, on_bad_period=lambda exc: self.message.show_message(str(exc), "warning"))
        self.level.currentIndexChanged.connect(lambda _i: self._render())
        runner.succeeded.connect(self._done)
        runner.failed.connect(self._failed)
        self.timer = QTimer(self, interval=REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.debounce = QTimer(self, interval=DEBOUNCE_MS, singleShot=True)
        self.debounce.timeout.connect(self.refresh)
        self.feed: LiveFeed | None = None
        if live:
            self.feed = LiveFeed(store, self)
            self.feed.changed.connect(self.on_changes)
            self.feed.online.connect(self.online)
            QTimer.singleShot(0, self.feed.start)  # once the window has connected to ``online``

    def on_changes(self, _events: list[object]) -> None:
        """A batch of changes from any office: one re-read when the debounce timer fires, not one per batch.
        Behind an office's drill-down (the tab hidden) nothing is read; coming back re-reads."""
        if not self.debounce.isActive() and not self.isHidden():
            self.debounce.start()

    def stop(self) -> None:
        """Final: no more timer or feed reads (the window's closeEvent)."""
        self.timer.stop()
        self.debounce.stop()
        if self.feed is not None:
            self.feed.stop()

    @classmethod
    def ask_path(cls, parent: QWidget, fmt: str, suggested: str) -> str:
        """Where to write an export ("" when cancelled); tests replace this."""
        path, _ = QFileDialog.getSaveFileName(parent, "Lưu báo cáo toàn tỉnh", suggested, EXPORTS[fmt])
        return path

    def refresh(self) -> None:
        self.read.refresh()

    @property
    def chosen_level(self) -> str | None:
        data = self.level.currentData()
        return None if data is None else str(data)

    def set_level(self, level: str | None) -> None:
        self.level.setCurrentIndex(self.level.findData(level))

    def office_at(self, row: int) -> OfficeFigures | None:
        item = self.table.item(row, 1)
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, OfficeFigures) else None

    def choose(self, row: int) -> None:
        office = self.office_at(row)
        if office is not None:
            self.office_chosen.emit(office)

    def eventFilter(self, watched: object, event: object) -> bool:
        if (watched is self.table and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.choose(self.table.currentRow())
            return True
        return False

    def _show(self, result: object) -> None:
        assert isinstance(result, Figures)
        self.figures = result
        self._render()
        self.shown.emit(result)

    def _render(self) -> None:
        if self.figures is None:
            return
        period = only(self.figures.period, self.chosen_level)
        today = {o.office_id: o for o in self.figures.today.offices}
        start, end = date.fromisoformat(period.start), date.fromisoformat(period.end)
        under = sum(o.under_target for o in period.offices)
        self.title.setText(f"{label(start, end)} · {len(period.offices)} đơn vị, {under} dưới chỉ tiêu "
                           "(95 % chờ ≤ 30 phút, 95 % hài lòng)")
        empty = empty_period_text(start, end, self.store.today) if not period.offices else ""
        if empty:  # an empty table says why, and where the figures are
            self.message.show_message(empty, "info")
        elif self.message.text() == self.empty_note:  # figures again: the note goes, an export's line stays
            self.message.clear()
        self.empty_note = empty
        ranks = {o.office_id: i for i, o in enumerate(self.figures.period.offices, 1)}
        rows: list[list[QTableWidgetItem]] = []
        for level, offices in sorted(period.by_level().items(), key=lambda kv: LEVELS.index(kv[0])
                                     if kv[0] in LEVELS else len(LEVELS)):
            heading = cells.item(f"{LEVEL_VI.get(level, level)} · {len(offices)} đơn vị", number=False, bold=True)
            rows.append([cells.item("", number=False), heading, *(cells.item("") for _ in HEADINGS[2:])])
            for cell in rows[-1]:
                cell.setBackground(LEVEL_ROW)
            rows += [self._row(ranks[o.office_id], o, today.get(o.office_id)) for o in offices]
        cells.set_rows(self.table, rows)

    @staticmethod
    def _row(rank: int, o: OfficeFigures, today: OfficeFigures | None) -> list[QTableWidgetItem]:
        name = cells.item(o.name or o.code, number=False, value=o)
        verdict = "⚠ dưới chỉ tiêu" if o.under_target else ("✓ đạt" if o.judged or o.ratings else "chưa có số liệu")
        flag = cells.item(verdict, number=False, bold=o.under_target, value=o.under_target)
        if o.under_target:
            flag.setBackground(UNDER)
            flag.setForeground(QBrush(QColor("#8c1d18")))
        return [cells.item(cells.count(rank), value=rank), name,
                cells.item(cells.count(today.tickets if today else 0), value=today.tickets if today else 0),
                cells.item(cells.pct(_hundred(today.within_pct if today else None))),
                cells.item(cells.count(o.tickets), value=o.tickets), cells.item(cells.count(o.served), value=o.served),
                cells.item(cells.count(o.no_show), value=o.no_show),
                cells.item(cells.pct(_hundred(o.within_pct)), value=o.within_pct),
                cells.item(cells.pct(_hundred(o.visits_within_pct)), value=o.visits_within_pct),
                cells.item(cells.minutes(o.mean_wait_s), value=o.mean_wait_s),
                cells.item(cells.minutes(o.p90_wait_s), value=o.p90_wait_s),
                cells.item(cells.pct(_hundred(o.satisfaction_pct)), value=o.satisfaction_pct),
                cells.item(cells.pct(_hundred(o.response_rate)), value=o.response_rate), flag]

    def export(self, fmt: str) -> None:
        if self.figures is None:
            return
        view = only(self.figures.period, self.chosen_level)
        path = self.ask_path(self, fmt, f"toan-tinh-{view.start}-{view.end}.{fmt}")
        if not path:
            return
        if fmt == "csv":
            self.runner.submit("province-export", _write_csv, view, path)
        else:
            self.runner.submit("province-export", lambda: (write_xlsx(view, path), Path(path))[1])

    def _done(self, tag: str, result: object) -> None:
        if tag == "province-export":
            self.message.show_message(f"Đã lưu {result}", "info")
            self.exported.emit(str(result))

    def _failed(self, tag: str, exc: object) -> None:
        if tag in ("province", "province-export"):
            what = "Không lưu được tệp" if tag == "province-export" else "Không lấy được số liệu toàn tỉnh"
            self.message.show_message(f"{what}: {exc}", "error")


def empty_period_text(start: date, end: date, today: date) -> str:
    """Why the table is empty: on the 1st "Tháng này" is today alone and no day of it has ended yet."""
    if start == end == today and today.day == 1:
        return (f"Tháng mới bắt đầu hôm nay ({today:%d/%m/%Y}): chưa có phiếu nào trong tháng. "
                "Chọn “30 ngày qua” hoặc “Tháng trước” để xem các ngày đã qua.")
    return f"Chưa có phiếu nào trong kỳ {label(start, end)}. Chọn một kỳ dài hơn, ví dụ “30 ngày qua”."


def _hundred(x: float | None) -> float | None:
    return None if x is None else 100 * x


def _write_csv(view: ProvinceView, path: str) -> Path:
    target = Path(path)
    # utf-8-sig: Excel opens a CSV with a BOM as UTF-8 (the office reports do the same).
    target.write_text(to_csv(view), encoding="utf-8-sig")
    return target
