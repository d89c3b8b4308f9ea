"""The dashboard's sign-in: supervisor and admin accounts only (the dialog is ui/signin_dialog.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from common.core.model import Clerk, Role
from common.store import Store, province_staff
from common.store.province_staff import ProvinceUser
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


def check_province(store: Store, username: str, password: str) -> Clerk:
    """The signed-in province person (throttled, logged in province_signins); AuthError otherwise.
    As a Clerk value only to say who is looking (the office dashboards show it); the province reads only."""
    return viewer(province_staff.authenticate(store, username, password, app="dashboard"))


def viewer(user: ProvinceUser) -> Clerk:
    return Clerk(user.username, f"{user.full_name} (cấp tỉnh)", Role.SUPERVISOR)


class ProvinceSignInDialog(signin_dialog.SignInDialog):
    """The same dialog for the province view: a named person of the province, on the province's role."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(lambda username, password: check_province(store, username, password),
                         title="Đăng nhập bảng điều khiển toàn tỉnh",
                         intro="Bảng điều khiển toàn tỉnh: đăng nhập bằng tài khoản cá nhân cấp tỉnh.",
                         worker_name="motcua-province-signin", parent=parent)
