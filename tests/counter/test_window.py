from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from common.core import glossary
from common.core.clock import ManualClock
from common.core.model import CounterState, TicketStatus
from common.store import Store
from counter.dialogs import CallSpecificDialog, TransferDialog
from tests.counter.conftest import WAIT_MS, WindowFactory, act, sign_in


def test_call_start_finish_writes_every_timestamp(qtbot: QtBot, clerks: Store, clock: ManualClock,
                                                   open_window: WindowFactory) -> None:
    issued = clerks.issue_ticket("TP").ticket
    window = open_window()
    sign_in(qtbot, window)
    assert window.queue.model.rows[0].code == "A001"
    clock.advance(300)
    act(qtbot, window, "call_next")
    assert window.card.code.text() == "A001"
    assert "Đã chờ 5 phút" in window.card.waited.text()
    clock.advance(60)
    act(qtbot, window, "start")
    clock.advance(420)
    act(qtbot, window, "finish")
    done = clerks.ticket(issued.id)
    assert done.status is TicketStatus.DONE
    assert done.called_at == issued.issued_at + timedelta(seconds=300)
    assert done.started_at == done.called_at + timedelta(seconds=60)
    assert done.finished_at == done.started_at + timedelta(seconds=420)
    assert (done.counter, done.clerk) == (1, "lan")
    assert window.card.code.text() == glossary.NO_CALL_YET  # words, not a bar
    assert window.today.served.text() == "1"
    assert window.today.mean_service.text() == "7 phút"
    assert window.today.mean_wait.text() == "5 phút"


def test_recall_is_counted_and_logged(qtbot: QtBot, clerks: Store, open_window: WindowFactory) -> None:
    clerks.issue_ticket("TP")
    window = open_window()
    sign_in(qtbot, window)
    act(qtbot, window, "call_next")
    act(qtbot, window, "recall")
    assert window.desk.last_view is not None and window.desk.last_view.current is not None
    assert window.desk.last_view.current.recall_count == 1
    assert "đã gọi lại 1 lần" in window.card.detail.text().lower()
    assert [e.kind for e in clerks.recent_calls()] == ["recalled", "called"]


def test_function_keys_drive_the_desk(qtbot: QtBot, clerks: Store, open_window: WindowFactory) -> None:
    clerks.issue_ticket("TP")
    clerks.issue_ticket("CT")
    window = open_window()
    sign_in(qtbot, window)

    def key(k: Qt.Key) -> None:
        act(qtbot, window, "", press=lambda: qtbot.keyClick(window, k))

    key(Qt.Key.Key_F2)
    assert clerks.current_ticket(1).code == "A001"  # type: ignore[union-attr]
    key(Qt.Key.Key_F6)  # no-show
    key(Qt.Key.Key_F2)
    key(Qt.Key.Key_F4)
    assert clerks.current_ticket(1).status is TicketStatus.SERVING  # type: ignore[union-attr]
    key(Qt.Key.Key_F5)
    assert clerks.current_ticket(1) is None
    key(Qt.Key.Key_F10)
    assert clerks.counters()[0].state is CounterState.BREAK
    assert window.header.state.text() == "Tạm nghỉ"
    key(Qt.Key.Key_F10)
    key(Qt.Key.Key_F11)
    assert clerks.counters()[0].state is CounterState.BACK_OFFICE
    key(Qt.Key.Key_F11)
    assert clerks.counters()[0].state is CounterState.OPEN
    statuses = {t.code: t.status for t in clerks.tickets(clerks.today, clerks.today)}
    assert statuses == {"A001": TicketStatus.NO_SHOW, "B001": TicketStatus.DONE}


