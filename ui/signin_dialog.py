"""The staff sign-in dialog shared by the dashboard and the rating panel's admin functions.

The form, the sign-in off the GUI thread and the one-line refusal are the same for every app;
what differs is who may pass (``check``, run on the worker: it calls Store.authenticate, which
throttles and audits, and refuses the wrong role), the title and the line above the form.

Signals:
    signed_in(object): the Clerk that ``check`` returned.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from common.core.errors import MotcuaError, render
from common.core.model import Clerk
from ui.style import font
from ui.worker import Runner

log = logging.getLogger(__name__)
NO_USERNAME = "Nhập tên đăng nhập."
UNEXPECTED = "Không đăng nhập được."

Check = Callable[[str, str], Clerk]  # (user name, password) → the clerk; raises with a Vietnamese line


class SignInDialog(QDialog):
    signed_in = Signal(object)

    def __init__(self, check: Check, *, title: str, intro: str, worker_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = check
        self.clerk: Clerk | None = None
        self.setWindowTitle(title)
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
        layout.addWidget(QLabel(intro, self))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.button)
        self.runner = Runner(self, name=worker_name)
        self.runner.succeeded.connect(self._ok)
        self.runner.failed.connect(self._refused)
        self.button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)

    def submit(self) -> None:
        if not self.username.text().strip():
            self.message.setText(NO_USERNAME)
            return
        self.message.setText("")
        self.runner.submit("signin", self.check, self.username.text().strip(), self.password.text())

    def _ok(self, _tag: str, clerk: object) -> None:
        assert isinstance(clerk, Clerk)
        self.clerk = clerk
        self.signed_in.emit(clerk)
        self.accept()

    def _refused(self, _tag: str, exc: object) -> None:
        self.password.clear()
        if isinstance(exc, MotcuaError | PermissionError):
            self.message.setText(render(exc))  # Vietnamese first; a lost database is a MotcuaError too
        else:
            # Staff read one line, never a traceback; the log keeps what went wrong.
            log.warning("sign-in failed unexpectedly: %r", exc)
            self.message.setText(UNEXPECTED)

    def done(self, result: int) -> None:
        self.runner.shutdown()
        super().done(result)
