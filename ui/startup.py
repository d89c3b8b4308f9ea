"""Opening the store at start-up, waiting for it when it is not there yet.

A kiosk PC often boots before the database server does. Rather than exit, the app
shows a plain Vietnamese message full screen and retries off the GUI thread until the
store answers; configuration mistakes still stop it at once with their one line.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QLabel

from common.cli.args import said as say
from common.cli.args import told
from common.core.errors import StoreUnavailable
from common.store.bootstrap import Context, bootstrap
from ui.outage import backoff_ms
from ui.style import application, font
from ui.worker import Runner

log = logging.getLogger(__name__)
MESSAGE = ("Đang kết nối tới máy chủ dữ liệu…\nHệ thống sẽ tự hoạt động lại khi có kết nối.\n\n"
           "Connecting to the database server…")


def open_store(config: str | None, db: str | None, app_name: str, *, fullscreen: bool = True) -> Context:
    """``bootstrap(config, db)``, waiting with a message on screen while the store is unreachable."""
    try:
        return bootstrap(config, db)
    except StoreUnavailable as exc:
        log.warning("%s", say(f"{told(exc)}; đang thử kết nối lại", f"{exc}; retrying"))
    application(app_name)
    screen = QLabel(MESSAGE)
    screen.setObjectName("waiting-for-store")
    screen.setAlignment(Qt.AlignmentFlag.AlignCenter)
    screen.setFont(font(20, bold=True))
    screen.setStyleSheet("background: #0b2a4a; color: white;")
    screen.resize(900, 500)
    screen.showFullScreen() if fullscreen else screen.show()

    loop, runner = QEventLoop(), Runner(screen, name="motcua-connect")
    outcome: dict[str, object] = {}
    tries = [0]

    def attempt() -> None:
        runner.submit("connect", bootstrap, config, db)

    def failed(_tag: str, exc: object) -> None:
        if isinstance(exc, StoreUnavailable):
            QTimer.singleShot(backoff_ms(tries[0]), attempt)
            tries[0] += 1
        else:
            outcome["error"] = exc
            loop.quit()

    def connected(_tag: str, ctx: object) -> None:
        outcome["ctx"] = ctx
        loop.quit()

    runner.failed.connect(failed)
    runner.succeeded.connect(connected)
    attempt()
    loop.exec()
    runner.shutdown()
    screen.close()
    screen.deleteLater()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    log.warning("%s", say("đã kết nối lại cơ sở dữ liệu", "the store is reachable again"))
    ctx = outcome["ctx"]
    assert isinstance(ctx, Context)
    return ctx
