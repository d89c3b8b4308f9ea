"""The Sign-ins tab: the latest sign-in attempts from the audit log (common.store.signin), newest first.

A run of "sai mật khẩu" or "bị chặn" rows from one PC or against one user name is what a
supervisor looks for: someone guessing passwords.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget

from common.store import Store
from common.store.signin import SignInRecord, recent_sign_ins
from dashboard import cells
from ui.worker import Runner

TAG = "signins"
HEADINGS = ["Thời gian", "Kết quả", "Tên đăng nhập", "Máy", "Ứng dụng"]
OUTCOMES = {"ok": "Thành công", "failed": "Sai mật khẩu", "throttled": "Bị chặn tạm thời"}
WARN = QColor("#b3261e")


class SignInsTab(QWidget):
    def __init__(self, store: Store, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.runner = store, runner
        self.records: list[SignInRecord] = []
        self.table = cells.new_table(HEADINGS)
        self.table.setParent(self)
        self.reload = QPushButton("Làm mới", self)
        self.reload.clicked.connect(self.refresh)
        note = QLabel("Mỗi lần đăng nhập (quầy, bảng điều khiển, dòng lệnh) đều được ghi lại. Sau mỗi lần sai, "
                      "lần thử tiếp theo phải chờ 1, 2, 4, 8… giây, theo tên đăng nhập và theo máy.", self)
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reload)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        runner.succeeded.connect(self._done)

    def refresh(self) -> None:
        self.runner.submit(TAG, recent_sign_ins, self.store)

    def _done(self, tag: str, result: object) -> None:
        if tag != TAG:
            return
        assert isinstance(result, list)
        self.records = result
        self.table.setRowCount(len(result))
        for i, r in enumerate(result):
            when = r.at.astimezone(self.store.tz).strftime("%d/%m/%Y %H:%M:%S")
            for j, text in enumerate((when, OUTCOMES.get(r.outcome, r.outcome), r.username, r.pc, r.app)):
                item = QTableWidgetItem(text)
                if r.outcome != "ok":
                    item.setForeground(QBrush(WARN))
                self.table.setItem(i, j, item)
