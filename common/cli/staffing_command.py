"""``motcua staffing``: per-hour staffing advice for a period, the plan verified over many simulated days, and an
optional what-if (``--what-if N``) reported as a range across seeded days, not one run (issue 17)."""

from __future__ import annotations

import argparse
import dataclasses
from datetime import timedelta

from common.cli.args import counters_count, int_range, language, seed_number
from common.cli.args import said as say
from common.cli.commands import JSON_HELP, open_context, print_json
from common.cli.reports import parse_date
from common.core.errors import MotcuaError, said
from common.planning.group_plan import CounterPlan
from common.planning.staffing import (
    BookedHour,
    BreakHour,
    booked_ahead,
    clock,
    plan,
    plan_breaks,
    staffing_advice,
    store_counter_plan,
    what_if,
)

verification_days = int_range(2, 1000, "days")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("staffing", help=say("số quầy cần mở theo giờ, kế hoạch kiểm bằng mô phỏng, và giả định",
                                            "counters needed per hour, a plan verified by simulation, and a what-if"))
    p.add_argument("--from", dest="start", metavar="DATE", help="first service day, YYYY-MM-DD "
                   "(default: 30 days before --to)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last service day, YYYY-MM-DD (default: yesterday)")
    p.add_argument("--days", type=verification_days, default=100,
                   help="simulated days that verify the plan (as many again check it) and the what-if (default: 100)")
    p.add_argument("--counter-days", dest="counter_days", type=verification_days, default=60,
                   help="simulated days that judge the plan on the office's own counters (as many again check it; "
                        "default: 60)")
    p.add_argument("--seed", type=seed_number, default=1, help="first seed of the simulated days (default: 1)")
    p.add_argument("--what-if", dest="what_if", type=counters_count, metavar="N",
                   help="also simulate N counters in every open hour and print the range across days")
    p.add_argument("--booked-from", dest="booked_from", metavar="DATE",
                   help="first day whose bookings already taken are shown per hour, for 14 days (default: today)")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(func=cmd_staffing)


