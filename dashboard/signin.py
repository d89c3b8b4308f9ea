"""The dashboard's sign-in: supervisor and admin accounts only.

Signals:
    signed_in(object): the Clerk who signed in (a supervisor or an admin).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from common.core.errors import MotcuaError, render
from common.core.model import Clerk
from common.store import Store
from dashboard.window import REFUSED, allowed
from ui.style import font
from ui.worker import Runner


def check(store: Store, username: str, password: str) -> Clerk:
    """The signed-in supervisor or admin; MotcuaError with a Vietnamese line otherwise."""
    clerk = store.authenticate(username, password, app="dashboard")
    if not allowed(clerk):
        raise PermissionError(REFUSED)
    return clerk


class SignInDialog(QDialog):
    signed_in = Signal(object)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.clerk: Clerk | None = None
        self.setWindowTitle("Đăng nhập bảng điều khiển")
        self.setFont(font(11))
        self.username, self.password = QLineEdit(self), QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e")
        self.button = QPushButton("Đăng nhập", self)
        form = QFormLayout()
        form.addRow("Tên đăng nhập", self.username)
        form.addRow("Mật khẩu", self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Bảng điều khiển dành cho giám sát viên và quản trị viên.", self))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.button)
        self.runner = Runner(self, name="motcua-dashboard-signin")
        self.runner.succeeded.connect(self._ok)
        self.runner.failed.connect(self._refused)
        self.button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)

    def submit(self) -> None:
        if not self.username.text().strip():
            self.message.setText("Nhập tên đăng nhập.")
            return
        self.message.setText("")
        self.runner.submit("signin", check, self.store, self.username.text().strip(), self.password.text())

    def _ok(self, _tag: str, clerk: object) -> None:
        assert isinstance(clerk, Clerk)
        self.clerk = clerk
        self.signed_in.emit(clerk)
        self.accept()

    def _refused(self, _tag: str, exc: object) -> None:
        self.password.clear()
        if isinstance(exc, PermissionError | MotcuaError):
            self.message.setText(render(exc))  # Vietnamese first, like every staff screen
        else:
            self.message.setText(f"Không đăng nhập được: {exc}")

    def done(self, result: int) -> None:
        self.runner.shutdown()
        super().done(result)
