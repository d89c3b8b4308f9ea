"""The board's parts, one thing each. Sizes follow the screen: ``rescale(unit)`` gets 1% of its height.

Read from the back of a hall (10 m from a 55" TV): every text is at least ``MIN_TEXT`` units (4.5% of the
screen height) and the latest call ``LATEST`` units; every colour pair has a contrast of at least 7:1
(WCAG AAA). tests/display/test_board_legibility.py measures both on the rendered window.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from common.core import glossary
from common.core.clock import Clock, SystemClock
from common.core.estimate import NO_COUNTER_SHORT
from common.views.board import CallView, CounterView, WaitingView, distinct_calls
from ui.automation import tag
from ui.style import FONT_FAMILY

# Contrast on PANEL: TEXT 13.1:1, ACCENT 9.1:1, DIM 8.7:1; ACCENT on FLASH_ON 7.6:1 (the old grey and
# bright red were 6.2:1 and 3.9:1).
BG, PANEL, TEXT, ACCENT, DIM = "#0b1f3a", "#13305a", "#ffffff", "#ffd23f", "#c4d3e8"
FLASH_ON, FLASH_OFF = "#7a1010", "#13305a"
ALERT_BG = "#9a1c1c"  # white on it: 8.2:1
MIN_TEXT, LATEST = 4.6, 22.0  # units (1% of the screen height); 4.6 so whole pixels stay above 4.5%
FLASH_TICKS = 12  # × 400 ms: about five seconds
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def px_font(pixels: float, *, bold: bool = False) -> QFont:
    f = QFont(FONT_FAMILY)
    f.setPixelSize(max(8, int(pixels)))
    f.setBold(bold)
    return f


def label(text: str = "", color: str = TEXT, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> QLabel:
    lab = QLabel(text)
    lab.setStyleSheet(f"color: {color}; background: transparent;")
    lab.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    return lab


def elastic(lab: QLabel) -> QLabel:
    """A label that may be cut short rather than push the board wider than the screen."""
    lab.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return lab


# Where an office's name starts a new phrase: its place ("… hành chính công / tỉnh Đồng Nai").
PLACE_WORDS = frozenset({"tỉnh", "thành", "huyện", "quận", "thị", "xã", "phường", "ubnd"})


def _break_rank(before: str, after: str) -> int:
    """How well a line break reads between two words: 0 after a dash, 1 before a place, 2 anywhere but
    inside a proper name (two capitalised words: "Đồng / Nai"), 3 inside one."""
    if before in ("–", "-") or before.endswith(("–", "-")):
        return 0
    if after.lower() in PLACE_WORDS:
        return 1
    return 3 if before[:1].isupper() and after[:1].isupper() else 2


def wrap_name(text: str, metrics: QFontMetrics, width: int, max_lines: int = 3) -> list[str]:
    """``text`` in as few lines of ``width`` pixels as it needs (at most ``max_lines``), broken at spaces.

    Two lines break where the name itself does when they can: after a dash ("… Đồng Nai –" / "Chi nhánh
    Biên Hòa"), else before its place ("… hành chính công" / "tỉnh Đồng Nai …"), never inside a proper name
    when another break fits; among equals, the most even. Only a single word wider than the line, or a name
    past ``max_lines``, is cut with "…" (the last resort, rather than a letter cut in half).
    """
    def fits(line: str) -> bool:
        return metrics.horizontalAdvance(line) <= width

    words = text.split()
    if fits(text) or len(words) < 2:
        return [metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(1, width))]
    two = [(_break_rank(words[i - 1], words[i]), max(metrics.horizontalAdvance(" ".join(words[:i])),
                                                     metrics.horizontalAdvance(" ".join(words[i:]))), i)
           for i in range(1, len(words))]
    fitting = [t for t in two if t[1] <= width]
    if fitting:
        _, _, i = min(fitting)
        return [" ".join(words[:i]), " ".join(words[i:])]
    lines: list[str] = []
    for word in words:
        if lines and fits(f"{lines[-1]} {word}"):
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[:max_lines - 1], " ".join(lines[max_lines - 1:])]
    return [metrics.elidedText(line, Qt.TextElideMode.ElideRight, max(1, width)) for line in lines]


class WrappedName(QLabel):
    """The office's name on one line when it fits, else on two (three at most): never "…" for a real name,
    which read "Trung tâm Phục vụ hành chính cô…" at 1280×800 when the name was elided to one line."""

    def __init__(self, text: str, color: str = TEXT) -> None:
        super().__init__()
        self.full = text
        self.setStyleSheet(f"color: {color}; background: transparent;")
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._wrap()

    def lines(self) -> list[str]:
        return self.text().split("\n")

    def setFont(self, font: QFont) -> None:
        super().setFont(font)
        self._wrap()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._wrap()

    def _wrap(self) -> None:
        text = "\n".join(wrap_name(self.full, self.fontMetrics(), self.width()))
        if text != self.text():  # the height follows the lines; the width, which the wrap reads, does not
            self.setText(text)


class Panel(QFrame):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.setStyleSheet(f"Panel {{ background: {PANEL}; border-radius: 12px; }}")
        self.box = QVBoxLayout(self)
        self.title = label(title, ACCENT)
        self.box.addWidget(self.title)

    def rescale(self, unit: float) -> None:
        self.title.setFont(px_font(MIN_TEXT * unit, bold=True))
        m = int(1.2 * unit)
        self.box.setContentsMargins(m, m // 2, m, m // 2)


class Header(QWidget):
    """Office name, then the date and a clock that ticks in the office's zone.

    A name too long for the line beside the date and the clock moves them one above the other at the right,
    which leaves the name two lines of most of the width rather than "…".
    """

    def __init__(self, office: str, tz: ZoneInfo, clock: Clock | None = None) -> None:
        super().__init__()
        self.tz = tz
        self.clock = clock or SystemClock()
        self.grid = QGridLayout(self)
        self.grid.setColumnStretch(0, 1)
        # No space above or below, none between the clock and the date: a two-line name takes its height
        # from the body, and the counters' words ("Xử lý hồ sơ") need every pixel of theirs at 1280×800.
        self.grid.setVerticalSpacing(0)
        margins = self.grid.contentsMargins()
        self.grid.setContentsMargins(margins.left(), 0, margins.right(), 0)
        self.name = WrappedName(office)
        self.date = label("", DIM, Qt.AlignmentFlag.AlignRight)
        self.time = label("", ACCENT, Qt.AlignmentFlag.AlignRight)
        self.stacked: bool | None = None
        self._unit = 10.0
        self._arrange(False)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.tick)
        self._timer.start(1000)
        self.tick()

    def _arrange(self, stacked: bool) -> None:
        if stacked == self.stacked:
            return
        for part in (self.name, self.date, self.time):
            self.grid.removeWidget(part)
        if stacked:
            self.grid.addWidget(self.name, 0, 0, 2, 1)
            self.grid.addWidget(self.time, 0, 1)
            self.grid.addWidget(self.date, 1, 1)
        else:
            self.grid.addWidget(self.name, 0, 0)
            self.grid.addWidget(self.date, 0, 1)
            self.grid.addWidget(self.time, 0, 2)
        self.stacked = stacked

    def _fit(self) -> None:
        margins = self.grid.contentsMargins()
        room = self.width() - margins.left() - margins.right() - 2 * self.grid.horizontalSpacing()
        clock = QFontMetrics(px_font(5.2 * self._unit, bold=True)).horizontalAdvance(self.time.text())
        beside = self.date.sizeHint().width() + clock
        self._arrange(self.name.fontMetrics().horizontalAdvance(self.name.full) > room - beside)
        # Stacked, the clock takes the date's size: the two lines are then no taller than the name's two.
        self.time.setFont(px_font((MIN_TEXT if self.stacked else 5.2) * self._unit, bold=True))

    def tick(self, now: datetime | None = None) -> None:
        local = (now or self.clock.now()).astimezone(self.tz)
        self.date.setText(f"{WEEKDAYS[local.weekday()]}, {local:%d/%m/%Y}")
        self.time.setText(f"{local:%H:%M}")

    def rescale(self, unit: float) -> None:
        self._unit = unit
        self.name.setFont(px_font(MIN_TEXT * unit, bold=True))
        self.date.setFont(px_font(MIN_TEXT * unit))
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


BOOKED = "Hẹn"  # beside a number checked in from a booking (issue 19): the hall sees why it went first


class LatestCall(Panel):
    """The newest call, huge, flashing for a few seconds when it arrives."""

    def __init__(self) -> None:
        super().__init__("Mời công dân có số")
        self.ticket = label("—", ACCENT, Qt.AlignmentFlag.AlignHCenter)
        self.counter = label("", TEXT, Qt.AlignmentFlag.AlignHCenter)
        tag(self.ticket, "board-latest-ticket")
        tag(self.counter, "board-latest-counter")
        self.box.addWidget(self.ticket, 3)
        self.box.addWidget(self.counter, 1)
        self._ticks = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._blink)
        self.shown: CallView | None = None
        self._unit = 10.0

    def show_call(self, call: CallView | None, *, flash: bool) -> None:
        self.shown = call
        # Before the first call, words where the number goes: a bare dash read as a yellow glitch.
        self.ticket.setText(call.ticket if call else glossary.NO_CALL_YET)
        recall = f" ({glossary.RECALL.lower()})" if call and call.recall else ""
        booked = f"{BOOKED} · " if call and call.booked else ""
        self.counter.setText(f"{booked}đến Quầy số {call.counter}{recall}" if call else "")
        self.rescale(self._unit)
        if flash and call:
            self._ticks = FLASH_TICKS
            self._timer.start(400)

    @property
    def flashing(self) -> bool:
        return self._timer.isActive()

    def _blink(self) -> None:
        self._ticks -= 1
        colour = FLASH_ON if self._ticks % 2 else FLASH_OFF
        if self._ticks <= 0:
            self._timer.stop()
            colour = FLASH_OFF
        self.setStyleSheet(f"LatestCall {{ background: {colour}; border-radius: 12px; }}")

    def rescale(self, unit: float) -> None:
        super().rescale(unit)
        self._unit = unit
        self.ticket.setFont(px_font((LATEST if self.shown else 7) * unit, bold=True))
        self.counter.setFont(px_font(7 * unit, bold=True))


class CounterGrid(Panel):
    """Every counter and the number it serves, in as many columns and rows as fit at a size read from 10 m.

    A provincial centre has 20–40 counters: more than one screen holds at that size, so the grid shows a
    page at a time and turns it every ``PAGE_MS`` (the title says which page, "2/3"). Every cell of a page
    has the same size; a page never squeezes a cell below its text.
    """

    TITLE = "Các quầy đang phục vụ"
    PAGE_MS = 8000  # long enough to find one's number on a page from across the hall

    def __init__(self) -> None:
        super().__init__(self.TITLE)
        self.grid = QGridLayout()
        self.box.addLayout(self.grid, 1)
        self.cells: dict[int, tuple[QLabel, QLabel]] = {}
        self.columns = 4
        self.rows = 1
        self.page = 0
        self.pages = 1
        self.marked: int | None = None  # the counter of the latest call: its cell in the accent colour
        self._unit = 10.0
        self._pager = QTimer(self)
        self._pager.timeout.connect(self.next_page)
        self._reflowing = self._again = False

    def show_counters(self, counters: tuple[CounterView, ...]) -> None:
        if list(self.cells) != [c.number for c in counters]:
            for name, code in self.cells.values():
                self.grid.removeWidget(name)
                self.grid.removeWidget(code)
                name.deleteLater()
                code.deleteLater()
            self.cells = {}
            for c in counters:
                centre = Qt.AlignmentFlag.AlignHCenter
                name, code = elastic(label("", DIM, centre)), elastic(label("", TEXT, centre))
                # The page decides a cell's height, never the text's size hint (that squeezed a third row).
                for lab in (name, code):
                    lab.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
                # Equal columns, and a long state word ("Xử lý hồ sơ") takes two lines in its own
                # column instead of pushing into the next counter's.
                code.setWordWrap(True)
                name.hide()
                code.hide()
                self.cells[c.number] = (name, code)
            self.page = 0
            self.rescale(self._unit)
        for c in counters:
            name, code = self.cells[c.number]
            name.setText(f"Quầy {c.number}")
            # A break reads "Tạm nghỉ" here as on the counter, and an open counter without a ticket
            # "Quầy rảnh" as on the dashboard (glossary): words, dimmed, never a bare dash that reads
            # as a glitch from the back of the hall (issue 16).
            code.setProperty("word", c.serving or (glossary.IDLE if c.open else glossary.counter_state(c.state)))
            code.setProperty("serving", bool(c.serving))
            self._ink(c.number)
            self._fit(code)

    def mark(self, counter: int | None) -> None:
        """The latest call's counter stands out in the accent colour (the others: white, or dim words)."""
        before, self.marked = self.marked, counter
        for number in (before, counter):
            if number in self.cells:
                self._ink(number)

    def _ink(self, number: int) -> None:
        code = self.cells[number][1]
        colour = ACCENT if number == self.marked and code.property("serving") else (
            TEXT if code.property("serving") else DIM)
        code.setStyleSheet(f"color: {colour}; background: transparent;")

    def _code_font(self, code: QLabel) -> QFont:
        # A word ("Tạm nghỉ", "Quầy rảnh") is twice as long as a ticket number: at the numbers' size
        # four of them ran into each other (at 3840×2160 too), so words take the smallest board size.
        return px_font((6.0 if code.property("serving") else MIN_TEXT) * self._unit, bold=True)

    def _line_heights(self) -> tuple[int, int]:
        """The name's line and the ticket's line, in pixels, at this unit."""
        name = QFontMetrics(px_font(MIN_TEXT * self._unit)).height()
        code = QFontMetrics(px_font(6.0 * self._unit, bold=True)).height()
        return name, code

    def _room(self) -> tuple[int, int]:
        """The width and height the cells may take: the panel less its title and margins."""
        m = self.box.contentsMargins()
        title = self.title.sizeHint().height() + self.box.spacing()
        return self.width() - m.left() - m.right(), self.height() - m.top() - m.bottom() - title

    def _reflow(self) -> None:
        """Columns and rows from the room and the text's size; the counters that do not fit go to more pages."""
        # Showing a page's labels may resize the panel before the loop ends: that resize is reflowed after it.
        if self._reflowing:
            self._again = True
            return
        self._reflowing = True
        try:
            self._again = True
            while self._again:
                self._again = False
                self._reflow_once()
        finally:
            self._reflowing = False

    def _reflow_once(self) -> None:
        n = len(self.cells)
        if not n:
            return
        width, height = self._room()
        widest = max(self.cells) if self.cells else 0
        cell_w = max(QFontMetrics(px_font(MIN_TEXT * self._unit)).horizontalAdvance(f"Quầy {widest}"),
                     QFontMetrics(px_font(6.0 * self._unit, bold=True)).horizontalAdvance("W888"),
                     QFontMetrics(px_font(MIN_TEXT * self._unit, bold=True)).horizontalAdvance("nghỉ"))
        gap = max(self.grid.horizontalSpacing(), int(2 * self._unit))
        fit_columns = max(1, (width + gap) // (cell_w + gap))
        name_h, code_h = self._line_heights()
        spacing = self.grid.verticalSpacing()
        fit_rows = max(1, (height + spacing) // (name_h + code_h + 2 * spacing))
        per_page = fit_columns * fit_rows
        self.pages = -(-n // per_page)
        shown = -(-n // self.pages)  # the counters spread evenly over the pages
        rows = -(-shown // fit_columns)
        columns = -(-shown // rows)  # eight counters in two rows of four, not five and three
        if (columns, rows) != (self.columns, self.rows) or self.page >= self.pages:
            self.columns, self.rows = columns, rows
            self.page %= self.pages
        self._place()
        if self.pages > 1 and not self._pager.isActive():
            self._pager.start(self.PAGE_MS)
        elif self.pages == 1:
            self._pager.stop()

    def _place(self) -> None:
        per_page = self.columns * self.rows
        for i, (name, code) in enumerate(self.cells.values()):
            self.grid.removeWidget(name)
            self.grid.removeWidget(code)
            on_page = i // per_page == self.page
            if on_page:
                at = i % per_page
                self.grid.addWidget(name, 2 * (at // self.columns), at % self.columns)
                self.grid.addWidget(code, 2 * (at // self.columns) + 1, at % self.columns)
            name.setVisible(on_page)
            code.setVisible(on_page)
        name_h, _ = self._line_heights()
        # Equal columns and rows whether or not a page is full; what lies beyond this page's grid takes nothing.
        for c in range(max(self.grid.columnCount(), self.columns)):
            self.grid.setColumnStretch(c, 1 if c < self.columns else 0)
        for r in range(max(self.grid.rowCount(), 2 * self.rows)):
            # A name takes its one line; its ticket or word takes the rest of the row (a word may need two lines).
            used, name_row = r < 2 * self.rows, r % 2 == 0
            self.grid.setRowMinimumHeight(r, name_h if used and name_row else 0)
            self.grid.setRowStretch(r, 1 if used and not name_row else 0)
        self.title.setText(self.TITLE if self.pages == 1 else f"{self.TITLE} · {self.page + 1}/{self.pages}")
        for _, code in self.cells.values():
            self._fit(code)

    def next_page(self) -> None:
        self.page = (self.page + 1) % self.pages
        self._reflow()

    def reveal(self, counter: int) -> None:
        """A fresh call's counter comes into view at once: its page is shown, for a whole ``PAGE_MS``.

        With 32 counters on three or four pages, the citizen would otherwise wait up to 24–32 s for the
        cell of the counter just called (the latest-call panel names it, but the grid is where the hall
        looks for "which counter, where"). The turning then goes on from that page.
        """
        numbers = list(self.cells)
        if counter not in self.cells or self.pages <= 1:
            return
        per_page = self.columns * self.rows
        page = numbers.index(counter) // per_page
        if page != self.page:
            self.page = page
            self._reflow()
        if self._pager.isActive():
            self._pager.start(self.PAGE_MS)  # restarted: the page stays its full time

    def _fit(self, code: QLabel) -> None:
        """The font for the cell, and its word on two balanced lines ("Xử lý / hồ sơ") if one is too wide."""
        code.setFont(self._code_font(code))
        word = str(code.property("word") or "")
        width, height = self._room()
        column = 0.95 * width / max(1, self.columns)
        words, metrics = word.split(), code.fontMetrics()
        if metrics.horizontalAdvance(word) > column:
            name_h = QFontMetrics(px_font(MIN_TEXT * self._unit)).height()
            # Two lines of a word fit in 1.6 line heights (the lines' leading overlaps): eight counters' cells.
            room = height / self.rows - name_h - 2 * self.grid.verticalSpacing()
            if len(words) > 1 and room >= 1.6 * metrics.height():
                half = (len(words) + 1) // 2
                word = " ".join(words[:half]) + "\n" + " ".join(words[half:])
            else:  # no height for a second line: shortened, "Xử lý h…"
                word = metrics.elidedText(word, Qt.TextElideMode.ElideRight, int(column))
        code.setText(word)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._reflow()

    def rescale(self, unit: float) -> None:
        super().rescale(unit)
        self._unit = unit
        self.grid.setVerticalSpacing(max(1, int(0.25 * unit)))
        for name, _ in self.cells.values():
            name.setFont(px_font(MIN_TEXT * unit))
        self._reflow()


class RecentCalls(Panel):
    """The latest calls, newest first: ticket → counter."""

    def __init__(self, rows: int) -> None:
        super().__init__("Vừa gọi")
        self.rows = [(label(), label("", ACCENT, Qt.AlignmentFlag.AlignRight)) for _ in range(rows)]
        grid = QGridLayout()
        for i, (ticket, counter) in enumerate(self.rows):
            tag(ticket, f"board-recent-{i + 1}-ticket")
            tag(counter, f"board-recent-{i + 1}-counter")
            grid.addWidget(ticket, i, 0)
            grid.addWidget(counter, i, 1)
        self.box.addLayout(grid, 1)

    def show_calls(self, calls: tuple[CallView, ...]) -> None:
        """One row per ticket, its newest call; a recall says so."""
        shown = distinct_calls(calls, len(self.rows))
        for i, (ticket, counter) in enumerate(self.rows):
            call = shown[i] if i < len(shown) else None
            ticket.setText(call.ticket if call else "")
            recall = f"{glossary.RECALL} · " if call and call.recall else ""
            booked = f"{BOOKED} · " if call and call.booked else ""
            counter.setText(f"{booked}{recall}Quầy {call.counter}" if call else "")
        if not shown:
            self.rows[0][0].setText(glossary.NO_CALL_YET)

    def rescale(self, unit: float) -> None:
        super().rescale(unit)
        for ticket, counter in self.rows:
            ticket.setFont(px_font(6.0 * unit, bold=True))
            counter.setFont(px_font(MIN_TEXT * unit, bold=True))


class WaitingPanel(Panel):
    """How many are waiting, per service: the ticket letter and the count, several to a row.

    A service's full name at a size readable from 10 m does not fit beside its count, and the letter
    is what the citizen holds on the ticket. A service that no counter serves now (none open, none on a
    break: ``WaitingView.staffed`` false) is dimmed, and one line under the tiles names it in the kiosk's,
    slip's and phone page's words, "Chưa có quầy mở: C, E": its citizens are told no wait is promised
    rather than left to read a queue as moving. A tile is too narrow for the phrase at a size read from
    10 m, and one line for all such services is shorter than a phrase per tile.
    """

    COLUMNS = 4

    def __init__(self) -> None:
        super().__init__("Đang chờ")
        self.grid = QGridLayout()
        self.box.addLayout(self.grid, 1)
        self.rows: list[tuple[QLabel, QLabel]] = []
        self.unstaffed = label("", ACCENT)
        self.unstaffed.setWordWrap(True)
        tag(self.unstaffed, "board-no-counter")
        self.unstaffed.hide()
        self.box.addWidget(self.unstaffed)
        self._unit = 10.0

    def show_waiting(self, services: tuple[WaitingView, ...]) -> None:
        while len(self.rows) < len(services):
            i = len(self.rows)
            row = (label("", TEXT, Qt.AlignmentFlag.AlignRight), label("", ACCENT, Qt.AlignmentFlag.AlignLeft))
            self.grid.addWidget(row[0], i // self.COLUMNS, 2 * (i % self.COLUMNS))
            self.grid.addWidget(row[1], i // self.COLUMNS, 2 * (i % self.COLUMNS) + 1)
            self.rows.append(row)
        for i, (name, count) in enumerate(self.rows):
            svc = services[i] if i < len(services) else None
            name.setText(svc.prefix if svc else "")
            name.setToolTip(svc.name_vi if svc else "")
            count.setText(str(svc.waiting) if svc else "")
            dim = svc is not None and not svc.staffed
            name.setStyleSheet(f"color: {DIM if dim else TEXT}; background: transparent;")
            count.setStyleSheet(f"color: {DIM if dim else ACCENT}; background: transparent;")
        closed = [s.prefix for s in services if not s.staffed]
        self.unstaffed.setText(f"{NO_COUNTER_SHORT[0]}: {', '.join(closed)}" if closed else "")
        self.unstaffed.setVisible(bool(closed))
        self.rescale(self._unit)

    def rescale(self, unit: float) -> None:
        super().rescale(unit)
        self._unit = unit
        for name, count in self.rows:
            name.setFont(px_font(MIN_TEXT * unit, bold=True))
            count.setFont(px_font(MIN_TEXT * unit, bold=True))
        self.unstaffed.setFont(px_font(MIN_TEXT * unit, bold=True))


class Ticker(QWidget):
    """The notice line, scrolling right to left."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.offset = 0.0
        self._font = px_font(30)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._step)
        if text:
            self._timer.start(30)
        self.setVisible(bool(text))

    def _step(self) -> None:
        self.offset += max(1.0, self.height() / 25)
        self.update()

    def rescale(self, unit: float) -> None:
        self._font = px_font(MIN_TEXT * unit)
        self.setFixedHeight(int(6.5 * unit))

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(ACCENT))
        p.setFont(self._font)
        p.setPen(QColor(BG))
        # Drawn twice, one loop apart, so the line runs on without a gap at the wrap.
        loop = p.fontMetrics().horizontalAdvance(self.text) + self.width() // 3
        x = self.height() * 0.5 - (self.offset % loop)
        for start in (x, x + loop):
            p.drawText(int(start), 0, loop, self.height(), Qt.AlignmentFlag.AlignVCenter, self.text)
        p.end()
