"""How responsive the window is on the default scenario (offscreen Qt, the real spawn pool).

Prints, beside the targets of issues 12 and 15:
- the longest GUI event-loop stall during a full run (a 10 ms QTimer measures the gaps between
  its ticks), and separately while the dashboard draws the result afterwards;
- the time from a field edit to an updated instant estimate on the cards;
- live Monte Carlo, for each of a few edits made in the editor as a user makes them: edit ->
  first live update of the cards (the edit settles 300 ms, then the first two replications
  arrive: "2 of 20 replications") and edit -> all 20 replications on the cards, timed with
  time.perf_counter from the edit to the controller's card-update signal.

Usage: .venv/bin/python bench/gui_latency.py [--workers N] [--live-only]
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
from app.run_controller import LIVE_REPLICATIONS, RunController
from app.screenshot import spin, wait_until

TICK_MS = 10
FIRST_UPDATE_TARGET_S = 1.5
ALL_LIVE_TARGET_S = 5.0
LIVE_EDITS = 3
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
    return "MET" if value <= target else "NOT MET"


def time_live(
    controller: RunController, action: Callable[[], None], timeout_s: float
) -> tuple[float, float]:
    """Seconds from `action()` (an edit) to the first live card update and to the last."""
    marks: dict[str, float] = {}
    loop = QEventLoop()

    def first(_result: object) -> None:
        marks.setdefault("first", time.perf_counter())

    def last(_result: object) -> None:
        marks["last"] = time.perf_counter()
        loop.quit()

    controller.live_updated.connect(first)
    controller.live_finished.connect(last)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    start = time.perf_counter()
    action()
    loop.exec()
    controller.live_updated.disconnect(first)
    controller.live_finished.disconnect(last)
    nan = float("nan")
    return marks.get("first", nan) - start, marks.get("last", nan) - start


def measure_full_run(controller: RunController, monitor: StallMonitor) -> list[str]:
    window = controller.window
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
    return [
        f"full run of {reps} replications (incl. aggregation): {run_s:.1f} s",
        f"longest GUI stall during the run:      {run_stall:7.0f} ms  target < 100 ms  "
        f"{verdict(run_stall, 100)}",
        f"longest GUI stall drawing the results: {draw_stall:7.0f} ms  (charts, after the run)",
        f"edit -> updated estimate: median {statistics.median(preview_ms):.0f} ms, "
        f"max {max(preview_ms):.0f} ms  target < 100 ms  "
        f"{verdict(statistics.median(preview_ms), 100)} (median)",
    ]


def measure_live(controller: RunController, monitor: StallMonitor) -> list[str]:
    window = controller.window
    window.set_live(True)
    wait_for(controller.live_finished, lambda: None, 300)  # the first live run after turning on
    spin(1000)
    firsts, lasts, stalls = [], [], []
    for section, name, step in EDITS[:LIVE_EDITS]:
        monitor.start()
        first, last = time_live(controller, edit(window, section, name, step), 300)
        stalls.append(monitor.stop())
        firsts.append(first)
        lasts.append(last)
        spin(1000)
    n = LIVE_REPLICATIONS
    return [
        f"edit -> first live update ('2 of {n} replications'): "
        f"{', '.join(f'{s:.2f} s' for s in firsts)}; median {statistics.median(firsts):.2f} s"
        f"  target <= {FIRST_UPDATE_TARGET_S} s  "
        f"{verdict(statistics.median(firsts), FIRST_UPDATE_TARGET_S)} (median)",
        f"edit -> {n} replications on the cards: "
        f"{', '.join(f'{s:.2f} s' for s in lasts)}; median {statistics.median(lasts):.2f} s"
        f"  target <= {ALL_LIVE_TARGET_S} s  "
        f"{verdict(statistics.median(lasts), ALL_LIVE_TARGET_S)} (median)",
        f"longest GUI stall during a live run: {max(stalls):.0f} ms",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--live-only", action="store_true", help="skip the full run and estimate")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    _app = QApplication.instance() or QApplication(sys.argv[:1])  # alive until we return
    window = MainWindow()
    window.set_live(False)
    window.show()
    window.open_file(DEFAULT_SCENARIO)
    controller = RunController(window, runner.shared_pool(args.workers))
    spin(3000)  # spawn workers start and import the engine; the first estimate is made
    monitor = StallMonitor()
    lines = [] if args.live_only else measure_full_run(controller, monitor)
    lines += measure_live(controller, monitor)
    controller.shutdown()
    window.document.undo_stack.setClean()
    window.close()
    print(f"default scenario, {args.workers} spawn workers, load average at start {load:.1f}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
