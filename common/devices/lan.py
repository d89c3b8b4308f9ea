"""This PC's address on the office LAN, for a status page URL that phones in the hall can open."""

from __future__ import annotations

import socket


def lan_address() -> str | None:
    """The IPv4 address of the interface that routes outwards, or None if there is only loopback.

    A UDP ``connect`` sends no packet: it only asks the kernel which interface it would use.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def status_url(host: str, port: int) -> str | None:
    """``http://ADDRESS:PORT`` for a status page listening on ``host`` (its LAN address when it listens on all)."""
    address = lan_address() if host in ("", "0.0.0.0", "::") else host
    if not address or address.startswith("127."):
        return None
    return f"http://{address}:{port}"
