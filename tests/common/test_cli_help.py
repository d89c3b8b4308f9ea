"""Every option of every subcommand, and of every app, says what it does in `--help`."""

from __future__ import annotations

import argparse
import importlib

import pytest

from common.cli.announce_test import VOICE_PACK_CLIPS
from common.cli.main import APPS, build_parser
from tests.conftest import ROOT


def undocumented(parser: argparse.ArgumentParser) -> list[str]:
    return [a.dest if not a.option_strings else "/".join(a.option_strings) for a in parser._actions
            if not isinstance(a, argparse._HelpAction) and not (a.help or "").strip()]


def subcommands(parser: argparse.ArgumentParser | None = None, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    """Every subcommand by its full name ("db upgrade"), nested ones included, apps left out."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in (parser or build_parser())._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                if not prefix and name in APPS:
                    continue  # apps parse their own options (test_every_app_option_has_help)
                found[prefix + name] = sub
                found |= subcommands(sub, f"{prefix}{name} ")
    return found


def test_the_top_level_and_every_subcommand_option_has_help() -> None:
    assert undocumented(build_parser()) == []
    missing = {name: undocumented(p) for name, p in subcommands().items()}
    assert {name: gaps for name, gaps in missing.items() if gaps} == {}
    assert len(missing) >= 20  # the walk found the subcommands


class Parsed(Exception):
    """Raised in place of parsing, carrying the app's parser out."""


@pytest.mark.parametrize("app", sorted(APPS))
def test_every_app_option_has_help(app: str, monkeypatch: pytest.MonkeyPatch) -> None:
    module = importlib.import_module(APPS[app][0])

    def capture(self: argparse.ArgumentParser, *_a: object, **_k: object) -> None:
        raise Parsed(self)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", capture)
    monkeypatch.setattr(argparse.ArgumentParser, "parse_known_args", capture)
    with pytest.raises(Parsed) as parsed:
        module.run(["--help"], config=None, db=None)
    assert undocumented(parsed.value.args[0]) == []


def test_announce_test_help_and_the_docs_list_the_voice_pack_clips() -> None:
    help_text = subcommands()["announce-test"].format_help()
    docs = (ROOT / "docs" / "multi-pc.md").read_text(encoding="utf-8")
    for clip in ("intro.wav", "0.wav", "9.wav", "A.wav", "to_counter.wav", "counter_N.wav"):
        assert clip in VOICE_PACK_CLIPS and clip in help_text and clip in docs
