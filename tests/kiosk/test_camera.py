"""The kiosk's camera check-in (issue 19): real QVideoFrames of the project's booking QR through the video sink.

There is no camera on the test machine: the frames are rendered (tests/kiosk/qr_frames.py) and handed to
the scanner's QVideoSink, the very object a QCamera feeds, so everything after the lens is what runs.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtMultimedia import QVideoFrame
from pytestqt.qtbot import QtBot

from common.store import Store
from kiosk.camera import FRAME_INTERVAL_S, REPEAT_S, CameraScanner, decode_qr
from tests.conftest import TZ
from tests.kiosk.conftest import MakeWindow
from tests.kiosk.qr_frames import camera_frame, camera_image

SLOT = datetime(2026, 11, 25, 8, 15, tzinfo=TZ)  # the example office books TP; the clock is 08:00


@pytest.mark.parametrize(("side", "angle", "centre", "sigma"), [
    (360, 0.0, (0.5, 0.5), 0.0),     # held square on
    (220, 30.0, (0.55, 0.5), 60.0),  # turned, smaller, a noisy sensor
    (150, -80.0, (0.25, 0.3), 80.0),  # near the corner, on its side, far away
])
def test_the_booking_qr_is_read_turned_scaled_and_noisy(qtbot: QtBot, side: int, angle: float,
                                                       centre: tuple[float, float], sigma: float) -> None:
    image = camera_image("http://192.168.1.20:8080/hen/K7MPX4QD", side=side, angle=angle, centre=centre, sigma=sigma)
    assert decode_qr(image) == "http://192.168.1.20:8080/hen/K7MPX4QD"


def test_a_frame_without_a_qr_reads_nothing(qtbot: QtBot) -> None:
    blank = QImage(1280, 720, QImage.Format.Format_RGB32)
    blank.fill(QColor(90, 85, 80))
    assert decode_qr(blank) is None
    assert decode_qr(QImage()) is None


def test_a_camera_frame_checks_the_booking_in(qtbot: QtBot, store: Store, make_window: MakeWindow) -> None:
    """The sink's frame → decoded off the GUI thread → the same check-in as a typed code → the ticket shown."""
    code = store.book("TP", SLOT, None).code
    window = make_window(store)
    qtbot.waitUntil(lambda: window.home.booking.isVisible(), timeout=10000)
    window.home.booking.click()
    assert window.camera.active and not window.checkin.preview.isVisible()  # no camera here: nothing said
    window.camera.sink.setVideoFrame(camera_frame(code, side=240, angle=20.0, sigma=50.0))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm, timeout=10000)
    ticket = window.confirm.issued.ticket  # type: ignore[union-attr]
    assert ticket.booked and ticket.booking_code == code
    assert store.booking(code).ticket_code == ticket.code  # type: ignore[union-attr]
    assert not window.camera.active  # the camera stops with the check-in screen


def test_frames_are_not_decoded_off_the_check_in_screen(qtbot: QtBot, store: Store, make_window: MakeWindow) -> None:
    code = store.book("TP", SLOT, None).code
    window = make_window(store)
    window.camera.sink.setVideoFrame(camera_frame(code))
    assert window.camera.frames_offered == 1 and not window.camera.runner.in_flight("decode")
    assert store.tickets(store.today, store.today) == []


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_frames_are_throttled_and_the_same_code_is_read_once(qtbot: QtBot) -> None:
    clock = FakeClock()
    scanner = CameraScanner(False, parent=None, clock=clock)
    seen: list[str] = []
    scanner.scanned.connect(seen.append)
    scanner.start()
    image = camera_image("K7MPX4QD", side=260)
    with qtbot.waitSignal(scanner.runner.succeeded, timeout=5000):
        for _ in range(5):  # a burst at 30 fps: one is taken, the rest are dropped
            scanner.sink.setVideoFrame(QVideoFrame(image))  # type: ignore[arg-type]
    assert scanner.frames_offered == 5 and scanner.frames_decoded == 1 and seen == ["K7MPX4QD"]
    clock.now += FRAME_INTERVAL_S
    with qtbot.waitSignal(scanner.runner.succeeded, timeout=5000):
        scanner.sink.setVideoFrame(QVideoFrame(image))  # type: ignore[arg-type]
    assert scanner.frames_decoded == 2 and seen == ["K7MPX4QD"]  # still held up: not again
    clock.now += REPEAT_S
    with qtbot.waitSignal(scanner.runner.succeeded, timeout=5000):
        scanner.sink.setVideoFrame(QVideoFrame(image))  # type: ignore[arg-type]
    assert seen == ["K7MPX4QD", "K7MPX4QD"]  # shown again later: a new attempt
    other = camera_frame("M3QW8ZKP", side=260)
    clock.now += FRAME_INTERVAL_S
    with qtbot.waitSignal(scanner.runner.succeeded, timeout=5000):
        scanner.sink.setVideoFrame(other)
    assert seen[-1] == "M3QW8ZKP"  # another code at once
    scanner.shutdown()
