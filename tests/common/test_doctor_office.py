"""`motcua doctor` on a province database: the PC's [office] timezone must be its office row's."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.cli.doctor import check_office_zone
from common.config import load_config
from common.core.clock import ManualClock
from common.store import Store
from tests.common.test_offices import Province, as_role, province  # noqa: F401 (the fixture)
from tests.common.test_printing import config_with


def test_one_office_has_nothing_to_compare(tmp_path: Path, store: Store) -> None:
    assert check_office_zone(config_with(tmp_path, 'type = "none"'), store).level == "ok"


@pytest.mark.postgres
def test_a_pc_whose_zone_is_not_its_offices_fails_with_the_fix(tmp_path: Path, province: Province,  # noqa: F811
                                                              clock: ManualClock) -> None:
    display = as_role(province, province.office2["display"], clock)
    config = config_with(tmp_path, 'type = "none"', 'code = "xa-an-binh"')
    assert check_office_zone(config, display).level == "ok"
    path = tmp_path / "office.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('timezone = "Asia/Ho_Chi_Minh"',
                                                             'timezone = "Asia/Bangkok"'), encoding="utf-8")
    verdict = check_office_zone(load_config(path), display)
    assert verdict.level == "fail"
    assert verdict.detail == ("[office] timezone = 'Asia/Bangkok' nhưng đơn vị 'xa-an-binh' trong cơ sở dữ liệu là "
                              "'Asia/Ho_Chi_Minh' — sửa [office] timezone thành 'Asia/Ho_Chi_Minh'")
    display.db.engine.dispose()
