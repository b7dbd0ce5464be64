"""How responsive the window is on the default scenario (offscreen Qt, the real spawn pool).

Prints, beside the targets of issue 12:
- the longest GUI event-loop stall during a full run (a 10 ms QTimer measures the gaps between
  its ticks), and separately while the dashboard draws the result afterwards;
- the time from a field edit to an updated instant estimate on the cards;
- the time from a field edit to live Monte Carlo cards refreshed (the edit settles 300 ms, then
  20 replications run on the kept-alive pool); the live cut-off is lifted so this is measured
  even when the app would turn live runs off.

Usage: .venv/bin/python bench/gui_latency.py [--workers N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, QObject, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication

import sim.runner as runner
from app.main_window import DEFAULT_SCENARIO, MainWindow
from app.run_controller import LIVE_LIMIT_S, RunController
from app.screenshot import spin, wait_until

TICK_MS = 10
EDITS = [
    ("definitions", "mql_threshold", 1.0),
    ("sales", "sdr_count", 1),
    ("deals", "win_rate", 0.01),
    ("brand", "adstock_theta", 0.01),
    ("definitions", "mql_threshold", -1.0),
]


class StallMonitor(QObject):
    """A 10 ms timer; the longest gap between two ticks, minus the interval, is the stall."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.worst = 0.0

    def start(self) -> None:
        self.worst, self.last = 0.0, time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.worst * 1000

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last - TICK_MS / 1000)
        self.last = now


def wait_for(signal: SignalInstance, action: Callable[[], None], timeout_s: float) -> float:
    """Seconds from `action()` to `signal`, with the event loop turning meanwhile."""
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    start = time.perf_counter()
    action()
    loop.exec()
    signal.disconnect(loop.quit)
    return time.perf_counter() - start


def edit(window: MainWindow, section: str, name: str, step: float) -> Callable[[], None]:
    field = window.editor.field_editor((section, name)).input
    return lambda: field.setValue(field.value() + step)


def verdict(value: float, target: float) -> str:
    return "MET" if value < target else "NOT MET"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    _app = QApplication.instance() or QApplication(sys.argv[:1])  # alive until we return
    window = MainWindow()
    window.set_live(False)
    window.show()
    window.open_file(DEFAULT_SCENARIO)
    controller = RunController(window, runner.shared_pool(args.workers), live_limit_s=1e9)
    spin(3000)  # spawn workers start and import the engine; the first estimate is made
    monitor = StallMonitor()

    reps = window.scenario.simulation.replications
    monitor.start()
    run_s = wait_for(controller.full_ended, controller.start_full_run, 900)
    run_stall = monitor.stop()
    monitor.start()
    wait_until(controller.dashboard.charts_done, 60)
    spin(500)
    draw_stall = monitor.stop()

    previews = []
    for section, name, step in EDITS:
        previews.append(wait_for(controller.preview_updated, edit(window, section, name, step), 10))
        spin(200)
    preview_ms = [1000 * s for s in previews]

    window.set_live(True)
    wait_for(controller.live_finished, lambda: None, 300)  # the first live run after turning on
    lives = []
    for section, name, step in EDITS[:2]:
        monitor.start()
        lives.append(wait_for(controller.live_finished, edit(window, section, name, step), 300))
        live_stall = monitor.stop()
    controller.shutdown()
    window.document.undo_stack.setClean()
    window.close()

    print(f"default scenario: {reps} replications, {args.workers} spawn workers")
    print(f"full run (incl. aggregation): {run_s:.1f} s")
    print(
        f"longest GUI stall during the run:      {run_stall:7.0f} ms  target < 100 ms  "
        f"{verdict(run_stall, 100)}"
    )
    print(f"longest GUI stall drawing the results: {draw_stall:7.0f} ms  (charts, after the run)")
    print(
        f"edit -> updated estimate: median {statistics.median(preview_ms):.0f} ms, "
        f"max {max(preview_ms):.0f} ms  target < 100 ms  "
        f"{verdict(statistics.median(preview_ms), 100)} (median)"
    )
    worst_live = max(lives)
    print(
        f"edit -> refreshed live Monte Carlo cards: {', '.join(f'{s:.1f} s' for s in lives)}"
        f"  target < 3 s  {verdict(worst_live, 3)}"
    )
    print(f"longest GUI stall during a live run: {live_stall:.0f} ms")
    if worst_live > LIVE_LIMIT_S:
        print(f"note: over {LIVE_LIMIT_S:.0f} s, the app turns live runs off for this scenario")
    return 0


if __name__ == "__main__":
    sys.exit(main())
