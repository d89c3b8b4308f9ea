"""Fonts and the application object, set up the same way by every app."""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ui import refcount_guard

# Named explicitly: DejaVu Sans draws every Vietnamese diacritic, and installing other
# fonts (Noto, say) would otherwise change what the default family resolves to.
FONT_FAMILY = "DejaVu Sans"


def font(point_size: float, *, bold: bool = False) -> QFont:
    f = QFont(FONT_FAMILY)
    f.setPointSizeF(point_size)
    f.setBold(bold)
    return f


def application(name: str) -> QApplication:
    """The QApplication, created once, with the app's name and the Vietnamese-safe font."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(f"motcua-{name}")
    app.setOrganizationName("motcua")
    app.setFont(font(11))
    refcount_guard.install(app)  # PySide6 6.12 on Python 3.11 only; see the module
    return app


def font_is_available() -> bool:
    return FONT_FAMILY in QFontDatabase.families()
