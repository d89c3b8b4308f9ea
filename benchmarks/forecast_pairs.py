"""Two saved forecast_bench runs of the same seeds, ticket by ticket: what a larger CPU budget buys (issue 17).

    .venv/bin/python benchmarks/forecast_bench.py --days 0 --mixed-days 5 --seeds 1 --save a.pkl
    .venv/bin/python benchmarks/forecast_bench.py --days 0 --mixed-days 5 --seeds 1 --budget-ms 120 --save b.pkl
    .venv/bin/python benchmarks/forecast_pairs.py a.pkl b.pkl     # FILE:before compares a run's --ab field
    .venv/bin/python benchmarks/forecast_pairs.py truth.pkl laws.pkl:perfect   # FILE:perfect, its --perfect field

Where the first run has --truth replays, the tickets both picks cover are also compared with the best forecast
(the replays' median).

The hall's own generator is seeded apart from the forecasts (each forecast is seeded by its ticket's id), so
both runs meet the same arrivals and services and their records pair up one to one; only the forecasts differ.
The tickets are split by what the first run's budget allowed (fewer runs than MAX_RUNS: "budget cut").
"""

from __future__ import annotations

import pickle
import statistics
import sys

from benchmarks.forecast_bench import Record


def load(arg: str) -> tuple[dict[tuple[str, int], list[Record]], str]:
    path, _, pick = arg.partition(":")
    with open(path, "rb") as saved:
        return {(name, seed): records for name, seed, _days, records in pickle.load(saved)}, pick or "forecast"


def main() -> None:
    (first, pick_a), (second, pick_b) = load(sys.argv[1]), load(sys.argv[2])
    pairs = [
        (a, b) for key in sorted(first.keys() & second.keys()) for a, b in zip(first[key], second[key], strict=True)
    ]
    assert all(a.actual == b.actual and a.naive == b.naive for a, b in pairs), "not the same hall: different seeds?"
    # Only the tickets both picks cover (--perfect and --truth cover every Nth ticket)
    pairs = [(a, b) for a, b in pairs if getattr(a, pick_a) is not None and getattr(b, pick_b) is not None]
    cut = [(a, b) for a, b in pairs if "budget cut the runs short" in a.tags]
    replayed = [(a, b) for a, b in pairs if a.truth is not None]
    first_day = [(a, b) for a, b in replayed if "first day (no service-time history)" in a.tags]
    later = [(a, b) for a, b in replayed if "first day (no service-time history)" not in a.tags]
    for label, chosen in (
        ("all tickets", pairs),
        ("budget cut in the first run", cut),
        ("replayed", replayed),
        ("replayed, first day", first_day),
        ("replayed, later days", later),
    ):
        if not chosen:
            continue
        naive = statistics.fmean(abs(a.naive - a.actual) for a, _ in chosen)
        one = statistics.fmean(abs(getattr(a, pick_a) - a.actual) for a, _ in chosen)
        two = statistics.fmean(abs(getattr(b, pick_b) - b.actual) for _, b in chosen)
        best = (
            f"; best {statistics.fmean(abs(a.best - a.actual) for a, _ in chosen):.1f} s, below naive "
            f"{1 - statistics.fmean(abs(a.best - a.actual) for a, _ in chosen) / naive:+.1%}"
            if all(a.truth is not None for a, _ in chosen)
            else ""
        )
        print(
            f"{label}: {len(chosen)} tickets, MAE first {one:.1f} s, second {two:.1f} s ({two / one - 1:+.1%}); "
            f"below naive {1 - one / naive:+.1%} → {1 - two / naive:+.1%}{best}"
        )


if __name__ == "__main__":
    main()
