"""Keep Python's cyclic garbage collector from pausing a long-running window.

Measured in benchmarks/counter_responsiveness.py: a full (generation 2) collection walks
every object of Qt, SQLAlchemy and the app, 50-120 ms on the 2-core test VM, and it runs in
whichever thread triggers it while holding the GIL, so the GUI thread stalls too. Moving the
objects that exist after start-up into the permanent generation (``gc.freeze``) and collecting
less often roughly halves the worst stall.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 100, 100)  # gen0 allocations; gen1 and gen2 collections per older one


def settle() -> None:
    """Call once the window is built: collect, freeze what survived, then collect less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
