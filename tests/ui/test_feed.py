from __future__ import annotations

import subprocess
import sys

from pytestqt.qtbot import QtBot

from common.store import Store
from ui.feed import LiveFeed


def test_a_commit_in_another_process_reaches_the_signal(qtbot: QtBot, store: Store) -> None:
    feed = LiveFeed(store)
    with qtbot.waitSignal(feed.online, timeout=5000):
        feed.start()
    code = (
        "from common.store.db import connect; from common.store.operations import Store; "
        f"Store(connect({store.db.url!r})).issue_ticket('TP', check_hours=False)"
    )
    with qtbot.waitSignal(feed.changed, timeout=10000) as blocker:
        subprocess.run([sys.executable, "-c", code], check=True)
    feed.stop()
    assert [e.kind for e in blocker.args[0]][-1] == "issued"
