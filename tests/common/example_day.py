"""The example office (assets/office.example.toml) and a day of its usual traffic, for the engine's tests."""

from __future__ import annotations

from pathlib import Path

from common.config import OfficeSpec, load_config
from common.planning.days import DayProfile
from common.planning.simulate import EXAMPLE_MIX, example_traffic, example_walk

ROOT = Path(__file__).resolve().parents[2]


def example_office() -> OfficeSpec:
    return load_config(ROOT / "assets" / "office.example.toml").office


def example_profile(office: OfficeSpec) -> DayProfile:
    """Each service's usual arrivals and service time, a walk of 10–60 s, 3 % no-shows, 5 % priority."""
    demand, service_time = example_traffic({s.code: EXAMPLE_MIX.get(s.code, (4.0, 10.0)) for s in office.services})
    return DayProfile(demand, service_time, walk_seconds=example_walk, no_show_share=0.03,
                      priority_share=0.05)
