"""The hall's devices: ticket printers (python-escpos), speech and sound.

Importing this package first keeps python-escpos' printer database parsed once per user instead of
once per process (``share_escpos_capabilities``): every motcua command, app and test process that
prints or lays out a slip imports escpos, and its start-up would otherwise cost two seconds of CPU.
"""

from __future__ import annotations

import importlib.util
import os
import pickle
import platform
import shutil
import tempfile
from pathlib import Path

import platformdirs

ESCPOS_PICKLE_DIR = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def escpos_pickle_name() -> str:
    return f"{platform.python_version()}.capabilities.pickle"


def share_escpos_capabilities() -> Path | None:
    """Point python-escpos at one cached copy of its parsed ``capabilities.json``; returns its folder.

    escpos parses the 1 MB JSON with PyYAML at import (about 2 s of CPU) unless
    ESCPOS_CAPABILITIES_PICKLE_DIR holds the pickle it wrote last time, and by default that folder
    is a new temporary one in every process. Here it is ``<user cache>/motcua/escpos``. The pickle
    is built in a private folder and moved in with one rename, so that a process starting at the
    same moment reads a whole pickle or none (escpos itself writes it in place). A folder set by
    the caller is left alone; where the cache cannot be written escpos keeps its default.
    """
    if os.environ.get(ESCPOS_PICKLE_DIR):
        return Path(os.environ[ESCPOS_PICKLE_DIR])
    spec = importlib.util.find_spec("escpos")
    if spec is None or not spec.submodule_search_locations:
        return None
    source = Path(next(iter(spec.submodule_search_locations))) / "capabilities.json"
    try:
        shared = Path(platformdirs.user_cache_dir("motcua", appauthor=False)) / "escpos"
        shared.mkdir(parents=True, exist_ok=True)
        cached = shared / escpos_pickle_name()
        if not cached.exists() or cached.stat().st_mtime < source.stat().st_mtime:
            private = Path(tempfile.mkdtemp(dir=shared))
            try:
                os.environ[ESCPOS_PICKLE_DIR] = str(private)
                import escpos.capabilities  # parses the JSON and writes the pickle into ``private``

                built = private / escpos_pickle_name()
                if not built.exists():  # escpos was imported before this package: write what it parsed
                    with built.open("wb") as out:
                        pickle.dump(escpos.capabilities.CAPABILITIES, out, protocol=2)
                os.replace(built, cached)
            finally:
                shutil.rmtree(private, ignore_errors=True)
    except OSError:
        os.environ.pop(ESCPOS_PICKLE_DIR, None)
        return None
    os.environ[ESCPOS_PICKLE_DIR] = str(shared)  # this process's children read it too
    return shared


share_escpos_capabilities()
