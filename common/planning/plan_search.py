"""The fewest counter-hours whose simulated 5th-percentile day still keeps ``share`` of waits within target.

Start from Erlang C hour by hour (on the rate while open), then verify (common/planning/verify.py):

1. while the 5th-percentile day misses the share, add one counter to the hour whose arrivals waited beyond
   target most often;
2. then try taking one counter away, cheapest-to-lose first (hours with the fewest late waits, and among them
   the fully open ones, which save a whole counter-hour), keeping each removal the verification still accepts,
   until none is accepted.

Every verification uses the same seeds (common random numbers), so a removal is judged on the same days.
Greedy, not exhaustive: the benchmark (benchmarks/staffing_bench.py) measures how far it is from the smallest plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from common.planning import erlang
from common.planning.verify import Profile, Verification, counter_hours, verify

MAX_STEPS = 200  # a guard: each step is one verification


@dataclass(frozen=True)
class PlannedHour:
    hour: int
    open_minutes: float
    rate_per_open_hour: float
    erlang_c: int  # Erlang C's answer for this hour alone
    counters: int  # the verified plan


@dataclass(frozen=True)
class StaffingPlan:
    hours: tuple[PlannedHour, ...]
    counter_hours: float
    erlang_counter_hours: float
    check: Verification  # the plan's own verification days
    target_s: float
    share: float

    @property
    def plan(self) -> dict[int, int]:
        return {h.hour: h.counters for h in self.hours}

    @property
    def holds(self) -> bool:
        return self.check.p5 >= self.share


def erlang_plan(profile: Profile, minutes: Mapping[int, float], target_s: float, share: float) -> dict[int, int]:
    """Erlang C per open hour; at least one counter in any open hour (someone must be there to call)."""
    return {h: max(1, erlang.counters_needed(profile.rates.get(h, 0.0) / 3600, profile.mean_service_s, target_s,
                                             share))
            for h in sorted(minutes) if minutes[h] > 0}


def advise(profile: Profile, minutes: Mapping[int, float], *, days: int = 40, first_seed: int = 1,
           target_s: float = 1800, share: float = 0.95) -> StaffingPlan:
    """The greedy verified plan described in the module docstring."""
    start = erlang_plan(profile, minutes, target_s, share)
    plan = dict(start)

    def check(p: Mapping[int, int]) -> Verification:
        return verify(profile, p, days, first_seed, target_s)

    result = check(plan)
    steps = 0
    while result.p5 < share and steps < MAX_STEPS:
        late = dict(result.late_by_hour)
        # The hour whose citizens waited too long most often; its own arrivals, or the busiest hour before it.
        worst = max(plan, key=lambda h: (late.get(h, 0), profile.rates.get(h, 0.0)))
        plan[worst] += 1
        result = check(plan)
        steps += 1
    improved = True
    while improved and steps < MAX_STEPS:
        improved = False
        late = dict(result.late_by_hour)
        for h in sorted((h for h in plan if plan[h] > 1), key=lambda h: (late.get(h, 0), -minutes.get(h, 0.0))):
            trial = dict(plan)
            trial[h] -= 1
            trial_result = check(trial)
            steps += 1
            if trial_result.p5 >= share:
                plan, result, improved = trial, trial_result, True
                break
    hours = tuple(PlannedHour(h, round(minutes[h], 1), round(profile.rates.get(h, 0.0), 2), start[h], plan[h])
                  for h in sorted(plan))
    return StaffingPlan(hours, round(counter_hours(plan, minutes), 2), round(counter_hours(start, minutes), 2),
                        result, target_s, share)
