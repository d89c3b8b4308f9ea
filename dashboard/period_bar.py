"""Choose a period (dashboard.periods' presets or custom days) and, optionally, a grouping.

One period for the whole window: choosing it on one tab sets it on every other tab's bar (each bar
finds its siblings in its window), so History, Charts, Satisfaction, Staffing and Accuracy always
read the same days. The grouping stays each tab's own.

Signals:
    changed(): the period or the grouping changed.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from dashboard.periods import DEFAULT, GROUPINGS_VI, PERIODS, period
from ui.style import font


class PeriodBar(QWidget):
    changed = Signal()

    def __init__(self, today: date, parent: QWidget | None = None, *, grouping: bool = True,
                 default: str = DEFAULT) -> None:
        super().__init__(parent)
        self.today = today
        self.kind = QComboBox(self)
        for key, text in PERIODS.items():
            self.kind.addItem(text, key)
        self.kind.setCurrentIndex(list(PERIODS).index(default))
        self.start, self.end = QDateEdit(self), QDateEdit(self)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setDate(QDate(today.year, today.month, today.day))
            edit.dateChanged.connect(self._custom_changed)
        self.by = QComboBox(self)
        for key, text in GROUPINGS_VI.items():
            self.by.addItem(text, key)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("Kỳ báo cáo:", self), self.kind, QLabel("từ", self), self.start, QLabel("đến", self),
                       self.end):
            layout.addWidget(widget)
        if grouping:
            layout.addWidget(QLabel("Nhóm theo:", self))
            layout.addWidget(self.by)
        else:
            self.by.hide()
        layout.addStretch(1)
        for widget in self.findChildren(QWidget):
            widget.setFont(font(10))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.by.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self._sharing = True  # every bar starts on the same default: nothing to tell the others yet
        self._kind_changed()
        self._sharing = False

    def bounds(self) -> tuple[date, date]:
        custom = (self.start.date().toPython(), self.end.date().toPython())
        return period(self.kind.currentData(), self.today, custom)  # type: ignore[arg-type]

    @property
    def grouping(self) -> str:
        return str(self.by.currentData())

    def set_today(self, today: date) -> None:
        self.today = today

    def siblings(self) -> list[PeriodBar]:
        """The other tabs' bars in this window."""
        return [bar for bar in self.window().findChildren(PeriodBar) if bar is not self]

    def take(self, kind: str, start: date, end: date) -> None:
        """Show another bar's period without echoing it back, then say once that it changed."""
        self._sharing = True
        try:
            for edit, day in ((self.start, start), (self.end, end)):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
            self.kind.blockSignals(True)
            self.kind.setCurrentIndex(self.kind.findData(kind))
            self.kind.blockSignals(False)
            self._kind_changed()
        finally:
            self._sharing = False

    def _share(self) -> None:
        if self._sharing:
            return
        kind = str(self.kind.currentData())
        start, end = self.start.date().toPython(), self.end.date().toPython()
        for bar in self.siblings():
            bar.take(kind, start, end)  # type: ignore[arg-type]

    def _kind_changed(self) -> None:
        custom = self.kind.currentData() == "custom"
        self.start.setEnabled(custom)
        self.end.setEnabled(custom)
        if not custom:
            start, end = self.bounds()
            for edit, day in ((self.start, start), (self.end, end)):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        self.changed.emit()
        self._share()

    def _custom_changed(self) -> None:
        if self.kind.currentData() == "custom":
            self.changed.emit()
            self._share()
