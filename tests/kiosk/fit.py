"""What "fits" means for a kiosk screen: nothing clipped or elided, nothing overlapping, fingers' worth of target.

Used by tests/kiosk/test_fit.py over every common panel; the same renders are the
gallery in docs/screenshots/kiosk/.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

# A 21.5" 1920x1080 panel: 2203 px on a 21.5" diagonal = 102.5 dpi; 15 mm = 0.59 in.
PANEL_DPI = math.hypot(1920, 1080) / 21.5
MIN_TARGET_PX = math.ceil(15 / 25.4 * PANEL_DPI)  # 61 px

SIZES = [(1024, 768), (1280, 800), (1366, 768), (1280, 1024), (1920, 1080), (768, 1366), (1080, 1920)]


def rect_in(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def shown(window: QWidget) -> list[QWidget]:
    """The widgets a citizen sees and reads or taps: labels with text, buttons, and the QR code."""
    out = []
    for w in window.findChildren(QWidget):
        if not w.isVisibleTo(window):
            continue
        if isinstance(w, QAbstractButton) or (isinstance(w, QLabel) and w.text().strip()) \
                or type(w).__name__ == "QrView":
            out.append(w)
    return out


def problems(window: QWidget) -> list[str]:
    """Every way the current screen fails to fit; empty when it fits."""
    found: list[str] = []
    widgets = shown(window)
    bounds = QRect(QPoint(0, 0), window.size())
    for w in widgets:
        name = _name(w)
        r = rect_in(w, window)
        # clipped by the window or by any ancestor
        parent = w.parentWidget()
        if not bounds.contains(r):
            found.append(f"{name} {r.getRect()} outside the window {window.width()}x{window.height()}")
        while parent is not None and parent is not window:
            if not rect_in(parent, window).contains(r):
                found.append(f"{name} clipped by its parent {_name(parent)}")
                break
            parent = parent.parentWidget()
        if isinstance(w, QLabel):
            found += _label_cut(w, name)
        if isinstance(w, QAbstractButton) and min(w.width(), w.height()) < MIN_TARGET_PX:
            found.append(f"{name} is {w.width()}x{w.height()} px, under {MIN_TARGET_PX} px (15 mm)")
    for i, a in enumerate(widgets):
        for b in widgets[i + 1:]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue  # a label inside its button is the button's face
            if rect_in(a, window).intersects(rect_in(b, window)):
                found.append(f"{_name(a)} overlaps {_name(b)}")
    return found


def _label_cut(label: QLabel, name: str) -> list[str]:
    room = label.contentsRect()
    metrics = label.fontMetrics()
    if label.wordWrap():
        need_h = label.heightForWidth(label.width())
        longest_word = max((metrics.horizontalAdvance(word) for word in label.text().split()), default=0)
        if longest_word > room.width():
            return [f"{name}: a word is wider than the label ({longest_word} > {room.width()})"]
    else:
        lines = label.text().splitlines() or [""]
        need_w = max(metrics.horizontalAdvance(line) for line in lines)
        if need_w > room.width():
            return [f"{name}: text needs {need_w} px, has {room.width()} (cut or elided)"]
        need_h = metrics.height() * len(lines)
    if need_h > label.height():
        return [f"{name}: text needs {need_h} px of height, has {label.height()}"]
    return []


def _name(w: QWidget) -> str:
    text = w.text()[:30] if isinstance(w, (QLabel, QAbstractButton)) else ""
    return f"{type(w).__name__}({w.objectName() or ''}{':' if text else ''}{text!r})"
