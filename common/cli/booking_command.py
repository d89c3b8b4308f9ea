"""``motcua booking``: appointment slots, a clerk's booking for a citizen on the phone, look-up, cancel, and the
bookings a plan change left outside the plan (issue 19). Rules and SQL: common.store.bookings."""

from __future__ import annotations

import argparse
from datetime import date, datetime

from common.cli.args import said
from common.cli.commands import JSON_HELP, open_context, print_json
from common.cli.reports import parse_date
from common.core.bookings import Booking, BookingState
from common.core.errors import MotcuaError
from common.core.errors import said as error_said
from common.store import Store

STATE_WORDS: dict[BookingState, tuple[str, str]] = {
    BookingState.BOOKED: ("đã hẹn", "booked"),
    BookingState.CANCELLED: ("đã huỷ", "cancelled"),
    BookingState.CHECKED_IN: ("đã đến", "checked in"),
    BookingState.NO_SHOW: ("vắng mặt", "no-show"),
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("booking", help=said(
        "lịch hẹn: khung giờ trống, đặt cho công dân, xem, huỷ, lịch ngoài kế hoạch",
        "appointments: free slots, book for a citizen, show, cancel, orphans"))
    actions = p.add_subparsers(dest="booking_action", metavar="ACTION", required=True,
                               help="slots | add | show | cancel | orphans")

    a = actions.add_parser("slots", help="the days that take bookings for a service, or one day's free slots")
    a.add_argument("service", help="service code, e.g. TP")
    a.add_argument("--day", metavar="DATE", help="a service day, YYYY-MM-DD (default: list the bookable days)")
    a.add_argument("--json", action="store_true", help=JSON_HELP)
    a.set_defaults(func=cmd_slots)

    a = actions.add_parser("add", help="book a slot for a citizen (a clerk taking a phone call)")
    a.add_argument("service", help="service code, e.g. TP")
    a.add_argument("--at", required=True, metavar="'YYYY-MM-DD HH:MM'",
                   help="the slot's start, in the office's time zone, e.g. '2026-12-04 09:15'")
    a.add_argument("--contact", metavar="PHONE", help="the citizen's phone or e-mail, to call if the slot changes")
    a.add_argument("--json", action="store_true", help=JSON_HELP)
    a.set_defaults(func=cmd_add)

    a = actions.add_parser("show", help="one booking, by its code")
    a.add_argument("code", help="the booking code the citizen holds, e.g. K7MPX4QD")
    a.add_argument("--json", action="store_true", help=JSON_HELP)
    a.set_defaults(func=cmd_show)

    a = actions.add_parser("cancel", help="cancel a booking, by its code; its place becomes free")
    a.add_argument("code", help="the booking code, e.g. K7MPX4QD")
    a.add_argument("--json", action="store_true", help=JSON_HELP)
    a.set_defaults(func=cmd_cancel)

    a = actions.add_parser("orphans", help="bookings still to come that the current plan has no place for")
    a.add_argument("--json", action="store_true", help=JSON_HELP)
    a.set_defaults(func=cmd_orphans)


def _line(store: Store, b: Booking) -> str:
    local = b.slot_start.astimezone(store.tz)
    state = said(*STATE_WORDS[b.state])
    ticket = f"  {said('vé', 'ticket')} {b.ticket_code}" if b.ticket_code else ""
    contact = f"  {b.contact}" if b.contact else ""
    return (f"{b.code}  {local:%Y-%m-%d %H:%M}-{b.slot_end.astimezone(store.tz):%H:%M}  {b.service} "
            f"{b.service_name_vi}: {state}{ticket}{contact}")


def _json(b: Booking) -> dict[str, object]:
    return {"code": b.code, "service": b.service, "slot_start": b.slot_start.isoformat(),
            "slot_end": b.slot_end.isoformat(), "state": b.state.value, "contact": b.contact,
            "ticket": b.ticket_code, "created_at": b.created_at.isoformat()}


def parse_slot(text: str, store: Store) -> datetime:
    try:
        local = datetime.strptime(" ".join(text.split()), "%Y-%m-%d %H:%M")
    except ValueError as exc:
        raise error_said(MotcuaError, f"--at {text!r}: cần dạng 'YYYY-MM-DD HH:MM', ví dụ '2026-12-04 09:15'",
                         f"--at {text!r}: expected 'YYYY-MM-DD HH:MM', e.g. '2026-12-04 09:15'") from exc
    return local.replace(tzinfo=store.tz)


def cmd_slots(args: argparse.Namespace) -> int:
    store = open_context(args).store
    if args.day is None:
        days = store.booking_days(args.service)
        if args.json:
            print_json({"service": args.service, "days": [d.isoformat() for d in days]})
        elif not days:
            print(said(f"{args.service}: không nhận lịch hẹn", f"{args.service}: takes no bookings"))
        else:
            print("  ".join(f"{d:%Y-%m-%d}" for d in days))
        return 0
    day: date = parse_date(args.day, "--day")
    slots = store.booking_slots(args.service, day)
    if args.json:
        print_json({"service": args.service, "day": day.isoformat(), "slots": [
            {"start": s.start.isoformat(), "end": s.end.isoformat(), "capacity": s.capacity, "taken": s.taken,
             "free": s.free} for s in slots]})
        return 0
    if not slots:
        print(said(f"{args.service} ngày {day:%d/%m/%Y}: không còn khung giờ nào",
                   f"{args.service} on {day}: no slot to come"))
    for s in slots:
        print(f"{s.start.astimezone(store.tz):%H:%M}-{s.end.astimezone(store.tz):%H:%M}  "
              f"{said('còn', 'free')} {s.free}/{s.capacity}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    store = open_context(args).store
    booking = store.book(args.service, parse_slot(args.at, store), args.contact, source="counter")
    if args.json:
        print_json(_json(booking))
    else:
        print(said("Đã đặt lịch: ", "Booked: ") + _line(store, booking))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store = open_context(args).store
    booking = store.booking(args.code)
    if booking is None:
        raise error_said(MotcuaError, f"Không tìm thấy lịch hẹn {args.code}", f"No booking {args.code}")
    print_json(_json(booking)) if args.json else print(_line(store, booking))
    return 0


def cmd_cancel(args: argparse.Namespace) -> int:
    store = open_context(args).store
    booking = store.cancel_booking(args.code)
    print_json(_json(booking)) if args.json else print(said("Đã huỷ: ", "Cancelled: ") + _line(store, booking))
    return 0


def cmd_orphans(args: argparse.Namespace) -> int:
    store = open_context(args).store
    left = store.bookings_outside_plan()
    if args.json:
        print_json({"bookings": [_json(b) for b in left]})
        return 0
    if not left:
        print(said("Mọi lịch hẹn đều nằm trong kế hoạch hiện tại", "Every booking fits the current plan"))
    for b in left:
        print(_line(store, b))
    return 0
