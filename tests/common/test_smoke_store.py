from common.clock import ManualClock
from common.model import TicketStatus
from common.store import Store


def test_issue_call_finish_round_trip(store: Store, clock: ManualClock) -> None:
    issued = store.issue_ticket("TP")
    assert issued.ticket.code == "A001"
    clock.advance(120)
    called = store.call_next(1, "lan")
    assert called is not None and called.code == "A001" and called.wait_seconds == 120
    store.start_service(1, "lan")
    clock.advance(300)
    done = store.finish_service(1, "lan")
    assert done.status is TicketStatus.DONE
