"""Today's bookings for this counter's services (issue 19), and the clerk's "book for a citizen on the phone".

The list is compact: slot, the code's last 4 (enough to match a citizen's slip, too little to
cancel with) and the state, with a count of those still to come. It is read on its own worker
(the desk's worker answers only the desk's tags) when the desk's view first names the counter's
services, then at most every ``REFRESH_SECONDS`` as desk views arrive, and after each booking made here.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from common.core.bookings import Booking, BookingState, Slot
from common.core.errors import MotcuaError
from common.store import Store
from common.views.clerk_stats import DeskView
from counter.booking_dialog import BookingDialog, Offer
from ui import numbers
from ui.style import font
from ui.worker import Runner

REFRESH_SECONDS = 20.0  # desk views arrive on every change in the office; bookings change far less often
STATE_VI = {BookingState.BOOKED: "Chưa đến", BookingState.CHECKED_IN: "Đã lấy số",
            BookingState.CANCELLED: "Đã huỷ", BookingState.NO_SHOW: "Không đến"}
BOOK_KEY = "Ctrl+H"
LIST_HEIGHT = 130  # about four bookings; the rest scroll


@dataclass(frozen=True)
class DayBookings:
    bookings: tuple[Booking, ...]
    at: datetime

    @property
    def to_come(self) -> int:
        return sum(1 for b in self.bookings if b.state == BookingState.BOOKED and b.slot_end > self.at)


def read_day(store: Store, services: tuple[str, ...]) -> DayBookings:
    found = store.bookings_for_day(store.today, services)
    return DayBookings(tuple(sorted(found, key=lambda b: (b.slot_start, b.code))), store.clock.now())


def read_offer(store: Store, services: Sequence[tuple[str, str]]) -> Offer:
    """Every free slot the clerk may offer, per service and day (read once, before the dialog opens)."""
    now = store.clock.now()
    days: dict[str, list[tuple[date, tuple[Slot, ...]]]] = {}
    for code, _name in services:
        for day in store.booking_days(code):
            free = tuple(s for s in store.booking_slots(code, day) if s.capacity > s.taken and s.start > now)
            if free:
                days.setdefault(code, []).append((day, free))
    return Offer(tuple((code, name) for code, name in services if code in days), days)


def line(booking: Booking, tz: ZoneInfo) -> str:
    start = booking.slot_start.astimezone(tz).strftime("%H:%M")
    return f"{start}  ·  …{booking.code[-4:]}  ·  {booking.service}  ·  {STATE_VI.get(booking.state, booking.state)}"


class BookingsPanel(QFrame):
    """Signals:
        said(str, str): (message, kind) for the window's message line ("info" or "warning").
    """

    said = Signal(str, str)

    def __init__(self, store: Store, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.tz = store, tz
        self.setObjectName("bookings")
        self.setStyleSheet("QFrame#bookings { background: #f4f6f8; border-radius: 8px; }")
        self.runner = Runner(self, name="motcua-counter-bookings")
        self.runner.succeeded.connect(self._succeeded)
        self.runner.failed.connect(self._failed)
        title = QLabel("Lịch hẹn hôm nay", self)
        title.setFont(font(14, bold=True))
        self.count = QLabel("–", self)
        self.count.setFont(font(11, bold=True))
        self.book_button = QPushButton(f"Đặt hẹn cho công dân… ({BOOK_KEY})", self)
        self.book_button.setFont(font(10.5))
        self.book_button.clicked.connect(self.open_booking)
        self.list = QListWidget(self)
        self.list.setFont(font(11))
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setMaximumHeight(LIST_HEIGHT)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addLayout(top)
        layout.addWidget(self.list)
        layout.addWidget(self.book_button)
        self.services: tuple[tuple[str, str], ...] = ()
        self.day: DayBookings | None = None
        self._read_at = -1e9

    def bind_keys(self, window: QWidget) -> None:
        QShortcut(QKeySequence(BOOK_KEY), window).activated.connect(self.open_booking)

    # -- reading
    def seen(self, view: DeskView, counter: int) -> None:
        """A desk view: re-read the bookings if the services changed or the list is old."""
        mine = next((c for c in view.snapshot.counters if c.counter.number == counter), None)
        if mine is None:
            return
        services = tuple((code, view.snapshot.service(code).service.name_vi) for code in mine.counter.services)
        if services != self.services or time.monotonic() - self._read_at > REFRESH_SECONDS:
            self.services = services
            self.refresh()

    def refresh(self) -> None:
        if self.services:
            self._read_at = time.monotonic()
            self.runner.submit("read", read_day, self.store, tuple(code for code, _ in self.services))

    def show_day(self, day: DayBookings) -> None:
        self.day = day
        self.list.clear()
        for booking in day.bookings:
            self.list.addItem(line(booking, self.tz))
        if not day.bookings:
            self.list.addItem("Không có lịch hẹn hôm nay")
        # An empty day takes one line, so that the queue above shows three more tickets at 1366×768.
        one_line = self.list.sizeHintForRow(0) + 2 * self.list.frameWidth() + 4
        self.list.setMaximumHeight(LIST_HEIGHT if day.bookings else max(one_line, 28))
        self.count.setText(f"Còn {numbers.integer(day.to_come)} lượt hẹn sắp đến")

    # -- booking for a citizen on the phone
    def open_booking(self) -> None:
        if self.services:
            self.runner.submit("offer", read_offer, self.store, self.services)

    def _ask(self, offer: Offer) -> None:
        if not offer.services:
            self.said.emit("Không còn giờ hẹn trống cho các dịch vụ của quầy.", "info")
            return
        answer = BookingDialog.ask(self.window(), offer, self.tz)
        if answer is not None:
            service, start, contact = answer
            self.runner.submit("book", self.store.book, service, start, contact, source="counter")

    def _succeeded(self, tag: str, value: object) -> None:
        if tag == "read" and isinstance(value, DayBookings):
            self.show_day(value)
        elif tag == "offer" and isinstance(value, Offer):
            self._ask(value)
        elif tag == "book" and isinstance(value, Booking):
            local = value.slot_start.astimezone(self.tz)
            self.said.emit(f"Đã đặt lịch {value.service} lúc {local:%H:%M} ngày {local:%d/%m/%Y}: "
                           f"mã hẹn {value.code} (đọc cho công dân)", "info")
            self.refresh()

    def _failed(self, tag: str, exc: object) -> None:
        if isinstance(exc, MotcuaError):
            self.said.emit(str(getattr(exc, "vi", "") or exc), "warning")
        elif tag != "read":
            self.said.emit("Chưa đặt được lịch hẹn. Vui lòng thử lại.", "warning")

    def close_worker(self) -> None:
        self.runner.shutdown()
