"""A copy of every announcement WAV (``motcua display --announce-dir DIR``): what exactly the hall heard.

An installer listens to them when a voice or a number sounds wrong, and the end-to-end
test checks them on a PC with no sound card. Copies are written on the speech thread,
whole (a reader never sees half a file), and only the newest ``MAX_KEPT`` stay.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from common.cli.args import said as say
from common.views.board import CallView

log = logging.getLogger(__name__)
MAX_KEPT = 500  # a busy centre's day of calls at about 0.4 MB each


def kept_name(call: CallView) -> str:
    """``20261125-083012-57-A023-quay3.wav``: local time of the call, its event id, ticket and counter."""
    return f"{call.at.astimezone():%Y%m%d-%H%M%S}-{call.event_id}-{call.ticket}-quay{call.counter}.wav"


def keep(wav: Path, folder: Path, call: CallView) -> Path | None:
    """Copy ``wav`` into ``folder``; a full disk costs the copy, never the announcement."""
    target = folder / kept_name(call)
    part = target.with_suffix(".part")
    try:
        shutil.copyfile(wav, part)
        os.replace(part, target)
        prune(folder)
    except OSError as exc:
        why = exc.strerror or exc
        log.warning("%s", say(f"không lưu được lời gọi {call.ticket} vào {folder}: {why}",
                              f"could not keep the announcement of {call.ticket} in {folder}: {why}"))
        part.unlink(missing_ok=True)
        return None
    return target


def prune(folder: Path, kept: int = MAX_KEPT) -> None:
    for old in sorted(folder.glob("*.wav"), key=lambda p: p.stat().st_mtime)[:-kept]:
        old.unlink(missing_ok=True)
