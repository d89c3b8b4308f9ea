"""The kiosk's camera reads a booking's QR (issue 19): Qt Multimedia frames, zxing-cpp off the GUI thread.

The camera feeds a ``QVideoSink``; each frame the sink shows is a candidate. At most one frame
is being decoded at a time, and a new one is taken no sooner than ``FRAME_INTERVAL_S`` after the
last was taken: a 30 fps camera costs some 8 decodes a second, not 30. The frame is converted
and decoded on the scanner's own worker thread (``ui.worker.Runner``); only the text comes back.
The same code seen again within ``REPEAT_S`` is ignored, so a citizen who keeps holding the QR up
checks in once. The text goes to the check-in screen like a USB scanner's (kiosk.checkin).

No camera, the setting off, or a camera that fails: the scanner says ``available`` False and
the screen is the keypad and the USB scanner, as before; nothing alarming is shown.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QCamera, QCameraDevice, QMediaCaptureSession, QMediaDevices, QVideoFrame, QVideoSink

from common.cli.args import said as say
from ui.worker import Runner

log = logging.getLogger(__name__)
FRAME_INTERVAL_S = 0.12  # between two frames taken for decoding (≈ 8 a second)
REPEAT_S = 5.0  # the same code again this soon is the same citizen still holding it up
MAX_SIDE = 1280  # larger frames are scaled down first: a booking QR fills a good part of the view
PREVIEW_EVERY = 2  # one decoded frame in this many also updates the on-screen preview


def decode_qr(image: QImage) -> str | None:
    """The text of the first QR code in the image, or None. Runs on any thread (no widget touched)."""
    import zxingcpp  # imported here: the kiosk starts (and its tests run) without paying for it

    if image.isNull():
        return None
    if max(image.width(), image.height()) > MAX_SIDE:
        image = image.scaled(MAX_SIDE, MAX_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.FastTransformation)
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    for found in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode):
        if found.valid and found.text:
            return str(found.text)
    return None


def frame_text(frame: QVideoFrame) -> tuple[str | None, QImage]:
    """Decode one video frame (on the worker): (text or None, the grey image, for the preview)."""
    image = frame.toImage()
    return decode_qr(image), image


def pick_camera(wanted: str) -> QCameraDevice | None:
    """The camera named (part of its description, or its id) by ``kiosk.camera_device``; else the default."""
    inputs = QMediaDevices.videoInputs()
    if not inputs:
        return None
    wanted = wanted.strip().casefold()
    if not wanted:
        default = QMediaDevices.defaultVideoInput()
        return default if not default.isNull() else inputs[0]
    for device in inputs:
        ident = bytes(device.id().data()).decode(errors="replace").casefold()
        if wanted in device.description().casefold() or wanted == ident:
            return device
    found = [d.description() for d in inputs]
    log.warning("%s", say(f"không thấy camera {wanted!r} trong {found}; chỉ quét bằng máy quét USB và bàn phím số",
                          f"camera {wanted!r} not found among {found}; scanning with the USB scanner and keypad only"))
    return None


class CameraScanner(QObject):
    """Signals:
        scanned(str): the text of a QR code seen by the camera (once per code within REPEAT_S).
        preview(QImage): now and then, the frame last decoded (for the on-screen aiming view).
        available_changed(bool): whether a camera is scanning.
    """

    scanned = Signal(str)
    preview = Signal(QImage)
    available_changed = Signal(bool)

    def __init__(self, enabled: bool, device: str = "", parent: QObject | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.enabled, self.device_name, self.clock = enabled, device, clock
        self.sink = QVideoSink(self)
        self.sink.videoFrameChanged.connect(self.offer)
        self.session = QMediaCaptureSession(self)
        self.session.setVideoSink(self.sink)
        self.camera: QCamera | None = None
        self.runner = Runner(self, name="motcua-kiosk-camera")
        self.runner.succeeded.connect(self._decoded)
        self.runner.failed.connect(lambda _tag, exc: log.error("QR decode failed: %r", exc))
        self.active = False  # frames are wanted (the check-in screen is shown)
        self._taken_at = -FRAME_INTERVAL_S
        self._last: tuple[str, float] | None = None
        self._frames = 0
        self.frames_offered = 0
        self.frames_decoded = 0

    @property
    def available(self) -> bool:
        return self.camera is not None and self.camera.isActive()

    # ---------------------------------------------------------------- the camera
    def start(self) -> None:
        """Scan while the check-in screen is up: open the camera (if any) and take frames."""
        self.active = True
        self._last = None
        if not self.enabled or self.camera is not None:
            return
        device = pick_camera(self.device_name)
        if device is None:
            return  # no camera: keypad and USB scanner only, said nowhere on the citizen's screen
        camera = QCamera(device, self)
        camera.errorOccurred.connect(self._camera_error)
        camera.activeChanged.connect(self.available_changed)
        self.session.setCamera(camera)
        self.camera = camera
        camera.start()

    def stop(self) -> None:
        """The citizen left the check-in screen: the camera goes off (light and privacy)."""
        self.active = False
        if self.camera is not None:
            self.camera.stop()
            self.session.setCamera(None)  # type: ignore[arg-type]
            self.camera.deleteLater()
            self.camera = None
            self.available_changed.emit(False)

    def _camera_error(self, _error: QCamera.Error, text: str) -> None:
        log.warning("%s", say(f"camera: {text}; chỉ quét bằng máy quét USB và bàn phím số",
                              f"camera: {text}; scanning with the USB scanner and keypad only"))
        self.stop()
        self.active = True  # the screen is still up; the keypad and the scanner still serve it

    # ---------------------------------------------------------------- the frames
    def offer(self, frame: QVideoFrame) -> None:
        """A frame from the sink: taken for decoding when none is in flight and the interval has passed."""
        self.frames_offered += 1
        now = self.clock()
        if (not self.active or not frame.isValid() or now - self._taken_at < FRAME_INTERVAL_S
                or self.runner.in_flight("decode")):
            return
        self._taken_at = now
        self.runner.submit("decode", frame_text, QVideoFrame(frame))

    def _decoded(self, _tag: str, value: tuple[str | None, QImage]) -> None:
        text, image = value
        self.frames_decoded += 1
        self._frames += 1
        if self._frames % PREVIEW_EVERY == 0 and self.available:
            self.preview.emit(image)
        if not text or not self.active:
            return
        now = self.clock()
        if self._last is not None and self._last[0] == text and now - self._last[1] < REPEAT_S:
            return
        self._last = (text, now)
        self.scanned.emit(text)

    def shutdown(self) -> None:
        self.stop()
        self.runner.shutdown()
