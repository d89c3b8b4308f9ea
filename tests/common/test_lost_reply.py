"""PostgreSQL's walk-in issue runs in autocommit; a lost connection is told apart by the ticket's token.

In autocommit the server commits the statement by itself: a connection lost after it was sent may have
lost the statement or only its reply. Store.issue_ticket looks the ticket's token up on a new connection
(common.store.operations, ``_issue_in_one``). Here a real TCP proxy in front of the server cuts the
connection at the moment that matters, and the database is asked how many tickets there are.
(A connection closed before the statement: tests/common/test_db.py.)
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from common.config import AppConfig
from common.core.clock import ManualClock
from common.core.errors import StoreUnavailable
from common.store import Store
from common.store.db import connect
from tests.conftest import TZ

pytestmark = pytest.mark.postgres

INSERT = b"INSERT INTO tickets"


class CuttingProxy:
    """A TCP forwarder on 127.0.0.1 (a port of its own) in front of the PostgreSQL server, both ways.

    Armed with ``at="reply"``, it closes both sockets when the server answers the client's message that
    contains ``INSERT INTO tickets`` (the server has run it; the reply never reaches the client). With
    ``at="statement"``, as soon as it has passed that message on (the server may still be running it).
    ``cuts`` counts the connections it cut, so that a test cannot pass without one.
    """

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.plan: list[tuple[str, bytes]] = []  # (at, marker) cuts to make, in order
        self.cuts = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self, at: str, marker: bytes = INSERT) -> None:
        """Cut at the next message holding ``marker`` (after the cuts armed before, in order)."""
        self.plan.append((at, marker))

    @property
    def armed(self) -> str | None:
        return self.plan[0][0] if self.plan else None

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            server = socket.create_connection(self.target)
            sent = threading.Event()  # this connection's client sent the INSERT while armed
            threading.Thread(target=self._up, args=(client, server, sent), daemon=True).start()
            threading.Thread(target=self._down, args=(server, client, sent), daemon=True).start()

    def _cut(self, *socks: socket.socket) -> None:
        with self._lock:
            if self.plan:
                self.plan.pop(0)
            self.cuts += 1
        for s in socks:
            with contextlib.suppress(OSError):  # the other side may have closed it already
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def _up(self, client: socket.socket, server: socket.socket, sent: threading.Event) -> None:
        tail = b""  # the marker may straddle two reads
        try:
            while data := client.recv(65536):
                marker = self.plan[0][1] if self.plan else None
                seen = marker is not None and marker in tail + data
                tail = data[-64:]
                if seen:
                    sent.set()  # before it goes on: the reply may come back at once
                server.sendall(data)
                if seen and self.armed == "statement":
                    return self._cut(client, server)
        except OSError:
            pass
        for s in (client, server):
            s.close()

    def _down(self, server: socket.socket, client: socket.socket, sent: threading.Event) -> None:
        try:
            while data := server.recv(65536):
                if sent.is_set() and self.armed == "reply":
                    return self._cut(client, server)  # the reply to the INSERT: dropped
                client.sendall(data)
        except OSError:
            pass
        for s in (client, server):
            s.close()


@pytest.fixture
def proxy(pg_url: str) -> Iterator[CuttingProxy]:
    url = make_url(pg_url)
    p = CuttingProxy(url.host or "127.0.0.1", url.port or 5432)
    yield p
    p.close()


@pytest.fixture
def proxied(pg_url: str, proxy: CuttingProxy, clock: ManualClock, example_config: AppConfig) -> Iterator[Store]:
    """The example office's store, connected through the proxy; one ticket issued (the catalog read)."""
    url = make_url(pg_url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    store = Store(connect(url), clock, TZ)
    store.load_office(example_config.office)
    store.issue_ticket("TP")
    yield store
    store.db.engine.dispose()


def tickets(pg_url: str) -> list[Any]:
    """The tickets as the server has them (a direct connection, not through the proxy)."""
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT id, code, token FROM tickets ORDER BY id")).all())
    finally:
        engine.dispose()


def test_a_reply_lost_after_the_commit_returns_the_ticket_written(
        pg_url: str, proxy: CuttingProxy, proxied: Store) -> None:
    proxy.arm("reply")
    issued = proxied.issue_ticket("TP")
    assert proxy.cuts == 1  # the reply to the INSERT really was lost
    rows = tickets(pg_url)
    assert len(rows) == 2  # the first ticket and this one: not issued again
    assert (issued.ticket.id, issued.ticket.code, issued.ticket.token) == tuple(rows[-1])
    assert issued.ticket.code == "A002" and issued.counters


def test_a_statement_cut_while_it_runs_is_issued_once(pg_url: str, proxy: CuttingProxy, proxied: Store) -> None:
    """The connection is cut while the server still runs the statement (here: waiting for a lock another
    transaction holds on the day's number), which would then commit on its own after the token was
    looked up. The store ends that server process before it looks: one ticket, not two."""
    holder = create_engine(pg_url)
    conn = holder.connect()
    try:
        conn.execute(text("SELECT 1 FROM daily_numbers d JOIN services s ON s.id = d.service_id "
                          "WHERE s.code = 'TP' FOR UPDATE"))
        release = threading.Timer(1.0, conn.commit)  # after the store has looked (and issued again, waiting)
        release.start()
        proxy.arm("statement")
        issued = proxied.issue_ticket("TP")
        release.join()
    finally:
        conn.close()
        holder.dispose()
    assert proxy.cuts == 1
    rows = tickets(pg_url)
    assert len(rows) == 2, rows  # one ticket issued for the tap
    assert (issued.ticket.id, issued.ticket.code) == tuple(rows[-1])[:2]


@pytest.mark.parametrize("marker", [b"pg_terminate_backend", b"tickets.token"], ids=["the fence", "the look"])
def test_a_look_up_that_loses_its_connection_too_issues_nothing_more(
        pg_url: str, proxy: CuttingProxy, proxied: Store, marker: bytes) -> None:
    """The reply is lost, and then the connection of the look-up as well: whether the ticket exists is still
    unknown to the kiosk, so it says the store is unreachable and issues nothing more (retry_once would have
    run the whole issue again for the look's lost connection: a second ticket for one tap)."""
    proxy.arm("reply")
    proxy.arm("reply", marker)  # its reply, not the statement: a cut after sending could race the answer
    with pytest.raises(StoreUnavailable):
        proxied.issue_ticket("TP")
    assert proxy.cuts == 2  # the issue's reply, then the look-up's
    assert len(tickets(pg_url)) == 2  # the first ticket and the one committed before its reply was lost
