"""The kiosk window: composes the screens and runs every store and printer call off the GUI thread.

The flow of one tap: ``issue`` on the store runner (the ticket is committed), the
confirmation shows the committed number at once, then ``print`` on the printer
runner; a printer failure switches to the failure panel with the same ticket,
and "In lại" prints that same ticket again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QApplication, QLayout, QStackedWidget, QVBoxLayout, QWidget

from common.cli.args import told
from common.config import AppConfig
from common.core.bookings import BookingRefused, CheckIn
from common.core.errors import DomainError, StoreUnavailable
from common.core.model import DEFAULT_PRIORITY_CATEGORIES, Issued, PrintStatus, QueueSnapshot, Ticket
from common.devices.printing import TicketPrinter, deliver_job, effective_public_url
from common.devices.ticket_layout import qr_payload
from common.store import Store
from kiosk import scale
from kiosk.camera import CameraScanner
from kiosk.checkin import CheckInScreen
from kiosk.confirm import ConfirmationScreen
from kiosk.failure import PrintFailedPanel
from kiosk.header import Header
from kiosk.home import HomeScreen
from kiosk.outage import OutageScreen
from kiosk.pin import PinDialog
from kiosk.priority import PriorityPanel
from kiosk.texts import tr
from kiosk.theme import STYLE, style
from ui.feed import LiveFeed
from ui.live_view import LiveView
from ui.outage import outage_text
from ui.worker import Runner

log = logging.getLogger(__name__)
DEBOUNCE_SECONDS = 1.5  # a second tap this soon after an accepted one issues nothing
REFRESH_MS = 30_000  # opening hours change with time, not with events
FAILURE_SCREEN_FACTOR = 6  # the failure panel stays longer: time to photograph the QR
# What counts as "somebody is using the kiosk": a touch, a click, a key (an admin's keyboard).
_ACTIVITY = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
                       QEvent.Type.KeyPress})


class KioskWindow(QWidget):
    def __init__(self, store: Store, config: AppConfig, printer: TicketPrinter | None, *,
                 live: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.setStyleSheet(STYLE)
        self.store, self.config, self.printer = store, config, printer
        self.lang = config.settings.office.language
        self.admin_pin: str = config.settings.kiosk.admin_pin
        self.category: str | None = None
        self._last_tap = -DEBOUNCE_SECONDS
        self._closing = False
        self._shown_offline = False  # the outage screen was put up; the next good read takes it down
        self._scale = 1.0
        self._refit_pending = False
        self.published_url = ""  # the display's status page when office.public_url is empty
        categories = dict(config.office.priority_categories) or dict(DEFAULT_PRIORITY_CATEGORIES)

        self.header = Header(config.settings.office.name, lambda: store.clock.now().astimezone(config.tz))
        self.home = HomeScreen()
        self.priority = PriorityPanel(categories)
        self.checkin = CheckInScreen()
        self.confirm = ConfirmationScreen()
        self.failure = PrintFailedPanel()
        self.outage = OutageScreen()
        self.confirm.facts.priority_names = self.failure.facts.priority_names = categories
        self.camera = CameraScanner(config.settings.kiosk.camera, config.settings.kiosk.camera_device, self)
        self.camera.scanned.connect(self.checkin.scanned)
        self.camera.preview.connect(self.checkin.show_preview)
        self.camera.available_changed.connect(self.checkin.set_camera)
        self.stack = QStackedWidget()
        for screen in (self.home, self.priority, self.checkin, self.confirm, self.failure, self.outage):
            self.stack.addWidget(screen)
        layout = QVBoxLayout(self)
        # The screen's size is the window's size: content never resizes a full-screen kiosk (and a live
        # update must not change the window's size constraints, which the offscreen plugin warns about).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.stack, 1)

        self.runner = Runner(self, name="motcua-kiosk-store")
        self.print_runner = Runner(self, name="motcua-kiosk-print")
        self.runner.succeeded.connect(self._succeeded)
        self.runner.failed.connect(self._failed)
        self.print_runner.succeeded.connect(self._printed)
        self.print_runner.failed.connect(lambda _tag, exc: log.error("print job crashed: %r", exc))
        self.return_timer = QTimer(self, singleShot=True)
        self.return_timer.timeout.connect(self.go_home)
        # A citizen who switched to English or opened the priority path and walked away must not leave
        # the kiosk that way for the next person: after kiosk.idle_seconds without a touch, start over.
        self.idle_timer = QTimer(self, singleShot=True, interval=int(config.settings.kiosk.idle_seconds) * 1000)
        self.idle_timer.timeout.connect(self._idle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

        self.header.language_toggled.connect(lambda: self.set_language("en" if self.lang == "vi" else "vi"))
        self.header.clock.long_pressed.connect(self.ask_to_close)
        self.home.service_chosen.connect(self.choose_service)
        self.home.priority_requested.connect(lambda: self.stack.setCurrentWidget(self.priority))
        self.home.priority_cancelled.connect(self.go_home)
        self.home.booking_requested.connect(self.open_checkin)
        self.checkin.code_entered.connect(self.check_in)
        self.checkin.back.connect(self.go_home)
        self.priority.category_chosen.connect(self.choose_category)
        self.priority.back.connect(self.go_home)
        self.confirm.dismissed.connect(self.go_home)
        self.failure.dismissed.connect(self.go_home)
        self.failure.reprint_requested.connect(self.reprint)
        self.stack.currentChanged.connect(
            lambda _i: self.header.subtitle.setVisible(self.stack.currentWidget() is self.home))
        self.stack.currentChanged.connect(lambda _i: self._restart_fit())
        # the camera is on only while the check-in screen is shown
        self.stack.currentChanged.connect(
            lambda _i: self.camera.start() if self.stack.currentWidget() is self.checkin else self.camera.stop())

        # The queue on the home screen, read on the store runner (after any issue already queued there).
        self.live = LiveView(store, lambda: self._read, runner=self.runner, tag="snapshot", live=live,
                             every_ms=REFRESH_MS, parent=self)
        self.live.fresh.connect(self._snapshot)
        self.live.online.connect(self._online)
        self.set_language(self.lang)
        self.live.start()
        self.idle_timer.start()
        self.runner.submit("plan", store.appointment_plan)  # does the office take bookings? (once, at start)

    # ---------------------------------------------------------------- idle
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() in _ACTIVITY and not self._closing and isinstance(watched, QWidget)
                and (watched is self or self.isAncestorOf(watched))):
            self.idle_timer.start()  # restart: the countdown is from the last touch
        return False

    def _idle(self) -> None:
        if self.return_timer.isActive():
            self.idle_timer.start()  # a ticket on screen has its own, longer, countdown: let it run
            return
        self.go_home(reset_language=True)
        self.idle_timer.start()

    # ---------------------------------------------------------------- reading
    @property
    def online(self) -> bool:
        return self.live.is_online

    @property
    def feed(self) -> LiveFeed | None:
        return self.live.feed

    def refresh(self) -> None:
        """Re-read the queue off the GUI thread; a refresh asked for meanwhile runs after this one."""
        self.live.refresh()

    def _read(self) -> tuple[QueueSnapshot, dict[str, Any] | None]:
        if not self.config.settings.office.public_url.strip():
            # the display publishes its status page address at start: read it with each refresh (cheap)
            self.published_url = effective_public_url("", self.store)
            if self.printer is not None:
                self.printer.public_url = self.published_url
        return self._with_forecast(self.store.snapshot()), self.store.office_setting("priority_categories")

    def _with_forecast(self, snapshot: QueueSnapshot) -> QueueSnapshot:
        """The buttons' "~N phút" as the slip prints it: the hall forecast, once per refresh, on the store runner.

        Without ``hall_forecast`` (a simulation's store) the snapshot's formula stays.
        """
        if not self.store.hall_forecast:
            return snapshot
        codes = [q.service.code for q in snapshot.services
                 if q.service.active and q.open_now and not q.cap_reached and q.staffed]
        estimates = self.store.hall_estimates(codes)
        return replace(snapshot, services=tuple(
            replace(q, estimated_wait_seconds=estimates[q.service.code]) if q.service.code in estimates else q
            for q in snapshot.services))

    def _online(self, up: bool) -> None:
        if not up and self.stack.currentWidget() in (self.home, self.priority, self.outage):
            self._shown_offline = True
            self.stack.setCurrentWidget(self.outage)

    # ---------------------------------------------------------------- the tap
    def choose_category(self, key: str) -> None:
        self.category = key
        self.home.set_priority(self.priority.name(key, self.lang))
        self.stack.setCurrentWidget(self.home)
        self.return_timer.start(self._return_ms() * 3)  # an abandoned priority path resets itself

    def choose_service(self, code: str) -> None:
        now = time.monotonic()
        if now - self._last_tap < DEBOUNCE_SECONDS or self.runner.in_flight("issue"):
            return
        button = self.home.buttons.get(code)
        if button is None or not button.available:
            return
        status = PrintStatus.PENDING if self.printer else PrintStatus.NOT_PRINTED
        if self.runner.submit("issue", self.store.issue_ticket, code, self.category, print_status=status):
            self._last_tap = now

    # ---------------------------------------------------------------- the booking check-in (issue 19)
    def open_checkin(self) -> None:
        self.checkin.clear()
        self.stack.setCurrentWidget(self.checkin)
        self.return_timer.start(self._return_ms() * 3)  # an abandoned check-in resets itself

    def check_in(self, code: str) -> None:
        if self.runner.in_flight("checkin"):
            return
        status = PrintStatus.PENDING if self.printer else PrintStatus.NOT_PRINTED
        if self.runner.submit("checkin", self.store.check_in, code, print_status=status):
            self.checkin.set_busy(True)
            self.return_timer.start(self._return_ms() * 3)

    def _checked_in(self, done: CheckIn) -> None:
        self.checkin.clear()
        self.confirm.reasons = (done.reason_vi, done.reason_en)  # why it is (or is not) a booked ticket
        self._issued(Issued(done.ticket, done.counters))

    def _issued(self, issued: Issued) -> None:
        self.category = None
        self.home.set_priority(None)
        self.return_timer.stop()
        self.confirm.state = "printing" if self.printer else "no_printer"
        self.confirm.show_ticket(issued, self.lang, self.config.tz, self._qr(issued.ticket))
        self.stack.setCurrentWidget(self.confirm)
        self.refit()
        if self.printer is None:
            self.return_timer.start(self._return_ms())
        else:
            self.print_runner.submit("print", deliver_job, self.store, self.printer, issued.ticket, issued.counters)

    def reprint(self) -> None:
        issued = self.failure.issued
        if issued is None or self.printer is None:
            return
        if self.print_runner.submit("print", deliver_job, self.store, self.printer, issued.ticket, issued.counters):
            self.failure.set_busy(True, self.lang)
            self.return_timer.stop()

    def _printed(self, _tag: str, outcome: tuple[Ticket, str | None]) -> None:
        ticket, reason = outcome
        self.failure.reason = reason if ticket.print_status == PrintStatus.FAILED else None
        issued = self.confirm.issued if self.stack.currentWidget() is self.confirm else self.failure.issued
        if issued is None:
            return
        issued = Issued(ticket, issued.counters)
        self.failure.set_busy(False, self.lang)
        if ticket.print_status in (PrintStatus.PRINTED, PrintStatus.SENT):
            # sent: a printer that cannot report status took the bytes; the citizen looks for the paper
            self.confirm.state = "printed" if ticket.print_status == PrintStatus.PRINTED else "sent"
            self.confirm.show_ticket(issued, self.lang, self.config.tz, self._qr(ticket))
            self.stack.setCurrentWidget(self.confirm)
            self.return_timer.start(self._return_ms())
        else:
            self.failure.show_ticket(issued, self.lang, self.config.tz, self._qr(ticket))
            self.stack.setCurrentWidget(self.failure)
            self.return_timer.start(self._return_ms() * FAILURE_SCREEN_FACTOR)

    # ---------------------------------------------------------------- results
    def _succeeded(self, tag: str, value: Any) -> None:
        if tag == "issue":
            self.confirm.reasons = None
            self._issued(value)
        elif tag == "checkin":
            self._checked_in(value)
        elif tag == "plan":
            self.home.set_bookings(bool(value.services))
            # The check-in button, shown or hidden, changes the priority button's width: its hint wraps anew.
            self.refit()

    def _snapshot(self, value: tuple[QueueSnapshot, dict[str, Any] | None]) -> None:
        snapshot, categories = value
        self.home.show_snapshot(snapshot)
        if self._scale != 1.0:
            scale.apply(self, self._scale)  # new service or category buttons start at design size
        self.refit()
        if categories and categories != self.priority.categories:
            self.priority.categories = {k: tuple(v) for k, v in categories.items()}
            self.priority.set_language(self.lang)
        if self._shown_offline or self.stack.currentWidget() is self.outage:
            self._shown_offline = False
            self.go_home()

    def _failed(self, tag: str, exc: BaseException) -> None:
        if tag == "checkin" and isinstance(exc, BookingRefused | DomainError):
            # unknown, cancelled, another day, too early, or the service closed: one clear line, no ticket
            self.checkin.set_busy(False)
            self.checkin.show_message(exc.message(self.lang))
            return
        if tag not in ("issue", "checkin"):
            return  # the snapshot's failures are the live view's; no plan read: no booking button
        if isinstance(exc, StoreUnavailable):
            log.warning("%s: %s", tag, told(exc))
            self.live.report_outage()
            self._last_tap = -DEBOUNCE_SECONDS  # no ticket came of that tap: the first one after recovery counts
            self._shown_offline = True
            self.stack.setCurrentWidget(self.outage)
            return
        if tag == "checkin":
            self.checkin.set_busy(False)
            self.checkin.show_message(tr(self.lang, "outage_hint"))
            log.error("%s failed: %r", tag, exc)
            return
        if tag == "issue" and isinstance(exc, DomainError):
            self.home.show_message(tr(self.lang, "error", message=exc.message(self.lang)))
            self.refresh()
            return
        log.error("%s failed: %r", tag, exc)  # never a traceback on the citizen's screen
        self.home.show_message(tr(self.lang, "outage_hint"))

    # ---------------------------------------------------------------- navigation
    def go_home(self, *, reset_language: bool = False) -> None:
        self.return_timer.stop()
        if reset_language or self.stack.currentWidget() in (self.confirm, self.failure):
            # A citizen's visit to the kiosk ends here: the next one starts in the office's language.
            default = self.config.settings.office.language
            if self.lang != default:
                self.set_language(default)
        self.category = None
        self.home.set_priority(None)
        self.home.show_message(None)
        self.stack.setCurrentWidget(self.home if self.online else self.outage)
        self.refresh()

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.refit()
        self.header.set_language(lang)
        self.home.set_language(lang)
        self.priority.set_language(lang)
        self.checkin.set_language(lang)
        self.outage.set_language(lang)
        self.outage.retrying.setText(outage_text(lang))  # the one outage line every app shows
        if self.category:
            self.home.set_priority(self.priority.name(self.category, lang))
        if self.confirm.issued:
            self.confirm.show_ticket(self.confirm.issued, lang, self.config.tz, self._qr(self.confirm.issued.ticket))
        if self.failure.issued:
            self.failure.show_ticket(self.failure.issued, lang, self.config.tz, self._qr(self.failure.issued.ticket))

    def set_portrait(self, portrait: bool) -> None:
        self.checkin.set_portrait(portrait)
        self.confirm.set_portrait(portrait)
        self.failure.set_portrait(portrait)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.set_portrait(self.height() > self.width())
        k = scale.factor(self.width(), self.height())
        if k != self._scale:
            self._scale = k
            self.setStyleSheet(style(scale.touch_px(k)))
        scale.apply(self, k)  # also undoes a shrink that the last screen needed
        self.refit()


    def _restart_fit(self) -> None:
        scale.apply(self, self._scale)  # each screen starts from the panel's scale, then shrinks if it must
        self.refit()

    def refit(self) -> None:
        """After a resize or new text: wrapped labels take the height they need (soon, once laid out)."""
        if not self._refit_pending:
            self._refit_pending = True
            QTimer.singleShot(0, self._refit)

    def _refit(self) -> None:
        self._refit_pending = False
        k = self._scale
        for _ in range(10):
            self._settle()
            if not scale.squeezed(self) or k < 0.35:
                break
            # This screen's content (a long name, English, a priority line) is taller than the panel:
            # shrink it all a step rather than let the layout squeeze or cut a line.
            k *= 0.93
            scale.apply(self, k)

    def _settle(self) -> None:
        for _ in range(4):  # a taller label narrows nothing, so this settles in one or two rounds
            # nested layouts relayout on posted events: deliver them now, so geometry is current
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            layout = self.layout()
            if layout is not None:
                layout.activate()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            if not scale.fit_wrapped(self):
                break

    def ask_to_close(self) -> None:
        pin = PinDialog.ask(self, self.lang)
        if self.admin_pin and pin == self.admin_pin:
            self.close()

    def _return_ms(self) -> int:
        return int(self.config.settings.kiosk.return_seconds) * 1000

    def _qr(self, ticket: Ticket) -> str:
        return qr_payload(ticket.token, self.config.settings.office.public_url or self.published_url)

    def shutdown(self) -> None:
        if self._closing:
            return
        self._closing = True
        self.return_timer.stop()
        self.idle_timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.live.stop()
        self.camera.shutdown()
        self.runner.shutdown()
        self.print_runner.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