def cmd_staffing(args: argparse.Namespace) -> int:
    store = open_context(args).store
    end = parse_date(args.end, "--to") if args.end is not None else store.today - timedelta(days=1)
    start = parse_date(args.start, "--from") if args.start is not None else end - timedelta(days=29)
    if end < start:
        raise said(MotcuaError, f"--to {end} trước --from {start}", f"--to {end} is before --from {start}")
    advice = staffing_advice(store, start, end)
    if not advice.hours or advice.mean_service_s is None:
        raise said(MotcuaError, f"Không có lượt đến nào từ {start} đến {end}: không có gì để lập kế hoạch",
                   f"no arrivals from {start} to {end}: nothing to plan")
    found = plan(advice, args.days, args.seed)
    whatif = what_if(advice, args.what_if, args.days, args.seed) if args.what_if else None
    counters = store_counter_plan(store, advice, args.counter_days, args.seed)
    # The days to come: bookings already taken (issue 19).
    booked_from = parse_date(args.booked_from, "--booked-from") if args.booked_from is not None else store.today
    booked = booked_ahead(store, advice, booked_from)
    if args.json:
        print_json({"advice": dataclasses.asdict(advice), "counter_plan": counter_json(counters),
                    "break_hours": [{"hour": b.hour, "counters_lost": b.counters,
                                     "breaks": [{"counter": n, "start": clock(a), "end": clock(e)}
                                                for n, a, e in b.breaks]} for b in plan_breaks(advice, counters)],
                    "plan": {
            "hours": [dataclasses.asdict(h) for h in found.hours], "counter_hours": found.counter_hours,
            "erlang_counter_hours": found.erlang_counter_hours, "days": found.check.days,
            "first_seed": found.check.first_seed, "within_pct_p5": round(100 * found.check.p5, 1),
            "within_pct_median": round(100 * found.check.median, 1), "within_pct_p95": round(100 * found.check.p95, 1),
            "holds": found.holds}, "what_if": dataclasses.asdict(whatif) if whatif else None,
            "booked_ahead": [{"day": b.day.isoformat(), "hour": b.hour, "booked": b.booked,
                              "usual_arrivals": None if b.usual_arrivals is None else round(b.usual_arrivals, 1)}
                             for b in booked]})
        return 0
    share, target = round(100 * advice.share), advice.target_minutes
    print(say(f"Nhân sự {start}–{end} ({advice.days} ngày có vé); chỉ tiêu: {share}% lượt chờ trong {target} phút",
              f"Staffing {start}–{end} ({advice.days} day(s) with tickets); target: {share}% of waits "
              f"within {target} min"))
    heads = HEADINGS[language()]  # a table's headings take one language
    print(f"{heads[0]:<12}{heads[1]:>9}{heads[2]:>11}{heads[3]:>12}{heads[4]:>9}{heads[5]:>7}{heads[6]:>9}{heads[7]:>7}")
    planned = {h.hour: h for h in found.hours}
    for h in advice.hours:
        p = planned.get(h.hour)
        service = "-" if h.mean_service_s is None else f"{h.mean_service_s / 60:.1f}"
        print(f"{h.hour:02d}:00-{h.hour + 1:02d}:00{h.open_minutes:>9.0f}{h.arrivals_per_hour:>11.1f}{service:>12}"
              f"{h.needed:>9}{'-' if p is None else p.counters:>7}{h.open_counters:>9.1f}"
              f"{'-' if not h.break_counters else f'{-h.break_counters:.2f}':>7}")
    c = found.check
    hours, erlang, median, p5, p95 = (found.counter_hours, found.erlang_counter_hours, 100 * c.median, 100 * c.p5,
                                      100 * c.p95)
    print(say(f"kế hoạch gộp: {hours:.1f} quầy-giờ mỗi ngày, cận dưới (mọi quầy phục vụ mọi dịch vụ) "
              f"(Erlang C từng giờ: {erlang:.1f}); qua {c.days} ngày mô phỏng (seed từ {c.first_seed}): chờ trong "
              f"chỉ tiêu trung vị {median:.1f}%, ngày phân vị 5 {p5:.1f}%, phân vị 95 {p95:.1f}%"
              f"{'' if found.holds else ' (KHÔNG đạt: việc tìm đã dừng)'}",
              f"pooled plan: {hours:.1f} counter-hours a day, a lower bound (every counter serving every service) "
              f"(Erlang C hour by hour: {erlang:.1f}); over {c.days} simulated days (seeds from {c.first_seed}): "
              f"waits within target median {median:.1f}%, 5th-percentile day {p5:.1f}%, 95th {p95:.1f}%"
              f"{'' if found.holds else ' (does NOT hold: the search stopped)'}"))
    print_counters(counters)
    print_breaks(plan_breaks(advice, counters))
    print_booked(booked)
    if whatif is not None:
        low, mid, high = whatif.within_pct
        wl, wm, wh = whatif.wait_mean_min
        print(say(f"giả định {whatif.counters} quầy, {whatif.days} ngày: chờ trong chỉ tiêu trung vị {mid:.1f}% "
                  f"(5–95%: {low:.1f}–{high:.1f}%), chờ trung bình trung vị {wm:.1f} phút ({wl:.1f}–{wh:.1f})",
                  f"what-if {whatif.counters} counters, {whatif.days} days: within target median {mid:.1f}% "
                  f"(5–95%: {low:.1f}–{high:.1f}%), mean wait median {wm:.1f} min ({wl:.1f}–{wh:.1f})"))
    return 0


# The hour table: hour, open minutes, arrivals per open hour, service minutes, Erlang C, pooled plan, open now.
HEADINGS = {"vi": ("giờ", "phút mở", "lượt/giờ", "phút p.vụ", "Erlang C", "gộp", "đang mở", "nghỉ"),
            "en": ("hour", "open min", "per open h", "service min", "Erlang C", "pooled", "open now", "breaks")}


def counter_json(found: CounterPlan) -> dict[str, object]:
    check, again, full = found.check, found.validation, found.all_open
    return {"hours": [{"hour": h.hour, "open_minutes": h.open_minutes, "counters": list(h.own),
                       "extras": [{"count": n, "like": c.number} for n, c in h.extra_desks(found.groups)]}
                      for h in found.hours],
            "groups": [{"services": list(g.services), "counters": list(g.numbers)} for g in found.groups],
            "counter_hours": found.counter_hours, "extra_counter_hours": found.extra_counter_hours,
            "days": check.days, "first_seed": check.first_seed, "within_pct_p5": round(100 * check.p5, 1),
            "within_pct_median": round(100 * check.median, 1), "within_pct_p95": round(100 * check.p95, 1),
            "validation_within_pct_p5": round(100 * again.p5, 1),
            "worst_hour_pct": round(100 * check.worst_hour_share(), 1),
            "all_open_within_pct_p5": round(100 * full.p5, 1), "holds": found.holds,
            "own_counters_hold": found.own_counters_hold, "cpu_s": found.cpu_s}


