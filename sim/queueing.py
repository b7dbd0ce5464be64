"""A pool of reps working a shared queue on the SimPy clock, within their duty hours.

Each rep is free from the moment its last piece of work ends (`free_at`). A job that arrives
while a rep is free and on duty starts at once; otherwise it queues, and the pool schedules one
wake-up for the moment the first rep frees up. So SimPy sees an event only when someone waits:
a desk with spare capacity costs one event per job (its arrival), a busy one two. What a rep does
with a job, and for how long, is decided by the owner's `work` callback, which also schedules
whatever the work leads to (the pool only needs to know how long the rep is busy).

Every job names its owner, as a CRM routes each lead to a rep: a free owner takes its own job,
otherwise the next free rep after it in the team's order. No rep idles while a job waits (the
pool is work-conserving, so with identical exponential reps it is an M/M/c queue, Erlang C), and
which rep works a lead depends on the lead, not on the order of everything that happened before.

The model reads the clock as `env._now`, SimPy 4's own attribute: its `now` property is a
Python call, and the per-event path reads the clock about 100k times a replication.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable
from typing import Any, cast

import simpy
from simpy.events import NORMAL

from sim.clock import DutySchedule

# work(rep, job, now) -> hours the rep is busy with it. detour(rep, job, now) -> hours a free rep
# spends elsewhere (e.g. prospecting) instead of taking this job now, or None to take it.
Work = Callable[[int, Any, float], float]
Detour = Callable[[int, Any, float], float | None]
Callback = Callable[[Any], None]


class Wake:
    """A triggered SimPy event with one callback: all `Environment.step` reads of an event
    (SimPy 4; the dependency stays below 5 for this).

    `env.timeout(delay, value)` plus `callbacks.append(...)` costs about twice as much (the
    Timeout's checks and attributes); the model makes one or two per MQL visit."""

    __slots__ = ("_ok", "_value", "callbacks")

    def __init__(self, callback: Callback, value: Any) -> None:
        self.callbacks: list[Callback] | None = [callback]
        self._ok = True
        self._value = value


def call_later(env: simpy.Environment, delay: float, callback: Callback, value: Any = None) -> None:
    """`callback(event)` in `delay` hours, `event._value` being `value`: the same place in
    SimPy's queue as a Timeout made now (time, normal priority, the next event id), so the
    order of simultaneous events, and every result, is what `env.timeout` would give. The
    entry is `Environment.schedule`'s own, pushed here (one Python call fewer per event)."""
    wake = cast(simpy.Event, Wake(callback, value))
    heapq.heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), wake))


class RepPool:
    """n reps, one queue (FIFO or highest priority first), owners first, duty hours honoured."""

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
        self.n = n
        self.schedule = schedule
        self._work = work
        self._detour = detour
        self._by_priority = by_priority
        self._fifo: deque[tuple[Any, int]] = deque()
        self._heap: list[tuple[float, int, Any, int]] = []
        self._seq = itertools.count()
        self.free_at = [0.0] * n
        self._wake_at = float("inf")  # the pending wake-up, if any
        # End of the shift in progress (inf: always on duty); shift-start events move it on.
        self._shift_end = float("inf")
        if not schedule.always:
            self._shift_end = self._current_shift_end(env._now)
            self._schedule_next_shift()

    def __len__(self) -> int:
        return len(self._heap) if self._by_priority else len(self._fifo)

    def busy(self) -> int:
        """Reps still busy now (working a job or a detour)."""
        now = self.env._now
        return sum(1 for t in self.free_at if t > now)

    def submit(self, job: Any, owner: int = 0, priority: float = 0.0) -> None:
        """Queue a job for its owner (any rep if the owner is busy); start it if someone can."""
        if self._by_priority:
            heapq.heappush(self._heap, (-priority, next(self._seq), job, owner))
        else:
            self._fifo.append((job, owner))
        self._dispatch()

    def _dispatch(self) -> None:
        """While a job waits and a rep is free on duty: the job's owner, or the next free rep
        after it, takes it (or goes prospecting first); then wake up when the next rep frees."""
        now = self.env._now
        if now >= self._shift_end:
            return  # the next shift start dispatches
        free_at, n, detour, work = self.free_at, self.n, self._detour, self._work
        jobs: deque[Any] | list[Any] = self._heap if self._by_priority else self._fifo
        while jobs:
            job, owner = jobs[0][2:] if self._by_priority else jobs[0]
            rep = owner % n
            if free_at[rep] > now:  # the owner is busy: the next free rep after it
                if min(free_at) > now:
                    break  # everyone is busy
                rep = (rep + 1) % n
                while free_at[rep] > now:
                    rep = (rep + 1) % n
            hours = detour(rep, job, now) if detour is not None else None
            if hours is None:
                if self._by_priority:
                    heapq.heappop(self._heap)
                else:
                    self._fifo.popleft()
                hours = work(rep, job, now)
            free_at[rep] = now + hours
        if jobs:
            self._wake_when_free(now)

    def _wake_when_free(self, now: float) -> None:
        """Everyone is busy (a job waits): wake when the first rep frees, if within the shift."""
        first = min(self.free_at)
        if now < first < min(self._wake_at, self._shift_end):
            self._wake_at = first
            call_later(self.env, first - now, self._woken)

    def _woken(self, _event: Wake) -> None:
        if self.env._now >= self._wake_at:
            self._wake_at = float("inf")
        self._dispatch()

    def let_go(self) -> None:
        """The run is over: forget the owner's callbacks (they point back at it)."""
        self._work = self._detour = None  # type: ignore[assignment]
        self._fifo.clear()
        self._heap.clear()

    def _current_shift_end(self, t: float) -> float:
        if not self.schedule.on_duty(t):
            return -1.0
        day_start = t - (t % 24.0)
        return day_start + self.schedule.shift_start_hour + self.schedule.shift_hours

    def _schedule_next_shift(self) -> None:
        delay = self.schedule.next_shift_start(self.env._now) - self.env._now
        call_later(self.env, delay, self._shift_starts)

    def _shift_starts(self, _event: Wake) -> None:
        self._shift_end = self.env._now + self.schedule.shift_hours
        self._wake_at = float("inf")  # wake-ups past the last shift's end were never scheduled
        self._dispatch()
        self._schedule_next_shift()
