"""Today for this clerk: served, mean service time and the mean wait of the people they served."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from common.views.clerk_stats import ClerkDay
from counter.text import duration
from ui import numbers
from ui.style import font


class TodayPanel(QFrame):
    """Three figures, large, and the no-shows and transfers beneath them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("today")
        self.setStyleSheet("QFrame#today { background: #f4f6f8; border-radius: 8px; }")
        title = QLabel("Hôm nay", self)
        title.setFont(font(14, bold=True))
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        self.served = self._figure(grid, 0, "Đã phục vụ")
        self.mean_service = self._figure(grid, 1, "Thời gian phục vụ TB")
        self.mean_wait = self._figure(grid, 2, "Thời gian chờ TB")
        self.others = QLabel(self)
        self.others.setFont(font(10.5))
        self.others.setStyleSheet("color: #4a5868;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addLayout(grid)
        layout.addWidget(self.others)

    def _figure(self, grid: QGridLayout, column: int, caption: str) -> QLabel:
        value = QLabel("–", self)
        value.setFont(font(20, bold=True))
        label = QLabel(caption, self)
        label.setFont(font(10.5))
        label.setStyleSheet("color: #4a5868;")
        grid.addWidget(value, 0, column)
        grid.addWidget(label, 1, column)
        return value

    def show_day(self, day: ClerkDay) -> None:
        self.served.setText(numbers.integer(day.served))
        self.mean_service.setText(duration(day.mean_service_seconds))
        self.mean_wait.setText(duration(day.mean_wait_seconds))
        n = numbers.integer
        self.others.setText(f"Vắng mặt: {n(day.no_shows)} · Đã chuyển: {n(day.transferred)}")
