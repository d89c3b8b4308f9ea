"""One word per status and alert: the module and docs/glossary.md say the same."""

from __future__ import annotations

from common.core import glossary
from common.core.model import CounterState, TicketStatus
from tests.conftest import ROOT


def test_every_status_and_state_has_a_word() -> None:
    assert set(glossary.TICKET_STATUS) == set(TicketStatus)
    assert set(glossary.COUNTER_STATE) == set(CounterState)
    assert glossary.counter_state("break") == "Tạm nghỉ" and glossary.ticket_status("expired") == "Hết hạn"


def test_docs_list_every_term_with_its_key() -> None:
    doc = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`"): line.split("|")[2].strip()
            for line in doc.splitlines() if line.startswith("| `")}
    assert rows == glossary.TERMS


def test_one_word_for_a_ticket_near_its_target() -> None:
    # "quá hạn" once named the at-risk tile while the banner said "quá chỉ tiêu"; "hạn" is for expiry only.
    words = [w for w in glossary.TERMS.values() if "hạn" in w]
    assert words == ["Hết hạn"]


def test_exports_name_statuses_in_the_glossarys_words() -> None:
    from common.views.report_render import VI

    for key, status in (("expired", "expired"), ("transferred", "transferred"), ("no_show", "no_show"),
                        ("cancelled", "cancelled"), ("waiting", "waiting"), ("served", "done")):
        assert VI[key] == glossary.ticket_status(status), key
