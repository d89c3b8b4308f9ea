"""The action buttons, each with its function key shown on it, and the keys themselves.

The scheme follows the order of a visit, left to right across the F-row:
F2 call next, F3 recall, F4 start, F5 finish, F6 no-show, F7 transfer, F8 hold/return,
F9 call a specific ticket, F10 break, F11 back-office work, F12 the supervisor's dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from common.core.model import CounterState, TicketStatus
from common.views.clerk_stats import DeskView
from ui.automation import tag
from ui.style import font


@dataclass(frozen=True)
class ActionSpec:
    name: str
    key: str
    label: str
    tip: str


ACTION_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("call_next", "F2", "Gọi tiếp", "Gọi công dân tiếp theo trong hàng chờ của quầy"),
    ActionSpec("recall", "F3", "Gọi lại", "Gọi lại vé đang gọi; màn hình và loa thông báo lại"),
    ActionSpec("start", "F4", "Bắt đầu", "Công dân đã đến quầy: bắt đầu tính thời gian phục vụ"),
    ActionSpec("finish", "F5", "Kết thúc", "Đã phục vụ xong"),
    ActionSpec("no_show", "F6", "Vắng mặt", "Công dân không đến sau khi gọi"),
    ActionSpec("transfer", "F7", "Chuyển…", "Chuyển sang dịch vụ khác hoặc thẳng tới một quầy; giữ nguyên thứ tự"),
    ActionSpec("hold", "F8", "Giữ / Trả", "Tạm giữ vé (công dân đi bổ sung giấy tờ) hoặc nhận lại vé đang giữ"),
    ActionSpec("call_specific", "F9", "Gọi số…", "Gọi một vé cụ thể: gõ số hoặc quét mã QR; cần ghi lý do"),
    ActionSpec("break", "F10", "Tạm nghỉ", "Tạm nghỉ / mở lại quầy"),
    ActionSpec("back_office", "F11", "Xử lý hồ sơ", "Làm việc hồ sơ không tiếp dân / mở lại quầy"),
)
COLUMNS = 2


class ActionPanel(QWidget):
    """Buttons plus window-wide shortcuts; a shortcut clicks its button, so a disabled one does nothing.

    Signals:
        triggered(str): the action's name.
    """

    triggered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        for i, spec in enumerate(ACTION_SPECS):
            button = QPushButton(f"{spec.key}   {spec.label}", self)
            button.setFont(font(13, bold=spec.name == "call_next"))
            button.setToolTip(f"{spec.tip} ({spec.key})")
            button.setMinimumHeight(50)
            tag(button, "action-" + spec.name.replace("_", "-"))
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the shortcuts, never to a button
            button.setStyleSheet(_style(spec.name == "call_next"))
            button.clicked.connect(lambda _=False, name=spec.name: self.triggered.emit(name))
            grid.addWidget(button, i // COLUMNS, i % COLUMNS)
            self.buttons[spec.name] = button
        self.shortcuts: list[QShortcut] = []

    def bind_keys(self, window: QWidget) -> None:
        """Attach the F-keys to ``window`` (WindowShortcut: two counter windows never clash)."""
        for spec in ACTION_SPECS:
            shortcut = QShortcut(QKeySequence(spec.key), window)
            shortcut.activated.connect(self.buttons[spec.name].click)
            self.shortcuts.append(shortcut)

    def update_for(self, view: DeskView | None, online: bool, busy: bool = False) -> None:
        """Enable what makes sense now; the store still checks every move."""
        current = view.current if view else None
        status = current.status if current else None
        held = bool(view and view.on_hold)
        idle = current is None
        allowed = {
            "call_next": idle,
            "recall": status == TicketStatus.CALLED,
            "start": status == TicketStatus.CALLED,
            "finish": status == TicketStatus.SERVING,
            "no_show": status == TicketStatus.CALLED,
            "transfer": not idle,
            "hold": not idle or held,
            "call_specific": idle,
            "break": idle,
            "back_office": idle,
        }
        for name, button in self.buttons.items():
            button.setEnabled(online and view is not None and allowed[name])
        if view is not None:
            self._mark_state(view.state)

    def _mark_state(self, state: CounterState) -> None:
        self.buttons["break"].setText("F10   Mở lại quầy" if state == CounterState.BREAK else "F10   Tạm nghỉ")
        self.buttons["back_office"].setText(
            "F11   Mở lại quầy" if state == CounterState.BACK_OFFICE else "F11   Xử lý hồ sơ")


def _style(primary: bool) -> str:
    base = ("QPushButton {{ text-align: left; padding: 6px 14px; border-radius: 6px; border: 1px solid {border};"
            " background: {bg}; color: {fg}; }}"
            " QPushButton:hover {{ background: {hover}; }}"
            " QPushButton:disabled {{ background: #eef1f4; color: #9aa5b1; border-color: #dde3e9; }}")
    if primary:
        return base.format(border="#0b5cad", bg="#0b63c4", fg="#ffffff", hover="#0a56aa")
    return base.format(border="#b8c4d0", bg="#ffffff", fg="#1c2733", hover="#eaf2fb")
