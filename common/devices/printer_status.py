"""What an ESC/POS printer says about itself: the real-time status query ``DLE EOT n``.

A printer that accepts bytes has not printed them: a network printer may take the
connection and never read, or read 1 KiB and close. So a ticket counts as printed
only when the printer answers a status query *after* the job, with no error. We
ask two things each time, both real-time commands that the printer answers even
while it is offline:

- ``DLE EOT 2`` (offline cause): bit 2 cover open, bit 5 stopped at paper end, bit 6 an error;
- ``DLE EOT 4`` (roll paper sensor): bits 2-3 paper near its end, bits 5-6 paper out.

Each answer is one byte whose bit 1 and bit 4 are set and bits 0 and 7 clear
(``0b0xx1xx10``), which tells a status byte from stray data.
"""

from __future__ import annotations

from dataclasses import dataclass

# ``GS r 1`` (paper sensor) is *not* real-time: the printer answers it in turn, after the
# job before it is processed. DLE EOT is answered as soon as it arrives, even while the
# job is still in the buffer, so with ``printer.status = escpos-done`` a ticket is printed
# only after this answer too. One byte: bits 0-1 paper near its end, bits 2-3 paper out,
# bits 4 and 7 clear (``0b0xx0xxxx``, which no DLE EOT answer is).
GS_R_PAPER = b"\x1dr\x01"
DONE_TIMEOUT = "máy in không báo đã in xong vé"
DLE_EOT_OFFLINE = b"\x10\x04\x02"
DLE_EOT_PAPER = b"\x10\x04\x04"
QUERY = DLE_EOT_OFFLINE + DLE_EOT_PAPER
ANSWER_BYTES = 2

# The reasons the kiosk shows and the store records, in the supervisor's words.
NO_ANSWER = "máy in không trả lời khi hỏi trạng thái"
COVER_OPEN = "nắp máy in đang mở"
PAPER_OUT = "máy in hết giấy"
PRINTER_ERROR = "máy in báo lỗi (kẹt giấy hoặc lỗi dao cắt)"
CONNECTION_LOST = "mất kết nối với máy in giữa chừng"
STALLED = "máy in không nhận hết dữ liệu (bị treo)"
PAPER_NEAR_END = "giấy in sắp hết"


def is_status_byte(value: int) -> bool:
    return value & 0b1001_0011 == 0b0001_0010


def decode_paper_sensor(answer: bytes) -> str | None:
    """The ``GS r 1`` answer: PAPER_OUT, PAPER_NEAR_END or None; a ValueError if it is not such an answer."""
    if len(answer) != 1 or answer[0] & 0b1001_0000:
        raise ValueError(f"not a paper sensor answer: {answer.hex()}")
    return PAPER_OUT if answer[0] & 0x0C else PAPER_NEAR_END if answer[0] & 0x03 else None


def encode_paper_sensor(paper_out: bool, near_end: bool) -> bytes:
    """The ``GS r 1`` answer a printer in this state gives (the test emulators use it)."""
    return bytes(((0x0C if paper_out else 0) | (0x03 if near_end else 0),))


@dataclass(frozen=True)
class PrinterState:
    """The two answers of one status query, decoded."""

    cover_open: bool = False
    paper_out: bool = False
    error: bool = False
    paper_near_end: bool = False

    @classmethod
    def decode(cls, answer: bytes) -> PrinterState:
        """From the two bytes answering ``QUERY``; a ValueError if they are not status bytes."""
        if len(answer) != ANSWER_BYTES or not all(is_status_byte(b) for b in answer):
            raise ValueError(f"not a status answer: {answer.hex()}")
        offline, paper = answer
        return cls(cover_open=bool(offline & 0x04), paper_out=bool(offline & 0x20) or bool(paper & 0x60),
                   error=bool(offline & 0x40), paper_near_end=bool(paper & 0x0C))

    @property
    def fault(self) -> str | None:
        """The reason this printer cannot print, in Vietnamese, or None when it can."""
        if self.cover_open:
            return COVER_OPEN
        if self.paper_out:
            return PAPER_OUT
        if self.error:
            return PRINTER_ERROR
        return None

    def encode(self) -> bytes:
        """The answer a printer in this state gives (the test emulators use it)."""
        offline = 0x12 | (0x04 if self.cover_open else 0) | (0x20 if self.paper_out else 0)
        offline |= 0x40 if self.error else 0
        paper = 0x12 | (0x60 if self.paper_out else 0) | (0x0C if self.paper_near_end else 0)
        return bytes((offline, paper))
