"""The ``motcua`` command line.

Each command module registers its subcommands with ``register(subparsers)``; the
GUI apps (kiosk, counter, display, ...) are started by name so that common/ never
imports Qt. Every error a person can cause ends as one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from common.cli import commands as cli_commands
from common.core.errors import MotcuaError

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
    "common.cli.print_test",
    "common.cli.announce_test",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="motcua", description="Queue system for a one-stop public-service centre.")
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
    try:
        module = importlib.import_module(args.app_module)
    except ModuleNotFoundError as exc:
        if exc.name and args.app_module.startswith(exc.name):
            raise MotcuaError(f"`motcua {args.command}` is not available in this build") from exc
        raise
    return int(module.run(args.app_args, config=args.config, db=args.db) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    # An app's own options (`motcua kiosk --screenshot F`) are the app's to parse.
    args, extra = parser.parse_known_args(argv)
    if extra and getattr(args, "app_module", None):
        args.app_args = [*extra, *args.app_args]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return int(args.func(args) or 0)
    except MotcuaError as exc:
        print(f"motcua: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
