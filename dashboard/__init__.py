"""The supervisor's dashboard: live queue, history, charts, estimate accuracy and staffing advice.

Opened by ``motcua dashboard`` (dashboard/main.py) or from a counter window by a supervisor
(counter/dashboard_door.py imports ``dashboard.window.open_dashboard``).
"""
