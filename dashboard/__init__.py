"""The supervisor's dashboard: live queue, history, charts, estimate accuracy and staffing advice.

Opened by ``motcua dashboard`` (dashboard/main.py) or from a counter window by a supervisor
(counter/dashboard_door.py finds ``dashboard.window.open_dashboard`` through the ``motcua.windows``
entry point in pyproject.toml; the counter never imports the dashboard).
"""
