"""Windows one app opens from another, found by name in the installed package's entry points.

An app never imports another (import-linter keeps them independent): the counter's F12 asks
for the window named "dashboard" in the ``motcua.windows`` group, which pyproject.toml maps to
``dashboard.window:open_dashboard``. A build without the dashboard simply has no such entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

log = logging.getLogger(__name__)
GROUP = "motcua.windows"

# What a registered opener is called with: (store, clerk, parent, **options) -> the window, or why not.
Opener = Callable[..., Any]


def window_names() -> list[str]:
    return sorted({ep.name for ep in entry_points(group=GROUP)})


def window_opener(name: str) -> Opener | None:
    """The opener registered as ``name``, or None when this build has none (or it cannot be loaded)."""
    for ep in entry_points(group=GROUP, name=name):
        try:
            opener = ep.load()
        except ImportError as exc:  # registered, but its package is not installed (a partial build)
            log.warning("window %r (%s) cannot be loaded: %s", name, ep.value, exc)
            return None
        if callable(opener):
            return opener  # type: ignore[no-any-return]
        log.warning("window %r (%s) is not callable", name, ep.value)
    return None
