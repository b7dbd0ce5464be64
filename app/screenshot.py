"""`make screenshot`: the window on the default scenario after a small full run, as a PNG.

The same `capture` serves the Xvfb smoke test (`FUNNEL_LAB_SMOKE=out.png funnel-lab FILE`): run,
wait for the dashboard to draw, save a grab, quit.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSize, QTimer
from PySide6.QtWidgets import QApplication, QSplitter

from app.main_window import DEFAULT_SCENARIO, MainWindow
from app.results.charts.base import ChartWidget
from app.run_controller import RunController

SIZE = QSize(1600, 1000)
SCREENSHOT_REPLICATIONS = 6
RUN_TIMEOUT_S = 300


def run_and_wait(
    controller: RunController, replications: int | None = None, timeout_s: float = RUN_TIMEOUT_S
) -> bool:
    """Start a full run through the worker and wait for it, keeping the event loop turning."""
    loop = QEventLoop()
    controller.full_ended.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    before = controller.dashboard.result
    controller.start_full_run(replications)
    if controller.full is not None:
        loop.exec()
    controller.full_ended.disconnect(loop.quit)
    return controller.dashboard.result is not None and controller.dashboard.result is not before


def spin(ms: int) -> None:
    """Let the event loop run for `ms`. A QEventLoop, never processEvents(): PySide6's
    processEvents binding has aborted Python (none_dealloc) while a worker thread ran Python."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        spin(20)
    return condition()


def wait_drawn(controller: RunController, timeout_s: float = 30.0) -> None:
    """Let the dashboard draw the chart in view."""
    wait_until(controller.dashboard.charts_done, timeout_s)
    chart = controller.dashboard.tabs.currentWidget()
    if isinstance(chart, ChartWidget):
        chart.canvas.draw()  # draw_idle waits for a paint; the grab needs it drawn now
    spin(50)


def capture(
    window: MainWindow, controller: RunController, path: Path, replications: int | None = None
) -> bool:
    """Run, wait, grab the window at 1600x1000 into `path`; False if the run gave no result."""
    window.set_live(False)  # the run below is what the picture shows
    window.resize(SIZE)
    splitter = window.centralWidget()
    if isinstance(splitter, QSplitter):  # results get the larger share, as after dragging
        splitter.setSizes([780, SIZE.width() - 780])
    ok = run_and_wait(controller, replications)
    wait_drawn(controller)
    window.resize(SIZE)
    spin(50)
    path.parent.mkdir(parents=True, exist_ok=True)
    return ok and window.grab().save(str(path))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs/screenshot.png")
    _app = QApplication.instance() or QApplication(sys.argv[:1])  # alive until we return
    window = MainWindow()
    controller = RunController(window)
    window.show()
    window.open_file(DEFAULT_SCENARIO)
    ok = capture(window, controller, out, SCREENSHOT_REPLICATIONS)
    controller.shutdown()
    window.document.undo_stack.setClean()
    window.close()
    print(f"wrote {out}" if ok else "the run gave no result; no screenshot", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
