"""Render a window offscreen to a PNG: for the README, installers and tests."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from PySide6.QtGui import QImageWriter
from PySide6.QtWidgets import QApplication, QWidget

from common.config import AppConfig, OfficeSpec, load_config
from common.core.errors import MotcuaError, render, said
from common.store import Store
from common.store.bootstrap import store_for

EXAMPLE_OFFICE = Path(__file__).resolve().parent.parent / "assets" / "office.example.toml"


def sample_config(path: Path | None) -> AppConfig:
    """The office a ``--screenshot`` draws: the one in ``--config``, else the example office. A PC's own
    file (assets/pc/*.toml) sets no services, as they live in the database: the picture then shows the
    example office's under that PC's settings (name, language, printer), not "Không có dịch vụ 'TP'"."""
    example = load_config(EXAMPLE_OFFICE)
    if path is None:
        return example
    config = load_config(path)
    if config.office.services and drawable(config.office, example.office):
        return config
    if config.office.services:  # a real office's own services: the sample morning cannot be staged with them
        note = said(MotcuaError, f"--screenshot: {path} không có đủ dịch vụ, quầy và cán bộ của văn phòng mẫu; "
                                 "ảnh vẽ các dịch vụ của văn phòng mẫu với cài đặt của tệp này",
                    f"--screenshot: {path} lacks the example office's services, counters and clerks; the picture "
                    "shows the example's services under this file's settings")
        print(render(note, config.settings.office.language), file=sys.stderr)
    return replace(config, office=example.office)


def drawable(office: OfficeSpec, example: OfficeSpec) -> bool:
    """Whether the apps' sample mornings (kiosk/, counter/, display/ sample.py), written for the example office,
    can be staged in ``office``: its service codes, counter numbers and clerks are all there."""
    def has(mine: Iterable[object], theirs: Iterable[object]) -> bool:
        return set(theirs) <= set(mine)

    return (has((s.code for s in office.services), (s.code for s in example.services))
            and has((c.number for c in office.counters), (c.number for c in example.counters))
            and has((k.username for k in office.clerks), (k.username for k in example.clerks)))


def render_offscreen(path: str | Path) -> None:
    """A screenshot never needs a screen: render offscreen unless the caller chose a platform.

    Without this, ``--screenshot`` on a server with no display aborts inside Qt ("could not
    connect to display") before any of our messages can be shown. The picture's kind of file is
    checked here, before an empty ``--db`` receives the sample office.
    """
    check_image_path(Path(path))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def check_image_path(path: Path) -> None:
    kinds = {bytes(f.data()).decode().lower() for f in QImageWriter.supportedImageFormats()}
    if path.suffix.lower().lstrip(".") not in kinds:  # Qt would only say "could not write"
        raise said(MotcuaError, f"--screenshot {path}: không vẽ được ảnh dạng {path.suffix or '(không đuôi)'}; "
                   "dùng .png", f"--screenshot {path}: cannot draw a {path.suffix or '(no suffix)'} image; use .png")


MAX_SIDE = 8192  # an 8K screen is 7680 wide


def parse_size(text: str) -> tuple[int, int]:
    """``1920x1080`` → (1920, 1080); a one-line MotcuaError otherwise (the ``--size`` of every app)."""
    try:
        w, h = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise said(MotcuaError, f"--size phải có dạng 1920x1080, không phải {text!r}",
                   f"--size must look like 1920x1080, not {text!r}") from None
    if w < 200 or h < 200:
        raise said(MotcuaError, f"--size {text} quá nhỏ", f"--size {text} is too small")
    if w > MAX_SIDE or h > MAX_SIDE:  # Qt cannot paint so large an image: it said two lines, then "could not write"
        raise said(MotcuaError, f"--size {text} quá lớn (tối đa {MAX_SIDE} mỗi chiều)",
                   f"--size {text} is too large (at most {MAX_SIDE} a side)")
    return w, h


def save_png(widget: QWidget, path: str | Path, size: tuple[int, int] | None = None) -> Path:
    path = Path(path)
    check_image_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if size:
        widget.resize(*size)
    widget.show()
    QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def office_in(db: str | None, config: AppConfig) -> Store | None:
    """The office in ``--db`` for a ``--screenshot``, or None when there is none to show.

    Every app's ``--screenshot`` honours ``--db`` the same way: a database that holds an office is
    rendered as it is now (nothing is added to it), and an empty one (or none given) gets the
    app's sample office, in that database or in a temporary file.
    """
    if not db:
        return None
    store = store_for(config, db)
    if store.services():
        return store
    store.db.engine.dispose()
    return None
