"""A QR code drawn as crisp squares at any size (for a phone photo of the screen)."""

from __future__ import annotations

import qrcode
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class QrView(QWidget):
    def __init__(self, side: int = 360, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._matrix: list[list[bool]] = []
        self.payload = ""
        self.setMinimumSize(side, side)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._side = side
        self.design_side = side  # kiosk.scale sizes it from this on every resize

    def sizeHint(self) -> QSize:
        return QSize(self._side, self._side)

    def set_side(self, side: int) -> None:
        self._side = side
        self.setFixedSize(side, side)

    def set_payload(self, payload: str) -> None:
        self.payload = payload
        code = qrcode.QRCode(border=2, box_size=1, error_correction=qrcode.constants.ERROR_CORRECT_M)
        code.add_data(payload)
        self._matrix = code.get_matrix()
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        if not self._matrix:
            return
        n = len(self._matrix)
        box = min(self.width(), self.height()) / n
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("black"))
        for y, row in enumerate(self._matrix):
            for x, dark in enumerate(row):
                if dark:
                    painter.drawRect(QRectF(x * box, y * box, box + 0.5, box + 0.5))
