"""The window registry reads the installed package's entry points (pip install -e . after changing them)."""

from __future__ import annotations

from ui.registry import window_names, window_opener


def test_the_dashboard_is_registered_by_name() -> None:
    from dashboard.window import open_dashboard

    assert "dashboard" in window_names()
    assert window_opener("dashboard") is open_dashboard


def test_an_unknown_window_is_none_not_an_error() -> None:
    assert window_opener("no-such-window") is None
