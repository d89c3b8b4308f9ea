"""The screenshot's office: the example centre with simulated history and a busy morning, on a fixed clock.

A temporary SQLite store (or an empty ``--db``) is filled by ``fill_history`` (the store-free engine,
then one bulk insert) for the working days before today; today's morning is scripted here, also on the
engine, so that the Live tab shows long waits,
an idle counter and a break. ``rate_some`` then rates a share of the served tickets, less kindly the
longer the citizen waited, so the Satisfaction tab has figures. Nothing random depends on the wall
clock: the pictures are reproducible.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from common.config import load_config
from common.core.clock import ManualClock
from common.core.model import Clerk, CounterState, Role
from common.planning.booked import BookingMix
from common.planning.engine import Engine, write
from common.planning.simulate import fill_history
from common.store import Store
from common.store.bootstrap import store_for
from common.store.bulk import finished_service_times, insert_ratings, insert_sample_bookings, served_for_rating
from common.store.rating import Score

ROOT = Path(__file__).resolve().parents[1]  # dashboard/sample.py → the checkout
EXAMPLE = ROOT / "assets" / "office.example.toml"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 25, 9, 40, tzinfo=TZ)  # a Wednesday morning
SUPERVISOR = Clerk("giamdoc", "Võ Thanh Bình", Role.SUPERVISOR)
OPEN = (1, 2, 3, 4, 6, 7)  # counter 5 is on break, 8 closed
HISTORY_SCALE = 0.9
# Of the services the plan books (the example: Tư pháp), this share of citizens book a time, and this share
# of bookings never come: the Lịch hẹn tab's booked and walk-in waits, no-shows and places used.
BOOKED_SHARE, BOOKING_NO_SHOW = 0.35, 0.1


def sample_store(folder: Path, history_days: int = 12, url: str | None = None) -> tuple[Store, str]:
    """The sample office in ``url`` (``--db``; it should be empty) or in a new SQLite file in ``folder``."""
    config = load_config(EXAMPLE)
    clock = ManualClock(NOW.replace(hour=7, minute=0))
    store = store_for(config, url or f"sqlite:///{folder / 'dashboard.sqlite3'}", clock)
    store.load_office(config.office)
    # 0.9 of the demo traffic: an office that mostly meets the 30-minute target (about 89% of waits
    # within it over 12 days), with a few bad days and the mid-morning and mid-afternoon peaks.
    history = fill_history(store, history_days, end=NOW.date(), scale=HISTORY_SCALE,
                           bookings=BookingMix.for_plan(store.appointment_plan(), BOOKED_SHARE, BOOKING_NO_SHOW))
    if history.days:  # the bookings behind the booked tickets, and the no-shows: the Lịch hẹn tab
        insert_sample_bookings(store, history.days[0], history.days[-1], no_show=BOOKING_NO_SHOW, seed=19)
    busy_morning(store, clock)
    rate_some(store, clock, list(config.settings.rating.reasons))
    return store, config.settings.office.name


def busy_morning(store: Store, clock: ManualClock, seed: int = 25) -> None:
    """07:30–09:40: more citizens than the open counters can take, so that some waits pass 25 and 30 min.

    Played on the store-free engine and written in one bulk insert (through the store, one action
    at a time, this morning alone took ~10 s); the engine is given the history's service times
    first, so the estimates printed on these tickets are the ones the store would print.
    """
    rng = random.Random(seed)
    engine = Engine.for_store(store)
    engine.remember(finished_service_times(store))
    clerks = {c.number: f"sim{c.number}" for c in store.counters()}
    engine.set_now(NOW.replace(hour=7, minute=30))
    for number in (*OPEN, 5):
        engine.sign_in(number, clerks[number], take_over=True)
    start = NOW.replace(hour=7, minute=30)
    free_at = dict.fromkeys(OPEN, start)
    codes = [s.code for s in store.services()]
    weights = [9, 9, 4.5, 4.5, 2, 4.5, 4.5, 7]
    t = start
    while t < NOW:
        t += timedelta(seconds=rng.expovariate(1 / 95))
        if t >= NOW:
            break
        for number in OPEN:  # counters free before this arrival call the next ticket
            while free_at[number] <= t:
                engine.set_now(free_at[number])
                if engine.counters[number].current is not None:
                    engine.finish_service(number, clerks[number])
                ticket = engine.call_next(number, clerks[number])
                if ticket is None:
                    free_at[number] = t
                    break
                engine.start_service(number, clerks[number])
                free_at[number] = free_at[number] + timedelta(minutes=rng.uniform(6, 16))
        engine.set_now(t)
        engine.issue_ticket(rng.choices(codes, weights=weights)[0], check_hours=False)
    engine.set_now(NOW.replace(hour=9, minute=10))
    engine.set_counter_state(5, clerks[5], CounterState.BREAK)
    write(engine, store)
    clock.set(NOW)


# Share of citizens satisfied by wait band (< 10, < 20, ≤ 30, > 30 min): a long wait costs goodwill.
SATISFIED_BY_WAIT = ((600, 0.99), (1200, 0.96), (1800, 0.9), (None, 0.6))
RESPONSE_RATE = 0.6


def rate_some(store: Store, clock: ManualClock, reasons: list[str], seed: int = 468) -> None:
    """Rate about 60% of the served tickets as each was finished; low ratings give one or two reasons.

    Written in one bulk insert (the ratings of a dozen simulated days one by one took 14 s).
    """
    rng = random.Random(seed)
    ratings = []
    for ticket_id, wait, finished_at in served_for_rating(store, NOW.date() - timedelta(days=40), NOW.date()):
        if rng.random() > RESPONSE_RATE:
            continue
        chance = next(p for limit, p in SATISFIED_BY_WAIT if limit is None or wait < limit)
        if rng.random() < chance:
            score, why = (Score.VERY_SATISFIED if rng.random() < 0.55 else Score.SATISFIED), []
        else:
            score = Score.NEUTRAL if rng.random() < 0.6 else Score.UNSATISFIED
            why = ["Chờ lâu"] if wait >= 1200 and "Chờ lâu" in reasons else []
            why += rng.sample(reasons, k=rng.choice((0, 1, 1)))
            why = list(dict.fromkeys(why))  # each reason once, as the rating panel keeps them
        ratings.append((ticket_id, int(score), why, finished_at))
    insert_ratings(store, ratings)
