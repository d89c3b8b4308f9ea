"""The wait printed on a ticket, as a rule over plain values: the store and the simulator's engine both use it.

Standard library only, like the rest of common.core.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# The ticket's estimate_method when no counter serving its service was open or on a break at issue: no
# wait is promised (nobody can say when a clerk signs in), the kiosk, the slip and the phone page say so
# instead ("Hiện chưa có quầy mở cho dịch vụ này"), and the accuracy report leaves the ticket out. The
# formula's figure (as if the service's counters opened at once) stays stored for the record only.
NO_COUNTER = "no_counter"
# The same words on the kiosk, the slip and the phone page (Vietnamese, English).
NO_COUNTER_TEXT = ("Hiện chưa có quầy mở cho dịch vụ này", "No counter is open for this service yet")
NO_ESTIMATE_TEXT = ("Thời gian chờ: chưa ước tính được", "Waiting time: not known yet")
NO_COUNTER_SHORT = ("Chưa có quầy mở", "No counter open yet")
RECENT_SERVICE_SAMPLE = 100  # finished tickets behind each service-time estimate: one outlier moves it ≤ 1%
TRUSTED_SAMPLE = 30  # below this many finished services, the configured default fills the rest of the sample


def blended_service_s(recent: Sequence[float], default_s: float) -> float:
    """The mean service time to promise, which one fast or slow service cannot swing.

    Until a service has TRUSTED_SAMPLE finished services, the configured default stands in
    for the missing ones (a prior worth that many services); after that it is the mean of
    the latest RECENT_SERVICE_SAMPLE. One 2-second service then moves a 20-minute estimate
    by at most 1/TRUSTED_SAMPLE (3.3%), and by 1% once a service has a hundred behind it.
    """
    return blended_from_sum(sum(recent), len(recent), default_s)


def blended_from_sum(total_s: float, count: int, default_s: float) -> float:
    """``blended_service_s`` from the sample's sum and size (the store reads both in SQL, not the rows)."""
    missing = max(0, TRUSTED_SAMPLE - count)
    return (total_s + missing * default_s) / (count + missing) if count or missing else default_s


def wait_seconds(ahead: int, mean_service_s: float, open_counters: int, serving_counters: int,
                 an_open_counter_is_free: bool) -> int:
    """People ahead (and the citizen), shared among the open counters serving the service, times service time.

    Nobody ahead and a free open counter: no wait. With no counter open the service's counters are
    assumed to open (a wait is still promised rather than none).
    """
    if ahead == 0 and an_open_counter_is_free:
        return 0
    return math.ceil((ahead + 1) * mean_service_s / (open_counters or serving_counters or 1))
