"""The words for every state, in one place: what the clerk reads, what the public sees, why a move is refused.

Vietnamese first, English second. Tests check that every state of
``common.core.rules`` has its words here, so a new state cannot reach a screen
(or an error message) without them.
"""

from __future__ import annotations

from enum import StrEnum

from common.core.rules import CounterState, TicketStatus

W = TicketStatus

# What the clerk reads in the queue, the held list and the dashboard.
STATUS: dict[TicketStatus, tuple[str, str]] = {
    W.WAITING: ("Đang chờ", "Waiting"),
    W.CALLED: ("Đang gọi", "Called"),
    W.SERVING: ("Đang phục vụ", "Serving"),
    W.DONE: ("Đã phục vụ", "Served"),
    W.NO_SHOW: ("Vắng mặt", "No-show"),
    W.TRANSFERRED: ("Đã chuyển", "Transferred"),
    W.CANCELLED: ("Đã huỷ", "Cancelled"),
    W.ON_HOLD: ("Đang giữ", "On hold"),
    W.EXPIRED: ("Hết hạn", "Expired"),
}

# A counter's state, the same words on the counter and on the hall display
# (a break is "Tạm nghỉ" everywhere, not "Đóng").
COUNTER_STATE: dict[CounterState, tuple[str, str]] = {
    CounterState.OPEN: ("Đang mở", "Open"),
    CounterState.BREAK: ("Tạm nghỉ", "On a break"),
    CounterState.BACK_OFFICE: ("Xử lý hồ sơ", "Back-office work"),
    CounterState.CLOSED: ("Đóng", "Closed"),
}


class PublicState(StrEnum):
    """What the status page (anyone holding the QR code) may know of a ticket: no more than this."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    SERVED = "served"
    ON_HOLD = "on_hold"
    NO_SHOW = "no_show"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    CLOSED = "closed"  # transferred away: the visit's newer ticket tells where it is


PUBLIC: dict[TicketStatus, PublicState] = {
    W.WAITING: PublicState.WAITING,
    W.ON_HOLD: PublicState.ON_HOLD,
    W.CALLED: PublicState.CALLED,
    W.SERVING: PublicState.SERVING,
    W.DONE: PublicState.SERVED,
    W.NO_SHOW: PublicState.NO_SHOW,
    W.TRANSFERRED: PublicState.CLOSED,
    W.CANCELLED: PublicState.CANCELLED,
    W.EXPIRED: PublicState.EXPIRED,
}

# Why a move is refused: the ticket's state, said as a fact about it.
# {code} is the ticket, {counter} the counter it is at (if any).
REFUSAL: dict[TicketStatus, tuple[str, str]] = {
    W.WAITING: ("{code} đang chờ, chưa được gọi", "{code} is waiting and has not been called"),
    W.CALLED: ("{code} đã được gọi tới quầy {counter}", "{code} has already been called to counter {counter}"),
    W.SERVING: ("{code} đang được phục vụ tại quầy {counter}", "{code} is already being served at counter {counter}"),
    W.DONE: ("{code} đã được phục vụ xong", "{code} has already been served"),
    W.NO_SHOW: ("{code} đã bị báo vắng", "{code} was marked as a no-show"),
    W.TRANSFERRED: ("{code} đã được chuyển đi", "{code} was transferred"),
    W.CANCELLED: ("{code} đã bị huỷ", "{code} was cancelled"),
    W.ON_HOLD: ("{code} đang được giữ tại quầy {counter}", "{code} is on hold at counter {counter}"),
    W.EXPIRED: ("{code} đã hết hạn (cuối ngày)", "{code} expired at the end of its day"),
}


def status_text(status: TicketStatus, lang: str = "vi") -> str:
    vi, en = STATUS[status]
    return en if lang == "en" else vi


def counter_state_text(state: CounterState, lang: str = "vi") -> str:
    vi, en = COUNTER_STATE[state]
    return en if lang == "en" else vi


def refusal(status: TicketStatus, code: str, counter: int | None) -> tuple[str, str]:
    """(vi, en): why nothing more can be done with ticket ``code`` in ``status``."""
    vi, en = REFUSAL[status]
    where = "?" if counter is None else str(counter)
    return vi.format(code=code, counter=where), en.format(code=code, counter=where)