def print_breaks(hours: list[BreakHour]) -> None:
    """Which hours lose capacity to scheduled breaks (the plan already staffs around them)."""
    if not hours:
        return
    print(say("Giờ nghỉ theo lịch làm giảm số quầy phục vụ (kế hoạch đã tính đến):",
              "hours that lose capacity to scheduled breaks (the plan allows for them):"))
    for b in hours:
        which = ", ".join(say(f"quầy {n} nghỉ {clock(a)}-{clock(e)}", f"counter {n} off {clock(a)}-{clock(e)}")
                          for n, a, e in b.breaks)
        print(f"  {b.hour:02d}:00-{b.hour + 1:02d}:00  -{b.counters:.2f} {say('quầy', 'counters')}: {which}")


def print_booked(booked: list[BookedHour]) -> None:
    """The hours to come with bookings already taken, beside the hour's usual arrivals in the period."""
    if not booked:
        return
    print(say("Đã đặt lịch (lịch hẹn sắp tới, theo giờ):", "already booked for the days to come, per hour:"))
    for b in booked:
        usual = "" if b.usual_arrivals is None else say(
            f" trên {b.usual_arrivals:.1f} lượt thường có", f" of {b.usual_arrivals:.1f} usual arrivals"
        ) + f" ({100 * (b.booked_share or 0):.0f}%)"
        print(f"  {b.day:%d/%m/%Y} {b.hour:02d}:00-{b.hour + 1:02d}:00  {b.booked:>3} "
              f"{say('đã đặt lịch', 'booked')}{usual}")


def print_counters(found: CounterPlan) -> None:
    """Per hour, which of the office's counters to open (by number), and the extra desks the promise needs."""
    print(say("Quầy cần mở theo giờ, trên quầy của văn phòng:", "counters to open, on the office's own counters:"))
    staffed = [i for i, h in enumerate(found.hours) if h.counters]
    # An office open round the clock plans 0 counters for its night hours: the day's span is what to read.
    for h in found.hours[staffed[0]:staffed[-1] + 1] if staffed else found.hours:
        which = h.describe(found.groups, names=True)
        print(f"  {h.hour:02d}:00-{h.hour + 1:02d}:00  {len(h.counters):>2} {say('quầy', 'counters')}: {which}")
    c, again, full = found.check, found.validation, found.all_open
    hours, extra, median, p5, p95, worst = (found.counter_hours, found.extra_counter_hours, 100 * c.median,
                                            100 * c.p5, 100 * c.p95, 100 * c.worst_hour_share())
    print(say(f"quầy: {hours:.1f} quầy-giờ mỗi ngày ({extra:.1f} ở bàn thêm); qua {c.days} ngày mô phỏng trên engine: "
              f"chờ trong chỉ tiêu trung vị {median:.1f}%, ngày phân vị 5 {p5:.1f}%, phân vị 95 {p95:.1f}%, giờ tệ "
              f"nhất {worst:.1f}%; {again.days} ngày khác: ngày phân vị 5 {100 * again.p5:.1f}%"
              f"{'' if found.holds else ' (KHÔNG đạt: không còn gì để thêm)'}",
              f"counters: {hours:.1f} counter-hours a day ({extra:.1f} on extra desks); over {c.days} simulated days "
              f"on the engine: within target median {median:.1f}%, 5th-percentile day {p5:.1f}%, 95th {p95:.1f}%, "
              f"worst hour {worst:.1f}%; {again.days} other days: 5th-percentile day {100 * again.p5:.1f}%"
              f"{'' if found.holds else ' (does NOT hold: nothing left to add)'}"))
    print(say(f"mọi quầy của văn phòng mở cả ngày: ngày phân vị 5 {100 * full.p5:.1f}%, trung vị "
              f"{100 * full.median:.1f}%"
              f"{'' if found.own_counters_hold else ': văn phòng không giữ được cam kết nếu không thêm bàn'}; "
              "kế hoạch gộp ở trên là cận dưới (mọi quầy phục vụ mọi dịch vụ)",
              f"every own counter open all day: 5th-percentile day {100 * full.p5:.1f}%, median "
              f"{100 * full.median:.1f}%"
              f"{'' if found.own_counters_hold else ': the office cannot keep the promise without extra desks'}; "
              "the pooled plan above is a lower bound (every counter serving every service)"))
