"""A small Wednesday built by hand with known times, for the dashboard's tests (and its common modules').

Times are local (Asia/Ho_Chi_Minh), Wednesday 2026-11-25; targets TP 30 min, CT 15 min, KD 30 min. "Now" is 09:30.

======  =======  ==============================================================  =====  =====  =======
ticket  service  story                                                           wait   walk   service
======  =======  ==============================================================  =====  =====  =======
A001    TP       07:45 issued, called 07:50 at 1, 07:51–08:01                    300    60     600
A002    TP       08:00, called 08:05 at 1, 08:06–08:14                           300    60     480
A003    TP       08:02, called 08:20 at 2, 08:21–08:33                           1080   60     720
B001    CT       08:10, called 08:40 at 8, 08:41–08:45 (over CT's 15 min)        1800   60     240
A004    TP       08:55, still waiting: 35 min, over target
A005    TP       09:04, still waiting: 26 min, at risk (> 20)
B002    CT       09:12, still waiting: 18 min, over CT's target (15)
D001    KD       09:20, called 09:22 at 4, serving since 09:23                   120    60
D002    KD       09:25, still waiting: 5 min
======  =======  ==============================================================  =====  =====  =======

Counters: 1 (lan) open from 07:30, idle at 09:30; 2 (minh) open 07:30, on break from 08:35; 8 (hoa) open 07:30,
signed out 08:50; 4 (tuan) open from 09:00, serving D001. Every other counter stays closed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from common.core.clock import ManualClock
from common.core.model import CounterState
from common.store import Store

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WED = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=TZ)


def at(clock: ManualClock, hh: int, mm: int) -> None:
    clock.set(datetime(WED.year, WED.month, WED.day, hh, mm, tzinfo=TZ))


def serve(store: Store, clock: ManualClock, counter: int, clerk: str, code: str, call: tuple[int, int],
          minutes: int) -> None:
    at(clock, *call)
    called = store.call_next(counter, clerk)
    assert called is not None and called.code == code, called
    at(clock, call[0], call[1] + 1)
    store.start_service(counter, clerk)
    clock.advance(timedelta(minutes=minutes))
    store.finish_service(counter, clerk)


def build_day(store: Store, clock: ManualClock) -> None:
    at(clock, 7, 30)
    for counter, clerk in ((1, "lan"), (2, "minh"), (8, "hoa")):
        store.sign_in(counter, clerk)
    at(clock, 7, 45)
    store.issue_ticket("TP")  # A001
    serve(store, clock, 1, "lan", "A001", (7, 50), 10)
    at(clock, 8, 0)
    store.issue_ticket("TP")  # A002
    at(clock, 8, 2)
    store.issue_ticket("TP")  # A003
    serve(store, clock, 1, "lan", "A002", (8, 5), 8)
    at(clock, 8, 10)
    store.issue_ticket("CT")  # B001
    serve(store, clock, 2, "minh", "A003", (8, 20), 12)
    at(clock, 8, 35)
    store.set_counter_state(2, "minh", CounterState.BREAK)
    serve(store, clock, 8, "hoa", "B001", (8, 40), 4)
    at(clock, 8, 50)
    store.sign_out(8, "hoa")
    at(clock, 8, 55)
    store.issue_ticket("TP")  # A004
    at(clock, 9, 0)
    store.sign_in(4, "tuan")
    at(clock, 9, 4)
    store.issue_ticket("TP")  # A005
    at(clock, 9, 12)
    store.issue_ticket("CT")  # B002
    at(clock, 9, 20)
    store.issue_ticket("KD")  # D001
    at(clock, 9, 22)
    assert store.call_next(4, "tuan").code == "D001"
    at(clock, 9, 23)
    store.start_service(4, "tuan")
    at(clock, 9, 25)
    store.issue_ticket("KD")  # D002
    clock.set(NOW)
