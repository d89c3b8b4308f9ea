"""The `motcua demo` command: the README's first command."""

from __future__ import annotations

import argparse

from common.cli import demo
from common.cli.args import days_count, said


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help=said("cả trung tâm mẫu trên máy này: kiosk, hai quầy và màn hình sảnh",
                                        "the whole office on this PC: kiosk, two counters and the hall display"))
    p.add_argument("--reset", action="store_true", help="start over with an empty demo office")
    p.add_argument("--history", type=days_count, default=None, metavar="DAYS",
                   help=f"fill DAYS working days of simulated history first, so the dashboard has something to "
                        f"show (default: {demo.DEFAULT_HISTORY_DAYS} on a demo office without history; 0: none)")
    p.add_argument("--dashboard", action="store_true",
                   help="also open the supervisor's dashboard (signed in as the demo supervisor)")
    p.add_argument("--province", action="store_true",
                   help="instead: a small province (3 offices) on the PostgreSQL of --db (docs/province.md)")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    if args.province:
        from common.store.db import resolve_url
        from common.store.province_demo import build_province

        print(build_province(resolve_url(args.db, None), args.history or 0))
        return 0
    place = demo.default_place()
    store = demo.prepare(place, args.db, reset=args.reset)
    db_url = store.db.url
    for line in demo.tidy_leftovers(store):
        print(said(f"đã đóng vé lần chạy trước để lại: {line}", f"closed what an earlier demo left: {line}"))
    days = demo.history_to_fill(store, args.history)
    if days:
        from common.planning.booked import NO_BOOKINGS, BookingMix
        from common.planning.simulate import fill_history
        from common.store.bulk import insert_sample_bookings

        plan = store.appointment_plan()
        mix = BookingMix.for_plan(plan, demo.BOOKED_SHARE, demo.BOOKING_NO_SHOW) if plan.services else NO_BOOKINGS
        history = fill_history(store, days, scale=demo.HISTORY_SCALE, bookings=mix)
        if mix.active and history.days:  # the bookings behind the booked tickets, and the no-shows (Lịch hẹn tab)
            insert_sample_bookings(store, history.days[0], history.days[-1], no_show=demo.BOOKING_NO_SHOW, seed=19)
        print(said(f"đã tạo {days} ngày làm việc lịch sử mô phỏng", f"filled {days} days of simulated history"))
    elif args.history is None:
        print(said("trung tâm mẫu đã có lịch sử (thêm bằng --history SỐ_NGÀY, làm lại bằng --reset)",
                   "the demo office already has history (add more with --history DAYS, start over with --reset)"))
    print(said(f"motcua demo: trung tâm mẫu ở {store.db.masked_url}",
               f"motcua demo: the demo office is in {store.db.masked_url}"))
    print(said("cán bộ (tên đăng nhập / mật khẩu):", "clerks (user / password):") + f"\n{demo.clerk_lines()}")
    if demo.has_screen():
        print(said("mở bảng hiển thị, kiosk và quầy 1, 2; đóng một cửa sổ bất kỳ hoặc nhấn Ctrl+C để dừng",
                   "starting the hall display, the kiosk and counters 1 and 2; close any window or press Ctrl+C "
                   "to stop"))
        return demo.run_office(db_url, dashboard=args.dashboard)
    print("\n" + said("Máy này không có màn hình (không có DISPLAY hay WAYLAND_DISPLAY) nên không mở được cửa sổ.",
                      "This machine has no screen (no DISPLAY or WAYLAND_DISPLAY), so the windows cannot open "
                      "here."))
    print(said("Thay vào đó, vẽ từng cửa sổ ra tệp PNG trên trung tâm mẫu này (mất khoảng một phút):",
               "Rendering each window offscreen instead, over this demo office (this takes a minute):"))
    for path in demo.render_screenshots(place.screenshots, db_url):
        print(f"  {path}")
    print("\n" + said("Trên máy có màn hình, `scripts/motcua demo` mở tất cả. Mỗi ứng dụng cũng tự vẽ bằng "
                      "--screenshot, ví dụ `scripts/motcua kiosk --screenshot kiosk.png --size 1080x1920`.",
                      "On a desktop, `scripts/motcua demo` opens them all. Each app also renders itself with "
                      "--screenshot, e.g. `scripts/motcua kiosk --screenshot kiosk.png --size 1080x1920`."))
    print("\n" + said("Hàng chờ hiện tại:", "The queue now:") + f"\n{demo.describe(store)}")
    return 0
