"""`motcua print-test`: the installer's check that the configured printer prints Vietnamese and QR codes."""

from __future__ import annotations

import argparse
from datetime import datetime

from common.cli.args import said as say
from common.config import config_path, load_config
from common.core.errors import MotcuaError, said
from common.core.model import PrintStatus

SAMPLE_TOKEN = "IN-THU-0000"  # not a real ticket: a scanner that reads it finds nothing


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("print-test", help=say("in một vé mẫu trên máy in đã cấu hình (cho người lắp đặt)",
                                              "print a sample ticket on the configured printer (for installers)"))
    p.set_defaults(func=cmd_print_test)


def cmd_print_test(args: argparse.Namespace) -> int:
    # python-escpos, PIL and qrcode load here, not with every `motcua` command (~0.3 s of each start)
    from common.devices.printing import PrintError, TicketPrinter
    from common.devices.ticket_layout import Slip, qr_payload

    config = load_config(config_path(args.config))
    printer = TicketPrinter(config)
    settings = printer.settings
    if not printer.enabled:
        raise said(MotcuaError,
                   "printer.type là none: đặt [printer] type (usb, network, serial hoặc file) trong cấu hình",
                   "printer.type is none: set [printer] type (usb, network, serial or file) in the config")
    slip = Slip(
        office=config.settings.office.name, service="In thử – Tiếng Việt: ă â đ ê ô ơ ư ạ ả ã ế ề ể ễ ệ",
        code="A000", priority=None, people_ahead=0, wait_minutes=0,
        issued=datetime.now(config.tz), qr=qr_payload(SAMPLE_TOKEN, config.settings.office.public_url),
        footer=("Dấu sai? Đặt printer.text_mode = image" if settings.text_mode == "codepage"
                else "Máy in hoạt động tốt"),
        counters=(1, 2), hotline=config.settings.office.hotline,
    )
    try:
        sent, outcome = printer.print_slip(slip)
    except PrintError as exc:
        raise said(MotcuaError, f"máy in {settings.type} không in được: {exc}",
                   f"the {settings.type} printer did not print: {exc}") from exc
    where = {"usb": f"{settings.usb_vendor_id:#06x}:{settings.usb_product_id:#06x}",
             "network": f"{settings.host}:{settings.port}", "serial": settings.serial_device,
             "file": settings.file_path}[settings.type]
    printed = outcome.status is PrintStatus.PRINTED
    how = f"{settings.paper_mm} mm, text {settings.text_mode}, QR {settings.qr_mode}"
    print(say(f"đã gửi vé in thử {sent} byte tới máy in {settings.type} {where} ({how}); "
              + ("máy in báo đã in" if printed
                 else "máy in không báo được trạng thái (printer.status = none hoặc tệp): hãy xem giấy"),
              f"sent a {sent}-byte test ticket to the {settings.type} printer {where} ({how}); "
              + ("the printer reported it printed" if printed
                 else "the printer cannot report its status (printer.status = none or a file): check the paper")))
    if outcome.warning:
        print(say(f"cảnh báo: {outcome.warning}", f"warning: {outcome.warning}"))
    if settings.text_mode == "codepage":
        # only a person can see whether the printer has CP1258: the slip and this line both say what to do
        print(say("chế độ codepage: nếu dấu trên vé thiếu, rời hoặc sai, máy in này không có CP1258 dùng được: "
                  "đặt [printer] text_mode = \"image\"",
                  "codepage mode: if the accents on the slip are missing, detached or wrong, this printer has no "
                  "usable CP1258: set [printer] text_mode = \"image\""))
    return 0
