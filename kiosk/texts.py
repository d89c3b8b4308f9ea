"""Every word the kiosk shows, Vietnamese first, English on request."""

from __future__ import annotations

from common.core.estimate import NO_COUNTER_SHORT, NO_COUNTER_TEXT, NO_ESTIMATE_TEXT

TEXTS: dict[str, tuple[str, str]] = {
    "choose": ("Mời chọn dịch vụ", "Please choose a service"),
    "switch": ("English", "Tiếng Việt"),
    "waiting": ("Đang chờ: {n} người", "Waiting: {n}"),
    "estimate": ("Chờ khoảng {m} phút", "About {m} min wait"),
    "no_counter_short": NO_COUNTER_SHORT,  # a service button: no counter open or on a break
    "no_counter": NO_COUNTER_TEXT,  # the ticket: no wait promised, and why
    "no_estimate": NO_ESTIMATE_TEXT,
    "no_wait": ("Được phục vụ ngay", "No wait"),
    "closed": ("Ngoài giờ tiếp nhận · {hours}", "Closed now · open {hours}"),
    "cap": ("Đã hết số hôm nay", "No more tickets today"),
    "priority": ("Ưu tiên", "Priority"),
    "priority_hint": ("Người cao tuổi, khuyết tật, mang thai, bế con nhỏ, người có công",
                      "Elderly, disability, pregnancy, small child, meritorious service"),
    "priority_title": ("Chọn diện ưu tiên của bạn", "Choose your priority category"),
    "priority_banner": ("Vé ưu tiên: {category} — mời chọn dịch vụ", "Priority ticket: {category} — choose a service"),
    "cancel": ("Huỷ", "Cancel"),
    "back": ("Quay lại", "Back"),
    "your_number": ("Số thứ tự của bạn", "Your number"),
    "counters": ("Quầy phục vụ: {counters}", "Counters: {counters}"),
    "ahead": ("Số người chờ trước bạn: {n}", "People ahead of you: {n}"),
    "wait": ("Thời gian chờ dự kiến: khoảng {m} phút", "Estimated wait: about {m} min"),
    "issued_at": ("Giờ lấy số: {time}", "Issued at {time}"),
    "printing": ("Đang in vé…", "Printing your ticket…"),
    "printed": ("Mời nhận vé bên dưới", "Please take your ticket below"),
    "sent": ("Mời nhận vé bên dưới (nếu không có vé, hãy chụp mã QR)",
             "Please take your ticket below (if none came out, photograph the QR)"),
    "no_printer": ("Vui lòng ghi nhớ số thứ tự hoặc chụp mã QR", "Please remember your number or photograph the QR"),
    "scan": ("Quét mã để theo dõi lượt", "Scan to follow your turn"),
    "done": ("Xong", "Done"),
    "tap_home": ("Chạm vào màn hình để về trang chủ", "Tap the screen to go back"),
    "print_failed": ("Máy in đang gặp sự cố — số của bạn vẫn hợp lệ",
                     "The printer has a problem — your number is still valid"),
    "print_failed_hint": ("Vui lòng chụp ảnh mã QR hoặc ghi lại số thứ tự, rồi chờ được gọi.",
                          "Please photograph the QR code or write down your number, then wait to be called."),
    "print_reason": ("Lý do: {reason}.", "Reason: {reason}."),
    "reprint": ("In lại", "Print again"),
    "outage": ("Hệ thống lấy số đang tạm gián đoạn", "The ticket system is temporarily unavailable"),
    "outage_hint": ("Vui lòng chờ trong giây lát hoặc liên hệ cán bộ hướng dẫn.",
                    "Please wait a moment or ask a staff member for help."),
    "retrying": ("Đang tự động kết nối lại…", "Reconnecting automatically…"),
    "error": ("Không lấy được số: {message}", "Could not issue a ticket: {message}"),
    "booking": ("Có lịch hẹn", "I have a booking"),
    "booking_hint": ("Quét mã QR hoặc nhập mã lịch hẹn", "Scan the QR or type the booking code"),
    "booking_title": ("Nhập mã lịch hẹn (8 ký tự) hoặc đưa mã QR vào máy quét",
                      "Type the booking code (8 characters) or hold its QR to the scanner"),
    "booking_title_camera": ("Đưa mã QR lịch hẹn trước camera, hoặc nhập mã (8 ký tự)",
                             "Hold the booking QR up to the camera, or type the code (8 characters)"),
    "erase": ("Xoá", "Delete"),
    "check_in": ("Xác nhận", "Check in"),
    "checking": ("Đang kiểm tra…", "Checking…"),
    "booked": ("Hẹn", "Booked"),
    "checkin_error": ("{message}", "{message}"),
    "pin_title": ("Nhập mã quản trị", "Enter the admin PIN"),
    "ok": ("Đồng ý", "OK"),
}


def tr(lang: str, key: str, **values: object) -> str:
    vi, en = TEXTS[key]
    return (en if lang == "en" else vi).format(**values)


def minutes(seconds: int) -> int:
    """Minutes for a person: never "0 minutes" for a wait that exists."""
    return max(1, round(seconds / 60)) if seconds > 0 else 0
