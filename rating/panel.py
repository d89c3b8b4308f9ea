"""The citizen-facing window: idle, ask (four faces), reasons, then thanks. It only shows and reports taps.

It knows nothing of the store: ``RatingController`` decides what to show and records
the rating off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QLayout, QStackedWidget, QVBoxLayout, QWidget

from common.store.rating import CHOICES
from rating.widgets import ACCENT, BG, DIM, ChoiceTile, ReasonButton, SendButton, px_font, text_label
from ui.outage import outage_text

QUESTION = "Quý vị có hài lòng với việc phục vụ hôm nay không?"
QUESTION_EN = "How satisfied are you with today's service?"
WHY = "Điều gì làm quý vị chưa hài lòng? (chạm để chọn, có thể chọn nhiều)"
THANKS = "Cảm ơn quý vị đã đánh giá!"
SEND = "Gửi đánh giá"
OFFLINE = outage_text()  # the one outage line of every app
W = TypeVar("W", bound=QWidget)


class RatingPanel(QWidget):
    """Signals:
        chosen(int): a face was tapped (its Score value).
        reasons_sent(list): the reasons screen was sent, with the reasons chosen (maybe none).
    """

    chosen = Signal(int)
    reasons_sent = Signal(list)

    def __init__(self, counter: int, reasons: Sequence[str]) -> None:
        super().__init__()
        self.counter = counter
        self.setWindowTitle(f"motcua – Đánh giá – Quầy {counter}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"RatingPanel {{ background: {BG}; }}")
        self.pages = QStackedWidget()
        page = QVBoxLayout(self)
        page.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        page.addWidget(self.pages)
        self._fonts: list[tuple[QWidget, float, bool]] = []
        self.idle = self._idle_page()
        self.ask_page, self.tiles = self._ask_page()
        self.reasons_page, self.reason_buttons, self.send = self._reasons_page(reasons)
        self.message_page, self.message = self._message_page()
        for name, widget in (("idle", self.idle), ("ask", self.ask_page), ("reasons", self.reasons_page),
                             ("message", self.message_page)):
            widget.setObjectName(name)
            self.pages.addWidget(widget)
        self.show_idle()

    # ---------------------------------------------------------------- what the controller calls
    @property
    def state(self) -> str:
        """idle | ask | reasons | message: what the citizen sees now."""
        return self.pages.currentWidget().objectName()

    def show_idle(self) -> None:
        self.pages.setCurrentWidget(self.idle)

    def ask(self, ticket_code: str) -> None:
        self.ticket.setText(f"Vé {ticket_code}  ·  Quầy số {self.counter}")
        for button in self.reason_buttons:
            button.setChecked(False)
        self.set_busy(False)
        self.pages.setCurrentWidget(self.ask_page)

    def show_reasons(self) -> None:
        self.pages.setCurrentWidget(self.reasons_page)

    def selected_reasons(self) -> list[str]:
        return [b.reason for b in self.reason_buttons if b.isChecked()]

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.pages.setCurrentWidget(self.message_page)

    def show_thanks(self) -> None:
        self.show_message(THANKS)

    def set_busy(self, busy: bool) -> None:
        """While a rating is being written, taps do nothing (a double tap rates once)."""
        for widget in (*self.tiles, *self.reason_buttons, self.send):
            widget.setEnabled(not busy)

    def set_online(self, online: bool) -> None:
        self.offline.setVisible(not online)

    # ---------------------------------------------------------------- the pages
    def _idle_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        hello = self._scaled(text_label("Xin kính chào quý vị", ACCENT), 9, bold=True)
        hint = self._scaled(text_label(f"Quầy số {self.counter}\nSau khi được phục vụ, mời quý vị đánh giá "
                                       "mức độ hài lòng tại đây.", DIM), 4.5)
        self.offline = self._scaled(text_label(OFFLINE, "#ffffff"), 3.5, bold=True)
        self.offline.setStyleSheet("color: #ffffff; background: #c62828; border-radius: 8px; padding: 6px;")
        self.offline.hide()
        box.addStretch(2)
        box.addWidget(hello)
        box.addWidget(hint)
        box.addStretch(3)
        box.addWidget(self.offline)
        return page

    def _ask_page(self) -> tuple[QWidget, list[ChoiceTile]]:
        page = QWidget()
        box = QVBoxLayout(page)
        self.ticket = self._scaled(text_label("", DIM), 4.2, bold=True)
        question = self._scaled(text_label(QUESTION), 6, bold=True)
        english = self._scaled(text_label(QUESTION_EN, DIM), 3.2)
        self.tile_grid = QGridLayout()
        self.tile_grid.setSpacing(24)
        tiles = []
        for i, score in enumerate(CHOICES):
            tile = ChoiceTile(score)
            tile.clicked.connect(lambda _=False, s=score: self.chosen.emit(int(s)))
            self.tile_grid.addWidget(tile, 0, i)
            tiles.append(tile)
        box.addWidget(self.ticket)
        box.addWidget(question)
        box.addWidget(english)
        box.addLayout(self.tile_grid, 1)
        return page, tiles

    def _arrange_tiles(self, portrait: bool) -> None:
        """One row on a landscape screen, two by two on a portrait tablet."""
        for i, tile in enumerate(self.tiles):
            self.tile_grid.removeWidget(tile)
            self.tile_grid.addWidget(tile, *((i // 2, i % 2) if portrait else (0, i)))

    def _reasons_page(self, reasons: Sequence[str]) -> tuple[QWidget, list[ReasonButton], SendButton]:
        page = QWidget()
        box = QVBoxLayout(page)
        why = self._scaled(text_label(WHY), 5, bold=True)
        grid = QGridLayout()
        grid.setSpacing(20)
        buttons = []
        for i, reason in enumerate(reasons):
            button = self._scaled(ReasonButton(reason), 4.4, bold=True)
            grid.addWidget(button, i // 2, i % 2)
            buttons.append(button)
        send = self._scaled(SendButton(SEND), 5, bold=True)
        send.clicked.connect(lambda: self.reasons_sent.emit(self.selected_reasons()))
        box.addWidget(why)
        box.addLayout(grid, 1)
        box.addWidget(send)
        return page, buttons, send

    def _message_page(self) -> tuple[QWidget, QLabel]:
        page = QWidget()
        box = QVBoxLayout(page)
        text = self._scaled(text_label("", ACCENT), 7, bold=True)
        box.addWidget(text)
        return page, text

    # ---------------------------------------------------------------- sizes follow the screen
    def _scaled(self, widget: W, size: float, *, bold: bool = False) -> W:
        self._fonts.append((widget, size, bold))
        return widget

    def resizeEvent(self, event: QResizeEvent) -> None:
        unit = min(event.size().height(), event.size().width() * 0.75) / 100
        self._arrange_tiles(event.size().height() > event.size().width())
        for widget, size, bold in self._fonts:
            widget.setFont(px_font(size * unit, bold=bold))
        super().resizeEvent(event)
