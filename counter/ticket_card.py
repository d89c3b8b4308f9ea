"""The ticket at the counter, large: code, service, priority and how long the citizen waited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from common.core import glossary
from common.core.model import CounterState, Ticket, TicketStatus
from counter.text import STATE_VI, minutes_between, priority_label
from ui.automation import tag
from ui.style import font

CARD_STYLE = "QFrame#card {{ background: {bg}; border: 1px solid #c9d3de; border-radius: 8px; }}"
CODE_PT, IDLE_PT = 88, 30  # the number, huge; the words that stand in its place when there is none
# What the number area says without a ticket: words, never a bare dash that reads as a glitch.
IDLE_WORDS = {CounterState.OPEN: glossary.NO_CALL_YET}


class TicketCard(QFrame):
    """Shows one ``Ticket`` (or the counter's idle / break state when there is none)."""

    def __init__(self, categories: Mapping[str, tuple[str, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.categories = categories
        self.status = self._label(13, bold=True)
        self.code = self._label(CODE_PT, bold=True)
        tag(self.code, "card-code")
        self.service = self._label(18)
        self.priority = self._label(14, bold=True)
        self.waited = self._label(16, bold=True)
        self.detail = self._label(11)
        self.detail.setStyleSheet("color: #4a5868;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(4)
        for widget in (self.status, self.code, self.service, self.priority, self.waited, self.detail):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.show_ticket(None, CounterState.OPEN, None)

    def _label(self, size: float, *, bold: bool = False) -> QLabel:
        label = QLabel(self)
        label.setFont(font(size, bold=bold))
        label.setAlignment(Qt.AlignmentFlag.AlignLeft)
        label.setWordWrap(True)
        return label

    def show_ticket(self, ticket: Ticket | None, state: CounterState, now: datetime | None) -> None:
        if ticket is None:
            self._show_idle(state)
            return
        serving = ticket.status == TicketStatus.SERVING
        self.setStyleSheet(CARD_STYLE.format(bg="#e6f4ea" if serving else "#fff6db"))
        self.status.setText("ĐANG PHỤC VỤ" if serving else "ĐANG GỌI")
        self.status.setStyleSheet(f"color: {'#1e6b3a' if serving else '#8a5a00'};")
        self.code.setFont(font(CODE_PT, bold=True))
        self.code.setStyleSheet("")
        self.code.setText(ticket.code)
        self.service.setText(ticket.service_name_vi)
        self.priority.setText(priority_label(ticket.priority_category, self.categories))
        self.priority.setStyleSheet("color: #a4262c;" if ticket.priority else "color: #4a5868;")
        waited = ticket.wait_seconds
        self.waited.setText(f"Đã chờ {waited // 60} phút" if waited is not None else "")
        self.detail.setText(self._detail(ticket, now))

    def _detail(self, ticket: Ticket, now: datetime | None) -> str:
        parts = []
        if ticket.last_called_at and now:
            parts.append(f"gọi {minutes_between(ticket.last_called_at, now)} phút trước")
        if ticket.recall_count:
            parts.append(f"đã gọi lại {ticket.recall_count} lần")
        if ticket.started_at and now:
            parts.append(f"phục vụ được {minutes_between(ticket.started_at, now)} phút")
        if ticket.target_counter:
            parts.append(f"chuyển thẳng tới quầy {ticket.target_counter}")
        return " · ".join(parts).capitalize()

    def _show_idle(self, state: CounterState) -> None:
        self.setStyleSheet(CARD_STYLE.format(bg="#f4f6f8"))
        self.status.setText(STATE_VI[state].upper())
        self.status.setStyleSheet("color: #4a5868;")
        self.code.setFont(font(IDLE_PT, bold=True))
        self.code.setStyleSheet("color: #4a5868;")
        self.code.setText(IDLE_WORDS.get(state, STATE_VI[state]))
        hints = {
            CounterState.BREAK: "Quầy đang tạm nghỉ. Nhấn F10 để mở lại.",
            CounterState.BACK_OFFICE: "Đang xử lý hồ sơ. Nhấn F11 để mở lại.",
        }
        self.service.setText(hints.get(state, "Chưa gọi vé nào. Nhấn F2 để gọi công dân tiếp theo."))
        self.priority.setText("")
        self.waited.setText("")
        self.detail.setText("")
