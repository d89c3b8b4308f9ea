"""Reading the office's TOML file: settings, services, counters and clerks.

Every mistake becomes one ``ConfigError`` line that names ``file:line``, so an
installer can go straight to it.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from common.core.bookings import WEEKDAYS, AppointmentPlan, BookingOrder, ServicePlan
from common.core.errors import ConfigError, Invalid, said
from common.core.model import (
    DEFAULT_PRIORITY_CATEGORIES,
    Counter,
    OpeningHours,
    Ordering,
    Role,
    Service,
    parse_span,
    span_text,
)
from common.settings import BY_NAME, DEFAULTS, SECTIONS, Settings, build

OFFICE_TABLES = ("services", "counters", "clerks", "priority_categories", "appointments")
BREAK_MINUTES = (5, 120)  # a scheduled break's sensible length, minutes
TYPICAL_MINUTES = (0.5, 240)  # a service's sensible typical length, minutes
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class ClerkSpec:
    username: str
    full_name: str
    role: Role
    password_hash: str | None = None  # never a clear password; `motcua clerk add` sets one


@dataclass(frozen=True)
class OfficeSpec:
    services: tuple[Service, ...] = ()
    counters: tuple[Counter, ...] = ()
    clerks: tuple[ClerkSpec, ...] = ()
    priority_categories: Mapping[str, tuple[str, str]] = field(
        default_factory=lambda: dict(DEFAULT_PRIORITY_CATEGORIES)
    )
    # [appointments] (issue 19); the default plan has no service, so nothing takes bookings.
    appointments: AppointmentPlan = field(default_factory=AppointmentPlan)


@dataclass(frozen=True)
class AppConfig:
    """The file as loaded: every value checked; ``settings`` is what the apps read."""

    path: Path | None
    values: Mapping[str, Any]  # the settings the file sets ("office.name": …), checked; the store keeps office.*
    office: OfficeSpec
    settings: Settings = DEFAULTS

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.office.timezone)


def config_path(cli_path: str | None) -> Path | None:
    """``--config``, then ``MOTCUA_CONFIG``; None means built-in defaults only."""
    chosen = cli_path or os.environ.get("MOTCUA_CONFIG")
    return Path(chosen) if chosen else None


def load_config(path: Path | None) -> AppConfig:
    if path is None:
        return AppConfig(None, {}, OfficeSpec())
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise said(ConfigError, f"{path}: không đọc được tệp cấu hình: {exc.strerror}",
                   f"{path}: cannot read the config file: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = f"0x{raw[exc.start]:02x}"
        raise said(ConfigError,
                   f"{path}:{line}: không phải tệp văn bản UTF-8 (byte {byte}); tệp cấu hình là văn bản TOML",
                   f"{path}:{line}: not a UTF-8 text file (byte {byte}); a config file is TOML text") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where, why = f"{path}:{_decode_error_line(exc)}", _decode_error_text(exc)
        raise said(ConfigError, f"{where}: TOML sai cú pháp: {why}", f"{where}: malformed TOML: {why}") from exc
    reader = _Reader(path, text)
    values = reader.settings(data)
    office = OfficeSpec(
        services=tuple(reader.service(i, raw) for i, raw in enumerate(reader.array(data, "services"))),
        counters=tuple(reader.counter(i, raw) for i, raw in enumerate(reader.array(data, "counters"))),
        clerks=tuple(reader.clerk(i, raw) for i, raw in enumerate(reader.array(data, "clerks"))),
        priority_categories=reader.categories(data.get("priority_categories")),
        appointments=reader.appointments(data.get("appointments")),
    )
    reader.cross_check(office)
    return AppConfig(path, values, office, build(values))


class _Reader:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def fail(self, table: str, key: str | None, message: tuple[str, str] | Invalid,
             index: int | None = None) -> ConfigError:
        """The file and line, then the message (Vietnamese, English) of a tuple or an Invalid."""
        vi, en = (message.vi, message.en) if isinstance(message, Invalid) else message
        where = f"{self.path}:{self.line_of(table, key, index)}"
        return said(ConfigError, f"{where}: {vi}", f"{where}: {en}")

    def line_of(self, table: str, key: str | None, index: int | None) -> int:
        """The line of ``key`` in ``[table]`` (or the index-th ``[[table]]``); tomllib keeps no positions."""
        current, seen, header_line = None, -1, 1
        for number, raw in enumerate(self.lines, start=1):
            line = raw.strip()
            header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", line)
            if header:
                current = header.group(1)
                if current == table:
                    seen += 1
                    if index is None or seen == index:
                        header_line = number
                continue
            in_place = current == table and (index is None or seen == index)
            if in_place and key and re.match(rf"^{re.escape(key)}\s*=", line):
                return number
            if current is None and index is None:  # `printer.port = 1` or `printer = { … }` before any table
                if key and re.match(rf"^{re.escape(table)}\s*\.\s*{re.escape(key)}\s*=", line):
                    return number
                if re.match(rf"^{re.escape(table)}\s*[.=]", line) and header_line == 1:
                    header_line = number
        return header_line

    def settings(self, data: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for section, table in data.items():
            if section in OFFICE_TABLES:
                continue
            if section not in SECTIONS:
                raise self.fail(section, None, (f"mục không có [{section}]", f"unknown section [{section}]"))
            if not isinstance(table, dict):
                raise self.fail(section, None, (f"[{section}] phải là một bảng", f"[{section}] must be a table"))
            for key, value in table.items():
                setting = BY_NAME.get(f"{section}.{key}")
                if setting is None:
                    raise self.fail(section, key, (f"không có thiết lập {section}.{key}",
                                                  f"unknown setting {section}.{key}"))
                try:
                    values[setting.name] = setting.check(value)
                except Invalid as exc:
                    raise self.fail(section, key, exc) from exc
        self.printer_needs(values)
        return values

    def printer_needs(self, values: dict[str, Any]) -> None:
        """A printer type without its address fails here, before any ticket is committed."""
        kind = values.get("printer.type", "none")
        needed = {"usb": ("usb_vendor_id", "usb_product_id"), "network": ("host",), "file": ("file_path",)}
        for key in needed.get(kind, ()):
            if not str(values.get(f"printer.{key}", "")).strip():
                raise self.fail("printer", "type", (f"printer.type = {kind} cần printer.{key}, nhưng đang trống",
                                                          f"printer.type = {kind} needs printer.{key}, which is empty"))

    def coerce(self, table: str, key: str, value: Any, kind: type, choices: tuple[str, ...] = (),
               index: int | None = None) -> Any:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(table, key, (f"{table}.{key} phải là {kind.__name__}, không phải {value!r}",
                                          f"{table}.{key} must be {kind.__name__}, not {value!r}"), index)
        if choices and str(value) not in choices:
            raise self.fail(table, key, (f"{table}.{key} phải là một trong {', '.join(choices)}, không phải {value!r}",
                                          f"{table}.{key} must be one of {', '.join(choices)}, not {value!r}"), index)
        return value

    def array(self, data: dict[str, Any], table: str) -> list[dict[str, Any]]:
        items = data.get(table, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise self.fail(table, None, (f"{table} phải viết thành các bảng [[{table}]]",
                                          f"{table} must be written as [[{table}]] tables"))
        return items

    def take(self, table: str, index: int, raw: dict[str, Any], key: str, kind: type,
             default: Any = ..., choices: tuple[str, ...] = ()) -> Any:
        if key not in raw:
            if default is ...:
                raise self.fail(table, None, (f"[[{table}]] thứ {index + 1} thiếu {key}",
                                              f"[[{table}]] number {index + 1} is missing {key}"), index)
            return default
        return self.coerce(table, key, raw[key], kind, choices, index)

    def no_extra(self, table: str, index: int, raw: dict[str, Any], allowed: set[str]) -> None:
        for key in raw:
            if key not in allowed:
                raise self.fail(table, key, (f"không có khóa {key} trong [[{table}]]",
                                              f"unknown key {key} in [[{table}]]"), index)

    def service(self, i: int, raw: dict[str, Any]) -> Service:
        t = "services"
        self.no_extra(t, i, raw, {"code", "prefix", "name_vi", "name_en", "number_min", "number_max",
                                  "hours", "weekdays", "daily_cap", "target_minutes", "active",
                                  "typical_minutes"})
        prefix = self.take(t, i, raw, "prefix", str)
        if not re.fullmatch(r"[A-Z]{1,2}", prefix):
            raise self.fail(t, "prefix", (f"prefix phải là một hoặc hai chữ in hoa, không phải {prefix!r}",
                                             f"prefix must be one or two capital letters, not {prefix!r}"), i)
        number_min = self.take(t, i, raw, "number_min", int, 1)
        number_max = self.take(t, i, raw, "number_max", int, 999)
        if not 0 <= number_min < number_max <= 9999:
            raise self.fail(t, "number_max", ("dải số phải thỏa 0 <= number_min < number_max <= 9999",
                                                 "number range must satisfy 0 <= number_min < number_max <= 9999"), i)
        cap = self.take(t, i, raw, "daily_cap", int, 0)
        target = self.take(t, i, raw, "target_minutes", int, 30)
        if target <= 0 or cap < 0:
            raise self.fail(t, "target_minutes", ("target_minutes phải dương và daily_cap không âm",
                                                     "target_minutes must be positive and daily_cap not negative"), i)
        return Service(
            code=self.take(t, i, raw, "code", str),
            prefix=prefix,
            name_vi=self.take(t, i, raw, "name_vi", str),
            name_en=self.take(t, i, raw, "name_en", str),
            number_min=number_min,
            number_max=number_max,
            hours=self.hours(i, raw),
            daily_cap=cap or None,
            target_minutes=target,
            active=self.take(t, i, raw, "active", bool, True),
            typical_minutes=self.typical(i, raw),
        )

    def typical(self, i: int, raw: dict[str, Any]) -> float | None:
        """``typical_minutes``: how long the office expects one service to take, before any is done."""
        if "typical_minutes" not in raw:
            return None
        value = raw["typical_minutes"]
        low, high = TYPICAL_MINUTES
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise self.fail("services", "typical_minutes", (
                f"typical_minutes là số phút từ {low:g} đến {high:g}, không phải {value!r}",
                f"typical_minutes is a number of minutes from {low:g} to {high:g}, not {value!r}"), i)
        return float(value)

    def hours(self, i: int, raw: dict[str, Any]) -> OpeningHours:
        spans = self.take("services", i, raw, "hours", list, ["00:00-24:00"])
        weekdays = self.take("services", i, raw, "weekdays", list, [1, 2, 3, 4, 5, 6, 7])
        intervals = []
        for span in spans:
            if not _HOURS.match(str(span)):
                raise self.fail("services", "hours", (f"hours phải có dạng \"07:30-11:30\", không phải {span!r}",
                                                            f"hours must look like \"07:30-11:30\", not {span!r}"), i)
            try:
                start, end = parse_span(str(span))
            except ValueError as exc:
                raise self.fail("services", "hours", (f"không phải giờ trong ngày: {span!r}",
                                                     f"not a time of day: {span!r}"), i) from exc
            if end <= start:
                raise self.fail("services", "hours", (f"khoảng {span!r} kết thúc trước khi bắt đầu",
                                                            f"interval {span!r} ends before it starts"), i)
            intervals.append((start, end))
        if not all(isinstance(d, int) and 1 <= d <= 7 for d in weekdays):
            raise self.fail("services", "weekdays", ("weekdays là các số từ 1 (thứ Hai) đến 7 (Chủ nhật)",
                                                         "weekdays are numbers 1 (Monday) to 7 (Sunday)"), i)
        return OpeningHours(tuple(intervals), tuple(sorted(set(weekdays))))

    def counter(self, i: int, raw: dict[str, Any]) -> Counter:
        t = "counters"
        self.no_extra(t, i, raw, {"number", "name", "services", "ordering", "active", "breaks"})
        number = self.take(t, i, raw, "number", int)
        services = self.take(t, i, raw, "services", list)
        if not services or not all(isinstance(s, str) for s in services):
            raise self.fail(t, "services", ("services phải là danh sách mã dịch vụ, không rỗng",
                                                  "services must be a non-empty list of service codes"), i)
        ordering = self.take(t, i, raw, "ordering", str, "oldest_first", tuple(o.value for o in Ordering))
        return Counter(
            number=number,
            name=self.take(t, i, raw, "name", str, f"Quầy {number}"),
            services=tuple(services),
            ordering=Ordering(ordering),
            active=self.take(t, i, raw, "active", bool, True),
            breaks=self.breaks(i, raw),
        )

    def breaks(self, i: int, raw: dict[str, Any]) -> tuple[tuple[time, time], ...]:
        """A counter's daily breaks, ``["10:00-10:15", …]`` in office time: well formed, sensible, apart.

        That they fall inside the opening hours of the counter's services is checked in cross_check.
        """
        t = "counters"
        spans = []
        for span in self.take(t, i, raw, "breaks", list, []):
            try:
                start, end = parse_span(str(span)) if isinstance(span, str) and _HOURS.match(span) else (None, None)
            except ValueError:
                start = end = None
            if start is None or end is None or end <= start:
                raise self.fail(t, "breaks", (f"breaks phải có dạng \"10:00-10:15\", không phải {span!r}",
                                              f"breaks must look like \"10:00-10:15\", not {span!r}"), i)
            minutes = (_minute(end) - _minute(start))
            if not BREAK_MINUTES[0] <= minutes <= BREAK_MINUTES[1]:
                low, high = BREAK_MINUTES
                raise self.fail(t, "breaks", (f"giờ nghỉ {span!r} dài {minutes} phút; phải từ {low} đến {high} phút",
                                              f"break {span!r} lasts {minutes} min; it must be {low} to {high} min"),
                                i)
            spans.append((start, end))
        spans.sort()
        for (_, end), (start, _) in pairwise(spans):
            if start < end:
                raise self.fail(t, "breaks", ("các giờ nghỉ chồng lên nhau", "the breaks overlap"), i)
        return tuple(spans)

    def clerk(self, i: int, raw: dict[str, Any]) -> ClerkSpec:
        t = "clerks"
        if "password" in raw:
            raise self.fail(t, "password", ("không ghi mật khẩu rõ trong tệp cấu hình: "
                            "dùng `motcua clerk add USER` (hoặc password_hash)",
                            "clear passwords do not belong in the config: "
                            "use `motcua clerk add USER` (or password_hash)"), i)
        self.no_extra(t, i, raw, {"username", "full_name", "role", "password_hash"})
        return ClerkSpec(
            username=self.take(t, i, raw, "username", str),
            full_name=self.take(t, i, raw, "full_name", str),
            role=Role(self.take(t, i, raw, "role", str, "clerk", tuple(r.value for r in Role))),
            password_hash=self.take(t, i, raw, "password_hash", str, None),
        )

    def categories(self, raw: Any) -> dict[str, tuple[str, str]]:
        if raw is None:
            return dict(DEFAULT_PRIORITY_CATEGORIES)
        if not isinstance(raw, dict):
            raise self.fail("priority_categories", None, ("[priority_categories] phải là một bảng",
                                                                  "[priority_categories] must be a table"))
        result = {}
        for key, names in raw.items():
            if not (isinstance(names, dict) and isinstance(names.get("vi"), str)):
                raise self.fail("priority_categories", key, (f"{key} phải có dạng {{ vi = \"…\", en = \"…\" }}",
                                                                  f"{key} must be {{ vi = \"…\", en = \"…\" }}"))
            result[key] = (names["vi"], str(names.get("en", names["vi"])))
        return result

    def appointments(self, raw: Any) -> AppointmentPlan:
        """[appointments] and its [appointments.services.CODE] tables; every mistake names its line."""
        if raw is None:
            return AppointmentPlan()
        t = "appointments"
        if not isinstance(raw, dict):
            raise self.fail(t, None, ("[appointments] phải là một bảng", "[appointments] must be a table"))
        allowed = {"early_minutes", "late_minutes", "order", "max_active_per_contact", "closed_dates", "services"}
        for key in raw:
            if key not in allowed:
                raise self.fail(t, key, (f"không có khóa {key} trong [appointments]",
                                         f"unknown key {key} in [appointments]"))

        def number(table: str, data: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
            value = self.coerce(table, key, data.get(key, default), int)
            if not low <= value <= high:
                raise self.fail(table, key, (f"{table}.{key} phải từ {low} đến {high}, không phải {value}",
                                             f"{table}.{key} must be {low} to {high}, not {value}"))
            return int(value)

        closed = []
        for text in self.coerce(t, "closed_dates", raw.get("closed_dates", []), list):
            try:
                closed.append(date.fromisoformat(str(text)))
            except ValueError as exc:
                raise self.fail(t, "closed_dates", (f"closed_dates là các ngày dạng \"2027-01-01\", không phải "
                                                    f"{text!r}", f"closed_dates are days like \"2027-01-01\", "
                                                    f"not {text!r}")) from exc
        services = {}
        for code, table in self.coerce(t, "services", raw.get("services", {}), dict).items():
            services[code] = self.service_plan(code, table)
        return AppointmentPlan(
            early_minutes=number(t, raw, "early_minutes", 15, 0, 240),
            late_minutes=number(t, raw, "late_minutes", 10, 0, 240),
            order=BookingOrder(self.coerce(t, "order", raw.get("order", "after_priority"), str,
                                           tuple(o.value for o in BookingOrder))),
            max_active_per_contact=number(t, raw, "max_active_per_contact", 2, 1, 100),
            closed_dates=tuple(sorted(set(closed))),
            services=services,
        )

    def service_plan(self, code: str, raw: Any) -> ServicePlan:
        t = f"appointments.services.{code}"
        if not isinstance(raw, dict):
            raise self.fail(t, None, (f"[{t}] phải là một bảng", f"[{t}] must be a table"))
        allowed = {"slot_minutes", "capacity", "days", "hours", "ahead_days", "reserved_share", "remote_number"}
        for key in raw:
            if key not in allowed:
                raise self.fail(t, key, (f"không có khóa {key} trong [{t}]", f"unknown key {key} in [{t}]"))
        values: dict[str, int] = {}
        for key, default, low, high in (("slot_minutes", 15, 5, 240), ("capacity", 2, 1, 1000),
                                        ("ahead_days", 14, 0, 366)):
            value = self.coerce(t, key, raw.get(key, default), int)
            if not low <= value <= high:
                raise self.fail(t, key, (f"{key} phải từ {low} đến {high}, không phải {value}",
                                         f"{key} must be {low} to {high}, not {value}"))
            values[key] = value
        days = self.coerce(t, "days", raw.get("days", list(WEEKDAYS[:5])), list)
        if not days or not all(isinstance(d, str) and d.lower() in WEEKDAYS for d in days):
            raise self.fail(t, "days", (f"days là các ngày trong {', '.join(WEEKDAYS)}, không phải {days!r}",
                                        f"days are among {', '.join(WEEKDAYS)}, not {days!r}"))
        spans = []
        for span in self.coerce(t, "hours", raw.get("hours", ["07:30-11:00", "13:30-16:30"]), list):
            try:
                start, end = parse_span(str(span)) if _HOURS.match(str(span)) else (None, None)
            except ValueError:
                start = end = None
            if start is None or end is None or end <= start:
                raise self.fail(t, "hours", (f"hours phải có dạng \"07:30-11:00\", không phải {span!r}",
                                             f"hours must look like \"07:30-11:00\", not {span!r}"))
            spans.append((start, end))
        share = raw.get("reserved_share")
        if share is not None and (isinstance(share, bool) or not isinstance(share, int | float)
                                  or not 0 <= share <= 1):
            raise self.fail(t, "reserved_share", (f"reserved_share là một tỉ lệ từ 0 đến 1, không phải {share!r}",
                                                  f"reserved_share is a share from 0 to 1, not {share!r}"))
        return ServicePlan(
            service=code, slot_minutes=values["slot_minutes"], capacity=values["capacity"],
            weekdays=tuple(sorted({WEEKDAYS.index(d.lower()) + 1 for d in days})), hours=tuple(spans),
            ahead_days=values["ahead_days"], reserved_share=None if share is None else float(share),
            remote_number=self.coerce(t, "remote_number", raw.get("remote_number", True), bool),
        )

    def cross_check(self, office: OfficeSpec) -> None:
        codes = [s.code for s in office.services]
        for code in office.appointments.services:
            if code not in codes:
                raise self.fail(f"appointments.services.{code}", None, (
                    f"[appointments.services.{code}]: không có dịch vụ {code!r}",
                    f"[appointments.services.{code}]: no service {code!r}"))
        for kind, keys in (("services", codes), ("counters", [c.number for c in office.counters]),
                           ("clerks", [c.username for c in office.clerks])):
            seen: set[object] = set()
            for index, key in enumerate(keys):
                if key in seen:
                    raise self.fail(kind, None, (f"{kind} có {key!r} hai lần", f"{kind} lists {key!r} twice"), index)
                seen.add(key)
        for index, counter in enumerate(office.counters):
            for code in counter.services:
                if code not in codes:
                    raise self.fail("counters", "services", (f"quầy {counter.number} phục vụ dịch vụ không có {code!r}",
                                    f"counter {counter.number} serves unknown service {code!r}"), index)
            hours = [span for s in office.services if s.code in counter.services for span in s.hours.intervals]
            for start, end in counter.breaks:
                if not any(a <= start and end <= b for a, b in hours):
                    span = span_text((start, end))
                    raise self.fail("counters", "breaks", (
                        f"giờ nghỉ {span} của quầy {counter.number} nằm ngoài giờ làm việc của các dịch vụ của quầy",
                        f"break {span} of counter {counter.number} is outside its services' opening hours"), index)


def _minute(at: time) -> int:
    return 24 * 60 if at == time.max else at.hour * 60 + at.minute


def _decode_error_line(exc: tomllib.TOMLDecodeError) -> int:
    lineno = getattr(exc, "lineno", None)
    if lineno:
        return int(lineno)
    m = re.search(r"at line (\d+)", str(exc))
    return int(m.group(1)) if m else 1


def _decode_error_text(exc: tomllib.TOMLDecodeError) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", getattr(exc, "msg", None) or str(exc))
