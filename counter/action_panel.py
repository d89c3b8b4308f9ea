"""The action buttons, each with its function key shown on it, and the keys themselves.

The scheme follows the order of a visit, left to right across the F-row:
F2 call next, F3 recall, F4 start, F5 finish, F6 no-show, F7 transfer, F8 hold/return,
F9 call a specific ticket, F10 break, F11 back-office work, F12 the supervisor's dashboard.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from common.core import rules
from common.core.rules import Action, CounterState
from common.views.clerk_stats import DeskView
from ui.automation import tag
from ui.style import font

REOPEN = "Mở lại quầy"


@dataclass(frozen=True)
class ActionSpec:
    """One button and its key: the label on the button and in the shortcut bar come from here only."""

    action: Action
    key: str
    label: str
    tip: str
    also: tuple[Action, ...] = ()  # other actions the same button runs (F8: hold, or resume a held ticket)
    label_in: Mapping[CounterState, str] = field(default_factory=dict)  # toggles say what pressing does now

    @property
    def actions(self) -> frozenset[Action]:
        return frozenset((self.action, *self.also))

    def label_for(self, state: CounterState | None) -> str:
        return self.label_in.get(state, self.label) if state is not None else self.label


ACTION_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec(Action.CALL_NEXT, "F2", "Gọi tiếp", "Gọi công dân tiếp theo trong hàng chờ của quầy"),
    ActionSpec(Action.RECALL, "F3", "Gọi lại", "Gọi lại vé đang gọi; màn hình và loa thông báo lại"),
    ActionSpec(Action.START, "F4", "Bắt đầu", "Công dân đã đến quầy: bắt đầu tính thời gian phục vụ"),
    ActionSpec(Action.FINISH, "F5", "Kết thúc", "Đã phục vụ xong"),
    ActionSpec(Action.NO_SHOW, "F6", "Vắng mặt", "Công dân không đến sau khi gọi"),
    ActionSpec(Action.TRANSFER, "F7", "Chuyển…",
               "Chuyển sang dịch vụ khác hoặc thẳng tới một quầy; giữ nguyên thứ tự"),
    ActionSpec(Action.HOLD, "F8", "Giữ / Trả",
               "Tạm giữ vé (công dân đi bổ sung giấy tờ) hoặc nhận lại vé đang giữ", also=(Action.RESUME,)),
    ActionSpec(Action.CALL_SPECIFIC, "F9", "Gọi số…", "Gọi một vé cụ thể: gõ số hoặc quét mã QR; cần ghi lý do"),
    ActionSpec(Action.BREAK, "F10", "Tạm nghỉ", "Tạm nghỉ / mở lại quầy", label_in={CounterState.BREAK: REOPEN}),
    ActionSpec(Action.BACK_OFFICE, "F11", "Xử lý hồ sơ", "Làm việc hồ sơ không tiếp dân / mở lại quầy",
               label_in={CounterState.BACK_OFFICE: REOPEN}),
)
COLUMNS = 2


def button_text(spec: ActionSpec, state: CounterState | None) -> str:
    return f"{spec.key}   {spec.label_for(state)}"


def shortcut_legend(state: CounterState | None) -> str:
    """The shortcut bar under the desk: the same words as the buttons, for the counter's state now."""
    return "Phím tắt: " + " · ".join(f"{s.key} {s.label_for(state).rstrip('…')}" for s in ACTION_SPECS)


def enabled_actions(view: DeskView | None, online: bool) -> frozenset[Action]:
    """What the bar offers: the rules' answer for this counter now, nothing while offline or signed out."""
    if view is None or not online:
        return frozenset()
    current = view.current.status if view.current else None
    return rules.desk_actions(view.state, current, bool(view.on_hold))


class ActionPanel(QWidget):
    """Buttons plus window-wide shortcuts; a shortcut clicks its button, so a disabled one does nothing.

    Signals:
        triggered(Action): the button's action (for F8, ``Action.HOLD``; the window picks hold or resume).
    """

    triggered = Signal(Action)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: dict[Action, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        for i, spec in enumerate(ACTION_SPECS):
            primary = spec.action == Action.CALL_NEXT
            button = QPushButton(button_text(spec, None), self)
            button.setFont(font(13, bold=primary))
            button.setToolTip(f"{spec.tip} ({spec.key})")
            button.setMinimumHeight(50)
            tag(button, "action-" + spec.action.value.replace("_", "-"))
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the shortcuts, never to a button
            button.setStyleSheet(_style(primary))
            button.clicked.connect(lambda _=False, action=spec.action: self.triggered.emit(action))
            grid.addWidget(button, i // COLUMNS, i % COLUMNS)
            self.buttons[spec.action] = button
        self.shortcuts: list[QShortcut] = []

    def bind_keys(self, window: QWidget) -> None:
        """Attach the F-keys to ``window`` (WindowShortcut: two counter windows never clash)."""
        for spec in ACTION_SPECS:
            shortcut = QShortcut(QKeySequence(spec.key), window)
            shortcut.activated.connect(self.buttons[spec.action].click)
            self.shortcuts.append(shortcut)

    def update_for(self, view: DeskView | None, online: bool, busy: bool = False) -> None:
        """Enable what the rules allow now (the store still checks every move), and word the toggles."""
        allowed = enabled_actions(view, online)
        for spec in ACTION_SPECS:
            button = self.buttons[spec.action]
            button.setEnabled(bool(spec.actions & allowed))
            if view is not None:
                button.setText(button_text(spec, view.state))


def _style(primary: bool) -> str:
    base = ("QPushButton {{ text-align: left; padding: 6px 14px; border-radius: 6px; border: 1px solid {border};"
            " background: {bg}; color: {fg}; }}"
            " QPushButton:hover {{ background: {hover}; }}"
            " QPushButton:disabled {{ background: #eef1f4; color: #9aa5b1; border-color: #dde3e9; }}")
    if primary:
        return base.format(border="#0b5cad", bg="#0b63c4", fg="#ffffff", hover="#0a56aa")
    return base.format(border="#b8c4d0", bg="#ffffff", fg="#1c2733", hover="#eaf2fb")
