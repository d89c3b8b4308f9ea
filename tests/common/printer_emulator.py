"""ESC/POS printer emulators for the tests: one on TCP 127.0.0.1, one behind a pseudo-terminal pair.

Each reads the job as a printer does, answers the real-time status query
``DLE EOT n`` when it reaches it in the stream (and the paper sensor query
``GS r 1``, which a real printer answers only once the job before it is done), and can be told to run out of
paper, open its cover, stall (stop reading), read part of a job and close, go
silent (read everything, answer nothing), or reset. Raster (``GS v 0``) and QR
(``GS ( k``) data are skipped by their declared length, as a printer's parser
does, so image bytes that happen to look like ``DLE EOT`` are not taken for one.
"""

from __future__ import annotations

import os
import socket
import threading
import tty
from collections.abc import Callable
from dataclasses import replace

from common.devices.printer_status import PrinterState, encode_paper_sensor

GS_R = 0x100  # a GS r n query is reported as GS_R + n, a DLE EOT n as n


def _needed(head: bytes) -> int:
    """How many bytes must have arrived to tell what the command at ``head`` is (1 for plain data)."""
    if head[:1] == b"\x10":
        return 3
    if head[:1] != b"\x1d":
        return 1
    if len(head) < 2:
        return 2
    return {b"v": 8, b"(": 5, b"r": 3}.get(head[1:2], 1)


class EscPosParser:
    """Finds status queries in a byte stream, whatever the chunking."""

    def __init__(self) -> None:
        self.pending = b""
        self.skip = 0

    def feed(self, data: bytes) -> list[int]:
        """The ``n`` of every complete ``DLE EOT n`` in the stream so far, in order."""
        buf, queries, i = self.pending + data, [], 0
        while i < len(buf):
            if self.skip:
                step = min(self.skip, len(buf) - i)
                self.skip -= step
                i += step
                continue
            head = buf[i:i + 8]
            if len(head) < _needed(head):
                break  # a command cut by the chunk: wait for the rest
            if head[:2] == b"\x10\x04":
                queries.append(head[2])
                i += 3
            elif head[:2] == b"\x1dr":  # GS r n: answered in turn, after everything before it
                queries.append(GS_R + head[2])
                i += 3
            elif head[:3] == b"\x1dv0":
                self.skip = (head[4] + 256 * head[5]) * (head[6] + 256 * head[7])
                i += 8
            elif head[:3] == b"\x1d(k":
                self.skip = head[3] + 256 * head[4]
                i += 5
            else:
                i += 1
        self.pending = buf[i:]
        return queries


class PrinterBehaviour:
    """What the emulated printer does; a test changes it between (or during) jobs."""

    def __init__(self) -> None:
        self.state = PrinterState()
        self.stalled = False  # stop reading: the sender's buffers fill
        self.silent = False  # read everything, answer nothing
        self.read_limit: int | None = None  # read this many bytes of a connection, then close it
        self.never_done = False  # answer DLE EOT, never GS r (the job never finishes, or no GS r support)
        self.runs_out_during_job = False  # the roll ends while the job prints: seen only once it is processed
        self.received = bytearray()
        self.unstall = threading.Event()

    def paper_out(self) -> None:
        self.state = replace(self.state, paper_out=True)

    def paper_near_end(self) -> None:
        self.state = replace(self.state, paper_near_end=True)

    def open_cover(self) -> None:
        self.state = replace(self.state, cover_open=True)

    def stall(self) -> None:
        self.unstall.clear()
        self.stalled = True

    def reset(self) -> None:
        self.state, self.stalled, self.silent, self.read_limit = PrinterState(), False, False, None
        self.never_done = self.runs_out_during_job = False
        self.unstall.set()

    def answer(self, n: int) -> bytes:
        if self.silent:
            return b""
        if n >= GS_R:  # the job before it is done: this is when a paper end during the job shows
            if self.never_done:
                return b""
            if self.runs_out_during_job:
                self.paper_out()
            return encode_paper_sensor(self.state.paper_out, self.state.paper_near_end)
        offline, paper = self.state.encode()
        return bytes((offline if n == 2 else paper if n == 4 else 0x12,))


class _Emulator:
    def __init__(self) -> None:
        self.behaviour = PrinterBehaviour()
        self.closed = threading.Event()
        self.arrived = threading.Condition()

    def wait_received(self, count: int, timeout: float = 10.0) -> None:
        """Block until the printer has read ``count`` bytes (the sender may return before it reads them)."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.behaviour.received) >= count, timeout)

    def serve(self, read: Callable[[int], bytes], write: Callable[[bytes], object],
              close: Callable[[], object]) -> None:
        parser, taken = EscPosParser(), 0
        b = self.behaviour
        try:
            while not self.closed.is_set():
                if b.stalled:
                    b.unstall.wait(0.05)
                    continue
                chunk = read(4096 if b.read_limit is None else max(1, min(4096, b.read_limit - taken)))
                if not chunk:
                    return
                taken += len(chunk)
                with self.arrived:
                    b.received += chunk
                    self.arrived.notify_all()
                for n in parser.feed(chunk):
                    reply = b.answer(n)
                    if reply:
                        write(reply)
                if b.read_limit is not None and taken >= b.read_limit:
                    return
        except OSError:
            return
        finally:
            close()


class TcpPrinter(_Emulator):
    """A network printer on 127.0.0.1 (port 9100's protocol: raw bytes both ways)."""

    def __init__(self) -> None:
        super().__init__()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.server.settimeout(0.1)
        threading.Thread(target=self._accept, name="tcp-printer", daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            threading.Thread(target=self.serve, args=(conn.recv, conn.sendall, conn.close), daemon=True).start()

    def close(self) -> None:
        self.closed.set()
        self.behaviour.unstall.set()
        self.server.close()


class SerialPrinter(_Emulator):
    """A serial printer behind a pseudo-terminal pair: the kiosk opens ``device``, the emulator holds the master."""

    def __init__(self) -> None:
        super().__init__()
        self.master, self.slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)
        self.device = os.ttyname(self.slave)
        self._master_open = True
        threading.Thread(target=self.serve, args=(self._read, self._write, self._close_master),
                         name="serial-printer", daemon=True).start()

    def _read(self, count: int) -> bytes:
        return os.read(self.master, count)

    def _write(self, data: bytes) -> None:
        os.write(self.master, data)

    def _close_master(self) -> None:
        if self._master_open:
            self._master_open = False
            os.close(self.master)

    def close(self) -> None:
        self.closed.set()
        self.behaviour.unstall.set()
        self._close_master()
        os.close(self.slave)
