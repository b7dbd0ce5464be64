"""The Qt binding keeps Python's reference counts: a binding that drops a reference to None or
True on each call (PySide6 6.12 under Python 3.11) lets a long session end in
"Fatal Python error: none_dealloc" at quit, once the stolen references outnumber the real ones.

Python 3.12 made None and True immortal, so there the counts tell nothing and the test skips.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

CALLS = 1000

pytestmark = pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="None and True are immortal from Python 3.12"
)


class Emitter(QObject):
    ping = Signal()


def lost_references(obj: object, call) -> int:
    before = sys.getrefcount(obj)
    for _ in range(CALLS):
        call()
    return before - sys.getrefcount(obj)


def test_calls_returning_nothing_keep_their_reference_to_none(qtbot):
    label, timer = QLabel(), QTimer()
    assert lost_references(None, lambda: label.setText("x")) < CALLS // 10
    assert lost_references(None, lambda: (timer.start(1000), timer.stop())) < CALLS // 10


def test_emitting_a_signal_keeps_its_reference_to_true(qtbot):
    emitter = Emitter()
    emitter.ping.connect(lambda: None)
    assert lost_references(True, emitter.ping.emit) < CALLS // 10
