"""How far the wait printed on each ticket was from the wait the citizen actually had.

Per service and overall, over a period of service days, for every **printed estimate that can be checked**:
the visit's first transaction (``transfer_seq = 0``: a transfer prints nothing new, the citizen keeps their
paper) that was called (``wait_s`` set and the ticket not expired, as in the report's observed waits).

- **error** = estimated − real wait, in seconds;
- **MAE** (mean absolute error) = mean of |error|: how far off a citizen's paper typically is;
- **bias** = mean of error: positive when the kiosk promises longer waits than people have (pessimistic),
  negative when citizens wait longer than they were told (the one that angers them);
- **% under-estimated by more than 5 minutes**: the citizens who waited over 5 minutes longer than printed.

Aggregated in SQL: one GROUP BY over the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LATE_MARGIN_S = 5 * 60


@dataclass(frozen=True)
class Accuracy:
    code: str | None  # None for the whole office
    name_vi: str
    checked: int
    mae_s: float | None
    bias_s: float | None
    mean_estimate_s: float | None
    mean_wait_s: float | None
    late_over_5min_pct: float | None


@dataclass(frozen=True)
class AccuracyReport:
    start: date
    end: date
    services: tuple[Accuracy, ...]
    overall: Accuracy


def accuracy(code: str | None, name: str, sums: tuple[int, ...]) -> Accuracy:
    n, abs_sum, err_sum, est_sum, wait_sum, late = sums
    if n == 0:
        return Accuracy(code, name, 0, None, None, None, None, None)
    return Accuracy(code, name, n, round(abs_sum / n, 1), round(err_sum / n, 1), round(est_sum / n, 1),
                    round(wait_sum / n, 1), round(100 * late / n, 1))
