"""The confirmation: the committed ticket, its QR code, and whether the paper is coming."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from common.core.model import Issued
from kiosk.qr_view import QrView
from kiosk.texts import tr
from kiosk.theme import BLUE, GREEN, px_font
from kiosk.ticket_facts import TicketFacts


class ConfirmationScreen(QWidget):
    """Signals:
        dismissed(): tapped anywhere, or "Xong".
    """

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.facts = TicketFacts()
        self.qr = QrView(380)
        self.scan = QLabel()
        self.scan.setFont(px_font(30))
        self.scan.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason = QLabel()  # a check-in (issue 19): booked, or late and queued as a normal ticket
        self.reason.setFont(px_font(30, bold=True))
        self.reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet(f"color: {BLUE};")
        self.reason.hide()
        self.reasons: tuple[str, str] | None = None
        self.status = QLabel()
        self.status.setFont(px_font(42, bold=True))
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"color: {GREEN};")
        self.done = QPushButton(objectName="primary")
        self.done.setFont(px_font(36, bold=True))
        self.done.clicked.connect(self.dismissed)
        qr_column = QVBoxLayout()
        qr_column.addStretch(1)
        qr_column.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        qr_column.addWidget(self.scan)
        qr_column.addStretch(1)
        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.addWidget(self.facts, 3)
        self.body.addLayout(qr_column, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 36)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.reason)
        layout.addWidget(self.status)
        layout.addWidget(self.done)
        self.issued: Issued | None = None
        self.state = "printing"

    def show_ticket(self, issued: Issued, lang: str, tz: ZoneInfo, qr_payload: str) -> None:
        self.issued = issued
        self.facts.show_ticket(issued, lang, tz)
        self.qr.set_payload(qr_payload)
        self.scan.setText(tr(lang, "scan"))
        self.done.setText(tr(lang, "done"))
        self.reason.setVisible(self.reasons is not None)
        if self.reasons is not None:
            self.reason.setText(self.reasons[1] if lang == "en" else self.reasons[0])
        self.set_state(self.state, lang)

    def set_state(self, state: str, lang: str) -> None:
        """``printing``, ``printed``, ``sent`` (no status from the printer) or ``no_printer``."""
        self.state = state
        self.status.setText(tr(lang, state))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.dismissed.emit()
        event.accept()

    def set_portrait(self, portrait: bool) -> None:
        """QR code below the facts on an upright screen, beside them on a wide one (set before resizing)."""
        self.body.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
