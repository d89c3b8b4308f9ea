"""The booking and remote-number pages' HTML: phone-sized, Vietnamese first, plain forms without JavaScript.

Every choice is a link or a submit button at least 4 rem tall (a thumb, not a mouse). Nothing here
reads the store: display.booking_site passes the values in. The only page that shows a booking is
the one reached with its code; the other pages show the office's public slots and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from html import escape
from zoneinfo import ZoneInfo

from common.core.bookings import Booking, BookingState, Slot
from display import pages
from display.booking_qr import qr_svg

EXTRA_STYLE = """
a.btn,button.btn{display:block;box-sizing:border-box;width:100%;min-height:4rem;margin:.5rem 0;padding:1rem;
border:0;border-radius:.8rem;background:#fff;color:#102030;font:bold 1.25rem "DejaVu Sans",Arial,sans-serif;
text-align:left;text-decoration:none}
button.btn[disabled]{background:#5a6f8f;color:#c8d3e3}
button.warn{background:#e53935;color:#fff}
input.txt{box-sizing:border-box;width:100%;min-height:3.4rem;font-size:1.25rem;padding:.5rem;border-radius:.6rem;
border:0;margin:.3rem 0}
.code{font-size:2.6rem;font-weight:bold;color:#ffd23f;text-align:center;letter-spacing:.1rem;word-break:break-all}
svg.qr{display:block;width:70%;max-width:16rem;margin:.8rem auto}
.err{background:#ffd23f;color:#102030}
"""


@dataclass(frozen=True)
class Offered:
    """A service that takes bookings (or phone numbers) today: code and both names."""

    code: str
    name_vi: str
    name_en: str

    def name(self, en: bool) -> str:
        return self.name_en if en and self.name_en else self.name_vi


WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
STATE_TEXT = {
    BookingState.BOOKED: ("Đã đặt lịch", "Booked"),
    BookingState.CANCELLED: ("Đã huỷ", "Cancelled"),
    BookingState.CHECKED_IN: ("Đã lấy số", "Checked in"),
    BookingState.NO_SHOW: ("Không đến", "Missed"),
}


def tr(en: bool, vi: str, english: str) -> str:
    return english if en else vi


def day_text(day: date, en: bool) -> str:
    return day.strftime("%a %d/%m/%Y") if en else f"{WEEKDAYS_VI[day.weekday()]} {day:%d/%m/%Y}"


def hm(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


def page(title: str, body: str, *, office: str, en: bool, here: str, status_line: str = "") -> bytes:
    """The status page's frame with a language switch back to ``here`` (a path we built, never the request's)."""
    other = ('<a class="lang" href="{0}?lang=vi">Tiếng Việt</a>' if en
             else '<a class="lang" href="{0}?lang=en">English</a>')
    note = f'<div class="card err">{escape(status_line)}</div>' if status_line else ""
    return pages.page(title, f"<style>{EXTRA_STYLE}</style>{other.format(escape(here))}{note}{body}",
                      office=office, lang="en" if en else "vi")


def services_page(offered: Sequence[Offered], *, office: str, en: bool) -> bytes:
    links = "".join(f'<a class="btn" href="/dat-lich/{escape(s.code)}">{escape(s.name(en))}</a>' for s in offered)
    if not links:
        none = tr(en, "Hiện chưa có thủ tục nào nhận đặt lịch.", "No service takes bookings now.")
        links = f'<div class="card">{none}</div>'
    body = (f'<h2>{tr(en, "Đặt lịch hẹn", "Book a time")}</h2>'
            f'<p>{tr(en, "Chọn thủ tục:", "Choose the service:")}</p>{links}'
            f'{lookup_form(en)}')
    return page(tr(en, "Đặt lịch hẹn", "Book a time"), body, office=office, en=en, here="/dat-lich")


def lookup_form(en: bool) -> str:
    return (f'<form class="card" method="post" action="/hen"><b>{tr(en, "Đã có mã hẹn?", "Have a booking code?")}</b>'
            f'<input class="txt" name="ma" maxlength="32" autocomplete="off" autocapitalize="characters" '
            f'aria-label="{tr(en, "Mã hẹn", "Booking code")}">'
            f'<button class="btn" type="submit">{tr(en, "Xem, huỷ hoặc đổi lịch", "View, cancel or change")}</button>'
            "</form>")


def days_page(service: Offered, days: Sequence[date], *, base: str, office: str, en: bool, title: str = "") -> bytes:
    links = "".join(f'<a class="btn" href="{escape(base)}/{d.isoformat()}">{day_text(d, en)}</a>' for d in days)
    if not links:
        links = f'<div class="card">{tr(en, "Không còn ngày nào nhận đặt lịch.", "No day takes bookings now.")}</div>'
    head = title or tr(en, "Đặt lịch hẹn", "Book a time")
    body = (f"<h2>{escape(head)}</h2><p><b>{escape(service.name(en))}</b></p>"
            f"<p>{tr(en, 'Chọn ngày:', 'Choose a day:')}</p>{links}")
    return page(head, body, office=office, en=en, here=base)


def slots_page(service: Offered, day: date, slots: Sequence[Slot], *, action: str, office: str, en: bool, tz: ZoneInfo,
               now: datetime, ask_contact: bool, title: str = "") -> bytes:
    """One submit button per slot: the tap that chooses the time is the tap that books it."""
    buttons = []
    for slot in slots:
        free = slot.capacity - slot.taken
        when = f"{hm(slot.start, tz)}–{hm(slot.end, tz)}"
        if slot.start <= now or free <= 0:
            why = tr(en, "đã qua", "past") if slot.start <= now else tr(en, "hết chỗ", "full")
            buttons.append(f'<button class="btn" type="button" disabled>{when} · {why}</button>')
        else:
            left = tr(en, f"còn {free} chỗ", f"{free} left")
            buttons.append(f'<button class="btn" type="submit" name="gio" value="{hm(slot.start, tz)}">'
                           f"{when} · {left}</button>")
    contact = ""
    if ask_contact:
        ask = tr(en, "Số điện thoại hoặc e-mail (không bắt buộc), để cơ quan báo khi lịch thay đổi:",
                 "Phone or e-mail (optional), so the office can tell you if the time changes:")
        contact = (f'<label for="lh">{ask}</label>'
                   '<input class="txt" id="lh" name="lien_he" maxlength="80" autocomplete="tel">')
    if not slots:
        buttons.append(f'<div class="card">{tr(en, "Ngày này không có giờ hẹn.", "No times on this day.")}</div>')
    head = title or tr(en, "Đặt lịch hẹn", "Book a time")
    body = (f"<h2>{escape(head)}</h2><p><b>{escape(service.name(en))}</b><br>{day_text(day, en)}</p>"
            f'<form method="post" action="{escape(action)}">{contact}'
            f'<p>{tr(en, "Chọn giờ (bấm để đặt):", "Choose a time (tap to book):")}</p>{"".join(buttons)}</form>')
    return page(head, body, office=office, en=en, here=action)


def booking_page(booking: Booking, *, office: str, en: bool, tz: ZoneInfo, early_minutes: int, late_minutes: int,
                 ticket_token: str | None, notice: str = "") -> bytes:
    """The page reached with the code: the slot, the check-in window, then the ticket once checked in."""
    code = escape(booking.code)
    name = booking.service_name_en if en and booking.service_name_en else booking.service_name_vi
    start, end = booking.slot_start, booking.slot_end
    local_day = start.astimezone(tz).date()
    opens, closes = start - timedelta(minutes=early_minutes), start + timedelta(minutes=late_minutes)
    state_vi, state_en = STATE_TEXT.get(booking.state, (str(booking.state), str(booking.state)))
    rows = [
        (tr(en, "Thủ tục", "Service"), escape(name)),
        (tr(en, "Ngày", "Day"), day_text(local_day, en)),
        (tr(en, "Giờ hẹn", "Time"), f"{hm(start, tz)}–{hm(end, tz)}"),
        (tr(en, "Trạng thái", "State"), tr(en, state_vi, state_en)),
    ]
    table = "".join(f"<tr><td>{k}</td><td class=r>{v}</td></tr>" for k, v in rows)
    parts = [f'<div class="code">{code}</div>', f'<div class="card"><table>{table}</table></div>']
    if booking.state == BookingState.BOOKED:
        parts.append(qr_svg(booking.code, label=tr(en, "Mã QR của lịch hẹn", "Booking QR code")))
        window = tr(en, f"Đến quầy lấy số quét mã này từ {hm(opens, tz)} đến {hm(closes, tz)}. "
                        "Đến muộn hơn, quý vị vẫn được lấy số nhưng chờ như người không hẹn.",
                    f"Scan this code at the kiosk between {hm(opens, tz)} and {hm(closes, tz)}. "
                    "Later than that you still get a number, but wait like everyone else.")
        parts.append(f'<div class="card">{window}</div>')
        parts.append(f'<a class="btn" href="/hen/{code}/doi">{tr(en, "Đổi giờ hẹn", "Change the time")}</a>')
        parts.append(f'<form method="post" action="/hen/{code}/huy"><button class="btn warn" type="submit">'
                     f'{tr(en, "Huỷ lịch hẹn", "Cancel the booking")}</button></form>')
        keep = tr(en, "Giữ kín mã hẹn: ai có mã đều huỷ được lịch.",
                  "Keep the code private: anyone with it can cancel.")
        parts.append(f"<small>{keep}</small>")
    elif booking.state == BookingState.CHECKED_IN and booking.ticket_code:
        ticket = escape(booking.ticket_code)
        see = tr(en, "Xem lượt chờ", "See your place in line")
        link = f'<a class="btn" href="/t/{escape(ticket_token)}">{see}</a>' if ticket_token else ""
        parts.append(f'<div class="card"><div class="state">{tr(en, "Số của quý vị", "Your number")}</div>'
                     f'<div class="num">{ticket}</div></div>{link}')
    elif booking.state in (BookingState.CANCELLED, BookingState.NO_SHOW):
        parts.append(f'<a class="btn" href="/dat-lich">{tr(en, "Đặt lịch mới", "Book again")}</a>')
    return page(tr(en, "Lịch hẹn", "Booking"), "".join(parts), office=office, en=en, here=f"/hen/{booking.code}",
                status_line=notice)


def remote_page(offered: Sequence[Offered], *, office: str, en: bool) -> bytes:
    """``/lay-so``: today's number from the phone, one tap per service."""
    if offered:
        buttons = "".join(f'<button class="btn" type="submit" name="dv" value="{escape(s.code)}">'
                          f"{escape(s.name(en))}</button>" for s in offered)
        hint = tr(en, "Chọn thủ tục để lấy số hôm nay. Mỗi điện thoại giữ một số đang chờ.",
                  "Choose the service to take today’s number. One waiting number per phone.")
        body = (f'<h2>{tr(en, "Lấy số trực tuyến", "Take a number")}</h2><p>{hint}</p>'
                f'<form method="post" action="/lay-so">{buttons}</form>')
    else:
        off = tr(en, "Hiện chưa mở lấy số trực tuyến.", "Numbers cannot be taken from a phone now.")
        body = f'<div class="card">{off}</div>'
    return page(tr(en, "Lấy số trực tuyến", "Take a number"), body, office=office, en=en, here="/lay-so")


@lru_cache(maxsize=256)  # a burst for a full slot answers the same refusal hundreds of times: rendered once
def message(title: str, text: str, *, office: str, en: bool, back: str, back_label: str) -> bytes:
    body = (f'<div class="card"><div class="state">{escape(text)}</div></div>'
            f'<a class="btn" href="{escape(back)}">{escape(back_label)}</a>')
    return page(title, body, office=office, en=en, here=back)
