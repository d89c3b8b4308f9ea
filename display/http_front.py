"""The status page's HTTP server: a small asyncio server on its own thread, built to hold under abuse.

Why not QtHttpServer any more: it gives no hook to bound how long a client may take to send
its headers or body, nor to count or refuse connections before they are read, so 1,061
connections trickling a header byte every 3 s kept the page unreachable (issue 14). Here:

- every connection must send its request line and headers within ``header_seconds`` in total
  (not per byte), and its body within ``body_seconds``, else it is closed;
- at most ``total`` connections are served at once and ``per_address`` from one address; the
  rest are answered at once with a prepared 503 (or 429), never left to hang;
- ``/t/{token}/events`` is a Server-Sent Events stream fed by display.change_hub;
- one request per connection (``Connection: close``): nothing idles between requests.

GETs are answered here from memory (display.status_site never touches the store). The one
POST, a rating, is handed to the GUI thread through ``post`` and awaited for a few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qs, unquote

from common.views.board import public_status
from display import pages
from display.booking_site import BookingSite
from display.change_hub import ChangeHub
from display.reply import HTML, Reply
from display.status_site import StatusSite

log = logging.getLogger(__name__)
EVENTS_SUFFIX = "/events"
PostHandler = Callable[[str, str, bytes, str], "Future[Reply]"]  # (path, client, body, lang) → reply


@dataclass(frozen=True)
class Limits:
    total: int = 4000  # connections served at once; the systemd unit allows 16,384 open files
    per_address: int = 32  # one phone opens 2 or 3; an office NAT shares one address, so not 2
    header_seconds: float = 10.0  # request line and headers, all of them, within this
    body_seconds: float = 10.0
    write_seconds: float = 10.0  # a phone that stops reading is dropped
    max_line: int = 2048  # a longer request line is answered 414
    max_header: int = 8192  # longer headers are answered 431
    max_body: int = 4096  # a rating form is a few hundred bytes
    shed: int = 512  # refused connections still being answered; beyond, they are reset at once
    heartbeat_seconds: float = 15.0  # an SSE comment, so dead phones are found and proxies keep the stream
    stream_seconds: float = 1800.0  # an SSE stream is then closed; the browser reconnects by itself
    post_seconds: float = 5.0  # the GUI thread must take a rating within this, else 503
    booking_workers: int = 4  # threads running the booking pages' store calls (display.booking_site)


# `motcua doctor` (common/cli/doctor.py) knows the display's page server by this header, not by any HTTP answer:
# another program on display.http_port must not pass for it.
SERVER = "motcua"


def raw_reply(code: int, body: bytes, *, content_type: str = HTML, headers: Mapping[str, str] | None = None,
              head: bool = False) -> bytes:
    lines = [f"HTTP/1.1 {code} {HTTPStatus(code).phrase}", f"Content-Type: {content_type}",
             f"Content-Length: {len(body)}", "Cache-Control: no-store", "Connection: close",
             "X-Content-Type-Options: nosniff", f"Server: {SERVER}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace") + (b"" if head else body)


def _message(code: int, title: str, text: str, retry: bool = False) -> bytes:
    return raw_reply(code, pages.message_page(title, text), headers={"Retry-After": "5"} if retry else None)


# Prepared once: refusing a connection under load costs one write, no rendering.
BUSY = _message(503, "Đang quá tải", "Hệ thống đang bận. Vui lòng thử lại sau ít giây.", retry=True)
TOO_MANY_CONNECTIONS = _message(429, "Quá nhiều kết nối", "Vui lòng thử lại sau ít giây.", retry=True)
TOO_SLOW = _message(408, "Quá thời gian", "Yêu cầu gửi quá chậm.")
URI_TOO_LONG = _message(414, "Địa chỉ quá dài", "Địa chỉ trang quá dài.")
HEADERS_TOO_LARGE = _message(431, "Yêu cầu quá lớn", "Phần đầu yêu cầu quá lớn.")
BAD_REQUEST = _message(400, "Yêu cầu không hợp lệ", "Yêu cầu không hợp lệ.")
BODY_TOO_LARGE = _message(413, "Phiếu quá dài", "Phiếu đánh giá quá dài.")
NOT_FOUND = _message(404, "Không tìm thấy", "Không tìm thấy vé này. Trang chỉ tra cứu được vé trong ngày cấp.")
SSE_HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\n"
            b"Connection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\nretry: 2000\n\n")
LANG_COOKIE_AGE = 365 * 24 * 3600


class Refused(Exception):
    """The request cannot be read; ``answer`` is the prepared reply."""

    def __init__(self, answer: bytes) -> None:
        super().__init__()
        self.answer = answer


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    @property
    def lang(self) -> tuple[str, bool]:
        """(language, whether it was chosen now): ``?lang=en`` switches, the ``lang`` cookie remembers."""
        asked = self.query.get("lang", [""])[0]
        if asked in ("vi", "en"):
            return asked, True
        cookies = (c.strip().partition("=") for c in self.headers.get("cookie", "").split(";"))
        return ("en" if any(k == "lang" and v == "en" for k, _, v in cookies) else "vi"), False


async def read_request(reader: asyncio.StreamReader, limits: Limits) -> Request:
    """Request line and headers; raises Refused with the reply to send (414, 431, 400)."""
    try:
        line = await reader.readuntil(b"\r\n")
    except asyncio.LimitOverrunError as exc:
        raise Refused(URI_TOO_LONG) from exc
    if len(line) > limits.max_line:
        raise Refused(URI_TOO_LONG)
    parts = line.decode("latin-1").split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise Refused(BAD_REQUEST)
    method, target, _version = parts
    headers: dict[str, str] = {}
    size = 0
    while True:
        try:
            raw = await reader.readuntil(b"\r\n")
        except asyncio.LimitOverrunError as exc:
            raise Refused(HEADERS_TOO_LARGE) from exc
        size += len(raw)
        if size > limits.max_header or len(headers) > 100:
            raise Refused(HEADERS_TOO_LARGE)
        if raw == b"\r\n":
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    path, _, query = target.partition("?")
    try:  # more than ten fields is no phone's query (the pages read one, ``lang``): refused, not a dropped line
        fields = parse_qs(query, max_num_fields=10)
    except ValueError as exc:
        raise Refused(BAD_REQUEST) from exc
    return Request(method.upper(), unquote(path), fields, headers)


class HttpFront:
    """The server thread. ``start()`` binds and returns the port (0 if it cannot listen)."""

    def __init__(self, site: StatusSite, hub: ChangeHub, host: str, port: int, *, limits: Limits | None = None,
                 post: PostHandler | None = None, booking: BookingSite | None = None) -> None:
        self.site, self.hub, self.host, self.wanted = site, hub, host, port
        self.limits = limits or Limits()
        self.post = post
        self.booking = booking
        self._pool: ThreadPoolExecutor | None = None
        self.port = 0
        self.error = ""
        self.open = 0
        self.refused = 0  # connections answered 503/429 without being read (a benchmark and test figure)
        self._shedding = 0
        self._per: Counter[str] = Counter()
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._bound = threading.Event()
        self._thread = threading.Thread(target=self._run, name="motcua-status-http", daemon=True)

    def start(self) -> int:
        self._thread.start()
        self._bound.wait(10)
        return self.port

    def close(self) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop.set)
        if self._thread.is_alive():
            self._thread.join(10)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self.booking is not None:
            self.booking.close()

    # -- the loop thread
    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main())
        finally:
            self.hub.loop = None
            loop.close()
            self._bound.set()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        try:
            server = await asyncio.start_server(self._accept, self.host, self.wanted, limit=self.limits.max_header,
                                                backlog=1024, reuse_address=True)
        except OSError as exc:
            self.error = exc.strerror or str(exc)
            self._bound.set()
            return
        self.port = server.sockets[0].getsockname()[1]
        self.hub.loop = asyncio.get_running_loop()
        self.hub.publish(self.site.statuses)
        self._bound.set()
        async with server:
            await self._stop.wait()
            server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        addr = str(peer[0]) if peer else "?"
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            if self.open >= self.limits.total:
                await self._shed(reader, writer, BUSY)
            elif self._per[addr] >= self.limits.per_address:
                await self._shed(reader, writer, TOO_MANY_CONNECTIONS)
            else:
                self.open += 1
                self._per[addr] += 1
                try:
                    await self._serve(reader, writer, addr)
                finally:
                    self.open -= 1
                    self._per[addr] -= 1
                    if self._per[addr] <= 0:
                        del self._per[addr]
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            pass  # the phone went away: nothing to answer
        except Exception:
            log.exception("status page: a request failed")
        finally:
            if task is not None:
                self._tasks.discard(task)
            writer.transport.abort() if writer.transport.is_closing() else writer.close()

    async def _shed(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, answer: bytes) -> None:
        """Answer a refused connection at once, without reading its request."""
        self.refused += 1
        if self._shedding >= self.limits.shed:
            writer.transport.abort()  # a flood of floods: reset, keep nothing
            return
        self._shedding += 1
        try:
            writer.write(answer)
            writer.write_eof()
            # Swallow what the client already sent, briefly, so that closing does not reset the reply away.
            with contextlib.suppress(TimeoutError, ConnectionError):
                await asyncio.wait_for(reader.read(self.limits.max_header), 1.0)
        finally:
            self._shedding -= 1

    async def _write(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        writer.write(data)
        await asyncio.wait_for(writer.drain(), self.limits.write_seconds)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, addr: str) -> None:
        lim = self.limits
        try:
            request = await asyncio.wait_for(read_request(reader, lim), lim.header_seconds)
            if request.method == "POST":
                length = request.headers.get("content-length", "0")
                if not length.isdigit():
                    raise Refused(BAD_REQUEST)
                if int(length) > lim.max_body:
                    raise Refused(BODY_TOO_LARGE)
                request.body = await asyncio.wait_for(reader.readexactly(int(length)), lim.body_seconds)
        except TimeoutError:
            await self._write(writer, TOO_SLOW)
            return
        except Refused as refused:
            await self._write(writer, refused.answer)
            return
        lang, chosen = request.lang
        extra = {"Set-Cookie": f"lang={lang}; Max-Age={LANG_COOKIE_AGE}; Path=/; SameSite=Lax"} if chosen else {}
        path = request.path
        if request.method == "GET" and path.startswith("/t/") and path.endswith(EVENTS_SUFFIX):
            await self._stream(reader, writer, addr, path[3:].removesuffix(EVENTS_SUFFIX), lang == "en")
            return
        if self.booking is not None and self.booking.handles(path):
            reply = await self._booked(request, addr, lang)
        elif request.method == "POST":
            reply = await self._posted(path, addr, request.body, lang)
        else:
            reply = self.site.respond(request.method, path, addr, lang=lang)
        await self._write(writer, raw_reply(reply.status, reply.body, content_type=reply.content_type,
                                            headers={**reply.headers, **extra}, head=request.method == "HEAD"))

    async def _posted(self, path: str, addr: str, body: bytes, lang: str) -> Reply:
        if self.post is None:
            return self.site.respond("POST", path, addr, body, lang=lang)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(self.post(path, addr, body, lang)),
                                          self.limits.post_seconds)
        except Exception:
            return Reply(503, pages.message_page("Đang bận", "Chưa ghi nhận được. Vui lòng thử lại sau ít giây."),
                         headers={"Retry-After": "5"})

    async def _booked(self, request: Request, addr: str, lang: str) -> Reply:
        """The booking pages read and write the store: on the pool's threads, never on this loop or the GUI's."""
        assert self.booking is not None
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.limits.booking_workers, thread_name_prefix="motcua-booking")
        job = self._pool.submit(self.booking.respond, request.method, request.path, addr, request.body, lang=lang,
                                cookies=request.headers.get("cookie", ""))
        try:
            return await asyncio.wait_for(asyncio.wrap_future(job), self.limits.post_seconds)
        except TimeoutError:
            return Reply(503, pages.message_page("Đang bận", "Hệ thống đang bận. Vui lòng thử lại sau ít giây."),
                         headers={"Retry-After": "5"})

    async def _stream(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, addr: str, token: str,
                      en: bool) -> None:
        """Server-Sent Events for one ticket until the phone leaves or ``stream_seconds`` pass."""
        status = public_status(self.site.statuses, token)
        if status is None:
            await self._write(writer, NOT_FOUND)
            return
        if not self.site.limiter.allow(addr):
            await self._write(writer, raw_reply(429, b"", headers={"Retry-After": "5"}))
            return
        loop = asyncio.get_running_loop()
        ends = loop.time() + self.limits.stream_seconds
        sub = self.hub.subscribe(token, en, status)
        # A phone sends nothing after its request: end of stream (or anything else) means it left,
        # and its slot is freed at once rather than at the next heartbeat.
        gone = asyncio.ensure_future(reader.read(1))
        try:
            await self._write(writer, SSE_HEAD)
            while loop.time() < ends:
                wait = asyncio.ensure_future(sub.next(min(self.limits.heartbeat_seconds, max(0.0, ends - loop.time()))))
                await asyncio.wait((wait, gone), return_when=asyncio.FIRST_COMPLETED)
                if gone.done():
                    wait.cancel()
                    return
                data = wait.result()
                await self._write(writer, b": ping\n\n" if data is None else f"data: {data}\n\n".encode())
        finally:
            gone.cancel()
            self.hub.unsubscribe(sub)
