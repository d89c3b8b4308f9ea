"""The door to the supervisor's dashboard: open it if this build has it.

The counter does not import the dashboard (the apps are independent, see pyproject.toml's
import contracts): it asks ui.registry for the window registered as ``dashboard`` in the
``motcua.windows`` entry points, an opener ``(store, clerk, parent, **options) -> QWidget | str``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from common.core.model import Clerk, Role
from common.store import Store
from ui.registry import window_opener

WINDOW = "dashboard"
NOT_INSTALLED = "Bảng điều khiển chưa có trong bản cài đặt này. Vui lòng liên hệ bộ phận kỹ thuật."


def may_open(clerk: Clerk | None) -> bool:
    return clerk is not None and clerk.role in (Role.SUPERVISOR, Role.ADMIN)


def open_dashboard(store: Store, clerk: Clerk, parent: QWidget, **options: object) -> QWidget | str:
    """The dashboard window, or the one-line reason it cannot be opened."""
    if not may_open(clerk):
        return "Chỉ giám sát viên và quản trị viên được mở bảng điều khiển."
    opener = window_opener(WINDOW)
    if opener is None:
        return NOT_INSTALLED
    window = opener(store, clerk, parent, **options)
    return window if isinstance(window, QWidget | str) else NOT_INSTALLED
