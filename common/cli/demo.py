"""`motcua demo`: the whole office on one PC, as separate processes sharing one store.

The kiosk, two counters (signed in as the demo clerks) and the hall display run as
their own processes over one SQLite file, as they would on separate PCs over
PostgreSQL. Without a screen, the demo says so and renders each window to a PNG
instead, so that a newcomer on a server still sees what the office looks like.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import platformdirs

from common.cli.args import said as say  # a message line; errors.said makes an error
from common.config import load_config
from common.core.errors import ConfigError, DomainError, MotcuaError, render, said
from common.core.model import Role, TicketStatus
from common.store import Store
from common.store.bootstrap import store_for

ASSETS = Path(__file__).resolve().parents[2] / "assets"  # common/cli/demo.py → the checkout
DEMO_CONFIG = ASSETS / "demo.toml"
DEMO_PASSWORD = "demo"  # printed on screen: the demo database holds nothing worth protecting
COUNTERS = ((1, "demo1"), (2, "demo2"))
SUPERVISOR = "giamdoc"
# The demo history's traffic × this: the demo's two counters then meet the 30-minute target for about
# 90% of waits over 20 days, with a few bad days to find (measured with common.planning.days over 30
# seeded days: 0.30 → 93%, 0.33 → ~90%, 0.40 → 83%, 1.0 → 14%, the office in crisis issue 16 saw).
HISTORY_SCALE = 0.33
# Of the services the office's plan books, this share of citizens book a time; this share of bookings never
# come (the history's Lịch hẹn tab).
BOOKED_SHARE, BOOKING_NO_SHOW = 0.35, 0.1
# Without --history the demo fills this many working days (≈2 s) the first time, so that the dashboard a
# first-time viewer sees is a real office's, not an empty one (issue 16); `--history 0` skips it.
DEFAULT_HISTORY_DAYS = 20
HISTORY_LOOKBACK_DAYS = 60  # any ticket in these days before today means an earlier demo already filled history


@dataclass(frozen=True)
class DemoPlace:
    folder: Path

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.folder / 'demo.sqlite3'}"

    @property
    def screenshots(self) -> Path:
        return self.folder / "screenshots"

    def reset(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            (self.folder / f"demo.sqlite3{suffix}").unlink(missing_ok=True)


def default_place() -> DemoPlace:
    return DemoPlace(Path(platformdirs.user_data_dir("motcua", appauthor=False)) / "demo")


def prepare(place: DemoPlace, db_url: str | None = None, *, reset: bool = False) -> Store:
    """The demo store: created and loaded with the demo office on first use, kept afterwards."""
    if not DEMO_CONFIG.exists():
        raise said(ConfigError, f"{DEMO_CONFIG}: thiếu trung tâm mẫu (chạy motcua từ thư mục mã nguồn)",
                   f"{DEMO_CONFIG}: the demo office is missing (run motcua from its source checkout)")
    place.folder.mkdir(parents=True, exist_ok=True)
    if reset and db_url is None:
        place.reset()
    config = load_config(DEMO_CONFIG)
    store = store_for(config, db_url or place.db_url)
    if not store.services():
        store.load_office(config.office, {k: v for k, v in config.values.items() if k.startswith("office.")})
        for clerk in config.office.clerks:
            store.add_clerk(clerk.username, clerk.full_name, clerk.role, DEMO_PASSWORD)
    return store


def tidy_leftovers(store: Store) -> list[str]:
    """Close what an earlier demo left mid-call, so that history and the apps start from idle counters.

    Closing a demo's windows leaves their counters as they were: a ticket called and never served, or
    one in service. A ticket in service is finished and a called one marked a no-show, each in the
    name of the clerk who called it (one transaction each, like a clerk's key press). Returns one line
    per ticket closed. When that is not possible the demo says, in one line, to start over with --reset.
    """
    closed: list[str] = []
    for status in store.snapshot().counters:
        ticket, number = status.current, status.counter.number
        if ticket is None:
            continue
        try:
            if ticket.clerk is None:
                raise DomainError(f"{ticket.code} không rõ cán bộ", f"{ticket.code} has no clerk")
            if ticket.status == TicketStatus.SERVING:
                store.finish_service(number, ticket.clerk)
                closed.append(say(f"{ticket.code} ở quầy {number}: đã kết thúc",
                                   f"{ticket.code} at counter {number}: finished"))
            else:
                store.mark_no_show(number, ticket.clerk)
                closed.append(say(f"{ticket.code} ở quầy {number}: đánh dấu vắng mặt",
                                   f"{ticket.code} at counter {number}: marked no-show"))
        except DomainError as exc:
            raise said(MotcuaError, f"demo: quầy {number} còn vé {ticket.code} từ lần chạy trước và không đóng được "
                       f"({render(exc)}); làm lại bằng `motcua demo --reset`",
                       f"demo: counter {number} was left with {ticket.code} by an earlier demo and cannot be "
                       f"closed ({exc}); start over with `motcua demo --reset`") from exc
    return closed


def history_to_fill(store: Store, asked: int | None) -> int:
    """The working days of history to fill: ``asked`` if given, else the default on a store without history.

    Filling the same days twice would double their traffic (the office then looks in crisis), so the
    default is only applied when no ticket exists in the weeks before today.
    """
    if asked is not None:
        return asked
    today = store.today
    earlier = store.views.report(today - timedelta(days=HISTORY_LOOKBACK_DAYS), today - timedelta(days=1))
    return DEFAULT_HISTORY_DAYS if earlier.overall.tickets == 0 else 0


def has_screen() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform in ("offscreen", "minimal"):
        return False
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def app_commands(db_url: str, *, dashboard: bool = False) -> list[tuple[str, list[str], str | None]]:
    """(label, argv, stdin) for each process of the office, and the supervisor's dashboard if asked for."""
    base = [sys.executable, "-m", "common.cli.main", "--config", str(DEMO_CONFIG), "--db", db_url]
    commands: list[tuple[str, list[str], str | None]] = [
        ("display", [*base, "display", "--windowed"], None),
        ("kiosk", [*base, "kiosk", "--windowed"], None),
    ]
    for number, user in COUNTERS:
        commands.append((f"counter {number}", [*base, "counter", "--counter", str(number), "--user", user,
                                               "--password-stdin"], DEMO_PASSWORD + "\n"))
    if dashboard:
        commands.append(("dashboard", [*base, "dashboard", "--user", SUPERVISOR, "--password-stdin"],
                         DEMO_PASSWORD + "\n"))
    return commands


def run_office(db_url: str, *, dashboard: bool = False) -> int:
    """Start every app, wait until one is closed or Ctrl+C, then close them all."""
    processes: list[tuple[str, subprocess.Popen[bytes]]] = []
    # Stopped by a service manager (SIGTERM) as by Ctrl+C: the apps are closed, never left behind.
    signal.signal(signal.SIGTERM, _interrupt)
    for label, argv, stdin in app_commands(db_url, dashboard=dashboard):
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL)
        if stdin and proc.stdin:
            proc.stdin.write(stdin.encode())
            proc.stdin.close()
        processes.append((label, proc))
    try:
        while all(p.poll() is None for _, p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for _, proc in processes:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for _, proc in processes:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
    failed = [f"{label} (exit {p.returncode})" for label, p in processes if p.returncode not in (0, -15, None)]
    if failed:
        print(say(f"motcua demo: dừng vì {', '.join(failed)} đã thoát",
                   f"motcua demo: stopped because {', '.join(failed)} ended"), file=sys.stderr)
        return 1
    return 0


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def render_screenshots(folder: Path, db_url: str | None = None) -> list[Path]:
    """Each window rendered offscreen, for machines without a screen.

    With ``db_url`` the display, the kiosk and counter 1 are the real apps on the demo store, each
    started with ``--automation`` and asked to ``grab`` its window; the dashboard and the rating
    panel render the same store through ``--screenshot --db`` (an office in the database is drawn
    as it is). Every picture shows the office this demo built (its name, services, history and
    queue), not a sample.
    """
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    base = [sys.executable, "-m", "common.cli.main", "--config", str(DEMO_CONFIG)]
    made = []
    live = {"display", "kiosk", "counter"} if db_url else set()
    for name in sorted(live):  # counter 1 signs in before the board is grabbed, whatever the process's set order
        made += _grab_app(name, [*base, "--db", str(db_url)], folder / f"{name}.png", env)
    # The demo's dashboard opens on the history it has just filled (today may have nobody yet).
    dashboard = ["dashboard", "--history-days", "5", "--tab", "history" if db_url else "live"]
    for name, extra in (("kiosk", ["kiosk"]), ("counter", ["counter"]), ("display", ["display"]),
                        ("dashboard", dashboard), ("rating", ["rating"])):
        if name in live:
            continue
        target = folder / f"{name}.png"
        own = ["--db", str(db_url)] if db_url else []
        result = subprocess.run([*base, *own, *extra, "--screenshot", str(target)], env=env, capture_output=True,
                                text=True, timeout=120)
        if result.returncode == 0 and target.exists():
            made.append(target)
            reasons = target.with_name(f"{target.stem}-reasons.png")  # the rating panel renders both screens
            if name == "rating" and reasons.exists():
                made.append(reasons)
        else:
            print(f"  ({name}: " + say("không có ảnh", "no screenshot")
                  + f": {(result.stderr.strip().splitlines() or ['?'])[-1]})")
    return sorted(made)


SETTLE_MS = 1500  # after "ready": the app's first read of the store lands on screen


def _grab_app(name: str, base: list[str], target: Path, env: dict[str, str]) -> list[Path]:
    """Run one app on the demo store offscreen, grab its window to ``target``, and close it."""
    args = {"display": ["display", "--windowed", "--no-speech", "--port", str(_free_port())],
            "kiosk": ["kiosk", "--windowed"],
            "counter": ["counter", "--counter", str(COUNTERS[0][0]), "--user", COUNTERS[0][1], "--password-stdin"]}
    first = DEMO_PASSWORD + "\n" if name == "counter" else ""
    script = f"{first}grab {target} {SETTLE_MS}\nquit\n"
    try:
        result = subprocess.run([*base, *args[name], "--automation"], input=script, env=env, capture_output=True,
                                text=True, timeout=120)
    except subprocess.TimeoutExpired:
        print(f"  ({name}: " + say("không có ảnh: ứng dụng không trả lời trong 120 giây",
                                    "no screenshot: the app did not answer within 120 s") + ")")
        return []
    if result.returncode == 0 and target.exists():
        return [target]
    print(f"  ({name}: " + say("không có ảnh", "no screenshot")
          + f": {(result.stderr.strip().splitlines() or ['?'])[-1]})")
    return []


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def describe(store: Store) -> str:
    snap = store.snapshot()
    waiting = say("đang chờ", "waiting")
    lines = [f"  {s.service.prefix}  {s.service.name_vi}: {s.waiting} {waiting}" for s in snap.services]
    return "\n".join(lines)


def clerk_lines() -> str:
    config = load_config(DEMO_CONFIG)
    return "\n".join(
        f"  {c.username} / {DEMO_PASSWORD}  "
        f"({say('quầy', 'counter') + ' ' + str(n) if (n := _counter_of(c.username)) else _role_words(c.role)})"
        for c in config.office.clerks if c.role in (Role.CLERK, Role.SUPERVISOR))


def _role_words(role: Role) -> str:
    return say({Role.SUPERVISOR: "giám sát viên", Role.ADMIN: "quản trị viên"}.get(role, "cán bộ"), role.value)


def _counter_of(username: str) -> int | None:
    return next((n for n, user in COUNTERS if user == username), None)
