"""`motcua office add|list|roles`, `motcua province` and `motcua province-staff`: many offices on one PostgreSQL.

The province's owner adds offices and their roles; a province role (or the owner) reads the
province view; any office's role reads its own line only (row-level security).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date

from common.cli.args import language
from common.cli.args import said as say
from common.cli.commands import open_context, read_new_password
from common.cli.reports import _emit, _period, chosen_format, no_tickets, period
from common.core.errors import MotcuaError, said
from common.store import province_staff
from common.store.offices import LEVELS, add_office, apply_office_roles, find_office, list_offices, office_roles_sql
from common.views.province import COLUMNS, ProvinceView, rows, to_csv, to_table
from common.views.public_page import render as render_public


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("office", help=say("các đơn vị của một tỉnh dùng chung một PostgreSQL",
                                          "the offices of a province sharing one PostgreSQL"))
    p.add_argument("action", choices=["add", "list", "roles"],
                   help="add: register an office; list: every office; roles: the SQL creating an office's roles")
    p.add_argument("code", nargs="?", help="the office's code, e.g. xa-an-binh (add, roles)")
    p.add_argument("--name", help="the office's name (add)")
    p.add_argument("--level", choices=LEVELS, default="commune", help="province, district or commune (add)")
    p.add_argument("--parent", metavar="CODE", help="the office above it (add)")
    p.add_argument("--timezone", default="Asia/Ho_Chi_Minh", help="its IANA time zone (add)")
    p.add_argument("--apply", action="store_true", help="roles: run the SQL now (as the owner) instead of printing it")
    p.add_argument("--json", action="store_true", help="list: as JSON")
    p.set_defaults(func=cmd_office)

    p = sub.add_parser("province", help=say(
        "thời gian chờ và mức hài lòng của mọi đơn vị, xếp hạng, đánh dấu dưới chỉ tiêu",
        "every office's waits and satisfaction, ranked, under-target flagged"))
    _period(p)
    p.add_argument("--level", choices=LEVELS, help="only the offices of this level")
    p.add_argument("--format", choices=["table", "csv", "json", "xlsx", "html"],
                   help="output format (default: from --output's name, else table); html: the public transparency "
                        "page (công khai) for today and this month")
    p.add_argument("--output", metavar="FILE", help="write to FILE (required for xlsx)")
    p.set_defaults(func=cmd_province)

    p = sub.add_parser("province-staff", help=say("tài khoản cá nhân đăng nhập trang tổng hợp của tỉnh",
                                                  "the province's named people who sign in to the province view"))
    p.add_argument("action", choices=["add", "list", "disable", "enable", "signins"],
                   help="add: an account (password from stdin); list; disable/enable; signins: the latest attempts")
    p.add_argument("username", nargs="?", help="the person's user name (add, disable, enable)")
    p.add_argument("--name", help="the person's full name (add)")
    p.set_defaults(func=cmd_province_staff)


def cmd_office(args: argparse.Namespace) -> int:
    db = open_context(args).store.db
    if args.action == "list":
        offices = list_offices(db)
        if args.json:
            print(json.dumps([asdict(o) for o in offices], ensure_ascii=False, indent=2))
        if not args.json:
            heads = ("số", "mã", "cấp", "múi giờ", "tên ← đơn vị cấp trên") if language() == "vi" else \
                ("id", "code", "level", "time zone", "name ← parent")
            print(f"{heads[0]:>4}  {heads[1]:<24} {heads[2]:<9} {heads[3]:<20} {heads[4]}")
        for o in [] if args.json else offices:
            parent = f" ← {o.parent_code}" if o.parent_code else ""
            print(f"{o.id:>4}  {o.code:<24} {o.level:<9} {o.timezone:<20} {o.name}{parent}")
        return 0
    if not args.code:
        raise said(MotcuaError, f"motcua office {args.action} cần mã đơn vị",
                   f"motcua office {args.action} needs the office's code")
    if args.action == "add":
        if db.is_sqlite:
            raise said(MotcuaError,
                       "một tệp SQLite là một đơn vị; cả tỉnh dùng chung một PostgreSQL (docs/province.md)",
                       "a SQLite file is one office; a province shares one PostgreSQL (docs/province.md)")
        office = add_office(db, args.code, args.name or args.code, level=args.level, parent=args.parent,
                            timezone=args.timezone)
        roles = f"motcua office roles {office.code} --apply"
        print(say(f"đã thêm đơn vị {office.id} {office.code}; tạo vai trò của nó: {roles}",
                  f"office {office.id} {office.code} added; its roles: {roles}"))
        return 0
    office = find_office(db, args.code)
    if db.is_sqlite:
        raise said(MotcuaError, "vai trò đơn vị cần PostgreSQL; một tệp SQLite là một đơn vị",
                   "office roles need PostgreSQL; a SQLite file is one office")
    if args.apply:
        apply_office_roles(db, office.id)
        names = f"motcua_kiosk_o{office.id}, motcua_counter_o{office.id}, ..."
        print(say(f"đã tạo vai trò của đơn vị {office.code}: {names}",
                  f"roles of office {office.code} created: {names}"))
    else:
        print(office_roles_sql(office.id), end="")
    return 0


def cmd_province(args: argparse.Namespace) -> int:
    args.format = chosen_format(args, ("csv", "json", "xlsx", "html"))
    store = open_context(args).store
    if args.format == "html":
        if args.start is not None or args.end is not None:  # the page's two columns are named "today", "this month"
            print("motcua province: " + say("trang công khai (--format html) luôn là hôm nay và tháng này; "
                                            "bỏ qua --from/--to",
                                            "the public page (--format html) is always today and this month; "
                                            "--from/--to ignored"), file=sys.stderr)
        today = store.today
        views = (store.views.province(today, today), store.views.province(today.replace(day=1), today))
        _emit(public_page(*(_only(v, args.level) for v in views), updated=today), args.output)
        return 0
    start, end = period(args, store)
    view = _only(store.views.province(start, end), args.level)
    if args.format == "xlsx":
        if not args.output:
            raise said(MotcuaError, "--format xlsx cần --output FILE.xlsx", "--format xlsx needs --output FILE.xlsx")
        write_xlsx(view, args.output)
        print(say(f"đã ghi {args.output}", f"wrote {args.output}"))
        return 0
    if args.format == "csv":
        text = to_csv(view)
    elif args.format == "json":
        text = json.dumps([dict(zip(COLUMNS, r, strict=True)) for r in rows(view)], ensure_ascii=False, indent=2) + "\n"
    else:
        text = to_table(view) + "\n"
    _emit(text, args.output)
    # After the table is out: a refused --output stays the one line it was.
    if args.format == "table" and not view.offices:  # e.g. right after `demo --province`: its history ends yesterday
        print(no_tickets("province", start, end, store.today), file=sys.stderr)
    return 0


def cmd_province_staff(args: argparse.Namespace) -> int:
    store = open_context(args).store
    if args.action == "list":
        for u in province_staff.staff(store):
            print(f"{u.username:<24} {'' if u.active else '(đã khoá) '}{u.full_name}")
        return 0
    if args.action == "signins":
        for r in province_staff.recent(store, 50):
            print(f"{r.at:%Y-%m-%d %H:%M:%S}  {r.outcome:<9} {r.username:<24} {r.pc} ({r.app})")
        return 0
    if not args.username:
        raise said(MotcuaError, f"motcua province-staff {args.action} cần tên đăng nhập",
                   f"motcua province-staff {args.action} needs a user name")
    if args.action in ("disable", "enable"):
        province_staff.set_active(store, args.username, args.action == "enable")
        print(f"đã {'mở' if args.action == 'enable' else 'khoá'} tài khoản tỉnh {args.username}")
        return 0
    user = province_staff.add_staff(store, args.username, args.name or "", read_new_password(args.username))
    print(f"đã thêm tài khoản tỉnh {user.username} ({user.full_name})")
    return 0


def _only(view: ProvinceView, level: str | None) -> ProvinceView:
    if level is None:
        return view
    return ProvinceView(view.start, view.end, tuple(o for o in view.offices if o.level == level))


def write_xlsx(view: ProvinceView, path: str) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "province"
    sheet.append(list(COLUMNS))
    for r in rows(view):
        sheet.append([float(c) if c.replace(".", "", 1).isdigit() else c for c in r])
    for level, offices in view.by_level().items():
        sheet = book.create_sheet(level)
        sheet.append(list(COLUMNS))
        for r in rows(ProvinceView(view.start, view.end, offices)):
            sheet.append([float(c) if c.replace(".", "", 1).isdigit() else c for c in r])
    try:
        book.save(path)
    except OSError as exc:
        why = exc.strerror or exc
        raise said(MotcuaError, f"không ghi được {path}: {why}", f"cannot write {path}: {why}") from exc


def public_page(today: ProvinceView, month: ProvinceView, *, updated: date) -> str:
    """Công khai: each office's waits and satisfaction, today and this month (common/views/public_page.py,
    the renderer the status server's /cong-khai shares). No ticket, person or clerk."""
    return render_public(today, month, updated=updated.strftime("%d/%m/%Y"))
