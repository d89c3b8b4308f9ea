"""``motcua rating``: the citizen's satisfaction panel beside a counter (a tablet or second monitor).

    motcua rating --counter N [--windowed] [--size WxH]
    motcua rating --screenshot FILE [--size WxH]   (also writes FILE's stem + "-reasons")
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

from common.cli.args import OneLineParser, counter_number
from common.cli.args import said as say
from common.config import AppConfig, config_path, load_config
from common.core.errors import MotcuaError, said
from common.core.model import TicketStatus
from common.store import Store
from common.store.rating import check_reasons
from rating.admin import AdminGate
from rating.controller import RatingController
from rating.panel import RatingPanel
from ui.screenshot import office_in, parse_size, render_offscreen, save_png
from ui.startup import open_store
from ui.style import application


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="motcua rating", description="The citizen's satisfaction panel at a counter.")
    p.add_argument("--counter", type=counter_number, help="counter number (default: counter.number in the config)")
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    p.add_argument("--screenshot", metavar="FILE",
                   help="render the asking screen to FILE and the reasons screen to FILE-reasons, then exit")
    p.add_argument("--size", default="1280x800", help="window size for --screenshot or --windowed (WxH)")
    return p


def reasons_of(config: AppConfig) -> tuple[str, ...]:
    try:
        return check_reasons(config.settings.rating.reasons)
    except MotcuaError as exc:
        where = f"{config.path}: " if config.path else ""
        raise MotcuaError(f"{where}{exc}") from None


def run(argv: list[str], *, config: str | None, db: str | None) -> int:
    args = build_parser().parse_args(argv)
    size = parse_size(args.size)
    if args.screenshot:
        render_offscreen(args.screenshot)
        return screenshot(Path(args.screenshot), size, load_config(config_path(config)), db)
    ctx = open_store(config, db, "rating")
    cfg = ctx.config
    counter = args.counter or cfg.settings.counter.number
    if not counter:
        raise said(MotcuaError, "quầy nào? cho --counter N (hoặc counter.number trong cấu hình)",
                   "which counter? give --counter N (or counter.number in the config)")
    known = [c.number for c in ctx.store.counters() if c.active]  # before any window: a wrong number stops here
    if not known:
        raise said(MotcuaError, "trung tâm chưa có quầy nào: nạp cấu hình bằng `motcua setup load FILE`",
                   "the office has no counters yet: load its config with `motcua setup load FILE`")
    if counter not in known:
        numbers = ", ".join(map(str, known))
        raise said(MotcuaError, f"--counter {counter}: không có quầy này; trung tâm có {numbers}",
                   f"--counter {counter}: no such counter; the office has {numbers}")
    app = application("rating")
    panel = RatingPanel(counter, reasons_of(cfg))
    controller = RatingController(ctx.store, panel, counter, timeout_ms=cfg.settings.rating.timeout_seconds * 1000,
                                  thanks_ms=cfg.settings.rating.thanks_seconds * 1000, parent=panel)
    gate = AdminGate(ctx.store, panel, counter, quit_app=app.quit)  # the only way out of full screen
    if args.windowed:
        panel.resize(*size)
        panel.show()
    else:
        panel.showFullScreen()
    controller.start()
    try:
        return int(app.exec())
    finally:
        del gate
        controller.stop()


def screenshot(path: Path, size: tuple[int, int], config: AppConfig, db: str | None = None) -> int:
    """The asking screen, and the reasons screen with two reasons ticked; no database needed.

    With ``--db`` holding an office, the panel asks about that office's latest served ticket, at its counter.
    """
    counter, code = 3, "A023"
    existing = office_in(db, config)
    if existing is not None:
        first = next((c.number for c in existing.counters() if c.active), counter)
        counter, code = latest_served(existing) or (first, code)
        existing.db.engine.dispose()
    app = application("rating")
    panel = RatingPanel(counter, reasons_of(config))
    panel.ask(code)
    asked = save_png(panel, path, size)
    panel.show_reasons()
    for button in panel.reason_buttons[:2]:
        button.setChecked(True)
    reasons = save_png(panel, path.with_name(f"{path.stem}-reasons{path.suffix or '.png'}"), size)
    panel.close()
    app.processEvents()
    print(say(f"đã ghi {asked} và {reasons} ({size[0]}x{size[1]})",
              f"wrote {asked} and {reasons} ({size[0]}x{size[1]})"))
    return 0


def latest_served(store: Store) -> tuple[int, str] | None:
    """(counter, code) of the last ticket served in the last 30 days, as a rating panel would have asked."""
    today = store.today
    done = [t for t in store.tickets(today - timedelta(days=30), today)
            if t.status is TicketStatus.DONE and t.counter is not None and t.finished_at is not None]
    if not done:
        return None
    last = max(done, key=lambda t: t.finished_at or t.issued_at)
    assert last.counter is not None
    return last.counter, last.code
