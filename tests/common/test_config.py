"""The office's TOML file: every mistake is one ConfigError naming file:line; loading is idempotent."""

from __future__ import annotations

import json
import math
from dataclasses import FrozenInstanceError
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from common.config import load_config
from common.core.errors import ConfigError
from common.core.model import Ordering, Role
from common.settings import DEFAULTS, SETTINGS, Setting
from common.store import Store
from common.store.db import connect
from tests.conftest import EXAMPLE_OFFICE, examples

GOOD_SERVICE = """
[[services]]
code = "TP"
prefix = "A"
name_vi = "Tư pháp"
name_en = "Justice"
"""


def write(tmp_path: Path, body: str, name: str = "office.toml") -> Path:
    path = tmp_path / name
    path.write_text(body.lstrip("\n"), encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert "\n" not in message, "one line"
    return message


def test_the_example_office_loads() -> None:
    cfg = load_config(EXAMPLE_OFFICE)
    office = cfg.office
    assert [s.code for s in office.services] == ["TP", "CT", "DD", "KD", "XD", "LD", "BH", "CA"]
    tp = office.services[0]
    assert (tp.prefix, tp.name_vi, tp.target_minutes, tp.daily_cap) == ("A", "Tư pháp – Hộ tịch", 30, None)
    assert tp.hours.intervals == ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
    assert tp.hours.weekdays == (1, 2, 3, 4, 5, 6)
    assert next(s for s in office.services if s.code == "XD").daily_cap == 60
    counters = {c.number: c for c in office.counters}
    assert counters[3].services == ("DD", "XD") and counters[3].ordering is Ordering.STRICT
    assert counters[1].ordering is Ordering.OLDEST_FIRST
    assert {c.username: c.role for c in office.clerks}["giamdoc"] is Role.SUPERVISOR
    assert all(c.password_hash is None for c in office.clerks)
    assert set(office.priority_categories) == {"elderly", "disability", "pregnant", "small_child", "meritorious"}
    assert cfg.settings.office.name.startswith("Trung tâm") and str(cfg.tz) == "Asia/Ho_Chi_Minh"
    assert cfg.settings.display.repeat == 2  # not in the file: the declared default


def test_no_file_means_defaults() -> None:
    cfg = load_config(None)
    assert cfg.office.services == () and cfg.settings.office.timezone == "Asia/Ho_Chi_Minh"


def test_malformed_toml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[office]\nname = "Một cửa"\nlanguage = vi\n')
    message = error_of(path)
    assert message.startswith(f"{path}:3: malformed TOML")


def test_a_binary_file_is_one_line_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "office.toml"
    path.write_bytes(b'[office]\nname = "x"\n\x89PNG\r\n\x1a\n\x00\xff')
    message = error_of(path)
    assert message.startswith(f"{path}:3: not a UTF-8 text file (byte 0x89)")


def test_settings_are_typed_and_validated_once(tmp_path: Path) -> None:
    path = write(tmp_path, '[display]\nhttp_port = 8181\n\n[printer]\ntimeout_seconds = 2\n'
                           '\n[rating]\nreasons = ["Chờ lâu"]\n')
    settings = load_config(path).settings
    assert settings.display.http_port == 8181 and settings.display.recent_calls == DEFAULTS.display.recent_calls
    assert settings.printer.timeout_seconds == 2.0 and isinstance(settings.printer.timeout_seconds, float)
    assert settings.rating.reasons == ("Chờ lâu",)
    with pytest.raises(FrozenInstanceError):
        settings.display.http_port = 1  # type: ignore[misc]


def test_every_default_passes_its_own_check() -> None:
    for s in SETTINGS:
        default = list(s.default) if isinstance(s.default, tuple) else s.default
        assert s.check(default) == s.default, s.name
    assert load_config(None).settings == DEFAULTS


def test_unreadable_file(tmp_path: Path) -> None:
    assert error_of(tmp_path / "missing.toml").startswith(f"{tmp_path / 'missing.toml'}: cannot read")


@pytest.mark.parametrize(("body", "line", "words"), [
    ('[office]\nname = "x"\n\n[weather]\nsunny = true\n', 4, "unknown section [weather]"),
    ('[office]\nname = "x"\ncolour = "red"\n', 3, "unknown setting office.colour"),
    ('[printer]\ntype = "none"\nport = "9100"\n', 3, "printer.port must be int, not '9100'"),
    ('[printer]\npaper_mm = 70\n', 2, "printer.paper_mm must be one of 58, 80"),
    ('[office]\ncall_starts_service = "yes"\n', 2, "office.call_starts_service must be bool"),
    ('[office]\ntimezone = "Asia/Saigonn"\n', 2, "unknown time zone 'Asia/Saigonn'"),
    ('[kiosk]\nfullscreen = 1\n', 2, "kiosk.fullscreen must be bool"),
    ('[printer]\ntype = "none"\nport = 99999999999\n', 3, "printer.port must be from 1 to 65535"),
    ('[display]\nhttp_port = 70000\n', 2, "display.http_port must be from 1 to 65535"),
    ('[display]\nhttp_port = 0\n', 2, "display.http_port must be from 1 to 65535"),
    ('[printer]\ntimeout_seconds = nan\n', 2, "printer.timeout_seconds must be a finite number"),
    ('[printer]\ntimeout_seconds = inf\n', 2, "printer.timeout_seconds must be a finite number"),
    ('[printer]\ntimeout_seconds = -1\n', 2, "printer.timeout_seconds must be from 0.1 to 600"),
    ('[office]\nat_risk_minutes = 0\n', 2, "office.at_risk_minutes must be from 1 to 1440"),
    ('[office]\nlanguage = "fr"\n', 2, "office.language must be one of vi, en"),
    ('[office]\npublic_url = "192.168.1.20:8080"\n', 2, "must start with http:// or https://"),
    ('[printer]\nusb_vendor_id = "0xZZ"\n', 2, "hexadecimal USB id"),
    ('[display]\ncall_phrase_vi = "Mời số {ticket} đến {quay}"\n', 2, "only {ticket} and {counter}"),
    ('[display]\ncall_phrase_en = "Ticket {ticket"\n', 2, "unbalanced brace"),
    ('[rating]\nreasons = ["Chờ lâu", 3]\n', 2, "rating.reasons must be a list of text"),
    ('[rating]\nreasons = ["Chờ lâu", " "]\n', 2, "rating.reasons must not be empty"),
    ('[printer]\nhost = ""\n\ntype = "network"\n', 4, "printer.type = network needs printer.host"),
    ('[printer]\ntype = "usb"\nusb_vendor_id = "0x0416"\n', 2, "needs printer.usb_product_id"),
    ('[printer]\ntype = "file"\n', 2, "needs printer.file_path"),
    ('# a comment\nprinter.port = 0\n', 2, "printer.port must be from 1 to 65535"),
    ('# the hall\ndisplay = { http_port = 99999 }\n', 2, "display.http_port must be from 1 to 65535"),
    ('[database]\nrole = "0"\n', 2, "database.role must be a plain PostgreSQL role name"),  # hypothesis found it
    ('[display]\nhttp_host = "999.1.1.1"\n', 2, "display.http_host must be an IP address"),  # not at bind time
    ('[display]\nhttp_host = "192.168.1.20:8080"\n', 2, "display.http_host must be an IP address"),
    ('[display]\nhttp_host = "http://0.0.0.0"\n', 2, "display.http_host must be an IP address"),
])
def test_settings_mistakes(tmp_path: Path, body: str, line: int, words: str) -> None:
    path = write(tmp_path, body)
    message = error_of(path)
    assert message.startswith(f"{path}:{line}: ") and words in message


@pytest.mark.parametrize(("extra", "line", "words"), [
    (GOOD_SERVICE, 7, "services lists 'TP' twice"),
    ('\n[[counters]]\nnumber = 1\nservices = ["TP", "XX"]\n', 9, "counter 1 serves unknown service 'XX'"),
    ('\n[[clerks]]\nusername = "lan"\nfull_name = "Lan"\npassword = "123456"\n', 10, "clear passwords"),
    ('\n[[services]]\ncode = "CT"\nname_vi = "Chứng thực"\nname_en = "Copies"\n', 7, "missing prefix"),
    ('\n[[services]]\ncode = "CT"\nprefix = "b"\nname_vi = "x"\nname_en = "y"\n', 9, "capital letters"),
    ('\n[[services]]\ncode = "CT"\nprefix = "B"\nname_vi = "x"\nname_en = "y"\nhours = ["11:30-07:30"]\n',
     12, "ends before it starts"),
    ('\n[[services]]\ncode = "CT"\nprefix = "B"\nname_vi = "x"\nname_en = "y"\ncolor = "red"\n',
     12, "unknown key color in [[services]]"),
    ('\n[[counters]]\nnumber = 2\nservices = ["TP"]\nordering = "random"\n', 10, "must be one of oldest_first, strict"),
])
def test_office_mistakes(tmp_path: Path, extra: str, line: int, words: str) -> None:
    path = write(tmp_path, GOOD_SERVICE + extra)
    message = error_of(path)
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message


def test_duplicate_counters_and_clerks(tmp_path: Path) -> None:
    counters = '\n[[counters]]\nnumber = 1\nservices = ["TP"]\n' * 2
    assert "counters lists 1 twice" in error_of(write(tmp_path, GOOD_SERVICE + counters))
    clerks = '\n[[clerks]]\nusername = "lan"\nfull_name = "Lan"\n' * 2
    assert "clerks lists 'lan' twice" in error_of(write(tmp_path, GOOD_SERVICE + clerks))


def test_setup_load_twice_gives_the_same_rows(db_url: str) -> None:
    cfg = load_config(EXAMPLE_OFFICE)
    store = Store(connect(db_url))
    office_values = {k: v for k, v in cfg.values.items() if k.startswith("office.")}

    def rows() -> list[list[tuple[object, ...]]]:
        with store.db.engine.connect() as conn:
            return [[tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))]
                    for table in ("services", "counters", "counter_services", "clerks", "office_settings")]

    first_counts = store.load_office(cfg.office, office_values)
    once = rows()
    assert store.load_office(cfg.office, office_values) == first_counts
    assert rows() == once
    assert [len(t) for t in once[:4]] == [8, 8, 17, 6]
    assert store.office_setting("office.name") == cfg.settings.office.name
    store.db.engine.dispose()


