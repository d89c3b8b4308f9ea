from __future__ import annotations

import json
import multiprocessing
from datetime import timedelta

import pytest

from common.core.clock import ManualClock
from common.core.errors import DomainError, NotFound
from common.core.model import Ticket
from common.store import Store
from common.store.db import connect
from common.store.rating import AlreadyRated, Channel, Score, check_reasons, rate_by_token, rate_ticket, rating_of


def serve(store: Store, service: str = "TP", counter: int = 1, clerk: str = "lan") -> Ticket:
    """Issue, call, start and finish one ticket at ``counter``."""
    store.issue_ticket(service)
    store.call_next(counter, clerk)
    store.start_service(counter, clerk)
    return store.finish_service(counter, clerk)


def rated_events(store: Store) -> list[dict[str, object]]:
    return [json.loads(e.detail or "{}") for e in store.events_since(0) if e.kind == "rated"]


def test_a_served_ticket_is_rated_once_with_its_clerk_counter_and_service(store: Store, clock: ManualClock) -> None:
    ticket = serve(store)
    clock.advance(20)
    rating = rate_ticket(store, ticket.id, Score.SATISFIED, counter=1)
    assert (rating.code, rating.service, rating.counter, rating.clerk) == (ticket.code, "TP", 1, "lan")
    assert rating.score == Score.SATISFIED and rating.channel == Channel.COUNTER
    assert rating.rated_at == clock.now() and rating.reasons == ()
    assert rating_of(store, ticket.id) == rating
    assert rated_events(store) == [{"score": 3, "channel": "counter"}]
    with pytest.raises(AlreadyRated, match="đã được đánh giá"):
        rate_ticket(store, ticket.id, Score.VERY_SATISFIED, counter=1)
    with pytest.raises(AlreadyRated):
        rate_by_token(store, ticket.token or "", Score.UNSATISFIED)
    assert rating_of(store, ticket.id).score == Score.SATISFIED  # type: ignore[union-attr]
    assert len(rated_events(store)) == 1


def test_reasons_are_kept_for_low_ratings_only(store: Store) -> None:
    low, high = serve(store), serve(store)
    got = rate_ticket(store, low.id, Score.UNSATISFIED, ["Chờ lâu", "Thái độ", "Chờ lâu"])
    assert got.reasons == ("Chờ lâu", "Thái độ")
    assert rate_ticket(store, high.id, Score.VERY_SATISFIED, ["Chờ lâu"]).reasons == ()
    assert rated_events(store)[0] == {"score": 1, "channel": "counter", "reasons": ["Chờ lâu", "Thái độ"]}


def test_tickets_not_served_are_refused_and_nothing_is_written(store: Store) -> None:
    waiting = store.issue_ticket("TP").ticket
    with pytest.raises(DomainError, match="chưa được phục vụ xong"):
        rate_ticket(store, waiting.id, Score.SATISFIED)
    store.call_next(1, "lan")
    with pytest.raises(DomainError, match="chưa được phục vụ xong"):
        rate_by_token(store, waiting.token or "", Score.SATISFIED)
    with pytest.raises(NotFound):
        rate_ticket(store, 99_999, Score.SATISFIED)
    with pytest.raises(NotFound):
        rate_by_token(store, "x" * 22, Score.SATISFIED)
    assert rated_events(store) == [] and rating_of(store, waiting.id) is None


def test_bad_scores_reasons_and_counters_are_refused(store: Store) -> None:
    ticket = serve(store, counter=1)
    for bad in (0, 5, "x"):
        with pytest.raises(DomainError, match="Mức đánh giá không hợp lệ"):
            rate_ticket(store, ticket.id, bad)  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="không được phục vụ tại quầy 2"):
        rate_ticket(store, ticket.id, Score.SATISFIED, counter=2)
    with pytest.raises(DomainError, match="tối đa"):
        rate_ticket(store, ticket.id, Score.NEUTRAL, ["x" * 200])
    assert rating_of(store, ticket.id) is None
    with pytest.raises(DomainError, match=r"rating\.reasons"):
        check_reasons("Chờ lâu")
    with pytest.raises(DomainError, match=r"rating\.reasons"):
        check_reasons(["Chờ lâu", ""])


def test_the_phone_may_rate_for_24_hours_after_service(store: Store, clock: ManualClock) -> None:
    early, late = serve(store), serve(store)
    clock.advance(timedelta(hours=23, minutes=59))
    rating = rate_by_token(store, early.token or "", Score.NEUTRAL, ["Hướng dẫn chưa rõ"])
    assert rating.channel == Channel.PHONE and rating.counter == 1 and rating.reasons == ("Hướng dẫn chưa rõ",)
    clock.advance(timedelta(minutes=2))
    with pytest.raises(DomainError, match="quá 24 giờ"):
        rate_by_token(store, late.token or "", Score.SATISFIED)
    assert rating_of(store, late.id) is None


def test_a_transferred_visit_is_rated_on_its_served_transaction(store: Store) -> None:
    store.issue_ticket("TP")
    store.call_next(1, "lan")
    first = store.transfer(1, "lan", to_service="CT")
    with pytest.raises(DomainError, match="chưa được phục vụ xong"):
        rate_by_token(store, first.token or "", Score.SATISFIED)
    store.call_next(2, "minh")
    store.start_service(2, "minh")
    done = store.finish_service(2, "minh")
    rating = rate_by_token(store, first.token or "", Score.SATISFIED)
    assert (rating.ticket_id, rating.counter, rating.clerk, rating.service) == (done.id, 2, "minh", "CT")


def _rate_in_process(url: str, ticket_id: int, start: float, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from datetime import UTC, datetime

    store = Store(connect(url), ManualClock(datetime.fromtimestamp(start, UTC)))
    try:
        rate_ticket(store, ticket_id, Score.SATISFIED)
        out.put("stored")
    except AlreadyRated:
        out.put("refused")
    finally:
        store.db.engine.dispose()


def test_two_devices_racing_store_exactly_one_rating(store: Store, db_url: str, clock: ManualClock) -> None:
    ticket = serve(store)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_rate_in_process, args=(db_url, ticket.id, clock.now().timestamp(), out))
             for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    results = sorted(out.get(timeout=5) for _ in procs)
    assert results == ["refused", "refused", "refused", "stored"]
    assert len(rated_events(store)) == 1
