"""The ratings under assets/postgres/roles.sql: the panel (motcua_counter) and the status page (motcua_display)
may add a rating, and nothing else changes."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from common.core.clock import ManualClock
from common.core.errors import Refused
from common.store.rating import AlreadyRated, Channel, Score, rate_by_token, rate_ticket
from tests.common.test_roles import Office, as_role, office_pg  # noqa: F401  (the fixture)

pytestmark = pytest.mark.postgres


def test_the_counter_and_the_display_roles_can_rate_but_not_rewrite(office_pg: Office, clock: ManualClock) -> None:  # noqa: F811
    kiosk, counter = as_role(office_pg, "kiosk", clock), as_role(office_pg, "counter", clock)
    served = []
    for _ in range(2):
        kiosk.issue_ticket("TP")
        counter.call_next(1, "lan")
        counter.start_service(1, "lan")
        served.append(counter.finish_service(1, "lan"))
    with pytest.raises(Refused, match="may not"):
        rate_ticket(kiosk, served[1].id, Score.SATISFIED)  # the kiosk may not rate: one line naming its role
    assert rate_ticket(counter, served[0].id, Score.SATISFIED, counter=1).channel == Channel.COUNTER
    display = as_role(office_pg, "display", clock)
    assert rate_by_token(display, served[1].token or "", Score.NEUTRAL, ["Chờ lâu"]).channel == Channel.PHONE
    with pytest.raises(AlreadyRated):
        rate_by_token(display, served[0].token or "", Score.UNSATISFIED)
    for store in (kiosk, counter, display):
        store.db.engine.dispose()
    engine = create_engine(office_pg.url_as("display").replace("postgresql://", "postgresql+psycopg://"))
    for statement in ("UPDATE ratings SET score = 4", "DELETE FROM ratings", "UPDATE tickets SET status = 'waiting'"):
        with pytest.raises(ProgrammingError, match="permission denied"), engine.begin() as conn:
            conn.execute(text(statement))
    engine.dispose()
