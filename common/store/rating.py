"""Citizen satisfaction: one rating per served ticket, at the counter's panel or by phone.

``rate_ticket`` is the counter panel's operation (the ticket the clerk just finished),
``rate_by_token`` the status page's (the QR token; within 24 hours of service). Both
are one transaction that inserts a ``ratings`` row and a "rated" event and nothing
else: the display's database role may insert ratings and events but not change a
ticket. A second rating of the same ticket is refused by the unique constraint on
``ratings.ticket_id``, so two devices racing still store exactly one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from common.core.errors import DomainError, NotFound
from common.core.events import EventKind
from common.core.model import TicketStatus
from common.store import Store
from common.store.orm import RatingRow, TicketRow
from common.store.tx import Tx

PHONE_WINDOW = timedelta(hours=24)
MAX_REASONS = 8
MAX_REASON_LENGTH = 80


class Score(IntEnum):
    """The four choices; the first two count as satisfied (docs/metrics.md)."""

    VERY_SATISFIED = 4
    SATISFIED = 3
    NEUTRAL = 2
    UNSATISFIED = 1

    @property
    def label_vi(self) -> str:
        return LABELS_VI[self]

    @property
    def label_en(self) -> str:
        return LABELS_EN[self]

    @property
    def satisfied(self) -> bool:
        return self >= Score.SATISFIED

    @property
    def asks_reasons(self) -> bool:
        return not self.satisfied


LABELS_VI = {Score.VERY_SATISFIED: "Rất hài lòng", Score.SATISFIED: "Hài lòng", Score.NEUTRAL: "Bình thường",
             Score.UNSATISFIED: "Không hài lòng"}
LABELS_EN = {Score.VERY_SATISFIED: "Very satisfied", Score.SATISFIED: "Satisfied", Score.NEUTRAL: "Neutral",
             Score.UNSATISFIED: "Dissatisfied"}
CHOICES: tuple[Score, ...] = (Score.VERY_SATISFIED, Score.SATISFIED, Score.NEUTRAL, Score.UNSATISFIED)


class Channel(StrEnum):
    COUNTER = "counter"  # the panel beside the counter
    PHONE = "phone"  # the ticket's status page (the QR target)


@dataclass(frozen=True)
class Rating:
    ticket_id: int
    code: str
    service: str
    counter: int | None
    clerk: str | None
    score: Score
    reasons: tuple[str, ...]
    channel: Channel
    rated_at: datetime


def check_reasons(reasons: object) -> tuple[str, ...]:
    """The configured reasons (``rating.reasons``) as a clean tuple; a clear error when malformed."""
    if not isinstance(reasons, list | tuple) or not all(isinstance(r, str) and r.strip() for r in reasons):
        raise DomainError("rating.reasons phải là danh sách các lý do (chuỗi không rỗng)",
                          f"rating.reasons must be a list of non-empty texts, not {reasons!r}")
    clean = tuple(r.strip() for r in reasons)
    if len(clean) > MAX_REASONS or any(len(r) > MAX_REASON_LENGTH for r in clean):
        raise DomainError(f"rating.reasons: tối đa {MAX_REASONS} lý do, mỗi lý do tối đa {MAX_REASON_LENGTH} ký tự",
                          f"rating.reasons: at most {MAX_REASONS} reasons of {MAX_REASON_LENGTH} characters")
    return clean


def rate_ticket(store: Store, ticket_id: int, score: Score | int, reasons: Sequence[str] = (), *,
                counter: int | None = None, channel: Channel = Channel.COUNTER) -> Rating:
    """Rate a served ticket once. ``counter``, when given, must be where it was served (the panel's check)."""
    score = _score(score)
    kept = _reasons(score, reasons)
    with _refusing_duplicates(), store.transaction() as tx:
        row = tx.session.get(TicketRow, ticket_id)
        if row is None:
            raise NotFound(f"Không có vé số hiệu {ticket_id}", f"No ticket with id {ticket_id}")
        if counter is not None and tx.counter_number(row.counter_id) != counter:
            raise DomainError(f"Vé {row.code} không được phục vụ tại quầy {counter}",
                              f"{row.code} was not served at counter {counter}")
        return _insert(tx, row, score, kept, channel)


def rate_by_token(store: Store, token: str, score: Score | int, reasons: Sequence[str] = ()) -> Rating:
    """The status page's rating: the visit's newest transaction, served within the last 24 hours."""
    score = _score(score)
    kept = _reasons(score, reasons)
    with _refusing_duplicates(), store.transaction() as tx:
        row = tx.by_token(token)
        if row is None:
            raise NotFound("Không tìm thấy vé", "No such ticket")
        if row.finished_at is not None and tx.now - row.finished_at > PHONE_WINDOW:
            raise DomainError(f"Vé {row.code}: đã quá 24 giờ kể từ khi phục vụ xong, không thể đánh giá",
                              f"{row.code}: more than 24 hours since it was served; it can no longer be rated")
        return _insert(tx, row, score, kept, Channel.PHONE)


def rating_of(store: Store, ticket_id: int) -> Rating | None:
    with store.transaction(readonly=True) as tx:
        row = tx.session.scalar(select(RatingRow).where(RatingRow.ticket_id == ticket_id))
        return _rating(tx, row) if row is not None else None


def rated_scores(tx: Tx, ticket_ids: Iterable[int]) -> dict[int, Score]:
    """ticket id → its score, for the tickets among ``ticket_ids`` that are rated (the status page's read)."""
    ids = list(ticket_ids)
    out: dict[int, Score] = {}
    for start in range(0, len(ids), 500):  # keep each IN list short
        rows = tx.session.execute(select(RatingRow.ticket_id, RatingRow.score)
                                  .where(RatingRow.ticket_id.in_(ids[start:start + 500])))
        out.update({ticket_id: Score(score) for ticket_id, score in rows})
    return out


# ---------------------------------------------------------------------------- inside a transaction
def _insert(tx: Tx, row: TicketRow, score: Score, reasons: tuple[str, ...], channel: Channel) -> Rating:
    if row.status != TicketStatus.DONE:
        raise DomainError(f"Vé {row.code} chưa được phục vụ xong nên chưa thể đánh giá",
                          f"{row.code} has not been served yet, so it cannot be rated")
    existing = tx.session.scalar(select(RatingRow).where(RatingRow.ticket_id == row.id))
    if existing is not None:
        raise _already_rated(row.code)
    rating = RatingRow(ticket_id=row.id, service_id=row.service_id, counter_id=row.counter_id,
                       clerk_id=row.clerk_id, score=int(score), channel=channel.value, rated_at=tx.now,
                       reasons=json.dumps(list(reasons), ensure_ascii=False) if reasons else None)
    tx.session.add(rating)
    tx.session.flush()  # the unique constraint speaks here, inside this transaction
    detail: dict[str, object] = {"score": int(score), "channel": channel.value}
    if reasons:
        detail["reasons"] = list(reasons)
    tx.log(EventKind.RATED, row, None, None, detail=detail)
    return _rating(tx, rating)


def _rating(tx: Tx, row: RatingRow) -> Rating:
    ticket = tx.session.get(TicketRow, row.ticket_id)
    assert ticket is not None
    return Rating(row.ticket_id, ticket.code, tx.service_by_id(row.service_id).code, tx.counter_number(row.counter_id),
                  tx.clerk_name(row.clerk_id), Score(row.score), tuple(json.loads(row.reasons or "[]")),
                  Channel(row.channel), row.rated_at)


def _score(value: Score | int) -> Score:
    try:
        return Score(int(value))
    except (TypeError, ValueError):
        raise DomainError(f"Mức đánh giá không hợp lệ: {value!r} (1–4)", f"Not a rating: {value!r} (1–4)") from None


def _reasons(score: Score, reasons: Sequence[str]) -> tuple[str, ...]:
    """Reasons belong to low ratings only; a satisfied citizen's ticked boxes are dropped."""
    if score.satisfied or not reasons:
        return ()
    clean = check_reasons(list(reasons))
    return tuple(dict.fromkeys(clean))  # each reason once, in the order tapped


def _already_rated(code: str) -> DomainError:
    return AlreadyRated(f"Vé {code} đã được đánh giá rồi. Mỗi vé chỉ đánh giá một lần.",
                        f"{code} has already been rated; each ticket is rated once")


class AlreadyRated(DomainError):
    """The one-rating-per-ticket rule: a second attempt, from either channel."""


@contextmanager
def _refusing_duplicates() -> Iterator[None]:
    """The unique constraint's IntegrityError (a race lost to another device) becomes AlreadyRated.

    It is the only constraint a valid insert can break: the ticket, service, counter and
    clerk rows exist, and the score was checked.
    """
    try:
        yield
    except IntegrityError as exc:
        raise AlreadyRated("Vé này đã được đánh giá rồi. Mỗi vé chỉ đánh giá một lần.",
                           "This ticket has already been rated; each ticket is rated once") from exc
