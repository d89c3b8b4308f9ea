"""The dashboard's sign-in: supervisor and admin accounts only (the dialog is ui/signin_dialog.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from common.core.model import Clerk
from common.store import Store
from dashboard.window import REFUSED, allowed
from ui import signin_dialog


def check(store: Store, username: str, password: str) -> Clerk:
    """The signed-in supervisor or admin; PermissionError with a Vietnamese line otherwise."""
    clerk = store.authenticate(username, password, app="dashboard")
    if not allowed(clerk):
        raise PermissionError(REFUSED)
    return clerk


class SignInDialog(signin_dialog.SignInDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(lambda username, password: check(store, username, password),
                         title="Đăng nhập bảng điều khiển",
                         intro="Bảng điều khiển dành cho giám sát viên và quản trị viên.",
                         worker_name="motcua-dashboard-signin", parent=parent)
