"""`motcua kiosk`: wiring in one place, the full-screen window, and offscreen screenshots."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt

from common.cli.args import OneLineParser
from common.cli.args import said as say
from common.config import config_path
from common.core.errors import MotcuaError
from common.devices.printing import PrinterSettings, TicketPrinter
from kiosk.window import KioskWindow
from ui.automation import Automation, StdinLines
from ui.screenshot import office_in, parse_size, render_offscreen, save_png
from ui.startup import open_store
from ui.style import application

SCREENS = ("home", "confirm", "failed", "checkin", "booked", "nocounter")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = OneLineParser(prog="motcua kiosk", description="The touchscreen ticket kiosk.")
    parser.add_argument("--screenshot", metavar="FILE", help="render offscreen over sample data to a PNG and exit")
    parser.add_argument("--size", default="1920x1080", help="window size for --screenshot, e.g. 1080x1920")
    parser.add_argument("--screen", choices=SCREENS, default="home", help="which screen --screenshot shows")
    parser.add_argument("--windowed", action="store_true", help="a normal window instead of full screen")
    parser.add_argument("--automation", action="store_true",
                        help="take commands on stdin, answer in JSON lines on stdout (tests; see ui/automation.py)")
    return parser.parse_args(argv)


def printer_for(config) -> TicketPrinter | None:  # type: ignore[no-untyped-def]
    """The configured printer, checked now: a bad setting stops the kiosk at start with one line."""
    settings = PrinterSettings.from_config(config)
    if settings.type == "none":
        return None
    printer = TicketPrinter(config, settings)
    printer.warm(tuple(service.name_vi for service in config.office.services))  # the first tap costs no more
    return printer


def run(argv: list[str], *, config: str | None, db: str | None) -> int:
    args = parse_args(argv)
    if args.screenshot:
        render_offscreen(args.screenshot)
        size = parse_size(args.size)
        return screenshot(args.screenshot, size, args.screen, config, db)
    ctx = open_store(config, db, "kiosk")
    printer = printer_for(ctx.config)
    app = application("kiosk")
    window = KioskWindow(ctx.store, ctx.config, printer)
    if ctx.config.settings.kiosk.fullscreen and not args.windowed:
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint)
        window.setCursor(Qt.CursorShape.BlankCursor)  # a touchscreen: no arrow sitting in the middle
        screen = app.primaryScreen().size()
        window.set_portrait(screen.height() > screen.width())
        window.showFullScreen()
    else:
        window.resize(1280, 800)
        window.show()
    if args.automation:
        Automation("kiosk", StdinLines(), window).start()
    return int(app.exec())


def screenshot(path: str, size: tuple[int, int], screen: str, config: str | None, db: str | None = None) -> int:
    from common.core.model import Issued
    from kiosk.sample import SAMPLE_MORNING, sample_config, sample_store

    cfg = sample_config(config_path(config))
    existing = office_in(db, cfg)  # --db with an office: its home screen as it is now
    if existing is not None and screen != "home":
        existing.db.engine.dispose()
        raise MotcuaError(f"--screen {screen} issues a ticket, so it is not drawn over the office in --db; "
                          "leave out --db, or give an empty database")
    app = application("kiosk")
    with tempfile.TemporaryDirectory(prefix="motcua-kiosk-") as folder:
        store = existing or sample_store(Path(folder), cfg, db)
        window = KioskWindow(store, cfg, None, live=False)
        try:
            window.home.show_snapshot(store.snapshot())  # synchronously: the picture must show the data
            window.home.set_bookings(bool(store.appointment_plan().services))
            if screen == "checkin":  # a code half typed, and the line an unknown code gets
                window.open_checkin()
                for ch in "K7MP":
                    window.checkin.press(ch)
                window.checkin.show_message(f"{window.checkin.message.text().strip()}Không tìm thấy lịch hẹn "
                                            "K7MPX4QD" if window.lang == "vi" else "No booking K7MPX4QD")
            elif screen == "booked":  # a booking for 09:45 checked in at 09:40: a "Hẹn" ticket
                slot = SAMPLE_MORNING.replace(minute=45)
                done = store.check_in(store.book("TP", slot, None).code)
                window.confirm.state = "printed"
                window.confirm.reasons = (done.reason_vi, done.reason_en)
                window.confirm.show_ticket(Issued(done.ticket, done.counters), window.lang, cfg.tz,
                                           window._qr(done.ticket))
                window.stack.setCurrentWidget(window.confirm)
            elif screen != "home":
                # nocounter: a service that no open counter serves (KD in the sample): no wait promised
                issued = store.issue_ticket("KD" if screen == "nocounter" else "TP",
                                            "elderly" if screen == "failed" else None)
                qr = window._qr(issued.ticket)
                if screen in ("confirm", "nocounter"):
                    window.confirm.state = "printed"
                    window.confirm.show_ticket(issued, window.lang, cfg.tz, qr)
                    window.stack.setCurrentWidget(window.confirm)
                else:
                    window.failure.show_ticket(issued, window.lang, cfg.tz, qr)
                    window.stack.setCurrentWidget(window.failure)
            window.set_portrait(size[1] > size[0])
            save_png(window, path, size)
            app.processEvents()
        finally:
            window.shutdown()
            store.db.engine.dispose()
    print(say(f"đã ghi {path} ({size[0]}x{size[1]}, {screen})", f"wrote {path} ({size[0]}x{size[1]}, {screen})"))
    return 0



