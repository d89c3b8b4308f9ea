"""Errors that reach people: each carries a message a clerk or installer understands."""

from __future__ import annotations

import math
from typing import TypeVar


class MotcuaError(Exception):
    """Base class: ``str(error)`` is the one line shown to the user."""


def bilingual(error: MotcuaError, vi: str, en: str) -> MotcuaError:
    """``error`` carrying both languages: the CLI shows ``vi``, and ``vi / en`` when office.language is en."""
    error.vi, error.en = vi, en  # type: ignore[attr-defined]
    return error


E = TypeVar("E", bound="MotcuaError")


def said(cls: type[E], vi: str, en: str) -> E:
    """A ``cls`` error in both languages. ``str()`` stays English (logs, tests); people see :func:`render`."""
    error = cls(en)
    error.vi, error.en = vi, en  # type: ignore[attr-defined]
    return error


def render(error: BaseException, lang: str = "vi") -> str:
    """The one line a person reads: Vietnamese, with the English beside it when office.language is en.

    An error that carries only one language is shown as it is (its first line).
    """
    vi, en = getattr(error, "vi", None), getattr(error, "en", None)
    if vi and en:
        return pair(vi, en, lang)
    return " ".join(str(error).split()) or type(error).__name__


def pair(vi: str, en: str, lang: str = "vi") -> str:
    """Two plain strings rendered as :func:`render` renders an error.

    A place both halves start with ("office.toml:4: ", "--counter 9: ") is said once.
    """
    if lang != "en" or en == vi:
        return vi
    same = next((i for i, (a, b) in enumerate(zip(vi, en, strict=False)) if a != b), min(len(vi), len(en)))
    shared = vi[:same]  # character by character, on purpose: a place, not a path
    cut = shared.rfind(": ") + 2 if ": " in shared else 0
    return f"{vi[:cut]}{vi[cut:]} / {en[cut:]}"


class Invalid(ValueError):
    """A bad value, said in both languages; ``str()`` is English (what code and tests match on).

    Raised by checks that are not errors in themselves (a setting's type or range): the
    config loader turns it into a ConfigError with the file and line.
    """

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi, self.en = vi, en


class DomainError(MotcuaError):
    """An invalid move in the queue, e.g. calling a ticket that is already being served.

    Clerks read Vietnamese first, so ``str()`` is the Vietnamese message; ``en`` is
    kept for the English interface and the logs.
    """

    def __init__(self, vi: str, en: str | None = None) -> None:
        super().__init__(vi)
        self.vi = vi
        self.en = en or vi

    def message(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


class NotFound(DomainError):
    """A service, counter, clerk or ticket that does not exist."""


class ConfigError(MotcuaError):
    """Bad configuration; the message names the file and line or the setting."""


class StoreUnavailable(MotcuaError):
    """The database cannot be reached; the message shows the URL with its password masked."""


class SchemaOutOfDate(MotcuaError):
    """The database schema is older (or newer) than this program; the message names the command."""


class AuthError(DomainError):
    """Wrong username or password, or not allowed for this role."""


class Refused(MotcuaError):
    """The database role may not do this (PostgreSQL least privilege): one line naming the role and the operation."""


class Throttled(AuthError):
    """Too many wrong passwords: the next try is allowed after ``retry_after`` seconds (common.store.signin)."""

    def __init__(self, retry_after: float) -> None:
        seconds = max(1, math.ceil(retry_after))
        super().__init__(f"Sai mật khẩu nhiều lần: thử lại sau {seconds} giây",
                         f"Too many wrong passwords: try again in {seconds} s")
        self.retry_after = retry_after
