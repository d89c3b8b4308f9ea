"""Bulk history for the report benchmark: a million consistent tickets in a minute, not a day.

Going through the Store costs ~9 ms a citizen (four transactions), so a million
would take hours. This generator runs the same kind of queue in plain Python
(Poisson arrivals with mid-morning and early-afternoon peaks, first-come-first-
served counters per counter group, lognormal service times) and writes rows the
store would have written: same columns, waits/walks/services in seconds equal to
the timestamps' differences, numbers per service and day, transfers as a second
row of the same visit, no-shows, cancellations and a few expired tickets. The
append-only event log is not generated: reports never read it.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from common.core.tokens import ticket_token  # the store's tokens: the hour first (docs/benchmarks/prov6.md)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SESSIONS = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
HOURLY = {7: 0.6, 8: 1.0, 9: 1.5, 10: 1.4, 11: 0.6, 13: 0.8, 14: 1.3, 15: 1.2, 16: 0.7}
WEEKDAY = {1: 1.2, 2: 1.0, 3: 1.0, 4: 0.95, 5: 0.85}
# counter groups of the example office: (services with arrivals/hour and mean minutes, counters)
GROUPS = (
    ({"TP": (14, 8), "CT": (14, 4)}, (1, 2, 8)),
    ({"DD": (6, 12), "XD": (3, 12)}, (3, 5)),
    ({"KD": (5, 10)}, (4,)),
    ({"LD": (6, 8), "BH": (6, 7), "CA": (9, 6)}, (6, 7)),
)
COLUMNS = ("id", "visit_id", "service_id", "number_service_id", "service_day", "number", "transfer_seq", "code",
           "token", "status", "priority", "priority_category", "issued_at", "queued_at", "local_hour",
           "first_called_at", "called_at", "last_called_at", "started_at", "finished_at", "wait_s", "walk_s",
           "service_s", "counter_id", "clerk_id", "target_counter_id", "people_ahead", "estimated_wait_s",
           "print_status", "recall_count")


class History:
    """Generates days of tickets; ids are the database ids of services, counters and clerks."""

    def __init__(self, service_ids: dict[str, int], prefixes: dict[str, str], counter_ids: dict[int, int],
                 clerk_for_counter: dict[int, int], seed: int = 1) -> None:
        self.service_ids, self.prefixes = service_ids, prefixes
        self.counter_ids, self.clerks = counter_ids, clerk_for_counter
        self.rng = random.Random(seed)
        self.next_id = 1

    def days(self, end: date, tickets: int) -> Iterator[list[tuple[object, ...]]]:
        """Working days backwards from ``end`` until about ``tickets`` rows, yielded oldest first in chunks."""
        # arrivals/hour × the hourly profile summed over the 7.5 open hours (8.1); weekdays average 1.0
        per_day = sum(rate for services, _ in GROUPS for rate, _ in services.values()) * 8.1
        n_days = max(1, math.ceil(tickets / per_day))
        chosen, day = [], end
        while len(chosen) < n_days:
            if day.isoweekday() <= 5:
                chosen.append(day)
            day -= timedelta(days=1)
        chosen.reverse()
        made = 0
        for d in chosen:
            rows = self.day(d, min(1.0, (tickets - made) / per_day) if d == chosen[-1] else 1.0)
            made += len(rows)
            yield rows
            if made >= tickets:
                break

    def day(self, d: date, scale: float = 1.0) -> list[tuple[object, ...]]:
        rng, rows, numbers = self.rng, [], dict.fromkeys(self.service_ids, 0)
        factor = WEEKDAY[d.isoweekday()] * rng.uniform(0.85, 1.15) * scale
        transfers: list[tuple[float, dict[str, object]]] = []
        for index, (services, counters) in enumerate(GROUPS):
            arrivals = [(t, code, None) for code, (rate, _) in services.items()
                        for t in self._arrivals(d, rate * factor)]
            if index == len(GROUPS) - 1:  # transfers land in the last group (social affairs, police)
                arrivals += [(t, str(row["to"]), row) for t, row in transfers]
            arrivals.sort(key=lambda a: a[0])
            free = [(datetime.combine(d, SESSIONS[0][0], TZ).timestamp(), c) for c in counters]
            heapq.heapify(free)
            for t, code, origin in arrivals:
                rows.extend(self._ticket(d, t, code, services, free, numbers, origin, transfers, index))
        return rows

    def _arrivals(self, d: date, per_hour: float) -> list[float]:
        out = []
        for opens, closes in SESSIONS:
            t, end = datetime.combine(d, opens, TZ).timestamp(), datetime.combine(d, closes, TZ).timestamp()
            peak = max(HOURLY.values()) * per_hour / 3600
            while True:
                t += self.rng.expovariate(peak)
                if t >= end:
                    break
                if self.rng.random() * max(HOURLY.values()) < HOURLY.get(datetime.fromtimestamp(t, TZ).hour, 0):
                    out.append(t)
        return out

    def _ticket(self, d: date, t: float, code: str, services: dict[str, tuple[float, float]],
                free: list[tuple[float, int]], numbers: dict[str, int], origin: dict[str, object] | None,
                transfers: list[tuple[float, dict[str, object]]], group: int) -> list[tuple[object, ...]]:
        rng = self.rng
        row: dict[str, object] = {"id": self.next_id, "status": "done", "transfer_seq": 0}
        self.next_id += 1
        if origin is None:
            numbers[code] += 1
            row.update(visit_id=row["id"], number_service_id=self.service_ids[code], number=numbers[code],
                       code=f"{self.prefixes[code]}{numbers[code]:03d}", token=ticket_token(t), queued=t)
        else:
            row.update({k: origin[k] for k in ("visit_id", "number_service_id", "number", "code", "token", "queued")})
            row["transfer_seq"] = 1
        row.update(service_id=self.service_ids[code], issued=t)
        fate = rng.random()
        if fate < 0.005 and origin is None:  # left before being called
            return [self._row(d, row, status="cancelled", finished=t + rng.uniform(60, 1800))]
        if fate < 0.007 and origin is None:  # still waiting when the day closed
            midnight = datetime.combine(d + timedelta(days=1), time(0), TZ).timestamp()
            return [self._row(d, row, status="expired", finished=midnight, wait=midnight - t)]
        available, counter = heapq.heappop(free)
        called = max(t, available)
        row.update(counter=counter, called=called, wait=called - t)
        if fate < 0.037:  # no-show: recalled for two minutes
            heapq.heappush(free, (called + 120, counter))
            return [self._row(d, row, status="no_show", last_called=called + 120)]
        mean = services[code][1] * 60
        walk, service = rng.uniform(10, 60), rng.lognormvariate(math.log(mean) - 0.18, 0.6)
        finished = called + walk + service
        heapq.heappush(free, (finished, counter))
        out_row = self._row(d, row, started=called + walk, finished=finished, walk=walk, service=service)
        if fate < 0.05 and origin is None and group < len(GROUPS) - 1:
            target = rng.choice(list(GROUPS[-1][0]))
            transfers.append((finished, {**row, "to": target}))
            return [self._row(d, row, status="transferred", started=called + walk, finished=finished, walk=walk,
                              service=service)]
        return [out_row]

    def _row(self, d: date, r: dict[str, object], *, status: str | None = None, started: float | None = None,
             finished: float | None = None, walk: float | None = None, service: float | None = None,
             wait: float | None = None, last_called: float | None = None) -> tuple[object, ...]:
        def ts(x: object) -> datetime | None:
            return None if x is None else datetime.fromtimestamp(float(x), UTC)  # type: ignore[arg-type]

        called = r.get("called")
        counter = r.get("counter")
        wait_s = wait if wait is not None else r.get("wait")
        values = {
            "id": r["id"], "visit_id": r["visit_id"], "service_id": r["service_id"],
            "number_service_id": r["number_service_id"], "service_day": d, "number": r["number"],
            "transfer_seq": r["transfer_seq"], "code": r["code"], "token": r["token"],
            "status": status or r["status"], "priority": False, "priority_category": None,
            "issued_at": ts(r["issued"]), "queued_at": ts(r["queued"]),
            "local_hour": datetime.fromtimestamp(float(r["issued"]), TZ).hour,  # type: ignore[arg-type]
            "first_called_at": ts(called), "called_at": ts(called),
            "last_called_at": ts(last_called if last_called is not None else called),
            "started_at": ts(started), "finished_at": ts(finished),
            "wait_s": None if wait_s is None else round(float(wait_s)),  # type: ignore[arg-type]
            "walk_s": None if walk is None else round(walk), "service_s": None if service is None else round(service),
            "counter_id": None if counter is None else self.counter_ids[int(counter)],  # type: ignore[call-overload]
            "clerk_id": None if counter is None else self.clerks[int(counter)],  # type: ignore[call-overload]
            "target_counter_id": None, "people_ahead": 0, "estimated_wait_s": 0, "print_status": "printed",
            "recall_count": 1 if last_called is not None else 0,
        }
        return tuple(values[c] for c in COLUMNS)
