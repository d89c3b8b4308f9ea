"""The status page's cache (common.views.board.read_statuses) keeps a served ticket rateable for 24 hours."""

from __future__ import annotations

from datetime import timedelta

from common.core.clock import ManualClock
from common.store import Store
from common.store.rating import Score, rate_ticket


def test_served_tickets_stay_rateable_for_24_hours_even_past_midnight(store: Store, clock: ManualClock) -> None:
    clock.advance(timedelta(hours=9))  # 17:00 local: after hours, so the clerk issues them
    served = store.issue_ticket("TP", check_hours=False).ticket
    waiting = store.issue_ticket("TP", check_hours=False).ticket
    store.call_next(1, "lan")
    store.start_service(1, "lan")
    store.finish_service(1, "lan")
    today = store.views.statuses()
    assert today[served.token].state == "served" and today[served.token].rating_open  # type: ignore[index]
    assert not today[waiting.token].rating_open and today[waiting.token].rating is None  # type: ignore[index]

    clock.advance(timedelta(hours=23, minutes=59))  # 16:59 the next day
    tomorrow = store.views.statuses()
    assert served.token in tomorrow and tomorrow[served.token].rating_open  # type: ignore[index]
    assert waiting.token not in tomorrow  # yesterday's unserved ticket is no longer shown

    clock.advance(timedelta(minutes=2))
    assert served.token not in store.views.statuses()


def test_a_rated_ticket_shows_its_score_and_no_longer_offers_the_choices(store: Store) -> None:
    ticket = store.issue_ticket("TP").ticket
    store.call_next(1, "lan")
    store.start_service(1, "lan")
    store.finish_service(1, "lan")
    rate_ticket(store, ticket.id, Score.SATISFIED)
    status = store.views.statuses()[ticket.token]  # type: ignore[index]
    assert status.rating == 3 and not status.rating_open
