"""The ``motcua`` command line.

Each command module registers its subcommands with ``register(subparsers)``; the
GUI apps (kiosk, counter, display, ...) are started by name so that common/ never
imports Qt. Every error a person can cause ends as one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from common.cli import commands as cli_commands
from common.cli.args import OneLineParser, set_language
from common.core.errors import MotcuaError, bilingual, pair, render, said

# `motcua NAME ...` hands the rest of the command line to NAME's app (module, function).
APPS: dict[str, tuple[str, str]] = {
    "kiosk": ("kiosk.main", "The touchscreen ticket kiosk"),
    "counter": ("counter.main", "The clerk's counter desktop"),
    "display": ("display.main", "The hall display, announcements and ticket status page"),
    "dashboard": ("dashboard.main", "The supervisor's dashboard"),
    "rating": ("rating.main", "The citizen's satisfaction panel at a counter"),
}
# Command modules in common/ that add subcommands; each has register(subparsers).
COMMAND_MODULES = (
    "common.cli.commands",
    "common.cli.demo_command",
    "common.cli.reports",
    "common.cli.staffing_command",
    "common.cli.print_test",
    "common.cli.announce_test",
    "common.cli.doctor",
    "common.cli.province",
    "common.cli.booking_command",
)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="motcua", description="Queue system for a one-stop public-service centre.")
    cli_commands.add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                help="what to do; `motcua COMMAND --help` lists its options")
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # not built yet
        module.register(sub)
    for name, (module_name, help_text) in APPS.items():
        app = sub.add_parser(name, help=help_text, add_help=False)
        app.add_argument("app_args", nargs=argparse.REMAINDER)
        app.set_defaults(func=_run_app, app_module=module_name)
    return parser


def _run_app(args: argparse.Namespace) -> int:
    if "--screenshot" not in args.app_args and not {"-h", "--help"} & set(args.app_args):
        # The apps, like every command but `db upgrade`, never create a misspelled SQLite file.
        from common.config import config_path, load_config
        from common.store.db import check_sqlite_exists, resolve_url

        check_sqlite_exists(resolve_url(args.db, load_config(config_path(args.config)).settings.database.url or None))
    try:
        module = importlib.import_module(args.app_module)
    except ModuleNotFoundError as exc:
        if exc.name and args.app_module.startswith(exc.name):
            raise said(MotcuaError, f"bản cài này không có `motcua {args.command}`",
                       f"`motcua {args.command}` is not available in this build") from exc
        raise
    return int(module.run(args.app_args, config=args.config, db=args.db) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    lang = _language(argv)
    set_language(lang)  # argparse's lines, like ours, follow office.language
    parser = build_parser()
    try:
        # An app's own options (`motcua kiosk --screenshot F`) are the app's to parse.
        args, extra = parser.parse_known_args(argv)
        if extra and getattr(args, "app_module", None):
            args.app_args = [*extra, *args.app_args]
        elif extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows up here, inside the guard, not at exit
        return code
    except SystemExit as exc:  # argparse: one line already written (or --help)
        return exc.code if isinstance(exc.code, int) else 2
    except MotcuaError as exc:
        return fail(message(exc, lang), 2)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `motcua config | head`: the reader left. Point stdout at /dev/null so that the
        # interpreter's own flush at exit cannot raise again.
        _silence_stdout()
        return fail(message(bilingual(MotcuaError(), "đầu ra đã bị đóng", "output closed (broken pipe)"),
                            lang), 1)
    except OSError as exc:  # an output file in a missing folder, a full disk...
        where, why = f" {exc.filename}" if exc.filename else "", exc.strerror or str(exc)
        return fail(message(bilingual(MotcuaError(), f"không đọc/ghi được{where}: {why}",
                                      f"cannot read or write{where}: {why}"), lang), 2)
    except Exception as exc:
        if os.environ.get("MOTCUA_DEBUG"):  # for developers: the whole traceback
            raise
        what = f"{type(exc).__name__}: {_first_line(exc)}"
        return fail(f"{pair('lỗi ngoài dự kiến', 'unexpected error', lang)} {what}", 1)


def message(exc: MotcuaError, lang: str) -> str:
    """Vietnamese first; an office whose language is en gets the English beside it."""
    return render(exc, lang)


def one_line(text: str) -> str:
    """Control characters and line separators (a carriage return in an argument) shown escaped, on one line."""
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
                   for ch in " ".join(text.split()))


def fail(line: str, code: int) -> int:
    line = one_line(line)
    with contextlib.suppress(OSError, ValueError):  # stderr itself is gone: the exit code still tells
        print(f"motcua: {line}", file=sys.stderr)
    return code


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _language(argv: Sequence[str] | None) -> str:
    """office.language from the config the command used; Vietnamese when it cannot be read."""
    try:
        from common.config import config_path, load_config

        args = list(sys.argv[1:] if argv is None else argv)
        path = args[args.index("--config") + 1] if "--config" in args[:-1] else None
        chosen = config_path(path)
    except Exception:
        return "vi"
    try:
        return str(load_config(chosen).settings.office.language or "vi")
    except Exception:
        # A config that fails to load still says its language: its own error follows it.
        return "en" if chosen is not None and _says_english(chosen) else "vi"


def _says_english(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    office = re.search(r"^\s*\[office\]\s*$(?P<body>.*?)(?=^\s*\[|\Z)", text, re.M | re.S)
    return bool(office and re.search(r"^\s*language\s*=\s*[\"']en[\"']", office["body"], re.M))


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
