"""Tickets this counter set aside; F8 takes back the selected one (the first by default)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from common.core.model import Ticket
from ui.style import font


class HeldList(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("Vé đang giữ (F8 để nhận lại)", self)
        title.setFont(font(11, bold=True))
        self.list = QListWidget(self)
        self.list.setFont(font(12))
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setMaximumHeight(90)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.list)
        self.tickets: tuple[Ticket, ...] = ()
        self.hide()

    def show_tickets(self, tickets: tuple[Ticket, ...]) -> None:
        selected = self.selected()
        self.tickets = tickets
        self.list.clear()
        for ticket in tickets:
            item = QListWidgetItem(f"{ticket.code}  ·  {ticket.service_name_vi}")
            self.list.addItem(item)
            if ticket.code == selected:
                self.list.setCurrentRow(self.list.count() - 1)
        self.setVisible(bool(tickets))

    def selected(self) -> str | None:
        """The code F8 resumes: the highlighted ticket, else the first one held."""
        # currentRow(), not currentItem(): PySide6 6.12's currentItem() over-releases the None it
        # returns for an empty selection, and the interpreter later aborts on it.
        row = self.list.currentRow()
        if 0 <= row < len(self.tickets):
            return self.tickets[row].code
        return self.tickets[0].code if self.tickets else None
