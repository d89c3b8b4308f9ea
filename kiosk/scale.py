"""One design, every panel: the kiosk is drawn for 1920x1080 and scaled to the window it gets.

Fonts are set in pixels (a kiosk is designed for its screen), so a 1366x768 panel
showed the 1080p sizes and clipped the ticket number. Each widget keeps its design
sizes in properties the first time it is scaled; every resize re-derives the
real ones from them, so scaling twice never compounds.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLayout, QStackedWidget, QWidget

from kiosk.theme import TOUCH_PX

DESIGN = (1920, 1080)  # landscape; portrait is the same turned upright
MIN_TARGET = 64  # px: 15 mm on a 21.5" full-HD panel (61 px), with a little to spare
MIN_FONT = 14


def factor(width: int, height: int) -> float:
    """How much of the design fits: the tighter of the two directions, never more than 1."""
    w, h = DESIGN if width >= height else DESIGN[::-1]
    return min(1.0, width / w, height / h)


def scaled(px: int, k: float, floor: int = MIN_FONT) -> int:
    return max(floor, round(px * k))


def apply(root: QWidget, k: float) -> None:
    """Set every font and minimum height under ``root`` to its design size times ``k``."""
    for w in [root, *root.findChildren(QWidget)]:
        base_font = w.property("design_px")
        if base_font is None:
            base_font = w.font().pixelSize()
            w.setProperty("design_px", base_font)
        if base_font > 0:
            font = w.font()
            font.setPixelSize(scaled(base_font, k))
            w.setFont(font)
        base_min = w.property("design_min_h")
        if base_min is None:
            base_min = w.minimumHeight()
            w.setProperty("design_min_h", base_min)
        if base_min > 0:
            w.setMinimumHeight(scaled(base_min, k, MIN_TARGET if base_min >= MIN_TARGET else 0))
        layout = w.layout()
        if layout is not None:
            _scale_layout(layout, k)
        side = getattr(w, "design_side", None)
        if side is not None:
            w.set_side(scaled(side, k, 120))


def _scale_layout(layout: QLayout, k: float) -> None:
    """Margins and spacing scale with the fonts: fixed 36 px margins made a scaled screen taller than the panel."""
    design = layout.property("design_box")
    if design is None:
        m = layout.contentsMargins()
        design = [m.left(), m.top(), m.right(), m.bottom(), layout.spacing()]
        layout.setProperty("design_box", design)
    left, top, right, bottom, spacing = (round(v * k) if v > 0 else v for v in design)
    layout.setContentsMargins(left, top, right, bottom)
    if spacing >= 0:
        layout.setSpacing(spacing)
    for i in range(layout.count()):
        child = layout.itemAt(i).layout()
        if child is not None:
            _scale_layout(child, k)


def touch_px(k: float) -> int:
    """The style sheet's minimum button height at this scale."""
    return scaled(TOUCH_PX, k, MIN_TARGET)


def fit_wrapped(root: QWidget) -> bool:
    """Give each visible word-wrapped label the height its text needs at its width; True if any changed.

    Qt's layouts under a size-unconstrained window do not always ask a wrapped label
    for its height-for-width, and a long office or service name then lost its last line.
    """
    changed = False
    for label in root.findChildren(QLabel):
        if not label.wordWrap() or not label.isVisibleTo(root) or not label.text():
            continue
        need = label.heightForWidth(label.width()) if label.width() > 0 else -1
        if need > 0 and need != label.minimumHeight():
            label.setMinimumHeight(need)
            changed = True
    return changed


def squeezed(root: QWidget) -> bool:
    """True if the layout gave some visible label less room than its text needs (the screen is over-full)."""
    for w in root.findChildren(QWidget):
        if isinstance(w, QStackedWidget) or w.layout() is None or not w.isVisibleTo(root):
            continue  # (a stack's minimum is its largest page, not the one shown)
        if w.minimumSizeHint().height() > w.height() + 1:
            return True  # e.g. a label-faced button or the ticket's facts shorter than their labels: overlap
    for label in root.findChildren(QLabel):
        if not label.isVisibleTo(root) or not label.text():
            continue
        metrics = label.fontMetrics()
        if label.wordWrap():
            if label.heightForWidth(label.width()) > label.height():
                return True
        else:
            lines = label.text().splitlines() or [""]
            if (max(metrics.horizontalAdvance(line) for line in lines) > label.contentsRect().width()
                    or metrics.height() * len(lines) > label.height()):
                return True
    return False
