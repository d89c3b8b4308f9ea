"""One HTTP answer of the status site, as plain Python (display.status_server writes it out)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = HTML
    headers: Mapping[str, str] = field(default_factory=dict)
