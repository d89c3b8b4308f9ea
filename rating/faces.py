"""The four choices' faces, drawn with QPainter: no image files, so nothing to license or ship.

A face is a filled circle with two eyes and a mouth whose curve goes from a broad smile
(Rất hài lòng) to a frown (Không hài lòng). Colour and shape both carry the meaning, so
a colour-blind citizen reads the mouth.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from common.store.rating import Score

# Fill colours, each dark-outlined so that it stands out on the white tile.
FILL = {Score.VERY_SATISFIED: "#2e9d44", Score.SATISFIED: "#8cc63f", Score.NEUTRAL: "#ffc107",
        Score.UNSATISFIED: "#e53935"}
# The mouth's bend: the control point's offset below the corners, as a share of the radius.
SMILE = {Score.VERY_SATISFIED: 0.55, Score.SATISFIED: 0.3, Score.NEUTRAL: 0.0, Score.UNSATISFIED: -0.35}
INK = "#102030"


def draw_face(p: QPainter, box: QRectF, score: Score) -> None:
    """Draw ``score``'s face centred in ``box`` (the largest circle that fits)."""
    r = min(box.width(), box.height()) / 2 * 0.94
    c = box.center()
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(QColor(INK), max(2.0, r * 0.07)))
    p.setBrush(QColor(FILL[score]))
    p.drawEllipse(c, r, r)
    p.setBrush(QColor(INK))
    p.setPen(Qt.PenStyle.NoPen)
    for dx in (-0.35, 0.35):
        p.drawEllipse(QPointF(c.x() + dx * r, c.y() - 0.25 * r), 0.1 * r, 0.13 * r)
    pen = QPen(QColor(INK), max(2.0, r * 0.1))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    bend = SMILE[score]
    corner_y = c.y() + (0.3 if bend >= 0 else 0.45) * r
    mouth = QPainterPath(QPointF(c.x() - 0.45 * r, corner_y))
    mouth.quadTo(QPointF(c.x(), corner_y + 2 * bend * r), QPointF(c.x() + 0.45 * r, corner_y))
    p.drawPath(mouth)
    p.restore()