def test_a_second_click_in_flight_does_nothing(qtbot: QtBot, clerks: Store, open_window: WindowFactory) -> None:
    clerks.issue_ticket("TP")
    clerks.issue_ticket("TP")
    window = open_window()
    sign_in(qtbot, window)
    errors: list[str] = []
    window.desk.error.connect(errors.append)
    button = window.actions.buttons["call_next"]
    with qtbot.waitSignal(window.desk.done, timeout=WAIT_MS):
        button.click()
        button.click()  # the answer to the first cannot have arrived: the event loop has not run
    qtbot.waitUntil(lambda: window.card.code.text() == "A001", timeout=WAIT_MS)
    called = [e for e in clerks.events_since(0) if e.kind == "called"]
    assert [e.ticket_code for e in called] == ["A001"]
    assert errors == []  # not even a refused second call reached the store
    assert clerks.find_ticket("A002").status is TicketStatus.WAITING


def test_transfer_keeps_the_citizens_place(qtbot: QtBot, clerks: Store, clock: ManualClock,
                                          open_window: WindowFactory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first = clerks.issue_ticket("TP").ticket
    clock.advance(600)
    later = clerks.issue_ticket("CT").ticket
    window = open_window()
    sign_in(qtbot, window)
    act(qtbot, window, "call_next")
    asked: list[str] = []

    def answer(_cls, parent, services, counters, own, code):  # type: ignore[no-untyped-def]
        asked.append(code)
        assert parent is window and own == 1 and {s.code for s in services} >= {"CT"}
        return "service", "CT"

    monkeypatch.setattr(TransferDialog, "ask", classmethod(answer))
    act(qtbot, window, "transfer")
    assert asked == ["A001"]
    # A001 now waits for CT ahead of B001, issued ten minutes after it.
    codes = [row.code.split()[0] for row in window.queue.model.rows]
    assert codes == ["A001", "B001"]
    moved = clerks.find_ticket(first.token)
    assert moved.service == "CT" and moved.queued_at == first.queued_at and moved.queued_at < later.queued_at
    act(qtbot, window, "call_next")
    assert window.card.code.text() == "A001"


def type_like_a_scanner(widget: QWidget, text: str) -> None:
    """Key presses with text, as a keyboard-wedge scanner sends them.

    (QTest.keyClicks aborts on '_', which QR tokens contain, and on Vietnamese letters.)
    """
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, ord(ch.upper()), Qt.KeyboardModifier.NoModifier, ch))


def test_a_scanned_token_calls_that_ticket(qtbot: QtBot, clerks: Store, open_window: WindowFactory,
                                           monkeypatch) -> None:  # type: ignore[no-untyped-def]
    clerks.issue_ticket("TP")
    wanted = clerks.issue_ticket("TP").ticket
    window = open_window()
    sign_in(qtbot, window)
    scanned = f"http://192.168.1.20:8080/t/{wanted.token}"

    def scan(_cls, parent):  # type: ignore[no-untyped-def]
        # The real dialog, driven the way a keyboard-wedge scanner and the clerk drive it.
        dialog = CallSpecificDialog(parent)
        type_like_a_scanner(dialog.ref, scanned)
        qtbot.keyClick(dialog.ref, Qt.Key.Key_Return)
        assert dialog.reason.hasFocus() or dialog.result() == 0  # Enter moved on; nothing submitted yet
        type_like_a_scanner(dialog.reason.lineEdit(), "Công dân xuất trình vé tại quầy")
        qtbot.keyClick(dialog.reason.lineEdit(), Qt.Key.Key_Return)
        assert dialog.result() == CallSpecificDialog.DialogCode.Accepted
        return dialog.answer()

    monkeypatch.setattr(CallSpecificDialog, "ask", classmethod(scan))
    act(qtbot, window, "call_specific")
    assert window.card.code.text() == "A002"
    called = [e for e in clerks.events_since(0) if e.kind == "called"][-1]
    assert called.ticket_code == "A002" and "xuất trình" in (called.detail or "")


