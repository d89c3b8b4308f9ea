"""``motcua dashboard``: the supervisor's dashboard.

    motcua dashboard [--user USER --password-stdin]
    motcua dashboard --screenshot FILE [--size WxH] [--tab live|history|charts|staffing|accuracy|satisfaction|all]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from common.cli.args import OneLineParser
from common.cli.args import said as say
from common.config import config_path, load_config
from common.core.errors import MotcuaError, said
from common.core.model import Role
from common.store import Store
from common.store.office_scope import is_province
from dashboard import sample
from dashboard.signin import ProvinceSignInDialog, SignInDialog, check, check_province
from dashboard.window import TABS, DashboardWindow
from ui.screenshot import office_in, parse_size, render_offscreen, save_png
from ui.startup import open_store
from ui.style import application


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="motcua dashboard", description="The supervisor's dashboard.")
    p.add_argument("--user", help="sign in as USER without the form; needs --password-stdin")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.add_argument("--no-sound", action="store_true", help="no chime with the wait alerts")
    p.add_argument("--screenshot", metavar="FILE", help="render over simulated history to a PNG and exit")
    p.add_argument("--size", default="1440x900", help="window size for --screenshot (default 1440x900)")
    p.add_argument("--tab", choices=[*TABS, "all", "province"], default="live",
                   help="the tab to render; 'all' writes FILE and FILE-<tab>.png for every other tab; "
                        "'province': the province tab, with --db as the province role")
    p.add_argument("--history-days", type=int, default=12, help="simulated working days before today (screenshot)")
    return p


def run(argv: list[str], *, config: str | None, db: str | None) -> int:
    args = build_parser().parse_args(argv)
    size = parse_size(args.size)
    if args.user and not args.password_stdin:
        raise said(MotcuaError, "--user cần --password-stdin (không bao giờ ghi mật khẩu trên dòng lệnh)",
                   "--user needs --password-stdin (the password is never given on the command line)")
    if args.screenshot:
        render_offscreen(args.screenshot)
        return screenshot(Path(args.screenshot), size, args.tab, args.history_days, db, config)
    ctx = open_store(config, db, "dashboard", fullscreen=False)
    clerk = None
    if is_province(ctx.store):  # the province's read-only role; a named person of the province signs in
        from dashboard.province_window import ProvinceWindow  # only for a province: ~0.2 s off every other start

        if args.user:
            try:
                clerk = check_province(ctx.store, args.user, sys.stdin.readline().rstrip("\n"))
            except PermissionError as exc:
                raise MotcuaError(f"{args.user}: {exc}") from None
        app = application("dashboard")
        if clerk is None:
            dialog = ProvinceSignInDialog(ctx.store)
            if not dialog.exec() or dialog.clerk is None:
                return 1
            clerk = dialog.clerk
        province = ProvinceWindow(ctx.store, viewer=clerk)
        province.show()
        return app.exec()
    if args.user:
        try:
            clerk = check(ctx.store, args.user, sys.stdin.readline().rstrip("\n"))
        except PermissionError as exc:
            raise MotcuaError(f"{args.user}: {exc}") from None
    app = application("dashboard")
    if clerk is None:
        dialog = SignInDialog(ctx.store)
        if not dialog.exec() or dialog.clerk is None:
            return 1
        clerk = dialog.clerk
    window = DashboardWindow(ctx.store, clerk, at_risk_minutes=ctx.config.settings.office.at_risk_minutes,
                             office=ctx.config.settings.office.name, sound=not args.no_sound)
    window.show()
    return app.exec()


def screenshot(path: Path, size: tuple[int, int], tab: str, history_days: int, db: str | None = None,
               config: str | None = None) -> int:
    """The sample office (its history simulated), or with ``--db`` holding an office, that office as it is."""
    app = application("dashboard")
    cfg = load_config(config_path(config) or sample.EXAMPLE)
    existing = office_in(db, cfg)
    if tab == "province" or (existing is not None and is_province(existing)):
        # A province role opens the province window, as `motcua dashboard` does: an office's tab over every
        # office at once listed each service once per office under the sample's name.
        return province_screenshot(path, size, existing)
    with tempfile.TemporaryDirectory(prefix="motcua-dashboard-") as tmp:
        supervisor = sample.SUPERVISOR
        if existing is not None:
            store, office = existing, str(existing.office_setting("office.name") or cfg.settings.office.name)
            supervisor = next((c for c in store.clerks() if c.role is Role.SUPERVISOR), supervisor)
        else:  # an empty --db gets the sample, as a temporary file would
            store, office = sample.sample_store(Path(tmp), history_days, db)
        window = DashboardWindow(store, supervisor, office=office, live=False, sound=False)
        window.resize(*size)
        wanted = list(TABS) if tab == "all" else [tab]
        for key in wanted:
            window.select(key)
            if not wait_until(lambda k=key: loaded(window, k), 60_000):
                raise MotcuaError(f"the {key} tab did not load within a minute")
            if key == "staffing":  # the panel then shows the counter plan's band across simulated days
                wait_until(lambda: window.staffing.counter_plan is not None and window.staffing.plan is not None,
                           900_000)  # the counter plan takes about a minute of CPU: minutes on a loaded machine
            target = path if key == wanted[0] else path.with_name(f"{path.stem}-{key}{path.suffix}")
            save_png(window, target, size)
            print(say(f"đã ghi {target} ({size[0]}x{size[1]}, {key})", f"wrote {target} ({size[0]}x{size[1]}, {key})"))
        window.close()
        store.db.engine.dispose()
    app.processEvents()
    return 0


def province_screenshot(path: Path, size: tuple[int, int], store: Store | None) -> int:
    """The province window over the province in ``--db`` (connected as a province role), as it is."""
    if store is None or not is_province(store):
        raise said(MotcuaError, "--tab province cần --db kết nối bằng vai trò cấp tỉnh (motcua_province)",
                   "--tab province needs --db connected as a province role (motcua_province)")
    from dashboard.province_window import ProvinceWindow

    window = ProvinceWindow(store, live=False)
    window.resize(*size)
    if not wait_until(lambda: window.tab.figures is not None, 60_000):
        raise MotcuaError("the province tab did not load within a minute")
    save_png(window, path, size)
    print(say(f"đã ghi {path} ({size[0]}x{size[1]}, province)", f"wrote {path} ({size[0]}x{size[1]}, province)"))
    window.close()
    store.db.engine.dispose()
    return 0


def loaded(window: DashboardWindow, key: str) -> bool:
    """Whether a tab shows its data (checked on the GUI thread, after the tab's own slot ran)."""
    value = getattr(getattr(window, key), LOADED[key])
    return (value.report if key == "history" else value) is not None


# The attribute each tab fills once its read is shown (--tab all renders every tab of TABS). The sign-ins'
# list starts empty rather than None: that tab is drawn as it stands.
LOADED = {"live": "figures", "history": "table", "charts": "reports", "accuracy": "report", "staffing": "advice",
          "satisfaction": "report", "bookings": "report", "signins": "records"}


def wait_until(condition: Callable[[], bool], timeout_ms: int) -> bool:
    """Run the event loop until ``condition()`` holds (checked every 50 ms) or the timeout passes."""
    loop = QEventLoop()
    poll = QTimer(interval=50)
    poll.timeout.connect(lambda: loop.quit() if condition() else None)
    poll.start()
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    poll.stop()
    return condition()
