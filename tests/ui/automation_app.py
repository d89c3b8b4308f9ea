"""A tiny app with ``--automation`` for tests/ui/test_automation.py: a window, a button, a label.

    python -m tests.ui.automation_app
"""

from __future__ import annotations

import os
import sys

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ui.automation import Automation, StdinLines, tag
from ui.style import application


def main() -> int:
    app = application("automation-test")
    window = QWidget()
    window.setWindowTitle("automation test")
    count = QLabel("0")
    tag(count, "count")
    button = QPushButton("+1")
    tag(button, "plus")
    button.clicked.connect(lambda: count.setText(str(int(count.text()) + 1)))
    button.clicked.connect(lambda: print("chatter from a click"))  # must not reach the answers
    layout = QVBoxLayout(window)
    layout.addWidget(count)
    layout.addWidget(button)
    window.show()
    automation = Automation("automation-test", StdinLines(), window)
    automation.start()
    code = app.exec()
    print(f"exited {code}", file=sys.stderr)
    return code


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
