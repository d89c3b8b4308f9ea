"""Every app's --screenshot honours --db: an office there is drawn as it is (nothing written), an empty
database gets the app's sample office."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from common.config import load_config
from common.core.clock import ManualClock
from common.core.errors import MotcuaError
from common.store import Store
from common.store.db import connect
from counter.main import run as counter_run
from dashboard.main import run as dashboard_run
from display.main import run as display_run
from kiosk.main import run as kiosk_run
from rating.main import latest_served
from rating.main import run as rating_run
from tests.conftest import TZ

DEMO = Path(__file__).resolve().parents[2] / "assets" / "demo.toml"
Run = Callable[..., int]
APPS: dict[str, tuple[Run, list[str]]] = {
    "kiosk": (kiosk_run, []), "counter": (counter_run, []), "display": (display_run, []),
    "rating": (rating_run, []), "dashboard": (dashboard_run, ["--tab", "live"]),
}


def demo_office(url: str) -> Store:
    """The demo office (not the example one every sample uses), one citizen served at counter 2 today."""
    today = datetime.now(TZ).replace(hour=8, minute=0, second=0, microsecond=0)
    store = Store(connect(url), ManualClock(today), TZ)
    store.load_office(load_config(DEMO).office)
    code = next(c for c in store.counters() if c.number == 2).services[0]
    store.issue_ticket(code, check_hours=False)
    store.issue_ticket(code, check_hours=False)
    store.call_next(2, "demo2")
    store.start_service(2, "demo2")
    store.clock.advance(300)  # type: ignore[attr-defined]
    store.finish_service(2, "demo2")
    return store


def written(store: Store) -> tuple[int, int]:
    return store.last_event_id(), len(store.tickets(date.today() - timedelta(days=2), date.today() + timedelta(days=2)))


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's note on the dashboard's dialogs
@pytest.mark.parametrize("app", list(APPS))
def test_an_office_in_db_is_drawn_as_it_is(app: str, sqlite_url: str, tmp_path: Path, qapp: object) -> None:
    store = demo_office(sqlite_url)
    before = written(store)
    run, extra = APPS[app]
    ours, sample = tmp_path / "ours.png", tmp_path / "sample.png"
    assert run(["--screenshot", str(ours), *extra], config=None, db=sqlite_url) == 0
    assert written(store) == before  # drawn, not added to
    assert run(["--screenshot", str(sample), *extra], config=None, db=None) == 0
    assert ours.read_bytes().startswith(b"\x89PNG")
    assert ours.read_bytes() != sample.read_bytes()  # the office in --db, not the sample
    store.db.engine.dispose()


def test_an_empty_db_gets_the_sample_office(sqlite_url: str, tmp_path: Path, qapp: object) -> None:
    assert kiosk_run(["--screenshot", str(tmp_path / "k.png")], config=None, db=sqlite_url) == 0
    store = Store(connect(sqlite_url))
    assert [s.code for s in store.services()][:2] == ["TP", "CT"]  # the example office's sample morning
    store.db.engine.dispose()


def test_the_rating_panel_asks_about_the_latest_served_ticket(sqlite_url: str) -> None:
    store = demo_office(sqlite_url)
    served = [t for t in store.tickets(date.today() - timedelta(days=1), date.today() + timedelta(days=1))
              if t.finished_at is not None]
    assert latest_served(store) == (2, served[-1].code)
    store.db.engine.dispose()


def test_a_screen_that_issues_a_ticket_is_not_drawn_over_a_real_office(sqlite_url: str, tmp_path: Path) -> None:
    store = demo_office(sqlite_url)
    before = written(store)
    with pytest.raises(MotcuaError, match="--screen confirm issues a ticket"):
        kiosk_run(["--screenshot", str(tmp_path / "k.png"), "--screen", "confirm"], config=None, db=sqlite_url)
    assert written(store) == before
    store.db.engine.dispose()


def test_a_screenshot_needs_no_screen(tmp_path: Path) -> None:
    """On a server with no display and no QT_QPA_PLATFORM, Qt used to abort before the PNG was written."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    target = tmp_path / "kiosk.png"
    done = subprocess.run([sys.executable, "-m", "common.cli", "kiosk", "--screenshot", str(target)],
                          env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.qt_log_ignore("propagateSizeHints")
@pytest.mark.parametrize("app", list(APPS))
def test_the_wrote_line_follows_the_office_language(app: str, tmp_path: Path, qapp: object,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Vietnamese as every other line of the command line; an office in English gets the English beside it."""
    from common.cli.args import language, set_language

    run, extra = APPS[app]
    before = language()
    try:
        for lang in ("vi", "en"):
            set_language(lang)
            out = tmp_path / f"{lang}.png"
            assert run(["--screenshot", str(out), *extra], config=None, db=None) == 0
            line = capsys.readouterr().out.strip().splitlines()[-1]
            assert line.startswith(f"đã ghi {out}")
            assert (" / wrote " in line) == (lang == "en"), line
    finally:
        set_language(before)


@pytest.mark.parametrize(("extra", "shown"), [([], ["Quầy 1", "Quầy 2"]), (["--counter", "2"], ["Quầy 2 (cố định)"])])
def test_the_counter_sign_in_is_drawn_with_its_counter_list(sqlite_url: str, tmp_path: Path, qapp: object,
                                                             monkeypatch: pytest.MonkeyPatch, extra: list[str],
                                                             shown: list[str]) -> None:
    """The counter list is read on the desk's worker; the picture was taken before it came (an empty "Quầy")."""
    import counter.main

    store = demo_office(sqlite_url)
    at_the_picture: list[list[str]] = []
    real = counter.main.save_png

    def seen(window, path, size):  # type: ignore[no-untyped-def]
        box = window.signin.counter
        at_the_picture.append([box.itemText(i) for i in range(box.count())])
        return real(window, path, size)

    monkeypatch.setattr(counter.main, "save_png", seen)
    assert counter_run(["--screenshot", str(tmp_path / "c.png"), *extra], config=None, db=sqlite_url) == 0
    assert at_the_picture == [shown]
    store.db.engine.dispose()


@pytest.mark.parametrize("app", list(APPS))
def test_a_picture_qt_cannot_draw_is_refused_before_the_empty_db_gets_the_sample(app: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    run, extra = APPS[app]
    with pytest.raises(MotcuaError, match=r"use \.png"):
        run(["--screenshot", str(tmp_path / "shot.pdf"), *extra], config=None, db=url)
    assert not (tmp_path / "empty.db").exists() and not (tmp_path / "shot.pdf").exists()
