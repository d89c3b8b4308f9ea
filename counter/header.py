"""The top line: which counter, who is signed in, its state, and the session buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from common.core.model import Clerk, CounterState
from counter.text import STATE_VI
from ui.style import font

STATE_COLOURS = {
    CounterState.OPEN: "#1e6b3a",
    CounterState.BREAK: "#8a5a00",
    CounterState.BACK_OFFICE: "#5b3c99",
    CounterState.CLOSED: "#4a5868",
}


class Header(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counter = QLabel(self)
        self.counter.setFont(font(16, bold=True))
        self.clerk = QLabel(self)
        self.clerk.setFont(font(12))
        self.state = QLabel(self)
        self.state.setFont(font(11, bold=True))
        self.dashboard = QPushButton("F12  Bảng điều khiển", self)
        self.sign_out = QPushButton("Đăng xuất", self)
        for button in (self.dashboard, self.sign_out):
            button.setFont(font(11))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(self.counter)
        layout.addWidget(self.state)
        layout.addStretch(1)
        layout.addWidget(self.clerk)
        layout.addWidget(self.dashboard)
        layout.addWidget(self.sign_out)
        self.dashboard.hide()

    def show_session(self, counter_name: str, clerk: Clerk, supervisor: bool) -> None:
        self.counter.setText(counter_name)
        self.clerk.setText(f"{clerk.full_name} ({clerk.username})")
        self.dashboard.setVisible(supervisor)

    def show_state(self, state: CounterState) -> None:
        self.state.setText(STATE_VI[state])
        self.state.setStyleSheet(f"color: #ffffff; background: {STATE_COLOURS[state]};"
                                 " border-radius: 9px; padding: 2px 10px;")
