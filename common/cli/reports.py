"""``motcua report``, ``motcua export tickets`` and ``motcua simulate``.

``simulate`` answers "what if we open one more counter?" without touching the
office's history: unless ``--into-store`` is given it runs in a fresh temporary
SQLite file (with a one-service office of ``--counters`` counters), prints the
report and deletes the file.
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from common.cli.args import (
    arrivals_per_hour,
    counters_count,
    days_count,
    float_range,
    seed_number,
    service_minutes,
    simulated_days,
)
from common.cli.args import said as say
from common.cli.commands import open_context, print_json
from common.config import config_path, load_config
from common.core.errors import MotcuaError, bilingual, said
from common.core.model import Ticket
from common.planning import erlang
from common.planning.booked import BookingMix
from common.planning.simulate import fill_history, simulate, wait_summary
from common.store import Store
from common.store.db import connect
from common.views import accuracy_render, rating_report
from common.views.report import GROUPINGS
from common.views.report_render import to_csv, to_table, write_xlsx
from common.views.vi_numbers import vi_number

share_of_arrivals = float_range(0, 1, "share")

TIMESTAMPS = ("issued_at", "queued_at", "first_called_at", "called_at", "last_called_at", "started_at", "finished_at")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help=say("thời gian chờ so với chỉ tiêu, trong một khoảng ngày",
                                          "wait times against the target, over a period of service days"))
    _period(p)
    p.add_argument("--by", choices=GROUPINGS, help="group by service, counter, clerk, hour, weekday or day")
    p.add_argument("--format", choices=["table", "csv", "json", "xlsx"],
                   help="output format (default: from --output's .csv/.json/.xlsx, else table)")
    p.add_argument("--headings", choices=["keys", "vi"], default="keys", help="CSV headings: field names or Vietnamese")
    p.add_argument("--output", metavar="FILE", help="write to FILE (required for xlsx)")
    p.add_argument("--ratings", action="store_true",
                   help="citizen satisfaction instead (vs the 95%% target; by service, counter, clerk or day; "
                        "table, csv or json)")
    p.add_argument("--accuracy", action="store_true",
                   help="estimate accuracy instead: the printed wait against the naive formula (MAE, bias, %% who "
                        "waited 5+ min longer; by service or hour; table, csv or json)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("export", help=say("xuất dữ liệu gốc", "export raw data"))
    p.add_argument("what", choices=["tickets"], help="tickets: one row per ticket with every timestamp")
    _period(p)
    p.add_argument("--format", choices=["csv", "json"], required=True, help="csv or json")
    p.add_argument("--output", metavar="FILE", help="write to FILE (default: standard output)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("simulate", help=say("mô phỏng các ngày làm việc (trên cơ sở dữ liệu tạm, trừ khi --into-store)",
                                            "simulate working days (in a temporary database unless --into-store)"))
    p.add_argument("--days", type=simulated_days, default=1, help="working days to simulate (default: 1)")
    p.add_argument("--counters", type=counters_count, default=3, help="counters open all day (default: 3)")
    p.add_argument("--arrivals-per-hour", type=arrivals_per_hour, default=30.0,
                   help="mean arrivals per hour (default: 30)")
    p.add_argument("--mean-service-minutes", type=service_minutes, default=8.0, help="mean service time (default: 8)")
    p.add_argument("--seed", type=seed_number, default=1, help="random seed: the same seed gives the same days")
    p.add_argument("--start", metavar="DATE", help="first day (default: today); weekends are skipped")
    p.add_argument("--into-store", action="store_true",
                   help="write into the office's database (--db/MOTCUA_DB/config) instead of a temporary one")
    p.add_argument("--history", type=days_count, metavar="DAYS",
                   help="instead: fill DAYS past working days with realistic traffic for the office's services")
    p.add_argument("--booking-share", type=share_of_arrivals, default=0.0, metavar="SHARE",
                   help="share of arrivals that book a slot instead of walking in, 0–1 (default: 0); booked "
                        "citizens arrive around their slot and are called after priority, before walk-ins")
    p.add_argument("--booking-no-show", type=share_of_arrivals, default=0.0, metavar="RATE",
                   help="share of bookings never used, 0–1 (default: 0)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=cmd_simulate)


def _period(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", metavar="DATE", help="first service day, YYYY-MM-DD (default: today)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last service day, YYYY-MM-DD (default: --from)")


def parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise said(MotcuaError, f"{option}: {value!r} không phải ngày; dùng YYYY-MM-DD, ví dụ 2026-11-25",
                   f"{option}: {value!r} is not a date; use YYYY-MM-DD, e.g. 2026-11-25") from None


def period(args: argparse.Namespace, store: Store) -> tuple[date, date]:
    # `is not None`: an empty --from= is a mistake, not "today".
    start = parse_date(args.start, "--from") if args.start is not None else store.today
    end = parse_date(args.end, "--to") if args.end is not None else (start if args.start is not None else store.today)
    if end < start:
        raise said(MotcuaError, f"--to {end} trước --from {start}", f"--to {end} is before --from {start}")
    return start, end


def wider_period(start: date, end: date, today: date) -> tuple[str, str]:
    """A period worth trying after an empty one, never the one just tried: ``--to`` defaults to
    ``--from``, so ``--from 2026-11-01`` alone is that one day. The month so far first; when that is what
    was tried (on the 1st it is today alone, before any day of the month has ended), the last 30 days."""
    wider_start, wider_end = min(start.replace(day=1), end.replace(day=1)), max(end, today)
    why = ("", "")
    if (wider_start, wider_end) == (start, end):
        wider_start, wider_end = min(start, today - timedelta(days=29)), max(end, today)
        if start == end == today and today.day == 1:
            why = (" (tháng này bắt đầu hôm nay)", " (this month starts today)")
    if (wider_start, wider_end) == (start, end):
        return "", ""
    dates = f"--from {wider_start} --to {wider_end}"
    return f"{why[0]}; thử {dates}", f"{why[1]}; try {dates}"


def no_tickets(command: str, start: date, end: date, today: date) -> str:
    """The stderr line of an empty period: which days were read, and a wider period to try."""
    vi, en = wider_period(start, end, today)
    return f"motcua {command}: " + say(f"chưa có phiếu nào từ {start} đến {end}{vi}",
                                       f"no tickets from {start} to {end}{en}")


def chosen_format(args: argparse.Namespace, choices: tuple[str, ...]) -> str:
    """--format, else what --output's name says (``report --output tuan.xlsx`` wrote a text table into a file
    Excel refuses), else a table."""
    if args.format is not None:
        return str(args.format)
    suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
    return suffix if suffix in choices and suffix != "table" else "table"


def cmd_report(args: argparse.Namespace) -> int:
    args.format = chosen_format(args, ("csv", "json", "xlsx"))
    store = open_context(args).store
    start, end = period(args, store)
    if getattr(args, "ratings", False):
        return _ratings(args, store, start, end)
    if getattr(args, "accuracy", False):
        return _accuracy(args, store, start, end)
    if args.format == "xlsx":
        if not args.output:
            raise said(MotcuaError, "--format xlsx cần --output FILE.xlsx", "--format xlsx needs --output FILE.xlsx")
        path = write_xlsx(store.views.report_sheets(start, end, args.by), args.output)
        print(say(f"đã ghi {path}", f"wrote {path}"))
        return 0
    report = store.views.report(start, end, args.by)
    if args.format == "json":
        text = _json_text(report.to_json())
    elif args.format == "csv":
        text = to_csv(report, args.headings)
    else:
        text = to_table(report) + "\n"
    _emit(text, args.output, for_excel=args.format == "csv" and args.headings == "vi")
    # After the table is out: a refused --output stays the one line it was.
    if args.format == "table" and report.overall.tickets == 0:  # `--from D` alone is the one day D: say so
        print(no_tickets("report", start, end, store.today), file=sys.stderr)
    return 0


def _accuracy(args: argparse.Namespace, store: Store, start: date, end: date) -> int:
    """``motcua report --accuracy``: common.views.accuracy_render in table, CSV or JSON."""
    if args.by is not None and args.by not in accuracy_render.GROUPINGS:
        choices = ", ".join(accuracy_render.GROUPINGS)
        raise said(MotcuaError, f"--accuracy --by {args.by}: chọn một trong {choices}",
                   f"--accuracy --by {args.by}: choose one of {choices}")
    if args.format == "xlsx":
        raise said(MotcuaError, "--accuracy chỉ có --format table, csv hoặc json",
                   "--accuracy supports --format table, csv or json")
    report = store.views.estimate_accuracy(start, end)
    if args.format == "json":
        text = _json_text(accuracy_render.to_json(report, args.by))
    elif args.format == "csv":
        text = accuracy_render.to_csv(report, args.by)
    else:
        text = accuracy_render.to_table(report, args.by) + "\n"
    _emit(text, args.output)
    return 0


def _ratings(args: argparse.Namespace, store: Store, start: date, end: date) -> int:
    """``motcua report --ratings``: common.views.rating_report in table, CSV or JSON."""
    if args.by is not None and args.by not in rating_report.GROUPINGS:
        choices = ", ".join(rating_report.GROUPINGS)
        raise said(MotcuaError, f"--ratings --by {args.by}: chọn một trong {choices}",
                   f"--ratings --by {args.by}: choose one of {choices}")
    if args.format == "xlsx":
        raise said(MotcuaError, "--ratings chỉ có --format table, csv hoặc json",
                   "--ratings supports --format table, csv or json")
    report = store.views.satisfaction(start, end, args.by)
    if args.format == "json":
        text = _json_text(report.to_json())
    elif args.format == "csv":
        text = rating_report.to_csv(report)
    else:
        text = rating_report.to_table(report) + "\n"
    _emit(text, args.output)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    store = open_context(args).store
    start, end = period(args, store)
    records = [ticket_record(t, store) for t in store.tickets(start, end)]
    if args.format == "json":
        text = _json_text({"from": start.isoformat(), "to": end.isoformat(), "timezone": store.tz.key,
                           "tickets": records})
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]) if records else _record_fields(),
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in records)
        text = buffer.getvalue()
    _emit(text, args.output)
    return 0


# The printed wait's audit trail: how it was made and the forecast's band (docs/metrics.md, "The printed wait").
FORECAST_FIELDS = ("estimate_method", "forecast_p10_s", "forecast_p50_s", "forecast_p90_s", "naive_wait_s")


def ticket_record(t: Ticket, store: Store) -> dict[str, Any]:
    """One transaction, every timestamp in UTC and in the office zone, intervals in seconds."""
    record: dict[str, Any] = {
        "id": t.id, "visit_id": t.visit_id, "code": t.code, "service": t.service, "status": t.status.value,
        "priority_category": t.priority_category, "service_day": t.service_day.isoformat(), "counter": t.counter,
        "clerk": t.clerk, "people_ahead": t.people_ahead, "estimated_wait_s": t.estimated_wait_seconds,
        "print_status": t.print_status.value, "recall_count": t.recall_count,
        **{name: getattr(t, name) for name in FORECAST_FIELDS},
    }
    for name in TIMESTAMPS:
        value: datetime | None = getattr(t, name)
        stem = name.removesuffix("_at")
        record[f"{stem}_utc"] = value.isoformat() if value else None
        record[f"{stem}_local"] = value.astimezone(store.tz).isoformat() if value else None
    record["wait_s"] = _seconds(t.issued_at, t.called_at)
    record["walk_s"] = _seconds(t.last_called_at, t.started_at)
    record["service_s"] = _seconds(t.started_at, t.finished_at)
    return record


def _record_fields() -> list[str]:
    stems = [n.removesuffix("_at") for n in TIMESTAMPS]
    return ["id", "visit_id", "code", "service", "status", "priority_category", "service_day", "counter", "clerk",
            "people_ahead", "estimated_wait_s", "print_status", "recall_count", *FORECAST_FIELDS,
            *(f"{s}_{z}" for s in stems for z in ("utc", "local")), "wait_s", "walk_s", "service_s"]


def _seconds(a: datetime | None, b: datetime | None) -> int | None:
    return None if a is None or b is None else max(0, round((b - a).total_seconds()))


def cmd_simulate(args: argparse.Namespace) -> int:
    start = parse_date(args.start, "--start") if args.start else None
    for option, value in (("--days", args.days), ("--counters", args.counters), ("--history", args.history)):
        if value is not None and value < 1:
            raise said(MotcuaError, f"{option} phải từ 1 trở lên, không phải {value}",
                       f"{option} must be at least 1, not {value}")
    scratch = None if args.into_store else Path(tempfile.mkdtemp(prefix="motcua-sim-"))
    try:
        if scratch is None:
            store = open_context(args).store
        else:
            config = load_config(config_path(args.config))  # only the config: the office's database is not opened
            store = Store(connect(f"sqlite:///{scratch / 'simulation.sqlite3'}"), tz=config.tz)
            if args.history and config.office.services:
                store.load_office(config.office)
        # the office's window and slot length; every simulated service takes bookings
        bookings = BookingMix.for_plan(config.office.appointments, args.booking_share, args.booking_no_show,
                                       every_service=True) if scratch is not None else BookingMix(
            args.booking_share, args.booking_no_show)
        if args.history:
            result = fill_history(store, args.history, seed=args.seed, bookings=bookings, fast=True)
        else:
            result = simulate(store, days=args.days, counters=args.counters, arrivals_per_hour=args.arrivals_per_hour,
                              mean_service_minutes=args.mean_service_minutes, seed=args.seed, start=start,
                              fast=scratch is not None, bookings=bookings)  # a scratch store is the engine's alone
        store.db.engine.dispose()
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    prediction = None if args.history else _erlang(args)
    if args.json:
        print_json({**result.to_json(), "erlang_c": prediction,
                    "database": "temporary" if scratch else store.db.masked_url})
        return 0
    days, counters, tickets, took = len(result.days), list(result.counters), result.tickets, result.wall_seconds
    print(say(f"Đã mô phỏng {days} ngày, quầy {counters}, {tickets} vé trong {vi_number(took)} giây vào "
              f"{'một cơ sở dữ liệu tạm' if scratch else store.db.masked_url}",
              f"Simulated {days} day(s), counters {counters}, {tickets} tickets in {took:.1f} s into "
              f"{'a temporary database' if scratch else store.db.masked_url}"))
    print(to_table(result.report))
    if args.booking_share:
        for vi, en, waits in (("Người không hẹn", "Walk-ins", result.walk_in_waits_s),
                              ("Người có hẹn", "Booked", result.booked_waits_s)):
            s = wait_summary(waits)
            if not s["tickets"]:
                print(say(f"{vi}: không có", f"{en}: none"))
                continue
            print(say(f"{vi}: {s['tickets']} vé, {s['within_target_pct']}% chờ trong 30 phút, "
                       f"chờ trung bình {s['wait_mean_min']} phút",
                       f"{en}: {s['tickets']} tickets, {s['within_target_pct']}% waited within 30 min, "
                       f"mean wait {s['wait_mean_min']} min"))
    if prediction:
        mean, within = prediction["wait_mean_s"] / 60, prediction["within_target_pct"]
        target = prediction["target_minutes"]
        print(say(f"Erlang C (M/M/c) dự báo chờ trung bình {vi_number(mean)} phút và {vi_number(within)}% chờ trong "
                  f"{target} phút",
                  f"Erlang C (M/M/c) predicts a mean wait of {mean:.1f} min and {within:.1f}% within {target} min"))
    return 0


def _erlang(args: argparse.Namespace) -> dict[str, Any] | None:
    lam, service = args.arrivals_per_hour / 3600, args.mean_service_minutes * 60
    if args.into_store or lam == 0 or lam * service >= args.counters:
        return None  # an existing office's mix is not one M/M/c queue; an overloaded one has no steady state
    target = 30
    return {"counters": args.counters, "target_minutes": target,
            "wait_mean_s": round(erlang.mean_wait(args.counters, lam, service), 1),
            "probability_of_waiting": round(erlang.probability_of_waiting(args.counters, lam, service), 4),
            "within_target_pct": round(100 * erlang.share_within(args.counters, lam, service, target * 60), 1),
            "counters_needed_95pct": erlang.counters_needed(lam, service, target * 60, 0.95)}


def _json_text(data: Any) -> str:
    buffer = io.StringIO()
    stdout, sys.stdout = sys.stdout, buffer
    try:
        print_json(data)
    finally:
        sys.stdout = stdout
    return buffer.getvalue()


def _emit(text: str, output: str | None, *, for_excel: bool = False) -> None:
    """``for_excel``: a file for people (CSV with Vietnamese headings) starts with a BOM, without which a
    double click in Excel reads the UTF-8 as another code page and garbles every diacritic."""
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8-sig" if for_excel else "utf-8")
        except OSError as exc:
            why = exc.strerror or str(exc)
            raise bilingual(MotcuaError(f"cannot write {output}: {why}"), f"không ghi được {output}: {why}",
                            f"cannot write {output}: {why}") from exc
        print(say(f"đã ghi {output}", f"wrote {output}"))
    else:
        sys.stdout.write(text)
