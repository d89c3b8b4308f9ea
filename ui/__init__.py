"""Qt glue shared by the kiosk, counter, display, dashboard and rating apps.

The one live view of the store (live_view.py, with outage.py's retry schedule and text), the
worker thread (worker.py), the change feed (feed.py) and the registry of windows one app
opens from another (registry.py).

It sits beside them rather than in common/, because common/ must never import Qt.
Like the apps, it talks to the store only through common's operations.
"""