def test_a_domain_error_is_shown_plainly(qtbot: QtBot, clerks: Store, open_window: WindowFactory,
                                         monkeypatch) -> None:  # type: ignore[no-untyped-def]
    clerks.issue_ticket("TP")
    clerks.call_next(2, "minh")
    window = open_window()
    sign_in(qtbot, window)
    monkeypatch.setattr(CallSpecificDialog, "ask", classmethod(lambda _c, _p: ("a001", "Hẹn trước")))
    act(qtbot, window, "call_specific")
    assert window.message.isVisible() and window.message.kind == "warning"
    assert window.message.text() == "A001 đã được gọi tới quầy 2"


def test_hold_then_return(qtbot: QtBot, clerks: Store, open_window: WindowFactory) -> None:
    clerks.issue_ticket("TP")
    clerks.issue_ticket("TP")
    window = open_window()
    sign_in(qtbot, window)
    act(qtbot, window, "call_next")
    act(qtbot, window, "hold")
    assert window.held.isVisible() and window.held.selected() == "A001"
    act(qtbot, window, "call_next")
    act(qtbot, window, "no_show")
    act(qtbot, window, "hold")  # nothing at the counter: F8 takes the held ticket back
    assert window.card.code.text() == "A001"
    assert not window.held.isVisible()


def test_restart_finds_the_ticket_being_served(qtbot: QtBot, clerks: Store, open_window: WindowFactory) -> None:
    clerks.issue_ticket("TP")
    clerks.issue_ticket("TP")
    first = open_window()
    sign_in(qtbot, first)
    act(qtbot, first, "call_next")
    act(qtbot, first, "hold")
    act(qtbot, first, "call_next")
    act(qtbot, first, "start")
    first.close()  # the PC crashed or was restarted
    again = open_window(fixed_counter=1)
    assert not again.signin.counter.isEnabled()
    sign_in(qtbot, again)
    assert again.card.code.text() == "A002" and again.card.status.text() == "ĐANG PHỤC VỤ"
    assert again.held.selected() == "A001"
    assert again.actions.buttons["finish"].isEnabled()


def test_supervisors_see_the_dashboard_door(qtbot: QtBot, clerks: Store, open_window: WindowFactory,
                                            monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from counter.dialogs import Notice

    clerk_window = open_window()
    sign_in(qtbot, clerk_window, "lan", 1)
    assert not clerk_window.header.dashboard.isVisibleTo(clerk_window)
    boss = open_window()
    sign_in(qtbot, boss, "giamdoc", 3)
    assert boss.header.dashboard.isVisibleTo(boss)
    shown: list[str] = []
    monkeypatch.setattr(Notice, "ask", classmethod(lambda _c, _p, _t, text: shown.append(text)))
    monkeypatch.setattr("counter.dashboard_door.WINDOW", "no-such-window")  # a build without it
    boss.header.dashboard.click()
    assert shown and "chưa có" in shown[0]


def test_the_queue_colours_each_wait_against_its_service_target(qtbot: QtBot, clerks: Store, clock: ManualClock,
                                                                open_window: WindowFactory) -> None:
    from counter.text import AMBER, GREEN, RED

    clerks.issue_ticket("TP")  # target 30 minutes
    clerks.issue_ticket("CT")  # target 15 minutes
    clock.advance(21 * 60)
    clerks.issue_ticket("TP", "elderly")
    clerks.issue_ticket("DD")  # not served at counter 1
    window = open_window()
    sign_in(qtbot, window)
    rows = [(r.code, r.priority, r.waited, r.colour) for r in window.queue.model.rows]
    assert rows == [("A002", "Người cao tuổi", "0 phút", GREEN), ("A001", "", "21 phút", AMBER),
                    ("B001", "", "21 phút", RED)]
    chips = [window.queue.counts.itemAt(i).widget().text() for i in range(window.queue.counts.count())]
    assert chips == ["A · Tư pháp – Hộ tịch: <b>2</b> chờ", "B · Chứng thực bản sao: <b>1</b> chờ"]

