"""The committed ticket as a citizen reads it: the big number, the service and what to expect."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from common.core.model import Issued
from kiosk.texts import minutes, tr
from kiosk.theme import BLUE, px_font
from ui.automation import tag


class TicketFacts(QWidget):
    def __init__(self, number_px: int = 200, line_px: int = 34, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel()
        self.caption.setFont(px_font(40))
        self.number = QLabel()
        tag(self.number, "ticket-number")
        self.number.setFont(px_font(number_px, bold=True))
        self.number.setStyleSheet(f"color: {BLUE};")
        self.service = QLabel()
        self.service.setFont(px_font(44, bold=True))
        self.lines = [QLabel() for _ in range(4)]
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.setContentsMargins(0, 0, 0, 0)
        for label in (self.caption, self.number, self.service, *self.lines):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(label is not self.number)
            layout.addWidget(label)
        for label in self.lines:
            label.setFont(px_font(line_px))
        self.priority_names: dict[str, tuple[str, str]] = {}

    def show_ticket(self, issued: Issued, lang: str, tz: ZoneInfo) -> None:
        t = issued.ticket
        self.caption.setText(tr(lang, "your_number"))
        self.number.setText(t.code)
        service = t.service_name_en if lang == "en" else t.service_name_vi
        if t.priority_category:
            vi, en = self.priority_names.get(t.priority_category, (t.priority_category,) * 2)
            service = f"{service}\n{tr(lang, 'priority')}: {en if lang == 'en' else vi}"
        if t.booked:  # issue 19: a booking checked in within its window
            service = f"{service}\n{tr(lang, 'booked')}" + (f" · {t.booking_code}" if t.booking_code else "")
        self.service.setText(service)
        counters = ", ".join(str(c) for c in issued.counters) or "—"
        # no counter open or on a break when it was issued: no wait is promised (common.core.estimate)
        wait = tr(lang, "no_counter") if t.no_counter_open else tr(lang, "wait", m=minutes(t.estimated_wait_seconds))
        texts = (tr(lang, "counters", counters=counters), tr(lang, "ahead", n=t.people_ahead), wait,
                 tr(lang, "issued_at", time=f"{t.issued_at.astimezone(tz):%H:%M  %d/%m/%Y}"))
        for label, text in zip(self.lines, texts, strict=True):
            label.setText(text)
        font = self.lines[2].font()
        font.setBold(t.no_counter_open)  # "no counter open" must not read as one more routine line
        self.lines[2].setFont(font)
