"""A pool of reps working a shared queue on the SimPy clock, within their duty hours.

Arrivals and completions are SimPy `Timeout` callbacks over a deque (or a heap when the queue is
worked by score): the fastest of the designs measured in PERFORMANCE.md. What a rep does with a
job, and for how long, is decided by the owner through the `work` callback.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable
from typing import Any

import simpy

from sim.clock import DutySchedule

# work(rep, job, now) -> (hours busy, called when done). `detour(rep, now)` may instead keep a
# free rep busy elsewhere for some hours (e.g. prospecting) before it takes the next job.
Work = Callable[[int, Any, float], tuple[float, Callable[[], None]]]
Detour = Callable[[int, float], float | None]


class RepPool:
    """n reps, one queue (FIFO or highest priority first), duty hours honoured."""

    def __init__(
        self,
        env: simpy.Environment,
        n: int,
        schedule: DutySchedule,
        work: Work,
        detour: Detour | None = None,
        by_priority: bool = False,
    ) -> None:
        self.env = env
        self.schedule = schedule
        self._work = work
        self._detour = detour
        self._by_priority = by_priority
        self._fifo: deque[Any] = deque()
        self._heap: list[tuple[float, int, Any]] = []
        self._seq = itertools.count()
        self._jobs: deque[Any] | list[Any] = self._heap if by_priority else self._fifo
        self.idle: deque[int] = deque(range(n))
        # End of the shift in progress (inf: always on duty). Checking `now < _shift_end` is the
        # hot path's duty test; shift-start events move it forward.
        self._shift_end = float("inf")
        if not schedule.always:
            self._shift_end = self._current_shift_end(env.now)
            self._schedule_next_shift()

    def __len__(self) -> int:
        return len(self._jobs)

    def _current_shift_end(self, t: float) -> float:
        if not self.schedule.on_duty(t):
            return -1.0
        day_start = t - (t % 24.0)
        return day_start + self.schedule.shift_start_hour + self.schedule.shift_hours

    def on_duty(self) -> bool:
        return self.env.now < self._shift_end

    def submit(self, job: Any, priority: float = 0.0) -> None:
        """Queue a job and start it at once if a rep is free and on duty."""
        if self._by_priority:
            heapq.heappush(self._heap, (-priority, next(self._seq), job))
        else:
            self._fifo.append(job)
        self._dispatch()

    def _pop(self) -> Any:
        return heapq.heappop(self._heap)[2] if self._by_priority else self._fifo.popleft()

    def _dispatch(self) -> None:
        if self.env.now >= self._shift_end:
            return
        idle, jobs = self.idle, self._jobs
        while idle and jobs:
            self._start(idle.popleft())

    def _start(self, rep: int) -> None:
        now = self.env.now
        if self._detour is not None:
            hours = self._detour(rep, now)
            if hours is not None:
                self._after(hours, rep, None)
                return
        hours, done = self._work(rep, self._pop(), now)
        self._after(hours, rep, done)

    def _after(self, hours: float, rep: int, done: Callable[[], None] | None) -> None:
        timeout = self.env.timeout(hours)
        timeout.callbacks.append(lambda _e: self._finish(rep, done))

    def _finish(self, rep: int, done: Callable[[], None] | None) -> None:
        if done is not None:
            done()
        if self._jobs and self.env.now < self._shift_end:
            self._start(rep)
        else:
            self.idle.append(rep)

    def _schedule_next_shift(self) -> None:
        delay = self.schedule.next_shift_start(self.env.now) - self.env.now
        timeout = self.env.timeout(delay)
        timeout.callbacks.append(self._shift_starts)

    def _shift_starts(self, _event: simpy.Event) -> None:
        self._shift_end = self.env.now + self.schedule.shift_hours
        self._dispatch()
        self._schedule_next_shift()
