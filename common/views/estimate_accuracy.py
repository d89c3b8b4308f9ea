"""How far the wait printed on each ticket was from the wait the citizen actually had, beside the naive formula.

Per service, per hour of issue and overall, over a period of service days, for every **printed estimate that
can be checked**: the visit's first transaction (``transfer_seq = 0``: a transfer prints nothing new, the
citizen keeps their paper) that was called (``first_called_at`` set; expired tickets have no real wait).

- **real wait** = issued → the FIRST call: a no-show called again later was told to come at the first call;
- **error** = estimated − real wait, in seconds;
- **MAE** (mean absolute error) = mean of |error|: how far off a citizen's paper typically is;
- **bias** = mean of error: positive when the kiosk promises longer waits than people have (pessimistic),
  negative when citizens wait longer than they were told (the one that angers them);
- **% under-estimated by more than 5 minutes**: the citizens who waited over 5 minutes longer than printed.

Each figure is given twice: for the **printed** estimate (``estimated_wait_s``) and for the **naive** formula
"(people ahead + 1) × recent mean service ÷ open counters" (``naive_wait_s``; NULL means the printed estimate
was that formula, so it stands in). ``mae_vs_naive_pct`` is how much lower the printed MAE is (positive: better).

For the tickets printed from the hall forecast (``estimate_method = 'forecast'``, docs/metrics.md "The printed
wait"), the share whose real wait fell inside the forecast's stored 10th–90th percentile band: about 80% when the
forecast is calibrated; far less means its spread is too narrow (or biased), far more too wide.

Aggregated in SQL: one GROUP BY per breakdown over the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LATE_MARGIN_S = 5 * 60
SUMS = 12  # the sums `accuracy` takes, in its order


@dataclass(frozen=True)
class Accuracy:
    code: str | None  # service code, "08" for an hour; None for the whole office
    name_vi: str
    checked: int
    mae_s: float | None
    bias_s: float | None
    mean_estimate_s: float | None
    mean_wait_s: float | None
    late_over_5min_pct: float | None
    naive_mae_s: float | None
    naive_bias_s: float | None
    mean_naive_s: float | None
    naive_late_over_5min_pct: float | None
    mae_vs_naive_pct: float | None  # (naive MAE − printed MAE) ÷ naive MAE × 100: positive when printed is better
    banded: int = 0  # of ``checked``, those printed from the forecast (p10–p90 stored)
    inside_band_pct: float | None = None  # of ``banded``, real wait within p10–p90 (≈ 80% when calibrated)


@dataclass(frozen=True)
class AccuracyReport:
    start: date
    end: date
    services: tuple[Accuracy, ...]
    overall: Accuracy
    hours: tuple[Accuracy, ...] = ()  # local hour of issue, in order

    @property
    def formula_only(self) -> bool:
        """Every checked ticket was printed by the naive formula itself (none by the hall forecast: simulated
        history, or a kiosk with the forecast off), so the two sets of columns agree by construction."""
        o = self.overall
        return o.checked > 0 and o.banded == 0 and o.mae_s == o.naive_mae_s and o.bias_s == o.naive_bias_s


FORMULA_ONLY = ("Mọi vé trong kỳ được in theo chính công thức đơn giản (không vé nào theo dự báo toàn sảnh, ví dụ "
                "lịch sử mô phỏng), nên hai nhóm cột trùng nhau",
                "every ticket in the period was printed by the naive formula itself (none by the hall forecast, "
                "e.g. simulated history), so the two sets of columns agree")


def accuracy(code: str | None, name: str, sums: tuple[int, ...]) -> Accuracy:
    """The figures of one group from its sums: count, |error|, error, estimate, wait, late, the naive ones,
    then the forecast-printed count and how many of those fell inside their p10–p90 band."""
    n, abs_sum, err_sum, est_sum, wait_sum, late, n_abs, n_err, n_est, n_late, banded, inside = sums
    if n == 0:
        return Accuracy(code, name, 0, *(None,) * 10)

    def mean(total: int) -> float:
        return round(total / n, 1)

    improvement = round(100 * (n_abs - abs_sum) / n_abs, 1) if n_abs else None
    return Accuracy(code, name, n, mean(abs_sum), mean(err_sum), mean(est_sum), mean(wait_sum),
                    round(100 * late / n, 1), mean(n_abs), mean(n_err), mean(n_est), round(100 * n_late / n, 1),
                    improvement, banded, round(100 * inside / banded, 1) if banded else None)


def hour_label(hour: int) -> str:
    return f"{hour:02d}:00–{(hour + 1) % 24:02d}:00"
