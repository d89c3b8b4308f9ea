"""The citizen's ticket page: every state of a ticket worded for a citizen, Vietnamese first.

``live_part`` renders the part of the page that changes; the full page (``ticket_page``) and
each Server-Sent Event (``event_data``, display.change_hub) carry the same HTML, rendered once
per ticket and language however many phones watch it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from common.core.estimate import NO_COUNTER_TEXT
from common.views.board import PublicStatus
from display import pages
from display.live_script import SCRIPT

OFFICE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ALMOST = 3  # "Sắp đến lượt" at this many people ahead or fewer
CALLED = frozenset({"called"})


@dataclass(frozen=True)
class Live:
    title: str
    html: str
    alert: str  # non-empty while called: changes with each (re)call, so a phone alerts once per call
    card: str  # the full-screen card's words


def hhmm(at: datetime | None, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%H:%M") if at is not None else "--:--"


def _row(label: str, value: str) -> str:
    return f"<tr><td>{label}</td><td class=r>{value}</td></tr>"


def _waiting(s: PublicStatus, en: bool, tz: ZoneInfo) -> tuple[str, str, str]:
    """(card class, headline, details) of a waiting ticket."""
    if s.people_ahead == 0:
        cls, head = "card almost", ("Almost your turn: you are next" if en else "Sắp đến lượt: bạn là người tiếp theo")
    elif s.people_ahead <= ALMOST:
        cls, head = "card almost", ("Almost your turn" if en else "Sắp đến lượt")
    else:
        cls, head = "card", ("Waiting" if en else "Đang chờ")
    rows = [_row("People ahead" if en else "Số người phía trước", str(s.people_ahead))]
    # "0 ahead" is never shown beside "about 3 min": with nobody ahead the wait is only the counter's current service.
    # No counter open or on a break: no wait is promised, and the page says why (common.core.estimate.NO_COUNTER).
    if s.no_counter:
        rows.append(_row("Estimated wait" if en else "Thời gian chờ dự kiến",
                         "not known yet" if en else "chưa ước tính được"))
    elif s.people_ahead > 0:
        rows.append(_row("Estimated wait" if en else "Thời gian chờ dự kiến",
                         pages.minutes(s.estimated_wait_seconds, en)))
    counters = ", ".join(str(n) for n in s.counters) or "–"
    rows.append(_row("Counters" if en else "Quầy phục vụ", counters))
    now = ", ".join(f"{escape(code)} ({'counter' if en else 'quầy'} {n})" for code, n in s.serving_now)
    rows.append(_row("Now serving" if en else "Đang phục vụ", now or "–"))
    rows.append(_row("Ticket taken at" if en else "Giờ lấy số", hhmm(s.issued_at, tz)))
    note = f"<p><b>{NO_COUNTER_TEXT[1 if en else 0]}.</b></p>" if s.no_counter else ""
    if s.transferred:
        where = (f"counter {s.target_counter}" if en else f"Quầy số {s.target_counter}") if s.target_counter \
            else escape(s.service_name_en if en and s.service_name_en else s.service_name_vi)
        note += (f"<p>You have been transferred to {where}. Please wait to be called; you keep the same number.</p>"
                if en else f"<p>Bạn đã được chuyển sang {where}. Vui lòng chờ gọi, giữ nguyên số thứ tự.</p>")
    return cls, head, f"{note}<table>{''.join(rows)}</table>"


def live_part(s: PublicStatus, *, en: bool, tz: ZoneInfo, token: str = "", reasons: Sequence[str] = (),
              pending: int | None = None, notice: str | None = None) -> Live:
    service = escape(s.service_name_en if en and s.service_name_en else s.service_name_vi)
    alert, card_text, detail = "", "", ""
    cls = "card"
    if s.state == "waiting":
        cls, head, detail = _waiting(s, en, tz)
    elif s.state == "on_hold":
        head = ("On hold: you will be called again. Please stay nearby." if en
                else "Đang tạm dừng: bạn sẽ được gọi lại, xin ở gần quầy.")
    elif s.state in CALLED:
        card_text = (f"PLEASE GO TO COUNTER {s.counter}" if en else f"MỜI BẠN ĐẾN QUẦY SỐ {s.counter}")
        again = ("Called again · " if en else "Gọi lại · ") if s.recalled else ""
        head = card_text
        detail = f"<small>{again}{'called at' if en else 'gọi lúc'} {hhmm(s.called_at, tz)}</small>"
        cls, alert = "card called go", f"{s.counter}@{s.called_at.isoformat() if s.called_at else ''}"
    elif s.state == "serving":
        cls = "card called"
        head = f"Being served at counter {s.counter}" if en else f"Đang được phục vụ tại Quầy số {s.counter}"
    elif s.state == "no_show":
        at = hhmm(s.called_at, tz)
        head = (f"Called at {at} at counter {s.counter} but you were not there: please go to the information desk"
                if en else f"Đã gọi lúc {at} tại Quầy {s.counter} nhưng không thấy bạn: hãy đến quầy hướng dẫn")
    elif s.state == "served":
        head = "Served. Thank you!" if en else "Đã phục vụ xong. Cảm ơn bạn!"
        if not s.today:
            detail = "<small>A ticket from an earlier day.</small>" if en else "<small>Vé của ngày hôm trước.</small>"
        detail += pages.rating_part(s, token, reasons, pending, notice, en)
    elif s.state == "expired":
        head = ("This ticket expired when the office closed: please take a new number" if en
                else "Vé đã hết hạn khi hết giờ làm việc: vui lòng lấy số mới")
    else:
        head = ("This ticket is no longer in the queue: please go to the information desk" if en
                else "Vé không còn trong hàng chờ: hãy đến quầy hướng dẫn")
    html = (f'<div class="num">{escape(s.code)}</div><div class="card">{service}</div>'
            f'<div class="{cls}"><div class="state">{escape(head)}</div>{detail}</div>')
    title = f"{head} · {s.code}" if alert else (f"Ticket {s.code}" if en else f"Vé {s.code}")
    return Live(title, html, alert, card_text)


def ticket_page(s: PublicStatus, office: str, refresh: int, *, token: str = "", reasons: Sequence[str] = (),
                pending: int | None = None, notice: str | None = None, en: bool = False,
                tz: ZoneInfo = OFFICE_TZ) -> bytes:
    live = live_part(s, en=en, tz=tz, token=token, reasons=reasons, pending=pending, notice=notice)
    switch = '<a class="lang" href="?lang=vi">Tiếng Việt</a>' if en else '<a class="lang" href="?lang=en">English</a>'
    if s.state == "served" and (s.rating_open or s.rating is not None or pending is not None):
        # Nothing changes any more but the rating: no self-refresh to wipe ticked reasons,
        # except while a rating is being recorded, to show it once stored.
        return pages.page(live.title, switch + live.html, refresh=3 if pending else None, office=office,
                          lang="en" if en else "vi")
    tap = ("Tap here once to hear a chime when it is your turn" if en
           else "Chạm vào đây một lần để nghe chuông báo khi đến lượt")
    body = (f'{switch}<div id="live" data-events="/t/{escape(token)}/events">{live.html}</div>'
            f'<button id="tap" type="button">{tap}</button>'
            f'<div id="callcard" hidden><span></span></div>'
            f"<small>{'Updates by itself.' if en else 'Trang tự cập nhật.'}</small>")
    return pages.page(live.title, body, refresh=refresh, office=office, lang="en" if en else "vi", script=SCRIPT)


def event_data(s: PublicStatus, *, en: bool, tz: ZoneInfo, token: str) -> str:
    """One Server-Sent Event's data: the live HTML, the title, and the call alert."""
    live = live_part(s, en=en, tz=tz, token=token)
    return json.dumps({"html": live.html, "title": live.title, "alert": live.alert, "card": live.card},
                      ensure_ascii=False)
