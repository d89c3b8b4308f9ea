"""The status page's HTML: mobile-first, Vietnamese, no personal data, refreshing itself."""

from __future__ import annotations

from html import escape

from common.board import BoardState, PublicStatus

STYLE = """
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:0;background:#0b1f3a;color:#fff}
main{max-width:32rem;margin:0 auto;padding:1rem}
h1{font-size:1.1rem;color:#9fb3d1;font-weight:normal;margin:.2rem 0 1rem}
.num{font-size:4.5rem;font-weight:bold;color:#ffd23f;text-align:center;margin:.5rem 0}
.card{background:#13305a;border-radius:.8rem;padding:1rem;margin:.8rem 0;font-size:1.2rem}
.state{font-size:1.6rem;font-weight:bold;text-align:center}
.called{background:#2e7d32}
table{width:100%;border-collapse:collapse}td{padding:.35rem 0}td.r{text-align:right;font-weight:bold}
small{color:#9fb3d1}
"""


def page(title: str, body: str, *, refresh: int | None = None, office: str = "") -> bytes:
    meta = f'<meta http-equiv="refresh" content="{refresh}">' if refresh else ""
    head = f"<h1>{escape(office)}</h1>" if office else ""
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"{meta}<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{head}{body}</main></body></html>"
    ).encode()


def minutes(seconds: int) -> str:
    if seconds <= 0:
        return "sắp đến lượt"
    return f"khoảng {max(1, round(seconds / 60))} phút"


def ticket_page(status: PublicStatus, office: str, refresh: int) -> bytes:
    if status.state == "waiting":
        state = "Đang chờ"
        detail = (f"<table><tr><td>Số người phía trước</td><td class=r>{status.people_ahead}</td></tr>"
                  f"<tr><td>Thời gian chờ dự kiến</td><td class=r>{minutes(status.estimated_wait_seconds)}</td></tr>"
                  "</table>")
        card = "card"
    elif status.state in ("called", "serving"):
        verb = "Đã được gọi" if status.state == "called" else "Đang được phục vụ"
        state, detail, card = f"{verb} – mời đến Quầy số {status.counter}", "", "card called"
    elif status.state == "served":
        state, detail, card = "Đã phục vụ xong. Cảm ơn quý vị!", "", "card"
    else:
        state, detail, card = "Vé không còn trong hàng chờ", "<small>Vui lòng liên hệ quầy hướng dẫn.</small>", "card"
    body = (f'<div class="num">{escape(status.code)}</div>'
            f'<div class="card">{escape(status.service_name_vi)}</div>'
            f'<div class="{card}"><div class="state">{escape(state)}</div>{detail}</div>'
            f"<small>Trang tự cập nhật mỗi {refresh} giây.</small>")
    return page(f"Vé {status.code}", body, refresh=refresh, office=office)


def summary_page(board: BoardState, office: str, refresh: int) -> bytes:
    calls = "".join(f"<tr><td>{escape(c.ticket)}</td><td class=r>Quầy {c.counter}</td></tr>" for c in board.calls)
    waiting = "".join(f"<tr><td>{escape(w.name_vi)}</td><td class=r>{w.waiting}</td></tr>" for w in board.waiting)
    body = (f'<div class="card"><b>Vừa gọi</b><table>{calls or "<tr><td>Chưa có lượt gọi</td></tr>"}</table></div>'
            f'<div class="card"><b>Đang chờ</b><table>{waiting}</table></div>'
            f"<small>Trang tự cập nhật mỗi {refresh} giây.</small>")
    return page("Bảng gọi số", body, refresh=refresh, office=office)


def message_page(title: str, text: str) -> bytes:
    return page(title, f'<div class="card"><div class="state">{escape(text)}</div></div>')
