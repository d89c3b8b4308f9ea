"""When the paper did not come out: the number is still valid, shown large with its QR code."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from common.core.model import Issued
from kiosk.qr_view import QrView
from kiosk.texts import tr
from kiosk.theme import px_font
from kiosk.ticket_facts import TicketFacts


class PrintFailedPanel(QWidget):
    """Signals:
        reprint_requested(): "In lại" — print the same ticket again.
        dismissed(): "Xong".
    """

    reprint_requested = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.alert = QWidget(objectName="alert")
        self.alert.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.message = QLabel()
        self.message.setFont(px_font(40, bold=True))
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel()
        self.hint.setFont(px_font(30))
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box = QVBoxLayout(self.alert)
        box.setContentsMargins(24, 16, 24, 16)
        box.addWidget(self.message)
        box.addWidget(self.hint)
        self.facts = TicketFacts(150, 30)
        self.qr = QrView(420)
        self.reprint = QPushButton(objectName="primary")
        self.reprint.setFont(px_font(38, bold=True))
        self.reprint.clicked.connect(self.reprint_requested)
        self.done = QPushButton(objectName="secondary")
        self.done.setFont(px_font(38, bold=True))
        self.done.clicked.connect(self.dismissed)
        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.addWidget(self.facts, 3)
        self.body.addWidget(self.qr, 2, Qt.AlignmentFlag.AlignCenter)
        buttons = QHBoxLayout()
        buttons.setSpacing(28)
        buttons.addWidget(self.reprint)
        buttons.addWidget(self.done)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 20, 40, 24)
        layout.setSpacing(20)
        layout.addWidget(self.alert)
        layout.addLayout(self.body, 1)
        layout.addLayout(buttons)
        self.issued: Issued | None = None

    reason: str | None = None  # why the printer failed, set by the window before show_ticket

    def show_ticket(self, issued: Issued, lang: str, tz: ZoneInfo, qr_payload: str) -> None:
        self.issued = issued
        self.message.setText(tr(lang, "print_failed"))
        # the printer's own reason (Vietnamese, as recorded for the supervisor) helps staff fix it
        why = tr(lang, "print_reason", reason=self.reason) + " " if self.reason else ""
        self.hint.setText(why + tr(lang, "print_failed_hint"))
        self.facts.show_ticket(issued, lang, tz)
        self.qr.set_payload(qr_payload)
        self.reprint.setText(tr(lang, "reprint"))
        self.done.setText(tr(lang, "done"))

    def set_busy(self, busy: bool, lang: str) -> None:
        self.reprint.setEnabled(not busy)
        self.reprint.setText(tr(lang, "printing" if busy else "reprint"))

    def set_portrait(self, portrait: bool) -> None:
        """QR code below the facts on an upright screen, beside them on a wide one (set before resizing)."""
        self.body.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
