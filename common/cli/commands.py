"""The queue commands: db, setup, clerk, issue, call and friends, status, close-day, config."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from typing import Any

from common.cli.args import counter_number, language
from common.cli.args import said as say  # a message line; errors.said makes an error
from common.config import config_path, load_config
from common.core.errors import MotcuaError, said
from common.core.estimate import NO_COUNTER_SHORT
from common.core.model import PrintStatus, Role, Ticket
from common.core.wording import counter_state_text, status_text
from common.settings import reference_table
from common.store import Store
from common.store import db as dbmod
from common.store.bootstrap import Context, bootstrap


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help="database URL (default: MOTCUA_DB, the config, then SQLite)")
    parser.add_argument("--config", metavar="PATH", help="office config TOML (default: MOTCUA_CONFIG)")


def open_context(args: argparse.Namespace) -> Context:
    """The config and store for a command, built the way every app builds them."""
    return bootstrap(args.config, args.db, must_exist=True)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


JSON_HELP = "print the result as JSON (UTF-8) instead of a line of text"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help=say("lược đồ cơ sở dữ liệu", "database schema"))
    p.add_argument("action", choices=["upgrade", "current"],
                   help="upgrade: create or migrate the schema (Alembic); current: print its revision")
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("setup", help=say("nạp dịch vụ, quầy và cán bộ của đơn vị",
                                         "load the office's services, counters and clerks"))
    p.add_argument("action", choices=["load"], help="load: put the file's office into the store (idempotent)")
    p.add_argument("file", help="office TOML, e.g. assets/office.example.toml")
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("clerk", help=say("thêm hoặc cập nhật cán bộ; mật khẩu hỏi tại dấu nhắc hoặc đọc từ stdin",
                                         "add or update a clerk; the password is read from a prompt or stdin"))
    p.add_argument("action", choices=["add"], help="add: add the clerk, or update one with this username")
    p.add_argument("username", help="the clerk's sign-in name, e.g. lan")
    p.add_argument("--name", default=None, help="full name (default: the username)")
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.CLERK.value,
                   help="what the clerk may do (default: clerk; a supervisor also opens the dashboard)")
    p.set_defaults(func=cmd_clerk)

    p = sub.add_parser("issue", help=say("cấp vé cho một dịch vụ", "issue a ticket for a service"))
    p.add_argument("service", help="service code, e.g. TP")
    p.add_argument("--priority", metavar="CATEGORY", help="priority category, e.g. elderly")
    p.add_argument("--print", dest="print_ticket", action="store_true", help="print it on the configured printer")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(func=cmd_issue)

    p = sub.add_parser("call", help=say("gọi vé tiếp theo tới quầy", "call the next ticket to a counter"))
    _counter_args(p)
    p.set_defaults(func=cmd_call)

    p = sub.add_parser("call-ticket", help=say("gọi một vé không theo thứ tự (mã vé hoặc mã QR), kèm lý do",
                                               "call one ticket out of order (code or QR token), with a reason"))
    _counter_args(p)
    p.add_argument("ticket", help="ticket code (A023) or QR token")
    p.add_argument("--reason", required=True, help="why this ticket goes first (kept in the event log)")
    p.set_defaults(func=lambda a: _act(a, lambda s: s.call_specific(a.ticket, a.counter, a.clerk, a.reason)))

    for name, method, help_vi, help_en in (
        ("recall", Store.recall, "gọi lại vé hiện tại của quầy", "call the counter's current ticket again"),
        ("start", Store.start_service, "bắt đầu phục vụ vé đã gọi", "start serving the called ticket"),
        ("finish", Store.finish_service, "kết thúc phục vụ vé hiện tại", "finish serving the current ticket"),
        ("no-show", Store.mark_no_show, "báo vắng mặt vé đã gọi", "mark the called ticket as a no-show"),
        ("hold", Store.hold, "giữ vé hiện tại lại", "put the current ticket on hold"),
    ):
        p = sub.add_parser(name, help=say(help_vi, help_en))
        _counter_args(p)
        p.set_defaults(func=lambda a, m=method: _act(a, lambda s: m(s, a.counter, a.clerk)))

    p = sub.add_parser("resume", help=say("lấy lại vé quầy này đã giữ", "take back a ticket this counter put on hold"))
    _counter_args(p)
    p.add_argument("ticket", help="code of the ticket on hold, e.g. A023")
    p.set_defaults(func=lambda a: _act(a, lambda s: s.resume(a.ticket, a.counter, a.clerk)))

    p = sub.add_parser("transfer", help=say("chuyển vé hiện tại sang dịch vụ hoặc quầy khác",
                                            "transfer the current ticket to a service or a counter"))
    _counter_args(p)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--to", dest="to_service", metavar="SERVICE", help="service code to send it to, e.g. DD")
    target.add_argument("--to-counter", type=counter_number, metavar="N", help="counter number to send it straight to")
    p.set_defaults(func=lambda a: _act(a, lambda s: s.transfer(
        a.counter, a.clerk, to_service=a.to_service, to_counter=a.to_counter)))

    p = sub.add_parser("cancel", help=say("huỷ một vé", "cancel a ticket"))
    p.add_argument("ticket", help="ticket code, e.g. A023")
    p.add_argument("--clerk", required=True, help="the clerk's username")
    p.add_argument("--reason", default="", help="why it is cancelled (kept in the event log)")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(func=lambda a: _act(a, lambda s: s.cancel(a.ticket, a.clerk, a.reason)))

    p = sub.add_parser("status", help=say("hàng chờ hiện tại: số người chờ mỗi dịch vụ, các quầy, chờ lâu nhất",
                                          "the live queue: waiting per service, counters, longest wait"))
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("close-day", help=say("chuyển vé còn chờ của hôm nay và các ngày trước sang Hết hạn",
                                             "expire tickets still waiting from today and earlier days"))
    p.set_defaults(func=cmd_close_day)

    p = sub.add_parser("config", help=say("in mọi thiết lập với giá trị mặc định và ý nghĩa",
                                          "print every setting with its default and meaning"))
    p.set_defaults(func=lambda a: print(reference_table()) or 0)


def _counter_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("counter", type=counter_number, help="counter number, e.g. 3")
    p.add_argument("--clerk", required=True, help="the clerk's username")
    p.add_argument("--json", action="store_true", help=JSON_HELP)


def cmd_db(args: argparse.Namespace) -> int:
    cfg = load_config(config_path(args.config))
    url = dbmod.resolve_url(args.db, cfg.settings.database.url or None)
    if args.action != "upgrade":  # only `db upgrade` creates a database
        dbmod.check_sqlite_exists(url)
    database = dbmod.Database(dbmod.make_engine(url), url)
    if args.action == "upgrade":
        dbmod.upgrade(database)
    try:
        current = dbmod.current_revision(database)
    except Exception as exc:  # any driver error here means the server is not there
        where, why = database.masked_url, dbmod.first_line(exc)
        raise said(MotcuaError, f"không kết nối được cơ sở dữ liệu {where}: {why}",
                   f"cannot reach the database {where}: {why}") from exc
    where, head = database.masked_url, dbmod.head_revision()
    print(say(f"{where}: lược đồ {current or 'chưa có'} (bản motcua này cần {head})",
              f"{where}: schema {current or 'none'} (this motcua needs {head})"))
    return 0


def cmd_setup(args: argparse.Namespace) -> int:
    from pathlib import Path

    cfg = load_config(Path(args.file))
    ctx = bootstrap(args.config or args.file, args.db, must_exist=True)
    counts = ctx.store.load_office(cfg.office, {k: v for k, v in cfg.values.items() if k.startswith("office.")})
    services, counters, clerks, into = counts["services"], counts["counters"], counts["clerks"], ctx.store.db.masked_url
    print(say(f"đã nạp {services} dịch vụ, {counters} quầy, {clerks} cán bộ từ {args.file} vào {into}",
              f"loaded {services} services, {counters} counters, {clerks} clerks from {args.file} into {into}"))
    return 0


def read_new_password(username: str) -> str:
    """A new password: asked twice at a terminal, else one line of standard input (for scripts)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass(f"Mật khẩu cho {username}: ")
    if getpass.getpass("Nhập lại: ") != password:
        raise said(MotcuaError, "hai lần nhập mật khẩu khác nhau; chưa thay đổi gì",
                   "the two passwords differ; nothing was changed")
    return password


