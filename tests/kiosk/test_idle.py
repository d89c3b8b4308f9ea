"""The kiosk starts over for the next citizen, and shows each tap the moment it lands."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from common.store import Store
from tests.kiosk.conftest import MakeWindow


def test_an_idle_kiosk_returns_home_in_the_office_language(qtbot: QtBot, store: Store,
                                                           make_window: MakeWindow) -> None:
    window = make_window(store)
    assert window.idle_timer.interval() == 30_000  # kiosk.idle_seconds' default
    window.header.language_toggled.emit()
    window.home.priority_requested.emit()
    assert window.lang == "en" and window.stack.currentWidget() is window.priority
    window.idle_timer.timeout.emit()  # nobody touched it for kiosk.idle_seconds
    assert window.lang == "vi" and window.stack.currentWidget() is window.home
    assert window.header.switch.text() == "English"  # the Vietnamese screen offers English again
    assert window.idle_timer.isActive()


def test_a_touch_restarts_the_idle_countdown(qtbot: QtBot, store: Store, make_window: MakeWindow) -> None:
    window = make_window(store)
    window.idle_timer.stop()
    QTest.mousePress(window.home.buttons["TP"], Qt.MouseButton.LeftButton)
    assert window.idle_timer.isActive()
    QTest.mouseRelease(window.home.buttons["TP"], Qt.MouseButton.LeftButton)


def test_a_ticket_on_screen_keeps_its_own_countdown(qtbot: QtBot, store: Store, make_window: MakeWindow) -> None:
    window = make_window(store)
    window.home.buttons["CT"].click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm, timeout=10000)
    window.idle_timer.timeout.emit()
    assert window.stack.currentWidget() is window.confirm  # the confirmation's return timer decides


def centre(button: QPushButton) -> QColor:
    image = button.grab().toImage()
    return image.pixelColor(QPoint(12, image.height() // 2))  # inside the border, left of any text


def test_every_home_button_shows_a_pressed_state(qtbot: QtBot, store: Store, make_window: MakeWindow) -> None:
    window = make_window(store)
    buttons = [b for b in (*window.home.buttons.values(), window.home.priority, window.header.switch)
               if b.isEnabled()]
    assert len(buttons) >= 8
    for button in buttons:
        before = centre(button)
        QTest.mousePress(button, Qt.MouseButton.LeftButton)
        assert button.isDown()
        pressed = centre(button)  # painted in the same event loop turn as the press: no delay to wait for
        QTest.mouseRelease(button, Qt.MouseButton.LeftButton, pos=QPoint(-5, -5))  # released outside: no click
        assert pressed != before, button.objectName()


def test_priority_buttons_show_a_pressed_state(qtbot: QtBot, store: Store, make_window: MakeWindow) -> None:
    window = make_window(store)
    window.home.priority_requested.emit()
    for button in [*window.priority.buttons.values(), window.priority.back_button]:
        before = centre(button)
        QTest.mousePress(button, Qt.MouseButton.LeftButton)
        pressed = centre(button)
        QTest.mouseRelease(button, Qt.MouseButton.LeftButton, pos=QPoint(-5, -5))
        assert pressed != before, button.text()

