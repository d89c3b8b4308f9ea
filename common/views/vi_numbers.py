"""Numbers for people, the Vietnamese way, without Qt: 1.446 · 158,9 · 92,4 %.

The screens use ui/numbers.py (QLocale("vi_VN")); common/ imports no PySide6, so the terminal
tables and the công khai page use these, which print the same digits (a test compares the two).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DASH = "–"


def vi_number(value: float, digits: int = 1) -> str:
    """``1234.5`` → ``1.234,5``: a dot between thousands, a comma before the decimals."""
    # Half away from zero on the shortest decimal form (1.25 → 1,3), as QLocale rounds; a float
    # format would round the binary value half to even (1.25 → 1,2) and disagree with the screens.
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{exact:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def count(value: int | None) -> str:
    """``1446`` → ``1.446``; None → "–"."""
    return DASH if value is None else vi_number(value, 0)


def decimal(value: float | None, digits: int = 1) -> str:
    """``158.94`` → ``158,9``; None → "–"."""
    return DASH if value is None else vi_number(value, digits)
