"""``motcua counter``: the clerk's desktop.

    motcua counter [--counter N] [--user USER --password-stdin]
    motcua counter --screenshot FILE [--size WxH]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication

from common.cli.args import OneLineParser, counter_number
from common.cli.args import said as say
from common.config import config_path, load_config
from common.core.errors import MotcuaError, said
from counter import sample
from counter.desk import Desk
from counter.window import CounterWindow
from ui import heap
from ui.automation import Automation, StdinLines
from ui.screenshot import office_in, parse_size, render_offscreen, save_png
from ui.startup import open_store
from ui.style import application


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="motcua counter", description="The clerk's counter desktop.")
    p.add_argument("--counter", type=counter_number, help="counter number (overrides counter.number in the config)")
    p.add_argument("--user", help="sign in as USER without the form (the demo); needs --password-stdin")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.add_argument("--screenshot", metavar="FILE", help="render the window with sample data to a PNG and exit")
    p.add_argument("--size", default="1280x800", help="window size for --screenshot (default 1280x800)")
    p.add_argument("--automation", action="store_true",
                   help="take commands on stdin (after the password line), answer in JSON lines (tests)")
    return p


def run(argv: list[str], *, config: str | None, db: str | None) -> int:
    args = build_parser().parse_args(argv)
    size = parse_size(args.size)
    if args.user and not args.password_stdin:
        raise said(MotcuaError, "--user cần --password-stdin (không bao giờ ghi mật khẩu trên dòng lệnh)",
                   "--user needs --password-stdin (the password is never given on the command line)")
    if args.screenshot:
        render_offscreen(args.screenshot)
        return screenshot(Path(args.screenshot), size, config, db, args.counter)
    ctx = open_store(config, db, "counter", fullscreen=False)
    fixed = args.counter or ctx.config.settings.counter.number or None
    if args.user and not fixed:
        raise said(MotcuaError, "--user cần --counter N (hoặc counter.number trong cấu hình)",
                   "--user needs --counter N (or counter.number in the config)")
    app = application("counter")
    desk = Desk(ctx.store, lang=ctx.config.settings.office.language)
    window = CounterWindow(desk, fixed_counter=fixed, at_risk_minutes=ctx.config.settings.office.at_risk_minutes,
                           categories=ctx.config.office.priority_categories, office=ctx.config.settings.office.name)
    lines = StdinLines() if args.automation else None  # one reader: the password line, then commands
    if args.user:
        window.signin.username.setText(args.user)
        password = lines.readline() if lines else sys.stdin.readline().rstrip("\n")
        window.signin.password.setText(password or "")
        window.signin.submit()
    window.show()
    heap.settle()
    if lines:
        Automation("counter", lines, window).start()
    return app.exec()


def screenshot(path: Path, size: tuple[int, int], config: str | None = None, db: str | None = None,
               counter: int | None = None) -> int:
    """The sample office signed in at counter 1; with ``--db`` holding an office, that office's sign-in
    screen (a clerk's password is never taken for a picture), at ``--counter`` or the config's counter.number
    as the PC would show it."""
    settings = load_config(config_path(config))
    existing = office_in(db, settings) if db else None
    app = application("counter")
    with tempfile.TemporaryDirectory(prefix="motcua-counter-") as tmp:
        store = existing or sample.sample_store(Path(tmp), datetime.now(), db)
        desk = Desk(store, live=False)
        fixed = (counter or settings.settings.counter.number or None) if existing else sample.DEMO_COUNTER
        window = CounterWindow(desk, fixed_counter=fixed)
        window.resize(*size)
        if existing is not None and not fixed and window.signin.counter.count() == 0:
            # The counter list is read on the desk's worker: the picture showed an empty "Quầy" box.
            wait_for(desk.lists, 10_000)
            QApplication.processEvents()
        if existing is None:
            desk.sign_in(sample.DEMO_CLERK, sample.DEMO_PASSWORD, sample.DEMO_COUNTER)
            if not wait_for(desk.view, 10_000):
                raise MotcuaError("the sample counter did not come up within 10 s")
            # Today's bookings are read on the panel's own worker after the desk view: without this wait
            # the picture showed "–", or the count set but not laid out yet (clipped to its first letter).
            if window.bookings.day is None:
                wait_for(window.bookings.runner.succeeded, 10_000)
            QApplication.processEvents()
        save_png(window, path, size)
        window.close()
        store.db.engine.dispose()
    app.processEvents()
    print(say(f"đã ghi {path} ({size[0]}x{size[1]})", f"wrote {path} ({size[0]}x{size[1]})"))
    return 0


def wait_for(signal: SignalInstance, timeout_ms: int) -> bool:
    """Run the event loop until ``signal`` fires (True) or the timeout passes (False)."""
    loop = QEventLoop()
    fired: list[bool] = []
    signal.connect(lambda *_: (fired.append(True), loop.quit()))
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    return bool(fired)
