"""Sizes and colours for a touchscreen read from a metre away by elderly citizens.

Touch targets: 20 mm. We assume a 21.5" full-HD panel (~102 dpi) up to a 15.6" one
(~141 dpi): 20 mm is 80–111 px, so every target is at least TOUCH_PX = 120 px.
Colours: white on deep blue (contrast 11:1), black on amber for priority (8:1).
"""

from __future__ import annotations

from PySide6.QtGui import QFont

from ui.style import FONT_FAMILY

TOUCH_PX = 120
BLUE = "#0b3d6b"
BLUE_PRESSED = "#062544"
AMBER = "#f2a900"
AMBER_PRESSED = "#b37d00"  # every button darkens the moment it is touched: the citizen sees the tap landed
SECONDARY_PRESSED = "#cfdbe8"
RED = "#b00020"
GREEN = "#1b6e20"
PAGE = "#eef2f6"
INK = "#111111"
GREY = "#c9ced4"
GREY_INK = "#3c4248"


def px_font(pixels: int, *, bold: bool = False) -> QFont:
    """A font sized in pixels: a kiosk is designed for its screen, not for the desktop's dpi setting."""
    f = QFont(FONT_FAMILY)
    f.setPixelSize(pixels)
    f.setBold(bold)
    return f


def style(touch_px: int = TOUCH_PX) -> str:
    """The style sheet with buttons at least ``touch_px`` high (smaller panels scale it down, never below 15 mm)."""
    return STYLE.replace(f"min-height: {TOUCH_PX}px", f"min-height: {touch_px}px")


STYLE = f"""
QWidget#page {{ background: {PAGE}; }}
QLabel {{ color: {INK}; }}
QPushButton {{ font-family: "{FONT_FAMILY}"; border-radius: 18px; min-height: {TOUCH_PX}px; padding: 8px 28px; }}
QPushButton#primary {{ background: {BLUE}; color: white; border: 3px solid {BLUE}; }}
QPushButton#primary:pressed {{ background: {BLUE_PRESSED}; }}
QPushButton#priority {{ background: {AMBER}; color: black; border: 3px solid #8a5a00; }}
QPushButton#priority:pressed {{ background: {AMBER_PRESSED}; }}
QPushButton#secondary {{ background: white; color: {BLUE}; border: 3px solid {BLUE}; }}
QPushButton#secondary:pressed {{ background: {SECONDARY_PRESSED}; }}
QPushButton#service {{ background: {BLUE}; border: 3px solid {BLUE}; text-align: left; }}
QPushButton#service:pressed {{ background: {BLUE_PRESSED}; }}
QPushButton#service:disabled {{ background: {GREY}; border: 3px dashed #8d949b; }}
QWidget#header {{ background: {BLUE}; }}
QWidget#header QLabel {{ color: white; }}
QWidget#banner {{ background: {AMBER}; border-radius: 12px; }}
QWidget#alert {{ background: {RED}; border-radius: 16px; }}
QWidget#alert QLabel {{ color: white; }}
"""
