"""Every kiosk screen fits every common panel, in Vietnamese and English, normal and priority, longest names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from common.store import Store
from kiosk.window import KioskWindow
from tests.kiosk.conftest import MakeWindow
from tests.kiosk.fit import SIZES, problems

LONGEST = "KD"  # "Đăng ký kinh doanh – Kế hoạch và Đầu tư" / "Business registration – Planning and investment"
SCREENS = ("home", "home-priority", "priority", "confirm", "confirm-priority", "failed-priority")
GALLERY = os.environ.get("MOTCUA_KIOSK_GALLERY")  # a folder: also save every render there as a PNG


def show(window: KioskWindow, store: Store, screen: str, lang: str) -> None:
    window.set_language(lang)
    if screen == "priority":
        window.stack.setCurrentWidget(window.priority)
    elif screen == "home-priority":
        window.choose_category("elderly")
    elif screen != "home":
        issued = store.issue_ticket(LONGEST, "elderly" if "priority" in screen else None)
        issued = type(issued)(issued.ticket, (1, 2, 8))  # three counters, as the issue's example
        qr = window._qr(issued.ticket)
        panel = window.failure if screen.startswith("failed") else window.confirm
        if panel is window.confirm:
            window.confirm.state = "printed"
        panel.show_ticket(issued, lang, window.config.tz, qr)
        window.stack.setCurrentWidget(panel)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_screen_fits(qtbot: QtBot, store: Store, make_window: MakeWindow, size: tuple[int, int]) -> None:
    window = make_window(store)
    window.resize(*size)
    failures = []
    for lang in ("vi", "en"):
        for screen in SCREENS:
            window.go_home(reset_language=True)
            show(window, store, screen, lang)
            QApplication.processEvents()
            window.grab()  # lays out and paints, as the screen would
            QApplication.processEvents()
            qtbot.waitUntil(lambda: not window._refit_pending, timeout=5000)  # the fitting that asked for
            found = problems(window)
            failures += [f"{size[0]}x{size[1]} {lang} {screen}: {p}" for p in found]
            if GALLERY:
                Path(GALLERY).mkdir(parents=True, exist_ok=True)
                window.grab().save(str(Path(GALLERY) / f"kiosk-{screen}-{lang}-{size[0]}x{size[1]}.png"))
    assert not failures, "\n".join(failures)
