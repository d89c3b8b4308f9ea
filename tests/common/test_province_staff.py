"""The province view is signed in by a named person (migration 0014, common/store/province_staff.py) on
the province's role: a wrong password is refused and throttled, every attempt is logged, the hashes
stay in the database, and no office's role reads the province's accounts or their log."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError

from common.core.clock import ManualClock
from common.core.errors import AuthError, MotcuaError, Throttled
from common.store import Store, province_staff
from common.store.db import connect
from tests.common.test_offices import Province, as_role, province, scalar  # noqa: F401 (the fixture)


@pytest.mark.postgres
def test_a_named_person_signs_in_on_the_province_role_throttled_and_logged(province: Province,  # noqa: F811
                                                                           clock: ManualClock) -> None:
    owner = Store(connect(province.url), clock, "Asia/Ho_Chi_Minh")
    province_staff.add_staff(owner, "hoa", "Trần Thị Hoa", "mật khẩu tỉnh")
    with pytest.raises(MotcuaError, match="taken"):
        province_staff.add_staff(owner, "hoa", "Người khác", "x")
    viewer = as_role(province, province.groups["province"], clock)
    with pytest.raises(AuthError) as wrong:
        province_staff.authenticate(viewer, "hoa", "sai", pc="pc-tinh")
    assert not isinstance(wrong.value, Throttled)
    with pytest.raises(Throttled):  # one failure: the next second is refused without looking at the password
        province_staff.authenticate(viewer, "hoa", "mật khẩu tỉnh", pc="pc-tinh")
    clock.advance(2)
    user = province_staff.authenticate(viewer, "hoa", "mật khẩu tỉnh", pc="pc-tinh")
    assert (user.username, user.full_name) == ("hoa", "Trần Thị Hoa")
    assert [(r.outcome, r.username, r.pc) for r in province_staff.recent(viewer)] == [
        ("ok", "hoa", "pc-tinh"), ("throttled", "hoa", "pc-tinh"), ("failed", "hoa", "pc-tinh")]
    province_staff.set_active(owner, "hoa", False)
    clock.advance(60)
    with pytest.raises(AuthError):  # a disabled account signs in no more
        province_staff.authenticate(viewer, "hoa", "mật khẩu tỉnh", pc="pc-tinh")
    with pytest.raises(AuthError):  # an office's clerk is no province account
        province_staff.authenticate(viewer, "lan", "mật khẩu 1", pc="pc-tinh")
    viewer.db.engine.dispose()
    owner.db.engine.dispose()


@pytest.mark.postgres
def test_no_office_role_reads_the_province_accounts_and_the_province_reads_no_hash(
        province: Province) -> None:  # noqa: F811
    for role in (province.groups["supervisor"], province.office2["supervisor"], province.office2["kiosk"],
                 province.office2["counter"]):
        for statement in ("SELECT count(*) FROM province_staff", "SELECT count(*) FROM province_signins",
                          "SELECT motcua_staff_salt('hoa')"):
            with pytest.raises(DBAPIError, match="permission denied"):
                scalar(province, role, statement)
    with pytest.raises(DBAPIError, match="permission denied"):
        scalar(province, province.groups["province"], "SELECT password_hash FROM province_staff")
    assert scalar(province, province.groups["province"], "SELECT count(username) FROM province_staff") == 0


def test_on_sqlite_the_accounts_work_the_same(sqlite_url: str, clock: ManualClock) -> None:
    store = Store(connect(sqlite_url), clock)
    province_staff.add_staff(store, "hoa", "Trần Thị Hoa", "pw")
    with pytest.raises(AuthError):
        province_staff.authenticate(store, "hoa", "sai", pc="pc")
    clock.advance(2)
    assert province_staff.authenticate(store, "hoa", "pw", pc="pc").full_name == "Trần Thị Hoa"
    assert [u.username for u in province_staff.staff(store)] == ["hoa"]
    store.db.engine.dispose()
