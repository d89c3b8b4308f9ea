"""The History tab: a period, a grouping, the figures of ``store.views.report``, and the exports.

Signals:
    exported(str): the path of a file just written.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from common.store import Store
from common.views.report import Report
from dashboard import export
from dashboard.figures_table import COLUMNS, FiguresTable
from dashboard.period_bar import PeriodBar
from dashboard.period_read import PeriodRead
from dashboard.periods import label
from ui.banner import Banner
from ui.style import font
from ui.worker import Runner


class HistoryTab(QWidget):
    exported = Signal(str)

    def __init__(self, store: Store, runner: Runner, office: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.runner, self.office = store, runner, office
        self.bar = PeriodBar(store.today, self)
        self.title = QLabel("", self)
        self.title.setFont(font(12, bold=True))
        self.table = FiguresTable(self)
        # The essential figures fit a 1280 px screen; the others (expired, walk, visits…) one tick away.
        self.every_column = QCheckBox(f"Hiện đủ {len(COLUMNS)} cột", self)
        self.every_column.setFont(font(10))
        self.every_column.setToolTip("Thêm hết hạn, di chuyển và lượt khách. Tệp xuất luôn có đủ mọi cột.")
        self.every_column.toggled.connect(self.table.show_all)
        self.message = Banner(self, point_size=10)
        self.buttons = {fmt: QPushButton(f"Xuất {fmt.upper()}", self) for fmt in export.FORMATS}
        row = QHBoxLayout()
        row.addWidget(self.title, 1)
        row.addWidget(self.every_column)
        for fmt, button in self.buttons.items():
            button.setFont(font(10))
            button.clicked.connect(lambda _=False, f=fmt: self.export(f))
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.bar.changed.connect(self.message.clear)  # before the read, which may put a warning there
        self.read = PeriodRead(runner, "history", self.bar, lambda start, end: partial(
            store.views.report, start, end, self.bar.grouping), self._show, on_bad_period=self._bad_period)
        runner.succeeded.connect(self._done)
        runner.failed.connect(self._failed)
        self._pending: dict[str, str] = {}

    @classmethod
    def ask_path(cls, parent: QWidget, fmt: str, suggested: str) -> str:
        """Where to write an export ("" when cancelled); tests replace this."""
        path, _ = QFileDialog.getSaveFileName(parent, "Lưu báo cáo", suggested, export.FORMATS[fmt])
        return path

    def refresh(self) -> None:
        self.message.clear()
        self.read.refresh()

    def _bad_period(self, exc: ValueError) -> None:
        self.message.show_message(str(exc), "warning")

    def _show(self, result: object) -> None:
        assert isinstance(result, Report)
        self.table.show_report(result)
        self.title.setText(f"{label(result.start, result.end)} · {result.target_vi}")

    def includes_today(self) -> bool:
        try:
            return self.bar.bounds()[1] >= self.store.today
        except ValueError:
            return False

    def export(self, fmt: str) -> None:
        try:
            start, end = self.bar.bounds()
        except ValueError as exc:
            self.message.show_message(str(exc), "error")
            return
        suggested = f"bao-cao-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
        path = self.ask_path(self, fmt, suggested)
        if not path:
            return
        self._pending[f"export-{fmt}"] = path
        if fmt == "csv":
            report = self.table.report
            if report is None:
                return
            self.runner.submit("export-csv", export.write_csv, report, path)
        elif fmt == "xlsx":
            self.runner.submit(
                "export-xlsx", lambda: export.write_workbook(self.store.views.report_sheets(start, end), path))
        else:
            self.runner.submit("export-pdf", self.store.views.report_sheets, start, end)

    def _done(self, tag: str, result: object) -> None:
        if tag == "export-pdf":
            path = export.write_pdf(result, self._pending.pop(tag), self.office)  # type: ignore[arg-type]
            self._wrote(path)
        elif tag.startswith("export-"):
            self._pending.pop(tag, None)
            self._wrote(Path(str(result)))

    def _wrote(self, path: Path) -> None:
        self.message.show_message(f"Đã lưu {path}", "info")
        self.exported.emit(str(path))

    def _failed(self, tag: str, exc: object) -> None:
        if tag == "history" or tag.startswith("export-"):
            self._pending.pop(tag, None)
            what = "Không lưu được tệp" if tag.startswith("export-") else "Không lấy được số liệu"
            detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            self.message.show_message(f"{what}: {detail}", "error")
