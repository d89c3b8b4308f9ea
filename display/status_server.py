"""The status site on the display PC: the HTTP front's thread, wired to the GUI thread.

The server itself is display.http_front (asyncio on its own thread: QtHttpServer could not
bound slow clients or refuse connections cheaply, see there). GETs and the live events are
answered on that thread from memory. The one POST, a citizen's rating, is brought to the GUI
thread by a queued signal, because display.rating_form hands the insert to the controller's
Runner, which lives there; the HTTP thread waits for the reply a few seconds at most.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future

from PySide6.QtCore import QObject, Signal

from common.cli.args import said as say
from display.booking_site import BookingSite
from display.change_hub import ChangeHub
from display.http_front import HttpFront, Limits
from display.reply import Reply
from display.status_site import StatusSite

log = logging.getLogger(__name__)


class StatusServer(QObject):
    """Signals:
        posted(object): (future, path, client, body, lang) of a POST, emitted on the HTTP thread.
    """

    posted = Signal(object)

    def __init__(self, site: StatusSite, host: str, port: int, parent: QObject | None = None, *,
                 limits: Limits | None = None, booking: BookingSite | None = None) -> None:
        super().__init__(parent)
        self.site = site
        self.hub = ChangeHub(site.event_data)
        site.listeners.append(self.hub.publish)
        self.posted.connect(self._on_post)  # queued: the signal is emitted on the HTTP thread
        self.front = HttpFront(site, self.hub, host, port, limits=limits, post=self._post, booking=booking)
        self.port = self.front.start()
        if self.port:
            log.info("%s", say(f"trang tra cứu phiếu tại http://{host}:{self.port}/",
                               f"ticket status page on http://{host}:{self.port}/"))
        else:
            why = self.front.error
            log.warning("%s", say(f"trang tra cứu phiếu đang tắt: không mở được cổng {host}:{port} ({why})",
                                  f"ticket status page is off: cannot listen on {host}:{port} ({why})"))

    @property
    def listening(self) -> bool:
        return self.port > 0

    def _post(self, path: str, client: str, body: bytes, lang: str) -> Future[Reply]:
        future: Future[Reply] = Future()
        self.posted.emit((future, path, client, body, lang))
        return future

    def _on_post(self, job: tuple[Future[Reply], str, str, bytes, str]) -> None:
        future, path, client, body, lang = job
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(self.site.respond("POST", path, client, body, lang=lang))
            except Exception as exc:
                log.exception("status page POST failed")
                future.set_exception(exc)

    def close(self) -> None:
        if self.hub.publish in self.site.listeners:
            self.site.listeners.remove(self.hub.publish)
        self.front.close()
