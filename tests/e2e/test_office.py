"""The whole office end to end: kiosk, counter and hall display as separate processes on one store.

The apps run as they do in an office (``python -m common.cli.main ... <app>``, offscreen), on
the real clock, against a real SQLite file and then a real PostgreSQL database. The test
drives them only through their ``--automation`` channel and reads the results where a
person would: the kiosk's screen, the store, the board, the status page, the announcement
WAV and ``motcua report``.
"""

from __future__ import annotations

import array
import json
import math
import subprocess
import urllib.request
import wave
from pathlib import Path

import pytest

from common.config import load_config
from common.core.model import Role, TicketStatus
from common.store import Store
from common.store.bootstrap import store_for
from tests.e2e.apps import ROOT, STEP_SECONDS, AppProcess, env, free_port, motcua, running

# Services open all day, every day: the apps use the real clock, whenever the test runs.
DEMO = ROOT / "assets" / "demo.toml"
CHIME = ROOT / "assets" / "chime.wav"
CLERK, PASSWORD, COUNTER = "e2e", "mật-khẩu-e2e", 1

pytestmark = pytest.mark.slow


def open_office(url: str) -> Store:
    """The demo office in a fresh store, plus a clerk with a password (a separate Store in this process)."""
    config = load_config(DEMO)
    store = store_for(config, url)
    store.load_office(config.office, {k: v for k, v in config.values.items() if k.startswith("office.")})
    store.add_clerk(CLERK, "Kiểm Thử Đầu Cuối", Role.CLERK, PASSWORD)
    return store


def start(apps: list[AppProcess], log_dir: Path, url: str, app: str, *args: str,
          first_line: str | None = None) -> AppProcess:
    process = AppProcess(app, motcua("--config", str(DEMO), "--db", url, app, "--automation", *args),
                         log_dir, first_line)
    apps.append(process)
    return process


def seconds_and_rms(path: Path, start_s: float = 0.0) -> tuple[int, int, float, float]:
    """Rate, channels, duration, and the loudness (RMS of 16-bit samples) after ``start_s``."""
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2
        rate, channels, frames = w.getframerate(), w.getnchannels(), w.getnframes()
        samples = array.array("h", w.readframes(frames))
    tail = samples[int(start_s * rate) * channels:]
    rms = math.sqrt(sum(s * s for s in tail) / len(tail)) if tail else 0.0
    return rate, channels, frames / rate, rms


def report(url: str, day: str) -> dict:  # type: ignore[type-arg]
    done = subprocess.run(motcua("--config", str(DEMO), "--db", url, "report", "--format", "json", "--from", day),
                          cwd=ROOT, env=env(), capture_output=True, text=True, encoding="utf-8",
                          timeout=STEP_SECONDS, check=False)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def cong_khai(port: int) -> str:
    """GET /cong-khai until the display's first read is done (503 "đang chuẩn bị" until then)."""
    import time
    import urllib.error

    deadline = time.monotonic() + STEP_SECONDS
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/cong-khai", timeout=STEP_SECONDS) as page:
                return str(page.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or time.monotonic() > deadline:
                raise
            time.sleep(0.2)  # a poll of the server's own state, not a timed assertion


def test_a_tapped_ticket_is_called_shown_announced_served_and_reported(db_url: str, tmp_path: Path) -> None:
    store = open_office(db_url)
    port, announcements = free_port(), tmp_path / "announcements"
    try:
        with running(tmp_path) as apps:
            # The display first: once it says ready its change feed is listening.
            display = start(apps, tmp_path, db_url, "display", "--windowed", "--size", "1280x720",
                            "--port", str(port), "--announce-dir", str(announcements))
            kiosk = start(apps, tmp_path, db_url, "kiosk", "--windowed")
            assert display.ready()["port"] == port
            kiosk.ready()

            # A citizen taps "Tư pháp – Hộ tịch"; the kiosk shows the committed number.
            kiosk.send("wait service-TP")
            kiosk.send("click service-TP")
            shown = kiosk.send("wait ticket-number")["text"]
            (issued,) = store.tickets(store.today, store.today)
            assert (issued.code, issued.service, issued.status) == (shown, "TP", TicketStatus.WAITING)
            code = issued.code

            # The clerk comes in after the citizen (so the wait is seconds, not a rounding to 0),
            # signs in at counter 1 and presses F2.
            counter = start(apps, tmp_path, db_url, "counter", "--counter", str(COUNTER), "--user", CLERK,
                            "--password-stdin", first_line=PASSWORD)
            counter.ready()
            counter.send("wait action-call-next")
            counter.send("key F2")
            counter.send(f"wait card-code {code}")
            called = store.ticket(issued.id)
            assert (called.status, called.counter, called.clerk) == (TicketStatus.CALLED, COUNTER, CLERK)

            # The board shows it as the latest call, and the status page lists it.
            display.send(f"wait board-latest-ticket {code}")
            assert display.send("text board-latest-counter")["text"] == f"đến Quầy số {COUNTER}"
            display.send(f"wait board-recent-1-ticket {code}")
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=STEP_SECONDS) as page:
                html = page.read().decode("utf-8")
            assert f"<td>{code}</td><td class=r>Quầy {COUNTER}</td>" in html
            # The công khai page (/cong-khai): this office's line, read on the display's own thread; no
            # ticket and no clerk on it. The first request starts the read, so it may be "being prepared".
            public = cong_khai(port)
            assert "Công khai thời gian chờ" in public and "Hôm nay" in public
            assert code not in public and issued.token not in public and "Nguyễn Thị Lan" not in public

            # It is announced: no sound card here, so the kept WAV is what the hall would have heard.
            display.event("announced", ticket=code, counter=COUNTER)
            (wav,) = announcements.glob(f"*-{code}-quay{COUNTER}.wav")
            chime_s = seconds_and_rms(CHIME)[2]
            rate, channels, seconds, voice_rms = seconds_and_rms(wav, start_s=chime_s + 0.6)
            assert (rate, channels) == (22050, 1)
            assert 3 <= seconds <= 20  # chime + the phrase said twice, not a chime alone
            assert voice_rms > 300  # the spoken part is speech, not silence

            # Served: F4 starts, F5 finishes, and the counter is free again.
            counter.send("wait action-start")
            counter.send("key F4")
            counter.send("wait action-finish")
            counter.send("key F5")
            counter.send("wait action-call-next")
            served = store.ticket(issued.id)
            assert served.status is TicketStatus.DONE
            assert served.called_at is not None and served.finished_at is not None

            for app in (kiosk, counter, display):
                assert app.quit() == 0, f"{app.name} did not close cleanly{app.tail()}"

        # The report counts it, with the wait the store recorded: call − issued, in whole seconds
        # (docs/metrics.md), measured across two processes (the kiosk issued, the counter called).
        figures = report(db_url, served.service_day.isoformat())["overall"]
        wait = round((served.called_at - served.issued_at).total_seconds())
        assert wait >= 1
        assert (figures["tickets"], figures["served"], figures["no_show"], figures["waiting"]) == (1, 1, 0, 0)
        assert figures["wait_mean_s"] == figures["wait_median_s"] == wait
    finally:
        store.db.engine.dispose()
