"""The booking check-in (issue 19): type the booking code on a big keypad, or scan its QR.

The kiosk's camera (kiosk.camera) hands the QR's text to ``scanned``, the same path as a scanner's
Enter; while the camera is on, a small picture of what it sees helps the citizen aim. A USB scanner
is a keyboard: it types the QR's text (the code, or a URL ending in it) and Enter. The screen keeps
the keyboard focus while shown, so a scan lands here without a visible text box; the keypad and the
scanner fill the same code. The check-in itself runs on the kiosk's store runner (kiosk.window),
never on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from common.core.bookings import CODE_ALPHABET, CODE_LENGTH, clean_code
from kiosk.texts import tr
from kiosk.theme import BLUE, RED, px_font
from ui.automation import tag

PREVIEW_PX = (160, 120)  # the camera's aiming picture, beside the title and the code
PREVIEW_PORTRAIT_PX = (320, 240)
KEYPAD_COLUMNS = 8  # 24 keys: 3 rows, so the screen fits a 1366×768 panel with room for the code
PORTRAIT_COLUMNS = 6  # upright, 4 rows of 6: keys a third wider than 8 across a 768–1080 px panel
KEY_ASPECT = 0.9  # a key grows up to this × its width, no taller: keys, not bars


class CheckInScreen(QWidget):
    """Signals:
        code_entered(str): the code typed or scanned (cleaned: upper case, a URL's last part).
        back(): the citizen left.
    """

    code_entered = Signal(str)
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.lang = "vi"
        self.typed = ""  # what the keypad or the scanner sent so far
        self.busy = False
        self.camera_on = False
        self.title = QLabel()
        self.title.setFont(px_font(40, bold=True))
        self.title.setWordWrap(True)
        self.preview = QLabel()  # what the camera sees, so the citizen can aim the QR
        tag(self.preview, "camera-preview")
        self.preview.setFixedSize(*PREVIEW_PX)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet(f"background: black; border: 3px solid {BLUE}; border-radius: 10px;")
        self.preview.hide()
        self.code = QLabel()
        tag(self.code, "booking-code")
        self.code.setFont(px_font(72, bold=True))
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setStyleSheet(f"color: {BLUE}; background: white; border: 3px solid {BLUE}; border-radius: 14px;"
                                " padding: 8px 0;")
        self.message = QLabel()
        self.message.setFont(px_font(30, bold=True))
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {RED};")
        self.keys: dict[str, QPushButton] = {}
        # The keys on a pad of their own that grows with the screen, up to keys about as tall as wide: an
        # upright panel's spare height once sat as a blank band between the code and the keypad.
        self.pad = QWidget()
        self.pad.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.grid = grid = QGridLayout(self.pad)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(12)
        self.columns = KEYPAD_COLUMNS
        for ch in CODE_ALPHABET:
            key = self.keys[ch] = QPushButton(ch, objectName="secondary")
            key.setFont(px_font(44, bold=True))
            key.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scanner's keystrokes stay with the screen
            key.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
            key.clicked.connect(lambda _=False, c=ch: self.press(c))
        self._place_keys(KEYPAD_COLUMNS)
        self.erase = QPushButton(objectName="secondary")
        self.cancel = QPushButton(objectName="secondary")
        self.confirm = QPushButton(objectName="primary")
        tag(self.confirm, "booking-confirm")
        for button in (self.erase, self.cancel, self.confirm):
            button.setFont(px_font(36, bold=True))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.erase.clicked.connect(self.backspace)
        self.cancel.clicked.connect(self.back)
        self.confirm.clicked.connect(self.submit)
        controls = QHBoxLayout()
        controls.setSpacing(18)
        controls.addWidget(self.cancel, 1)
        controls.addWidget(self.erase, 1)
        controls.addWidget(self.confirm, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(36, 20, 36, 24)
        layout.setSpacing(14)
        # What the keys cannot take is shared above and below: title, code, keypad and buttons stay one
        # block, the code right above the keys, in the middle of the panel rather than pinned to its ends.
        layout.addStretch(1)
        # the camera's picture to the right of the title and the code, as tall as both: the keypad keeps its room
        words = QVBoxLayout()
        words.setSpacing(14)
        words.addWidget(self.title)
        words.addWidget(self.code)
        top = QHBoxLayout()
        top.setSpacing(18)
        top.addLayout(words, 1)
        top.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.pad, 20)
        layout.addLayout(controls)
        layout.addStretch(1)
        for lab in (self.code, self.message):  # their text's height, never the panel's spare room
            lab.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.set_language("vi")
        self.clear()

    # ---------------------------------------------------------------- input
    def press(self, ch: str) -> None:
        if self.busy or len(clean_code(self.typed)) >= CODE_LENGTH:
            return
        self.typed = clean_code(self.typed) + ch
        self.show_message(None)
        self._show_code()

    def backspace(self) -> None:
        if not self.busy:
            self.typed = clean_code(self.typed)[:-1]
            self._show_code()

    def submit(self) -> None:
        code = clean_code(self.typed)
        if self.busy or not code:
            return
        self.typed = code
        self._show_code()
        self.code_entered.emit(code)

    def scanned(self, text: str) -> None:
        """The camera read a QR: check in with it at once, as a USB scanner's Enter does."""
        if self.busy:
            return
        self.typed = text[-300:]
        self.submit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A scanner (or an admin's keyboard): printable characters pile up, Enter checks in."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        elif event.key() == Qt.Key.Key_Backspace:
            self.backspace()
        elif event.key() == Qt.Key.Key_Escape:
            self.back.emit()
        elif event.text() and event.text().isprintable() and not self.busy:
            self.typed = (self.typed + event.text())[-300:]  # a URL is longer than a code: keep its end
            self._show_code()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---------------------------------------------------------------- state
    def clear(self) -> None:
        self.typed = ""
        self.set_busy(False)
        self.show_message(None)
        self._show_code()

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.confirm.setEnabled(not busy)
        self.confirm.setText(tr(self.lang, "checking" if busy else "check_in"))

    def show_message(self, text: str | None) -> None:
        """A refusal in one line (unknown code, another day, …); None hides it, keeping its room."""
        self.message.setText(text or " ")

    def _show_code(self) -> None:
        code = clean_code(self.typed)[:CODE_LENGTH]
        self.code.setText(" ".join(code.ljust(CODE_LENGTH, "·")))

    def set_camera(self, on: bool) -> None:
        """A camera is scanning: say so in the title and show its picture; off: keypad and scanner only."""
        self.camera_on = on
        self.preview.setVisible(on)
        if not on:
            self.preview.clear()
        self.title.setText(tr(self.lang, "booking_title_camera" if on else "booking_title"))

    def set_portrait(self, portrait: bool) -> None:
        """An upright panel has room for a larger aiming picture, and for wider keys in more rows."""
        self.preview.setFixedSize(*(PREVIEW_PORTRAIT_PX if portrait else PREVIEW_PX))
        columns = PORTRAIT_COLUMNS if portrait else KEYPAD_COLUMNS
        if columns != self.columns:
            self._place_keys(columns)

    def _place_keys(self, columns: int) -> None:
        for key in self.keys.values():
            self.grid.removeWidget(key)
        for i, ch in enumerate(CODE_ALPHABET):
            self.grid.addWidget(self.keys[ch], i // columns, i % columns)
        self.columns = columns
        self._cap_pad()

    def _cap_pad(self) -> None:
        """The pad grows no taller than rows of keys ``KEY_ASPECT`` × as tall as they are wide."""
        m = self.layout().contentsMargins() if self.layout() is not None else None
        width = self.width() - (m.left() + m.right() if m else 0)
        spacing = self.grid.spacing()
        key_w = (width - spacing * (self.columns - 1)) / self.columns
        rows = -(-len(self.keys) // self.columns)
        key_h = max(max(k.minimumSizeHint().height() for k in self.keys.values()), int(KEY_ASPECT * key_w))
        self.pad.setMaximumHeight(rows * key_h + spacing * (rows - 1))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._cap_pad()

    def show_preview(self, image: QImage) -> None:
        if self.camera_on:
            self.preview.setPixmap(QPixmap.fromImage(image).scaled(
                self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation))

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.title.setText(tr(lang, "booking_title_camera" if self.camera_on else "booking_title"))
        self.erase.setText(tr(lang, "erase"))
        self.cancel.setText(tr(lang, "back"))
        self.set_busy(self.busy)
