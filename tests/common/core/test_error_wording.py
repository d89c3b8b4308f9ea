"""common.core.errors: one line in the office's language, the place said once."""

from __future__ import annotations

from common.core.errors import ConfigError, DomainError, MotcuaError, pair, render, said


def test_vietnamese_alone_unless_the_office_is_english() -> None:
    error = said(ConfigError, "office.toml:4: printer.port phải trong khoảng 1–65535",
                 "office.toml:4: printer.port must be from 1 to 65535")
    assert str(error) == "office.toml:4: printer.port must be from 1 to 65535"  # logs and code read English
    assert render(error) == "office.toml:4: printer.port phải trong khoảng 1–65535"
    assert render(error, "en") == ("office.toml:4: printer.port phải trong khoảng 1–65535 / "
                                   "printer.port must be from 1 to 65535")


def test_domain_errors_and_one_language_errors() -> None:
    assert render(DomainError("Không có quầy số 9", "No counter 9"), "en") == "Không có quầy số 9 / No counter 9"
    assert render(MotcuaError("only\nEnglish  here"), "en") == "only English here"
    assert pair("giống", "giống", "en") == "giống"
    assert pair("khác: a", "other: a", "en") == "khác: a / other: a"
