"""The door to the supervisor's dashboard (a separate issue): open it if this build has it.

The dashboard's module is expected to offer
``dashboard.window.open_dashboard(store, clerk, parent, **options) -> QWidget``.
"""

from __future__ import annotations

import importlib
import logging

from PySide6.QtWidgets import QWidget

from common.core.model import Clerk, Role
from common.store import Store

log = logging.getLogger(__name__)
MODULE = "dashboard.window"
NOT_INSTALLED = "Bảng điều khiển chưa có trong bản cài đặt này. Vui lòng liên hệ bộ phận kỹ thuật."


def may_open(clerk: Clerk | None) -> bool:
    return clerk is not None and clerk.role in (Role.SUPERVISOR, Role.ADMIN)


def open_dashboard(store: Store, clerk: Clerk, parent: QWidget, **options: object) -> QWidget | str:
    """The dashboard window, or the one-line reason it cannot be opened."""
    if not may_open(clerk):
        return "Chỉ giám sát viên và quản trị viên được mở bảng điều khiển."
    try:
        module = importlib.import_module(MODULE)
    except ModuleNotFoundError as exc:
        if exc.name and MODULE.startswith(exc.name):
            return NOT_INSTALLED
        raise
    opener = getattr(module, "open_dashboard", None)
    if opener is None:
        log.warning("%s has no open_dashboard(store, clerk, parent)", MODULE)
        return NOT_INSTALLED
    return opener(store, clerk, parent, **options)