ROLE_WORDS = {Role.CLERK: "cán bộ", Role.SUPERVISOR: "giám sát viên", Role.ADMIN: "quản trị viên"}


def cmd_clerk(args: argparse.Namespace) -> int:
    password = read_new_password(args.username)
    if not password:
        raise said(MotcuaError, "không được để trống mật khẩu; chưa thay đổi gì",
                   "an empty password is not allowed; nothing was changed")
    ctx = open_context(args)
    clerk = ctx.store.add_clerk(args.username, args.name or args.username, Role(args.role), password)
    role = ROLE_WORDS.get(clerk.role, clerk.role.value)
    print(say(f"đã lưu {role} {clerk.username} ({clerk.full_name})",
              f"saved {clerk.role.value} {clerk.username} ({clerk.full_name})"))
    return 0


def cmd_issue(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    no_printer = False
    if args.print_ticket:
        from common.devices.printing import PrinterSettings

        # A printer set up wrongly (network without a host...) is refused before a ticket is committed.
        no_printer = PrinterSettings.from_config(ctx.config).type == "none"
    printing = args.print_ticket and not no_printer
    status = PrintStatus.PENDING if printing else PrintStatus.NOT_PRINTED
    issued = ctx.store.issue_ticket(args.service, args.priority, print_status=status)
    ticket, reason = issued.ticket, None
    if printing:
        from common.devices.printing import print_and_record  # python-escpos is only loaded when printing

        ticket, reason = print_and_record(ctx, ticket, issued.counters)
    if args.json:
        print_json({"ticket": ticket.to_json(), "counters": list(issued.counters)})
    else:
        minutes = round(ticket.estimated_wait_seconds / 60)
        no_counter = ticket.no_counter_open  # common.core.estimate.NO_COUNTER: no wait is promised
        head = f"{ticket.code}  {ticket.service_name_vi}  "
        print(head + say(f"phía trước: {ticket.people_ahead}  chờ dự kiến: "
                         f"{NO_COUNTER_SHORT[0].lower() if no_counter else f'{minutes} phút'}  "
                         f"mã tra cứu: {ticket.token}",
                         f"ahead: {ticket.people_ahead}  estimated wait: "
                         f"{'no counter open' if no_counter else f'{minutes} min'}  token: {ticket.token}"))
    if no_printer:  # a warning, not a failure: the ticket is valid and the office chose no printer
        print("motcua: " + say(f"{ticket.code} không in: chưa đặt máy in (printer.type = none); "
                               "báo số cho công dân",
                               f"{ticket.code} not printed: no printer configured (printer.type = none); "
                               "give the citizen the number"), file=sys.stderr)
    if ticket.print_status == PrintStatus.FAILED:
        # the ticket is valid and stays in the queue: say so, whole, and fail the command for scripts
        raise said(MotcuaError, f"{ticket.code} đã cấp và vẫn hợp lệ, nhưng chưa in được: {reason}; "
                   "in lại hoặc báo số cho công dân",
                   f"{ticket.code} was issued and is valid, but not printed: {reason}; "
                   "reprint it or give the citizen the number")
    return 0


def cmd_call(args: argparse.Namespace) -> int:
    ticket = open_context(args).store.call_next(args.counter, args.clerk)
    if args.json:
        print_json({"ticket": ticket.to_json() if ticket else None})
    else:
        print(_describe(ticket) if ticket else say(f"Quầy {args.counter}: không có ai đang chờ",
                                                    f"nobody is waiting for counter {args.counter}"))
    return 0


def _act(args: argparse.Namespace, action: Callable[[Store], Ticket]) -> int:
    ticket = action(open_context(args).store)
    if args.json:
        print_json({"ticket": ticket.to_json()})
    else:
        print(_describe(ticket))
    return 0


def _describe(t: Ticket) -> str:
    """``A001  Tư pháp – Hộ tịch: Đang gọi tại quầy 1, đã chờ 3 phút 5 giây``: the glossary's word for the status."""
    head = f"{t.code}  {t.service_name_vi}: "
    waited = None if t.wait_seconds is None else divmod(t.wait_seconds, 60)
    return say(
        head + status_text(t.status, "vi") + (f" tại quầy {t.counter}" if t.counter else "")
        + (f", đã chờ {waited[0]} phút {waited[1]} giây" if waited else ""),
        head + status_text(t.status, "en").lower() + (f" at counter {t.counter}" if t.counter else "")
        + (f", waited {waited[0]} min {waited[1]} s" if waited else ""))


# `motcua status`: service, waiting, longest wait, estimated wait, name.
STATUS_HEADINGS = {"vi": ("dịch vụ", "đang chờ", "chờ lâu", "dự kiến", "tên"),
                   "en": ("service", "waiting", "longest", "estimate", "name")}


def cmd_status(args: argparse.Namespace) -> int:
    snap = open_context(args).store.snapshot()
    if args.json:
        print_json({
            "at": snap.at.isoformat(),
            "longest_wait_seconds": snap.longest_wait_seconds,
            "services": [{
                "service": s.service.code, "name": s.service.name_vi, "waiting": s.waiting,
                "longest_wait_seconds": s.longest_wait_seconds, "estimated_wait_seconds": s.estimated_wait_seconds,
                "open_now": s.open_now, "issued_today": s.issued_today, "counters_open": s.counters_open,
            } for s in snap.services],
            "counters": [{
                "counter": c.counter.number, "state": c.counter.state.value, "clerk": c.counter.clerk,
                "current": c.current.code if c.current else None, "on_hold": [t.code for t in c.on_hold],
            } for c in snap.counters],
        })
        return 0
    # A table's headings cannot carry both languages: it takes the office's (Vietnamese unless en).
    lang = language()
    heads = STATUS_HEADINGS[lang]
    minute, counter = ("min", "counter") if lang == "en" else ("phút", "quầy")
    print(f"{heads[0]:<7} {heads[1]:>8} {heads[2]:>11} {heads[3]:>11}  {heads[4]}")
    for s in snap.services:
        print(f"{s.service.code:<7} {s.waiting:>8} {s.longest_wait_seconds // 60:>6} {minute:<4} "
              f"{s.estimated_wait_seconds // 60:>6} {minute:<4}  {s.service.name_vi}")
    print()
    for c in snap.counters:
        current = c.current.code if c.current else "-"
        state = counter_state_text(c.counter.state, lang)
        print(f"{counter} {c.counter.number:>2}  {state:<12} {c.counter.clerk or '':<10} {current}")
    return 0


def cmd_close_day(args: argparse.Namespace) -> int:
    n = open_context(args).store.close_day()
    print(say(f"đã chuyển {n} vé còn chờ sang Hết hạn", f"expired {n} tickets still waiting"))
    return 0
