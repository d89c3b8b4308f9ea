"""The status site over HTTP with QtHttpServer, so the display PC needs no other server.

PySide6 6.12's ``route`` callbacks can only return a string, and cannot set a status
code; so one catch-all route answers with an empty string and an after-request
handler swaps in the real reply (status, headers, body) from ``StatusSite``. Both
run on the GUI thread and read only memory, never the database. The one POST (a
citizen's rating, display.rating_form) is handed to a worker thread, not awaited.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject
from PySide6.QtHttpServer import QHttpServer, QHttpServerRequest, QHttpServerResponder, QHttpServerResponse
from PySide6.QtNetwork import QHostAddress, QTcpServer

from display.status_site import StatusSite

log = logging.getLogger(__name__)


class StatusServer(QObject):
    def __init__(self, site: StatusSite, host: str, port: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.site = site
        self._http = QHttpServer(self)
        # PySide keeps only a borrowed pointer to these callables: hold them, or Qt calls freed memory.
        self._route = lambda _request: ""
        self._after = self._answer
        self._http.route(".*", self._route)
        self._http.addAfterRequestHandler(self, self._after)
        self._tcp = QTcpServer(self)
        self.port = 0
        if not self._tcp.listen(QHostAddress(host), port):
            log.warning("ticket status page is off: cannot listen on %s:%s (%s)", host, port, self._tcp.errorString())
            return
        self._http.bind(self._tcp)
        self.port = self._tcp.serverPort()
        log.info("ticket status page on http://%s:%s/", host, self.port)

    @property
    def listening(self) -> bool:
        return self.port > 0

    def _answer(self, request: QHttpServerRequest, response: QHttpServerResponse) -> None:
        method = request.method().name.upper()
        body = bytes(request.body().data()) if method == "POST" else b""
        reply = self.site.respond(method, request.url().path(), request.remoteAddress().toString(), body)
        code = QHttpServerResponder.StatusCode(reply.status)
        new = QHttpServerResponse(reply.content_type.encode(), reply.body, code)
        headers = new.headers()
        headers.append("Cache-Control", "no-store")
        for key, value in reply.headers.items():
            headers.append(key, value)
        new.setHeaders(headers)
        response.swap(new)

    def close(self) -> None:
        self._tcp.close()
