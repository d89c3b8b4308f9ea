"""A NOTIFY channel per office: a display of office 1 is not woken by office 2's calls, and each
office's feed still wakes on its own. The single-office channel (``motcua``) is office 1's.

Order, not time, is asserted: PostgreSQL delivers notifications in commit order, so when office 1's
listener sees its own office's notification, any from office 2's earlier commit would have come first.
"""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.engine import make_url

from common.core.clock import ManualClock
from common.store.channels import CHANNEL, channel_name
from common.store.notify import ChangeFeed, _PostgresWaiter, listened_channels
from common.store.office_scope import scoped_url
from tests.common.test_notify import wait_for
from tests.common.test_offices import Province, as_role, province  # noqa: F401 (the fixture)

pytestmark = pytest.mark.postgres


def listener(p: Province, role: str) -> psycopg.Connection:
    conn = psycopg.connect(make_url(p.url_as(role)).set(drivername="postgresql").render_as_string(
        hide_password=False), autocommit=True)
    for channel in listened_channels(conn):
        conn.execute(f"LISTEN {channel}")
    return conn


def test_each_office_listens_on_its_own_channel_and_the_province_on_all(province: Province) -> None:  # noqa: F811
    with listener(province, province.groups["display"]) as one, listener(province, province.office2["display"]) as two:
        assert listened_channels(one) == [CHANNEL] == [channel_name(1)]  # the single-office channel
        assert listened_channels(two) == ["motcua_o2"]
    with listener(province, province.groups["province"]) as everyone:
        assert listened_channels(everyone) == ["motcua", "motcua_o2"]
    # The province's drill-down into office 2 (motcua.office = 2) wakes on office 2's changes only.
    # The drill-down's feed connects as its store does (the scope is a libpq option in the URL).
    drill = _PostgresWaiter(scoped_url(province.url_as(province.groups["province"]), 2))
    try:
        assert listened_channels(drill.conn) == ["motcua_o2"]
    finally:
        drill.close()


def test_office_1s_display_sleeps_through_office_2s_calls(province: Province, clock: ManualClock) -> None:  # noqa: F811
    kiosk1, kiosk2 = as_role(province, province.groups["kiosk"], clock), as_role(province, province.office2["kiosk"],
                                                                               clock)
    counter2 = as_role(province, province.office2["counter"], clock)
    with listener(province, province.groups["display"]) as one, listener(province, province.office2["display"]) as two:
        kiosk2.issue_ticket("TP", check_hours=False)
        assert counter2.call_next(1, "lan") is not None
        kiosk1.issue_ticket("TP", check_hours=False)  # office 1's own commit, after office 2's two
        first = [n.channel for n in one.notifies(timeout=30, stop_after=1)]
        assert first == ["motcua"]  # office 2's two commits came first: their notifications would have, too
        assert [n.channel for n in two.notifies(timeout=30, stop_after=2)] == ["motcua_o2", "motcua_o2"]
        assert [n.channel for n in one.notifies(timeout=0)] == []
    for store in (kiosk1, kiosk2, counter2):
        store.db.engine.dispose()


def test_office_2s_feed_wakes_on_office_2s_ticket(province: Province, clock: ManualClock) -> None:  # noqa: F811
    display2 = as_role(province, province.office2["display"], clock)
    kiosk2 = as_role(province, province.office2["kiosk"], clock)
    feed = ChangeFeed(display2)
    assert feed.wait(0.1) == []
    kiosk2.issue_ticket("TP", check_hours=False)
    assert any(e.kind == "issued" for e in wait_for(feed, lambda e: e.kind == "issued"))
    feed.close()
    for store in (display2, kiosk2):
        store.db.engine.dispose()
