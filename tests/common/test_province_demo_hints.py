"""The commands `motcua demo --province` prints at its end must run as printed."""

from __future__ import annotations

import shlex
from datetime import date

from common.cli.main import build_parser
from common.store.province_demo import how_to_connect, shown_period

URL = "postgresql://owner:s3cret@db.tinh.local/motcua"


def test_every_printed_command_parses_with_the_database_before_the_command() -> None:
    lines = how_to_connect(URL, [(1, "office1"), (2, "huyen-an-phu")], date(2026, 12, 1), date(2026, 12, 3))
    commands = [line.split("motcua ", 1)[1].split("   (")[0] for line in lines if "motcua --db" in line]
    assert len(commands) == 4 and not any("s3cret" in line for line in lines)
    for command in commands:
        args, extra = build_parser().parse_known_args(shlex.split(command))
        assert extra == [] and args.db.startswith("postgresql://motcua_"), command
        assert "--db" not in getattr(args, "app_args", []), command  # an app would refuse it
    assert "motcua_counter_o2@db.tinh.local" in commands[1]
    # The period the demo's view showed: --to defaults to --from, which alone would be one day.
    assert commands[2].endswith("province --from 2026-12-01 --to 2026-12-03")


def test_on_the_first_of_a_month_the_demo_shows_the_last_30_days_and_says_why() -> None:
    """Its history ends yesterday: "this month" on the 1st would be an empty table."""
    assert shown_period(date(2026, 12, 3)) == (date(2026, 12, 1), "")
    start, note = shown_period(date(2026, 12, 1))
    assert start == date(2026, 11, 2)  # 30 days, today included
    assert "Tháng mới bắt đầu hôm nay (01/12/2026)" in note and "02/11/2026 – 01/12/2026" in note
