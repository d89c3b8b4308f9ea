"""``motcua display``: the hall board, the announcements and the ticket status page."""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

from common.cli.args import OneLineParser, port_number, told
from common.cli.args import said as say
from common.config import config_path
from common.core.errors import MotcuaError, said
from common.devices.speech import AnnouncementBuilder, SpeechSettings, SpeechThread
from common.store.bootstrap import Context
from common.store.rating import check_reasons
from display.announcer import Announcer
from display.audio import QtAudioSink
from display.board_window import BoardWindow
from display.booking_site import BookingSite
from display.controller import DisplayController
from display.public_page import PublicPage, store_read
from display.sample import sample_context
from display.status_server import StatusServer
from display.status_site import StatusSite
from ui.automation import Automation, StdinLines
from ui.screenshot import office_in, parse_size, render_offscreen, sample_config, save_png
from ui.startup import open_store
from ui.style import application

log = logging.getLogger(__name__)


def parse(argv: list[str]) -> argparse.Namespace:
    p = OneLineParser(prog="motcua display", description="The hall display and ticket status page.")
    p.add_argument("--screenshot", metavar="FILE", help="render the board with sample calls to a PNG and exit")
    p.add_argument("--size", default="1920x1080", help="window size for --screenshot or --windowed (WxH)")
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    p.add_argument("--no-speech", action="store_true", help="no announcements (the board and page still work)")
    p.add_argument("--port", type=port_number, help="status page port (default: display.http_port)")
    p.add_argument("--announce-dir", metavar="DIR", type=Path,
                   help="keep a copy of each announcement WAV in DIR (made even when the PC has no speaker)")
    p.add_argument("--automation", action="store_true",
                   help="take commands on stdin, answer in JSON lines on stdout (tests; see ui/automation.py)")
    return p.parse_args(argv)


def make_board(ctx: Context) -> BoardWindow:
    cfg = ctx.config
    return BoardWindow(cfg.settings.office.name, cfg.tz, cfg.settings.display.notice, cfg.settings.display.recent_calls,
                       clock=ctx.store.clock)


def screenshot(args: argparse.Namespace, size: tuple[int, int], config: str | None, db: str | None = None) -> int:
    cfg = sample_config(config_path(config))  # a PC's own file (no services): the example office's
    application("display")
    existing = office_in(db, cfg)  # --db with an office: its board as it is now
    with tempfile.TemporaryDirectory(prefix="motcua-shot-") as folder:
        ctx = Context(cfg, existing) if existing else sample_context(cfg, Path(folder), db)
        board = make_board(ctx)
        board.resize(*size)
        board.apply(ctx.store.views.board(cfg.settings.display.recent_calls))
        board.header.tick(ctx.store.clock.now())
        path = save_png(board, args.screenshot, size)
        ctx.store.db.engine.dispose()
    print(say(f"đã ghi {path} ({size[0]}x{size[1]})", f"wrote {path} ({size[0]}x{size[1]})"))
    return 0


def run(argv: list[str], *, config: str | None, db: str | None) -> int:
    args = parse(argv)
    size = parse_size(args.size)  # before anything starts: a bad --size is one line, not a traceback
    if args.screenshot:
        render_offscreen(args.screenshot)
        return screenshot(args, size, config, db)
    if args.announce_dir is not None:
        try:
            args.announce_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            why = exc.strerror or exc
            raise said(MotcuaError, f"--announce-dir {args.announce_dir}: không tạo được thư mục: {why}",
                       f"--announce-dir {args.announce_dir}: {why}") from exc
    ctx = open_store(config, db, "display")
    cfg = ctx.config
    app = application("display")
    board = make_board(ctx)
    announcer, speech = None, None
    if args.no_speech:
        kept = args.announce_dir is not None
        log.warning("%s", say("đã tắt lời gọi loa (--no-speech)" + ("; --announce-dir không lưu gì" if kept else ""),
                              "announcements are off (--no-speech)"
                              + ("; --announce-dir keeps nothing" if kept else "")))
    else:
        speech = SpeechThread()
        sink = QtAudioSink(board)
        announcer = Announcer(AnnouncementBuilder(SpeechSettings.from_config(cfg)), sink, speech, board,
                              keep_dir=args.announce_dir)
    site = StatusSite(cfg.settings.office.name, reasons=check_reasons(cfg.settings.rating.reasons), tz=cfg.tz)
    if cfg.settings.display.public_page_seconds:  # /cong-khai, read on its own thread at most this often
        site.public = PublicPage(store_read(ctx.store), max_age=cfg.settings.display.public_page_seconds).reply
    # Booking (/dat-lich, /hen) and phone numbers (/lay-so), issue 19: the store keeps the plan, the pages read it.
    booking = BookingSite(ctx.store, cfg.settings.office.name, tz=cfg.tz, on_issued=site.issuing.__setitem__)
    server = StatusServer(site, cfg.settings.display.http_host, args.port or cfg.settings.display.http_port, board,
                          booking=booking)
    publish_status_url(ctx.store, cfg, server)
    controller = DisplayController(ctx.store, board, recent=cfg.settings.display.recent_calls,
                                   announcer=announcer, site=site, parent=board)
    if args.windowed:
        board.resize(*size)
        board.show()
    else:
        board.showFullScreen()
    if args.automation:
        # Ready once the change feed listens: a call made after "ready" is on the board and announced.
        automation = Automation("display", StdinLines(), board, info={"port": server.port})
        controller.feed.online.connect(lambda up: automation.start() if up else None)
        if announcer is not None:
            announcer.finished.connect(lambda call: automation.report(
                "announced", ticket=call.ticket, counter=call.counter, recall=call.recall, silent=announcer.silent))
    controller.start()
    try:
        return int(app.exec())
    finally:
        controller.stop()
        server.close()
        if announcer is not None:
            announcer.close()
        if speech is not None:
            speech.close()


def publish_status_url(store, cfg, server) -> None:  # type: ignore[no-untyped-def]
    """With office.public_url empty, tell the kiosks where this status page is, so their QR codes open it."""
    if cfg.settings.office.public_url.strip() or not server.listening:
        return
    from common.devices.lan import status_url

    url = status_url(cfg.settings.display.http_host, server.port)
    if url is None:
        log.warning("%s", say("không tìm thấy địa chỉ mạng LAN cho trang tra cứu phiếu: đặt office.public_url để mã QR "
                              "trên phiếu mở được trang", "no LAN address for the status page: set office.public_url "
                              "so that tickets' QR codes open it"))
        return
    try:
        store.publish_status_url(url)  # one small write at start, before the event loop runs
        log.info("%s", say(f"đã báo địa chỉ trang tra cứu cho các kiosk: {url}",
                           f"status page published for the kiosks: {url}"))
    except MotcuaError as exc:
        log.warning("%s", say(f"không báo được địa chỉ trang tra cứu {url}: {told(exc)}",
                              f"could not publish the status page address {url}: {exc}"))
