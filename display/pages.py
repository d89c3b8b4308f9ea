"""The status page's HTML: mobile-first, Vietnamese, no personal data, refreshing itself."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from common.store.rating import CHOICES, LABELS_VI, Score
from common.views.board import BoardState, PublicStatus

STYLE = """
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:0;background:#0b1f3a;color:#fff}
main{max-width:32rem;margin:0 auto;padding:1rem}
h1{font-size:1.1rem;color:#9fb3d1;font-weight:normal;margin:.2rem 0 1rem}
.num{font-size:4.5rem;font-weight:bold;color:#ffd23f;text-align:center;margin:.5rem 0}
.card{background:#13305a;border-radius:.8rem;padding:1rem;margin:.8rem 0;font-size:1.2rem}
.state{font-size:1.6rem;font-weight:bold;text-align:center}
.called{background:#2e7d32}
form button{display:flex;align-items:center;gap:.8rem;width:100%;min-height:4rem;margin:.5rem 0;padding:.5rem 1rem;
border:0;border-radius:.8rem;background:#fff;color:#102030;font:bold 1.3rem "DejaVu Sans",Arial,sans-serif}
form button svg{width:3rem;height:3rem;flex:none}
label{display:block;padding:.6rem .2rem;font-size:1.1rem}label input{transform:scale(1.6);margin-right:.8rem}
.note{background:#ffd23f;color:#102030}
table{width:100%;border-collapse:collapse}td{padding:.35rem 0}td.r{text-align:right;font-weight:bold}
small{color:#9fb3d1}
.state svg{width:3rem;height:3rem;vertical-align:middle}
.go{font-size:2rem;text-align:center;font-weight:bold;line-height:1.25}
.almost{background:#b26a00}
#callcard{position:fixed;inset:0;background:#2e7d32;display:flex;align-items:center;justify-content:center;
text-align:center;font-size:2.6rem;font-weight:bold;padding:1.5rem;z-index:9}
#callcard[hidden],#tap[hidden]{display:none}
#tap{width:100%;min-height:3rem;border:0;border-radius:.8rem;background:#ffd23f;color:#102030;font-size:1.05rem}
.lang{float:right;color:#ffd23f}a{color:#ffd23f}
"""


def page(title: str, body: str, *, refresh: int | None = None, office: str = "", lang: str = "vi",
         script: str = "") -> bytes:
    # With a script, the meta refresh is only the fallback for a phone without JavaScript.
    meta = f'<meta http-equiv="refresh" content="{refresh}">' if refresh else ""
    if meta and script:
        meta = f"<noscript>{meta}</noscript>"
    head = f"<h1>{escape(office)}</h1>" if office else ""
    tail = f"<script>{script}</script>" if script else ""
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"{meta}<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{head}{body}</main>{tail}</body></html>"
    ).encode()


def minutes(seconds: int, en: bool = False) -> str:
    if seconds <= 0:
        return "almost your turn" if en else "sắp đến lượt"
    n = max(1, round(seconds / 60))
    return f"about {n} min" if en else f"khoảng {n} phút"


def summary_page(board: BoardState, office: str, refresh: int) -> bytes:
    calls = "".join(f"<tr><td>{escape(c.ticket)}</td><td class=r>Quầy {c.counter}</td></tr>" for c in board.calls)
    waiting = "".join(f"<tr><td>{escape(w.name_vi)}</td><td class=r>{w.waiting}</td></tr>" for w in board.waiting)
    body = (f'<div class="card"><b>Vừa gọi</b><table>{calls or "<tr><td>Chưa có lượt gọi</td></tr>"}</table></div>'
            f'<div class="card"><b>Đang chờ</b><table>{waiting}</table></div>'
            f"<small>Trang tự cập nhật mỗi {refresh} giây.</small>")
    return page("Bảng gọi số", body, refresh=refresh, office=office)


def issuing_part(code: str) -> str:
    """A number just taken from the phone, shown until its status is read (a second or two)."""
    return (f'<div class="card"><div class="state">Số của quý vị / Your number</div><div class="num">{escape(code)}'
            "</div><small>Đang cập nhật lượt chờ… / Updating…</small></div>")


def message_page(title: str, text: str) -> bytes:
    return page(title, f'<div class="card"><div class="state">{escape(text)}</div></div>')


# The panel's faces (rating/faces.py) as inline SVG: no image files, nothing to fetch.
FACE_FILL = {4: "#2e9d44", 3: "#8cc63f", 2: "#ffc107", 1: "#e53935"}
FACE_MOUTH = {4: "M9 21 Q20 38 31 21", 3: "M12 23 Q20 28 28 23", 2: "M11 24 L29 24", 1: "M11 28 Q20 21 29 28"}


def face_svg(score: int) -> str:
    return (f'<svg viewBox="0 0 40 40" aria-hidden="true"><circle cx="20" cy="20" r="18" fill="{FACE_FILL[score]}" '
            'stroke="#102030" stroke-width="2"/><circle cx="14" cy="15" r="2.2" fill="#102030"/>'
            '<circle cx="26" cy="15" r="2.2" fill="#102030"/>'
            f'<path d="{FACE_MOUTH[score]}" fill="none" stroke="#102030" stroke-width="3" stroke-linecap="round"/>'
            "</svg>")


def rating_part(status: PublicStatus, token: str, reasons: Sequence[str], pending: int | None,
                notice: str | None, en: bool = False) -> str:
    """The rating card of a served ticket: the choices, "being recorded", or the rating given.

    The office's reasons stay as the office wrote them (Vietnamese): they are its own words.
    """
    note = f'<div class="card note">{escape(notice)}</div>' if notice else ""
    if status.rating is not None:
        given = Score(status.rating)
        label = escape(given.label_en if en else given.label_vi)
        said = (f"Your rating: {label}</div><small>Thank you for your opinion.</small>" if en
                else f"Quý vị đã đánh giá: {label}</div><small>Cảm ơn ý kiến của quý vị.</small>")
        return f'{note}<div class="card"><div class="state">{face_svg(given)} {said}</div>'
    if pending is not None:
        label = escape(Score(pending).label_en if en else LABELS_VI[Score(pending)])
        said = (f"Thank you! Recording your rating “{label}”…" if en
                else f"Cảm ơn quý vị! Đang ghi nhận đánh giá “{label}”…")
        return f'<div class="card"><div class="state">{said}</div></div>'
    if not status.rating_open or not token:
        return note
    button = ('<button type="submit" name="score" value="{v}">{face}<span>{label}</span></button>')

    def buttons(scores: Sequence[Score]) -> str:
        return "".join(button.format(v=int(s), face=face_svg(s), label=escape(s.label_en if en else s.label_vi))
                       for s in scores)

    boxes = "".join(f'<label><input type="checkbox" name="reason" value="{escape(r)}">{escape(r)}</label>'
                    for r in reasons)
    hint = ("Not satisfied? Tick the reasons if you wish, then choose below:" if en
            else "Chưa hài lòng? Xin đánh dấu lý do (không bắt buộc), rồi chọn bên dưới:")
    why = f"<p><small>{hint}</small></p>{boxes}" if boxes else ""
    ask = "Were you satisfied with the service?" if en else "Quý vị có hài lòng với việc phục vụ không?"
    foot = ("No personal data is needed. One rating per ticket, within 24 hours of service." if en
            else "Không cần thông tin cá nhân. Mỗi vé đánh giá một lần, trong 24 giờ sau khi phục vụ.")
    return (f'{note}<form class="card" method="post" action="/t/{escape(token)}/rate">'
            f'<div class="state">{ask}</div>{buttons(CHOICES[:2])}{why}{buttons(CHOICES[2:])}<small>{foot}</small>'
            "</form>")
