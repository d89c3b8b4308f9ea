"""One change feed for every open ticket page.

The display reads the statuses once per change (display.controller, off the GUI thread) and
hands them here. The hub compares each *watched* ticket's status with the previous one and,
for the tickets that changed, renders the event once per language and gives the same string
to every phone watching it. A thousand phones cost a thousand socket writes per change, never
a thousand database reads or renders.

Everything but ``publish`` runs on the HTTP front's event loop (display.http_front).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping

from common.views.board import PublicStatus

Render = Callable[[PublicStatus, str, bool], str]  # (status, token, english) → event data


class Subscriber:
    """One open page: only the newest state matters, so a slow phone skips states, never queues them."""

    def __init__(self, token: str, en: bool) -> None:
        self.token, self.en = token, en
        self.latest: str | None = None
        self._ready = asyncio.Event()

    def push(self, data: str) -> None:
        self.latest = data
        self._ready.set()

    async def next(self, timeout: float) -> str | None:
        """The next event's data, or None after ``timeout`` seconds without one (time for a heartbeat)."""
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except TimeoutError:
            return None
        self._ready.clear()
        data, self.latest = self.latest, None
        return data


class ChangeHub:
    def __init__(self, render: Render) -> None:
        self.render = render
        self.loop: asyncio.AbstractEventLoop | None = None
        self._subs: dict[str, set[Subscriber]] = {}
        self._last: Mapping[str, PublicStatus] = {}
        self.renders = 0  # how many events were rendered (a benchmark figure)

    @property
    def watchers(self) -> int:
        return sum(len(s) for s in self._subs.values())

    def publish(self, statuses: Mapping[str, PublicStatus]) -> None:
        """From any thread: new statuses are in."""
        loop = self.loop
        if loop is None or loop.is_closed():
            self._last = statuses
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody is listening any more
            loop.call_soon_threadsafe(self._deliver, statuses)

    def _deliver(self, statuses: Mapping[str, PublicStatus]) -> None:
        old, self._last = self._last, statuses
        for token, subs in self._subs.items():
            new = statuses.get(token)
            if new is None or new == old.get(token):
                continue
            made: dict[bool, str] = {}
            for sub in subs:
                if sub.en not in made:
                    made[sub.en] = self.render(new, token, sub.en)
                    self.renders += 1
                sub.push(made[sub.en])

    def subscribe(self, token: str, en: bool, current: PublicStatus) -> Subscriber:
        sub = Subscriber(token, en)
        self._subs.setdefault(token, set()).add(sub)
        sub.push(self.render(current, token, en))  # the page gets the state as of now, at once
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        subs = self._subs.get(sub.token)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._subs[sub.token]