def test_an_all_day_service_is_open_until_midnight(tmp_path: Path) -> None:
    path = tmp_path / "office.toml"
    path.write_text('[[services]]\ncode = "TP"\nprefix = "A"\nname_vi = "Tư pháp"\nname_en = "Justice"\n'
                    'hours = ["13:30-24:00"]\n', encoding="utf-8")
    hours = load_config(path).office.services[0].hours
    evening = datetime(2026, 11, 25, 23, 59, 59, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert hours.is_open(evening) and not hours.is_open(evening.replace(hour=13, minute=29))
    assert hours.label() == "13:30–24:00"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {math.inf: "inf", -math.inf: "-inf"}.get(value, "nan" if math.isnan(value) else repr(value))
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value) if isinstance(value, str) else str(value)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(setting=st.sampled_from(SETTINGS),
       value=st.one_of(st.integers(min_value=-2**63, max_value=2**63 - 1), st.floats(), st.booleans(),
                       st.text(max_size=40), st.lists(st.text(max_size=8), max_size=3)))
def test_any_value_is_taken_as_checked_or_refused_in_one_line(tmp_path: Path, setting: Setting, value: object) -> None:
    path = tmp_path / "any.toml"
    path.write_text(f"# one setting\n[{setting.section}]\n{setting.key} = {_toml(value)}\n", encoding="utf-8")
    try:
        loaded = getattr(getattr(load_config(path).settings, setting.section), setting.key)
    except ConfigError as exc:
        message = str(exc)
        assert "\n" not in message and message.startswith(f"{path}:"), message
        return
    assert loaded == setting.check(value)  # what the apps read is exactly what the check accepted
    if setting.minimum is not None and setting.maximum is not None:
        assert setting.minimum <= loaded <= setting.maximum
    if isinstance(loaded, float):
        assert math.isfinite(loaded)
    if setting.choices:
        assert loaded in setting.choices


@pytest.mark.parametrize("host", ["0.0.0.0", "127.0.0.1", "::", "::1", "localhost", "display-pc.local"])
def test_addresses_to_listen_on(tmp_path: Path, host: str) -> None:
    assert load_config(write(tmp_path, f'[display]\nhttp_host = "{host}"\n')).settings.display.http_host == host
