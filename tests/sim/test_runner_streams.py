"""Results streamed in replication order with a bounded number of tasks in the pool
(`sim.runner.in_order_bounded`, what a live run and Compare & Plan stream through)."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from sim.runner import Cancelled, in_order_bounded

TIMEOUT_S = 10.0


class GatedTasks:
    """Tasks that finish only when the test lets them, so what is running is known exactly."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self.pool = pool
        self.gates: dict[int, threading.Event] = {}
        self.submitted: list[int] = []
        self.unfinished = 0
        self.most_unfinished = 0
        self.lock = threading.Lock()

    def submit(self, index: int) -> Future:
        gate = self.gates.setdefault(index, threading.Event())
        with self.lock:
            self.submitted.append(index)
            self.unfinished += 1
            self.most_unfinished = max(self.most_unfinished, self.unfinished)
        return self.pool.submit(self._task, index, gate)

    def _task(self, index: int, gate: threading.Event) -> int:
        assert gate.wait(TIMEOUT_S), f"task {index} was never released"
        with self.lock:
            self.unfinished -= 1
        return index * 10

    def release(self, index: int) -> None:
        self.gates.setdefault(index, threading.Event()).set()


def test_results_come_in_order_with_at_most_window_tasks_started():
    with ThreadPoolExecutor(4) as pool:
        tasks = GatedTasks(pool)
        for index in (1, 0, 3, 2, 4):  # out of order: the stream still hands them on in order
            tasks.release(index)
        got = list(in_order_bounded(tasks.submit, 5, window=2))
    assert got == [(i, i * 10) for i in range(5)]
    assert tasks.most_unfinished <= 2


def test_a_finished_worker_gets_its_next_task_before_the_caller_sees_the_result():
    """While the caller works on replication 0 (a live view aggregates it), replication 2 is
    already in the pool: no worker waits for the caller."""
    with ThreadPoolExecutor(2) as pool:
        tasks = GatedTasks(pool)
        stream = in_order_bounded(tasks.submit, 4, window=2)
        tasks.release(0)
        index, _ = next(stream)
        assert index == 0
        assert tasks.submitted == [0, 1, 2]
        for i in (1, 2, 3):
            tasks.release(i)
        assert [i for i, _ in stream] == [1, 2, 3]


def test_a_cancel_stops_starting_tasks():
    cancel = threading.Event()
    with ThreadPoolExecutor(2) as pool:
        tasks = GatedTasks(pool)
        stream = in_order_bounded(tasks.submit, 6, window=2, cancel=cancel)
        tasks.release(0)
        next(stream)
        cancel.set()
        for i in range(6):
            tasks.release(i)
        with pytest.raises(Cancelled):
            list(stream)
    assert len(tasks.submitted) <= 3
