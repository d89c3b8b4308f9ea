"""The ``motcua`` command line.

Each command module registers its subcommands with ``register(subparsers)``; the
GUI apps (kiosk, counter, display, ...) are started by name so that common/ never
imports Qt. Every error a person can cause ends as one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from common.cli import commands as cli_commands
from common.cli.args import OneLineParser, set_language
from common.cli.args import said as say  # a message line; errors.said makes an error
from common.core.errors import MotcuaError, bilingual, pair, render, said

# `motcua NAME ...` hands the rest of the command line to NAME's app (module, what it is in vi and en).
APPS: dict[str, tuple[str, str, str]] = {
    "kiosk": ("kiosk.main", "kiosk cấp vé màn hình cảm ứng", "the touchscreen ticket kiosk"),
    "counter": ("counter.main", "màn hình làm việc của cán bộ tại quầy", "the clerk's counter desktop"),
    "display": ("display.main", "màn hình sảnh, lời gọi loa và trang tra cứu vé",
                "the hall display, announcements and ticket status page"),
    "dashboard": ("dashboard.main", "bảng điều khiển của giám sát viên", "the supervisor's dashboard"),
    "rating": ("rating.main", "bảng đánh giá mức độ hài lòng tại quầy",
               "the citizen's satisfaction panel at a counter"),
}
# Qt Multimedia's start-up chatter on a PC without pipewire or VA-API ("Couldn't load pipewire-0.3 library",
# the FFmpeg version banner): noise on stderr for every display command, even --help. Its warnings stay on.
QT_LOGGING_DEFAULT = "qt.multimedia.symbolsresolver=false;qt.multimedia.ffmpeg.info=false"
# Library warnings (python-escpos calls logging.basicConfig() when imported) read like our own one-line messages.
LOG_FORMAT = "motcua: %(message)s"
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
    parser = OneLineParser(prog="motcua", description=say("Hệ thống xếp hàng cho bộ phận một cửa.",
                                                           "Queue system for a one-stop public-service centre."))
    cli_commands.add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                help=say("việc cần làm; `motcua COMMAND --help` liệt kê các tùy chọn",
                                          "what to do; `motcua COMMAND --help` lists its options"))
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # not built yet
        module.register(sub)
    for name, (module_name, help_vi, help_en) in APPS.items():
        app = sub.add_parser(name, help=say(help_vi, help_en), add_help=False)
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
    quiet_libraries()
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


def quiet_libraries() -> None:
    """Before any library is imported: Qt's logging rules unless the user set their own, and a one-line format
    for library warnings (a no-op when logging is already set up, as under pytest)."""
    os.environ.setdefault("QT_LOGGING_RULES", QT_LOGGING_DEFAULT)
    logging.basicConfig(format=LOG_FORMAT)


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
