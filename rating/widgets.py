"""The panel's parts: a face tile per choice, a reason toggle, and big text. Each draws one thing."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractButton, QLabel, QPushButton, QSizePolicy, QWidget

from common.store.rating import Score
from rating.faces import INK, draw_face
from ui.style import FONT_FAMILY

BG, TILE, TILE_DOWN, ACCENT, DIM = "#0b1f3a", "#ffffff", "#dde6f0", "#ffd23f", "#c9d6e8"
TOUCH_MM = 22  # every target at least this wide and tall (the brief: ≥ 20 mm)


def px_font(pixels: float, *, bold: bool = False) -> QFont:
    f = QFont(FONT_FAMILY)
    f.setPixelSize(max(10, int(pixels)))
    f.setBold(bold)
    return f


def mm_to_px(widget: QWidget, mm: float) -> int:
    """Millimetres on this screen; never fewer than 4 px a millimetre (a 100-dpi monitor)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    dpi = screen.physicalDotsPerInch() if screen is not None else 96.0
    return int(mm * max(dpi / 25.4, 4.0))


def text_label(text: str = "", color: str = "#ffffff") -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(True)
    lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
    lab.setStyleSheet(f"color: {color}; background: transparent;")
    lab.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return lab


class ChoiceTile(QAbstractButton):
    """One of the four choices: a white tile with a face above its label, dark text for contrast."""

    def __init__(self, score: Score, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.score = score
        self.setText(score.label_vi)
        self.setAccessibleName(f"{score.label_vi} ({score.label_en})")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        side = mm_to_px(self, TOUCH_MM)
        self.setMinimumSize(side, side)

    def sizeHint(self) -> QSize:
        return QSize(260, 300)

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        r = QRectF(self.rect()).adjusted(2, 2, -2, -2)
        down = self.isDown()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(TILE_DOWN if down or not self.isEnabled() else TILE))
        p.drawRoundedRect(r, 18, 18)
        # The face and its label as one group, centred: a tall tile (portrait) never parts them.
        side = min(r.width() * 0.72, r.height() * 0.6)
        font = px_font(min(side * 0.2, r.width() / 8.5), bold=True)
        label_h = font.pixelSize() * 2.6  # room for two lines ("Không hài lòng" may wrap)
        top = r.center().y() - (side + label_h) / 2
        draw_face(p, QRectF(r.center().x() - side / 2, top, side, side), self.score)
        p.setPen(QColor(INK))
        p.setFont(font)
        text_box = QRectF(r.left() + 6, top + side + font.pixelSize() * 0.3, r.width() - 12, label_h)
        p.drawText(text_box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                   self.text())
        p.end()


class ReasonButton(QPushButton):
    """A reason, toggled by one tap; a tick and a yellow fill show it is chosen."""

    def __init__(self, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(reason, parent)
        self.reason = reason
        self.setCheckable(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(mm_to_px(self, TOUCH_MM))
        self.setStyleSheet(
            f"QPushButton {{ background: {TILE}; color: {INK}; border: 4px solid {TILE}; border-radius: 14px;"
            " padding: 8px 16px; }"
            f"QPushButton:checked {{ background: {ACCENT}; border-color: #ffffff; }}")
        self.toggled.connect(self._mark)

    def _mark(self, on: bool) -> None:
        self.setText(f"✓ {self.reason}" if on else self.reason)


class SendButton(QPushButton):
    """The big primary action on the reasons screen."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(mm_to_px(self, TOUCH_MM))
        self.setStyleSheet(
            "QPushButton { background: #2e9d44; color: #ffffff; border-radius: 14px; padding: 8px 24px; }"
            "QPushButton:pressed { background: #1f6e2f; } QPushButton:disabled { background: #5b6b7d; }")
