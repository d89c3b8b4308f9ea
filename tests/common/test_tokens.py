"""The QR token: the hour it was issued, then 16 random bytes (common.core.tokens, docs/benchmarks/prov6.md)."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from common.core.clock import ManualClock
from common.core.tokens import PREFIX_LEN, TOKEN_LEN, hour_prefix, ticket_token
from common.store import Store
from common.store.rating import Score, rate_by_token
from common.views.board import public_status

AT = datetime(2026, 12, 3, 21, 5, 42, tzinfo=UTC)


def test_a_token_is_the_hour_in_base_36_then_the_16_random_bytes_of_before() -> None:
    token = ticket_token(AT.timestamp())
    assert len(token) == TOKEN_LEN == 26
    assert datetime.fromtimestamp(int(token[:PREFIX_LEN], 36) * 3600, UTC) == AT.replace(minute=0, second=0)
    assert len(base64.urlsafe_b64decode(token[PREFIX_LEN:] + "==")) == 16  # as unguessable as token_urlsafe(16)
    assert len({ticket_token(AT.timestamp())[PREFIX_LEN:] for _ in range(2000)}) == 2000


def test_tokens_sort_by_their_hour_byte_by_byte_across_every_carry_of_the_prefix() -> None:
    # The prefix is fixed width: "0010" after "000z", as 36 after 35 hours; SQLite's BINARY and
    # PostgreSQL's C collation compare byte by byte.
    carries = (35, 36**2 - 1, 36**3 - 1, 36**4 - 2)
    hours = sorted({h + d for h in carries for d in (-1, 0, 1)} | {0, 496_000})
    tokens = [ticket_token(h * 3600 + 1799.5) for h in hours]
    assert sorted(tokens) == tokens
    assert [int(t[:PREFIX_LEN], 36) for t in tokens] == hours
    assert hour_prefix(-1.0) == "0000" and hour_prefix(1e13) == "zzzz"  # clamped, never wider or negative


def test_the_store_stamps_the_hour_of_its_own_clock_and_the_database_orders_tokens_by_it(
        store: Store, clock: ManualClock) -> None:
    issued = []
    for _ in range(5):  # two tickets every 50 minutes
        for _ in range(2):
            issued.append(store.issue_ticket("TP", check_hours=False).ticket)
        clock.advance(timedelta(minutes=50))  # 08:00, 08:50, 09:40, 10:30, 11:20
    for ticket in issued:
        assert ticket.token is not None and len(ticket.token) == TOKEN_LEN
        assert ticket.token[:PREFIX_LEN] == hour_prefix(ticket.issued_at.timestamp())
    assert len({t.token[:PREFIX_LEN] for t in issued if t.token}) == 4  # 08, 09, 10, 11
    with store.transaction(readonly=True) as tx:  # the index's order is the database's own comparison
        by_token = list(tx.session.scalars(text("SELECT id FROM tickets ORDER BY token")))
    hour_of = {t.id: t.token[:PREFIX_LEN] for t in issued if t.token}
    assert [hour_of[i] for i in by_token] == sorted(hour_of[t.id] for t in issued)


def test_a_token_made_before_the_hour_prefix_still_finds_rates_and_shows_its_ticket(store: Store) -> None:
    store.issue_ticket("TP")
    store.call_next(1, "lan")
    store.start_service(1, "lan")
    served = store.finish_service(1, "lan")
    legacy = secrets.token_urlsafe(16)  # what a slip printed before prov6 carries: 22 characters, no hour
    with store.transaction() as tx:
        tx.session.execute(text("UPDATE tickets SET token = :t WHERE id = :i"), {"t": legacy, "i": served.id})
    new = store.issue_ticket("TP").ticket
    assert new.token is not None and len(new.token) == TOKEN_LEN
    for token, ticket_id in ((legacy, served.id), (new.token, new.id)):
        found = store.ticket_by_token(token)
        assert found is not None and found.id == ticket_id
        assert store.find_ticket(f"http://192.168.1.20:8080/t/{token}").id == ticket_id  # a scanned QR
        assert public_status(store.views.statuses(), token) is not None  # the phone's status page
    assert rate_by_token(store, legacy, Score.SATISFIED).score == Score.SATISFIED
