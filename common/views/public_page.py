"""The công khai page: each office's waits and satisfaction, today and this month, as the province publishes.

One renderer for the static export (``motcua province --format html``) and the status server's live
``/cong-khai`` (display/public_page.py). It takes two ProvinceViews, which carry per-office sums only:
no ticket, token, citizen or clerk can reach the page, whatever the config says.
Numbers are written the Vietnamese way (``95,2``), and the page is one column of cards on a phone,
a table on a desktop (a CSS media query; no script).
"""

from __future__ import annotations

from html import escape

from common.views.province import SATISFACTION_TARGET, WITHIN_TARGET, OfficeFigures, ProvinceView
from common.views.vi_numbers import vi_number

LEVEL_VI = {"province": "Cấp tỉnh", "district": "Cấp huyện", "commune": "Cấp xã"}
HEADINGS = ("Hạng", "Đơn vị", "Cấp", "Số phiếu", "Chờ ≤ 30 phút", "Chờ trung bình", "Hài lòng", "Đánh giá")
STYLE = """
body{font-family:'DejaVu Sans',Arial,sans-serif;margin:0 auto;max-width:1100px;padding:12px;color:#1b1b1b}
h1{font-size:1.4em;margin:.3em 0}h2{font-size:1.15em;margin:1.2em 0 .4em}
table{border-collapse:collapse;width:100%}th,td{padding:6px 8px;border-bottom:1px solid #ccc;text-align:right}
th{background:#ddebf7}td.o,th.o{text-align:left}.bad{color:#b3261e;font-weight:bold}.ok{color:#1e6b34}
.note{color:#555;font-size:.9em}
@media (max-width:700px){thead{display:none}table,tbody,tr,td{display:block;width:auto}
tr{border:1px solid #ccc;border-radius:6px;margin:0 0 10px;padding:4px 8px}
td{border:0;text-align:left;padding:2px 0}td::before{content:attr(data-h) ": ";color:#555}
td.o{font-weight:bold;font-size:1.05em}td.o::before{content:""}}
"""


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{vi_number(100 * x)} %"


def _minutes(seconds: float | None) -> str:
    return "–" if seconds is None else f"{vi_number(seconds / 60)} phút"


def _verdict(o: OfficeFigures) -> str:
    if o.within_pct is None and o.satisfaction_pct is None:
        return "<span>chưa có số liệu</span>"
    if o.under_target:  # a word, not colour alone
        return "<span class='bad'>⚠ dưới chỉ tiêu</span>"
    return "<span class='ok'>✓ đạt</span>"


def _row(rank: int, o: OfficeFigures) -> str:
    cells = (str(rank), escape(o.name or o.code), LEVEL_VI.get(o.level, escape(o.level)), vi_number(o.tickets, 0),
             _pct(o.within_pct), _minutes(o.mean_wait_s), _pct(o.satisfaction_pct), _verdict(o))
    return "<tr>" + "".join(
        f"<td{' class=o' if h == 'Đơn vị' else ''} data-h='{h}'>{c}</td>" for h, c in zip(HEADINGS, cells, strict=True)
    ) + "</tr>"


def _table(view: ProvinceView, title: str) -> str:
    head = "".join(f"<th{' class=o' if h == 'Đơn vị' else ''} scope='col'>{h}</th>" for h in HEADINGS)
    body = "".join(_row(i, o) for i, o in enumerate(view.offices, 1)) or (
        f"<tr><td class=o colspan='{len(HEADINGS)}'>Chưa có số liệu.</td></tr>")
    return f"<h2>{escape(title)}</h2><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _day(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def _month_title(month: ProvinceView) -> str:
    """On the 1st the month is today alone: said so, rather than a second "today" table under another name."""
    if month.start == month.end:
        return f"Tháng này {_day(month.start)} (tháng mới bắt đầu hôm nay: số liệu như trên)"
    return f"Tháng này {_day(month.start)} – {_day(month.end)}"


def render(today: ProvinceView, month: ProvinceView, *, updated: str, refresh_seconds: int | None = None) -> str:
    """The whole page; ``updated`` is shown as given (the caller formats it in the office's zone)."""
    meta = f"<meta http-equiv='refresh' content='{int(refresh_seconds)}'>" if refresh_seconds else ""
    target = (f"Chỉ tiêu (Quyết định 468/QĐ-TTg): {vi_number(100 * WITHIN_TARGET, 0)} % lượt chờ không quá 30 phút; "
              f"hài lòng từ {vi_number(100 * SATISFACTION_TARGET, 0)} %.")
    return ("<!doctype html>\n<html lang='vi'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"{meta}<title>Công khai thời gian chờ</title><style>{STYLE}</style></head><body>"
            "<h1>Công khai thời gian chờ và mức độ hài lòng</h1>"
            f"<p>{escape(target)}</p>"
            + _table(today, f"Hôm nay {_day(today.start)}")
            + _table(month, _month_title(month))
            + "<p class='note'>Số liệu tổng hợp theo đơn vị; không chứa thông tin cá nhân của công dân hay cán bộ. "
            f"Cập nhật {escape(updated)}.</p></body></html>\n")
