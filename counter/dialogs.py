"""The counter's dialogs. Each has a parent and an ``ask()`` classmethod that tests may replace."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from common.core.model import Counter, Service
from ui.style import font

# Offered in the reason box; the clerk may type any other reason.
CALL_REASONS = (
    "Công dân xuất trình vé tại quầy",
    "Gọi lại công dân đã vắng mặt",
    "Hồ sơ liên quan đang xử lý tại quầy",
    "Theo chỉ đạo của lãnh đạo",
)


class TransferDialog(QDialog):
    """Transfer to another service (the citizen keeps their place) or straight to a counter."""

    def __init__(self, parent: QWidget, services: tuple[Service, ...], counters: tuple[Counter, ...],
                 own_counter: int, code: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Chuyển vé {code}")
        self.setFont(font(12))
        self.to_service = QRadioButton("Sang dịch vụ", self)
        self.to_counter = QRadioButton("Thẳng tới quầy", self)
        group = QButtonGroup(self)
        group.addButton(self.to_service)
        group.addButton(self.to_counter)
        self.to_service.setChecked(True)
        self.services = QComboBox(self)
        for svc in services:
            if svc.active:
                self.services.addItem(f"{svc.prefix} · {svc.name_vi}", svc.code)
        self.counters = QComboBox(self)
        for c in counters:
            if c.number != own_counter:
                self.counters.addItem(c.name, c.number)
        self.services.activated.connect(lambda _i: self.to_service.setChecked(True))
        self.counters.activated.connect(lambda _i: self.to_counter.setChecked(True))
        note = QLabel("Công dân giữ nguyên thứ tự theo giờ lấy số ban đầu.", self)
        note.setStyleSheet("color: #4a5868;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Chuyển")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Huỷ")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.to_service, self.services)
        form.addRow(self.to_counter, self.counters)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def choice(self) -> tuple[str, str]:
        if self.to_counter.isChecked():
            return "counter", str(self.counters.currentData())
        return "service", str(self.services.currentData())

    @classmethod
    def ask(cls, parent: QWidget, services: tuple[Service, ...], counters: tuple[Counter, ...],
            own_counter: int, code: str) -> tuple[str, str] | None:
        dialog = cls(parent, services, counters, own_counter, code)
        try:
            return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class CallSpecificDialog(QDialog):
    """A ticket typed (A023) or scanned (a keyboard-wedge scanner types the QR and Enter), and a reason."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Gọi một vé cụ thể")
        self.setFont(font(12))
        self.ref = QLineEdit(self)
        self.ref.setPlaceholderText("Gõ số vé (A023) hoặc quét mã QR trên vé")
        self.reason = QComboBox(self)
        self.reason.setEditable(True)
        self.reason.addItems(CALL_REASONS)
        self.reason.setCurrentIndex(-1)
        self.reason.lineEdit().setPlaceholderText("Bắt buộc: vì sao gọi ngoài thứ tự")
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #b3261e;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Gọi")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Huỷ")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        # The scanner's Enter ends the ticket field: move on to the reason instead of submitting.
        self.ref.returnPressed.connect(self._ref_entered)
        self.reason.lineEdit().returnPressed.connect(self.accept)
        form = QFormLayout()
        form.addRow("Vé:", self.ref)
        form.addRow("Lý do:", self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _ref_entered(self) -> None:
        if self.reason.currentText().strip():
            self.accept()
        else:
            self.reason.setFocus()

    def accept(self) -> None:
        if not self.ref.text().strip():
            self.problem.setText("Chưa có số vé: gõ số hoặc quét mã QR trên vé.")
            self.ref.setFocus()
            return
        if not self.reason.currentText().strip():
            self.problem.setText("Cần ghi lý do khi gọi vé không theo thứ tự.")
            self.reason.setFocus()
            return
        super().accept()

    def answer(self) -> tuple[str, str]:
        return self.ref.text().strip(), self.reason.currentText().strip()

    @classmethod
    def ask(cls, parent: QWidget) -> tuple[str, str] | None:
        dialog = cls(parent)
        try:
            return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class ConfirmTakeOver:
    """Asks before a sign-in ends another clerk's session at this counter."""

    @classmethod
    def ask(cls, parent: QWidget, message: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Tiếp nhận quầy",
                          f"{message}.\n\nTiếp nhận quầy này? Phiên của người kia sẽ kết thúc.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
        box.button(QMessageBox.StandardButton.Yes).setText("Tiếp nhận")
        box.button(QMessageBox.StandardButton.No).setText("Không")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        try:
            return box.exec() == QMessageBox.StandardButton.Yes
        finally:
            box.deleteLater()


class Notice:
    """A plain message box (e.g. the dashboard is not installed)."""

    @classmethod
    def ask(cls, parent: QWidget, title: str, message: str) -> None:
        QMessageBox.information(parent, title, message)
