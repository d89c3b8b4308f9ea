"""The clerk books a time for a citizen on the phone: service, day, slot, contact — all by keyboard.

Tab moves between the fields, the arrow keys choose within them, Enter books, Esc closes. The
free slots were read on the worker before the dialog opened (counter.bookings_panel.read_offer),
so nothing here touches the store; the booking itself is one store call after the dialog closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from common.core.bookings import Slot
from ui.style import font

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


@dataclass(frozen=True)
class Offer:
    services: tuple[tuple[str, str], ...]  # (code, Vietnamese name) with at least one free slot
    days: dict[str, list[tuple[date, tuple[Slot, ...]]]]  # service → (day, its free slots) in order


class BookingDialog(QDialog):
    def __init__(self, parent: QWidget, offer: Offer, tz: ZoneInfo) -> None:
        super().__init__(parent)
        self.offer, self.tz = offer, tz
        self.setWindowTitle("Đặt lịch hẹn cho công dân")
        self.setFont(font(12))
        self.service = QComboBox(self)
        for code, name in offer.services:
            self.service.addItem(f"{code} · {name}", code)
        self.day = QComboBox(self)
        self.slots = QListWidget(self)
        self.slots.setMinimumHeight(180)
        self.contact = QLineEdit(self)
        self.contact.setPlaceholderText("Số điện thoại hoặc e-mail (không bắt buộc)")
        self.contact.setMaxLength(80)
        self.service.currentIndexChanged.connect(self._fill_days)
        self.day.currentIndexChanged.connect(self._fill_slots)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Đặt lịch")
        self.ok.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Đóng")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Dịch vụ", self.service)
        form.addRow("Ngày", self.day)
        form.addRow("Giờ hẹn", self.slots)
        form.addRow("Liên hệ", self.contact)
        note = QLabel("Tab: sang ô sau · mũi tên: chọn · Enter: đặt lịch · Esc: đóng", self)
        note.setStyleSheet("color: #4a5868;")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.setTabOrder(self.service, self.day)
        self.setTabOrder(self.day, self.slots)
        self.setTabOrder(self.slots, self.contact)
        self._fill_days()
        self.day.setFocus()

    def _fill_days(self) -> None:
        self.day.clear()
        for day, slots in self.offer.days.get(str(self.service.currentData()), []):
            self.day.addItem(f"{WEEKDAYS_VI[day.weekday()]} {day:%d/%m/%Y} · {len(slots)} giờ trống", day)
        self._fill_slots()

    def _current_slots(self) -> tuple[Slot, ...]:
        wanted = self.day.currentData()
        for day, slots in self.offer.days.get(str(self.service.currentData()), []):
            if day == wanted:
                return slots
        return ()

    def _fill_slots(self) -> None:
        self.slots.clear()
        for slot in self._current_slots():
            start, end = slot.start.astimezone(self.tz), slot.end.astimezone(self.tz)
            self.slots.addItem(f"{start:%H:%M}–{end:%H:%M} · còn {slot.capacity - slot.taken} chỗ")
        self.slots.setCurrentRow(0)
        self.ok.setEnabled(self.slots.count() > 0)

    def choice(self) -> tuple[str, datetime, str | None] | None:
        slots = self._current_slots()
        row = self.slots.currentRow()
        if not 0 <= row < len(slots):
            return None
        contact = self.contact.text().strip() or None
        return str(self.service.currentData()), slots[row].start, contact

    @classmethod
    def ask(cls, parent: QWidget, offer: Offer, tz: ZoneInfo) -> tuple[str, datetime, str | None] | None:
        dialog = cls(parent, offer, tz)
        try:
            return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
