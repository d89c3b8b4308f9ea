"""``POST /t/{token}/rate``: the status page's one write, the citizen's rating.

Why a POST answered at once with "being recorded": the POST is handled on the GUI
thread (display.status_server brings it there from the HTTP thread, which waits a few
seconds at most), and the display must never wait on the database there. So the form is checked against the statuses in
memory, the insert is handed to the controller's worker thread (``site.on_rating``),
and the reply is a 303 back to the ticket's page (Post/Redirect/Get: a reload never
posts twice). That page says "Cảm ơn! Đang ghi nhận…" and refreshes every 3 s until
the statuses, re-read after the insert, show the rating given; a refusal from the
store (another device was quicker, say) is shown there once instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from common.store.rating import Score
from common.views.board import public_status
from display import pages
from display.reply import Reply

if TYPE_CHECKING:
    from display.status_site import StatusSite

MAX_BODY = 4096


def post(site: StatusSite, token: str, body: bytes) -> Reply:
    status = public_status(site.statuses, token)
    if status is None:
        return refuse(404, "Không tìm thấy vé", "Không tìm thấy vé này.")
    if status.state != "served":
        return refuse(409, "Chưa thể đánh giá",
                      f"Vé {status.code} chưa được phục vụ xong. Quý vị có thể đánh giá sau khi được phục vụ.")
    if status.rating is not None or token in site.pending:
        return refuse(409, "Đã đánh giá", f"Vé {status.code} đã được đánh giá rồi. Mỗi vé chỉ đánh giá một lần.")
    if not status.rating_open:
        return refuse(410, "Hết hạn đánh giá", f"Vé {status.code}: chỉ đánh giá được trong 24 giờ sau khi phục vụ.")
    if len(body) > MAX_BODY:
        return refuse(413, "Phiếu quá dài", "Phiếu đánh giá quá dài.")
    try:
        form = parse_qs(body.decode("utf-8"), max_num_fields=20, strict_parsing=False)
        score = Score(int(form["score"][0]))
    except (UnicodeDecodeError, ValueError, KeyError, IndexError):
        return refuse(400, "Chưa chọn mức đánh giá", "Xin chọn một trong bốn mức đánh giá.")
    # Only the reasons the office offers; anything else in the form is ignored.
    reasons = [r for r in form.get("reason", []) if r in site.reasons] if score.asks_reasons else []
    if site.on_rating is None or not site.on_rating(token, int(score), reasons):
        return refuse(503, "Đang bận", "Chưa ghi nhận được. Vui lòng thử lại sau ít giây.", retry=True)
    site.pending[token] = int(score)
    return Reply(303, pages.message_page("Đang ghi nhận", "Cảm ơn quý vị! Đang ghi nhận đánh giá…"),
                 headers={"Location": f"/t/{token}"})


def refuse(code: int, title: str, text: str, *, retry: bool = False) -> Reply:
    return Reply(code, pages.message_page(title, text), headers={"Retry-After": "5"} if retry else {})
