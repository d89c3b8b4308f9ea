"""Signing in: username, password and, unless this PC is fixed to one, the counter."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from common.core.model import Counter
from ui.style import font


class SignInPanel(QWidget):
    """Signals:
    submitted(str, str, int): username, password, counter number.
    """

    submitted = Signal(str, str, int)

    def __init__(self, fixed_counter: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fixed_counter = fixed_counter
        box = QFrame(self)
        box.setObjectName("signin")
        box.setStyleSheet("QFrame#signin { background: #ffffff; border: 1px solid #c9d3de; border-radius: 10px; }")
        box.setFixedWidth(460)
        title = QLabel("Đăng nhập quầy", box)
        title.setFont(font(20, bold=True))
        self.username = QLineEdit(box)
        self.password = QLineEdit(box)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.counter = QComboBox(box)
        self.button = QPushButton("Đăng nhập", box)
        self.button.setFont(font(13, bold=True))
        self.button.setMinimumHeight(40)
        self.message = QLabel(box)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        form = QFormLayout()
        form.addRow("Tên đăng nhập", self.username)
        form.addRow("Mật khẩu", self.password)
        form.addRow("Quầy", self.counter)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        inner.addWidget(title)
        inner.addLayout(form)
        inner.addWidget(self.button)
        inner.addWidget(self.message)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        for widget in (self.username, self.password, self.counter):
            widget.setFont(font(13))
        self.button.clicked.connect(self.submit)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        self.set_counters(())

    def set_counters(self, counters: tuple[Counter, ...]) -> None:
        self.counter.clear()
        if self.fixed_counter:
            self.counter.addItem(f"Quầy {self.fixed_counter} (cố định)", self.fixed_counter)
            self.counter.setToolTip("Quầy cố định cho máy này (--counter hoặc counter.number trong cấu hình)")
            self.counter.setEnabled(False)
            return
        for c in counters:
            self.counter.addItem(c.name, c.number)

    def submit(self) -> None:
        if not self.username.text().strip() or not self.password.text():
            self.show_problem("Nhập tên đăng nhập và mật khẩu.")
            return
        number = self.counter.currentData()
        if number is None:
            self.show_problem("Chưa chọn quầy (đang tải danh sách quầy…).")
            return
        self.message.setText("Đang kiểm tra…")
        self.message.setStyleSheet("color: #4a5868;")
        self.button.setEnabled(False)
        self.submitted.emit(self.username.text().strip(), self.password.text(), int(number))

    def show_problem(self, text: str) -> None:
        self.button.setEnabled(True)
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setText(text)

    def reset(self, message: str = "") -> None:
        self.password.clear()
        self.button.setEnabled(True)
        self.show_problem(message)
        self.password.setFocus() if self.username.text() else self.username.setFocus()
