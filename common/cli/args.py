"""Argument types for the command line: every number is checked before any store call.

argparse turns a ValueError/ArgumentTypeError from a type function into one usage
line and exit 2, so a number that is out of range, NaN or infinite never reaches
SQLite (OverflowError) or a simulation loop (``inf`` arrivals spin for ever).
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable

from common.core.errors import pair, render

# Counter numbers and day counts are small; anything bigger is a typo, not an office.
MAX_COUNTER = 9999
MAX_PORT = 65535
WHOLE = re.compile(r"[+-]?[0-9]+")


def int_range(lo: int, hi: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not WHOLE.fullmatch(text.strip()):  # ASCII digits only: int() would also take "٣" and "１"
            raise argparse.ArgumentTypeError(
                said(f"{text!r} không phải số nguyên", f"{text!r} is not a whole number") + f" ({what}: {lo}–{hi})")
        value = int(text.strip())
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(
                said(f"{text} nằm ngoài khoảng", f"{text} is out of range") + f" ({what}: {lo}–{hi})")
        return value

    parse.__name__ = what  # argparse names the type in its own messages
    return parse


def float_range(lo: float, hi: float, what: str, *, allow_lo: bool = True) -> Callable[[str], float]:
    span = f"{lo}–{hi}" if allow_lo else f"> {lo}, ≤ {hi}"  # "0–600" would name the 0 it refuses

    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                said(f"{text!r} không phải số", f"{text!r} is not a number") + f" ({what}: {span})") from None
        if not math.isfinite(value) or not (lo <= value <= hi) or (not allow_lo and value == lo):
            raise argparse.ArgumentTypeError(
                said(f"{text} nằm ngoài khoảng", f"{text} is out of range") + f" ({what}: {span}, finite)")
        return value

    parse.__name__ = what
    return parse


counter_number = int_range(1, MAX_COUNTER, "counter number")
port_number = int_range(1, MAX_PORT, "port")
days_count = int_range(0, 3660, "days")
simulated_days = int_range(1, 3660, "days")
seed_number = int_range(0, 2**31 - 1, "seed")
counters_count = int_range(1, 200, "counters")
arrivals_per_hour = float_range(0, 10000, "arrivals per hour")
service_minutes = float_range(0, 600, "minutes", allow_lo=False)


# argparse's own complaints are fixed English templates: each gets its Vietnamese here.
ARGPARSE_WORDING: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), vi) for p, vi in (
    (r"^unrecognized arguments: (?P<x>.*)$", "tham số không nhận ra: {x}"),
    (r"^the following arguments are required: (?P<x>.*)$", "thiếu tham số bắt buộc: {x}"),
    (r"^argument (?P<a>[^:]+): invalid choice: (?P<x>.*?) \(choose from (?P<c>.*)\)$",
     "{a}: lựa chọn không hợp lệ {x} (chọn một trong {c})"),
    (r"^argument (?P<a>[^:]+): expected one argument$", "{a}: cần một giá trị"),
    (r"^argument (?P<a>[^:]+): expected (?P<x>.*)$", "{a}: cần {x}"),
    (r"^argument (?P<a>[^:]+): not allowed with argument (?P<b>.*)$", "{a}: không dùng cùng {b}"),
    (r"^argument (?P<a>[^:]+): invalid (?P<t>.*) value: (?P<x>.*)$", "{a}: giá trị {t} không hợp lệ: {x}"),
    (r"^argument (?P<a>[^:]+): ignored explicit argument (?P<x>.*)$", "{a}: không nhận giá trị {x}"),
    (r"^ambiguous option: (?P<x>.*)$", "tùy chọn không rõ ràng: {x}"),
))
_language = "vi"


def set_language(lang: str) -> None:
    """office.language for the messages of this run; the CLI sets it once, before parsing."""
    global _language
    _language = "en" if lang == "en" else "vi"


def language() -> str:
    """office.language of this run: a table, whose headings cannot carry both languages, takes this one."""
    return _language


def said(vi: str, en: str) -> str:
    """Vietnamese, with the English beside it when office.language is en."""
    return pair(vi, en, _language)


def told(error: object) -> str:
    """An error's one line in the office's language: a log line that a person (installer, clerk) reads."""
    return render(error, _language) if isinstance(error, BaseException) else str(error)


# A complaint echoes what was typed; a database URL in it keeps its user and loses its password.
URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*:)[^\s]*@")
# Options of `motcua` itself, typed after the command name (`motcua report --db URL`), the commonest slip.
GLOBAL_AFTER_COMMAND = re.compile(r"^unrecognized arguments: (?:.*\s)?(?P<opt>--db|--config)(?:[=\s]|$)")


def masked_passwords(text: str) -> str:
    return URL_PASSWORD.sub(lambda found: found["head"] + "***@", text)


def usage_line(message: str) -> str:
    """argparse's complaint in the office's language (ours are already, from :func:`said`)."""
    message = masked_passwords(" ".join(message.split()))
    vi, en = _worded(message)
    if misplaced := GLOBAL_AFTER_COMMAND.match(message):
        opt = misplaced["opt"]
        vi, en = (f"{vi}; {opt} đặt trước tên lệnh: motcua {opt} … LỆNH",
                  f"{en}; {opt} goes before the command: motcua {opt} … COMMAND")
    return said(vi, en)


def _worded(message: str) -> tuple[str, str]:
    """(Vietnamese, English) of one argparse complaint; the same text twice when there is no wording for it."""
    for pattern, vi in ARGPARSE_WORDING:
        if found := pattern.match(message):
            return vi.format(**found.groupdict()), message
    argument = re.match(r"^argument (?P<a>[^:]+): (?P<x>.*)$", message)
    line = f"{argument['a']}: {argument['x']}" if argument else message
    return line, line


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose mistakes end as one line on stderr and exit 2 (no usage block).

    ``motcua COMMAND --help`` still prints the full usage; subparsers inherit the class.
    """

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {usage_line(message)}\n")
