"""Camera-like frames of a booking's QR for the kiosk's camera path (no camera here; issue 19).

The QR is the project's own: the booking page's SVG (display.booking_qr.qr_svg), drawn by Qt's SVG
renderer onto a grey, noisy 1280×720 scene, turned, scaled and placed off centre as a hand holds a phone.
"""

from __future__ import annotations

import io
import random
from functools import lru_cache

from PIL import Image
from PySide6.QtCore import QByteArray, QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtMultimedia import QVideoFrame
from PySide6.QtSvg import QSvgRenderer

from display.booking_qr import qr_svg

WIDTH, HEIGHT = 1280, 720


@lru_cache(maxsize=8)
def noise(width: int, height: int, sigma: float, seed: int) -> QImage:
    """Gaussian sensor noise around mid grey (Pillow's generator, seeded through ``random``; made once)."""
    random.seed(seed)
    buffer = io.BytesIO()
    Image.effect_noise((width, height), sigma).save(buffer, "PNG")
    return QImage.fromData(buffer.getvalue())


def camera_image(text: str, *, side: int = 300, angle: float = 0.0, centre: tuple[float, float] = (0.55, 0.5),
                 sigma: float = 0.0, seed: int = 0) -> QImage:
    """A frame: a dim room, the booking QR ``side`` px wide turned by ``angle`` degrees, sensor noise."""
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
    image.fill(QColor(90, 85, 80))
    painter = QPainter(image)
    painter.translate(QPointF(centre[0] * WIDTH, centre[1] * HEIGHT))
    painter.rotate(angle)
    painter.fillRect(QRectF(-side * 0.6, -side * 0.6, side * 1.2, side * 1.2), QColor(235, 235, 230))  # the phone
    QSvgRenderer(QByteArray(qr_svg(text).encode())).render(painter, QRectF(-side / 2, -side / 2, side, side))
    painter.resetTransform()
    if sigma:
        painter.setOpacity(0.35)
        painter.drawImage(0, 0, noise(WIDTH, HEIGHT, sigma, seed))
    painter.end()
    return image


def camera_frame(text: str, **kwargs: float) -> QVideoFrame:
    """The image as a video frame, as a camera hands it to the QVideoSink."""
    return QVideoFrame(camera_image(text, **kwargs))  # type: ignore[arg-type]
