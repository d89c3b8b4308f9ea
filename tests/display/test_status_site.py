"""The status site's shortcut for calls: the phones hear a call from the change feed, before the re-read."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from common.store import Store
from common.views.board import call_view
from display.status_site import StatusSite
from display.ticket_page import live_part

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def test_a_call_reaches_the_pages_at_once_and_the_re_read_agrees(store: Store) -> None:
    ticket = store.issue_ticket("TP").ticket
    other = store.issue_ticket("TP").ticket
    site = StatusSite("Bộ phận Một cửa", tz=TZ)
    site.statuses = store.views.statuses()
    heard: list[object] = []
    site.listeners.append(heard.append)
    store.call_next(1, "lan")
    events = store.events_since(0)
    calls = [c for c in (call_view(e) for e in events) if c is not None]
    site.called(calls)
    token = ticket.token or ""
    assert len(heard) == 1 and site.statuses[token].state == "called" and site.statuses[token].counter == 1
    assert site.statuses[other.token or ""].state == "waiting"  # only the called ticket moves before the re-read
    quick = live_part(site.statuses[token], en=False, tz=TZ)
    confirmed = live_part(store.views.statuses()[token], en=False, tz=TZ)
    assert quick.alert and quick.alert == confirmed.alert and quick.card == confirmed.card
    site.called(calls)  # the same call again (a feed replay) changes nothing and tells nobody
    assert len(heard) == 1
