"""The Compare & Plan view's long work, off the GUI thread like every run (app/workers.py): the
compared scenarios' runs, streamed replication by replication into the workspace, and the
planning tools (sweep, sensitivity, goal seek) called as the command line calls them.

Each job's thread only waits for the engine's process pool and posts what happened to the
window's Inbox; the listener's methods are bound on the GUI thread when the job is made.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, Protocol

import sim.runner as runner
from app.workers import Inbox, Job
from sim.errors import ScenarioError
from sim.limits import check_runnable
from sim.runner import CancelFlag, Progress, ReplicationSummary
from sim.scenario import Scenario
from sim.workspace import WORKSPACE_SERIES, RunKey

GATE_POLL_S = 0.05  # how often a waiting member run looks at its cancel flag


class MemberListener(Protocol):
    def member_replication(
        self, job: MemberRunJob, index: int, summary: ReplicationSummary
    ) -> None: ...
    def member_ended(self, job: MemberRunJob) -> None: ...
    def member_failed(self, job: MemberRunJob, message: str) -> None: ...


class MemberRunJob(Job):
    """Replications `first`..`planned`-1 of one scenario version on its key's seed, in
    replication order, each reduced to its summary in the worker.

    Before each replication goes to the pool it waits until `may_submit` is set (no live run of
    the document is due or going), so an edit's live run finds the workers free; at most `window`
    replications are in the pool at a time."""

    def __init__(
        self,
        key: RunKey,
        scenario: Scenario,
        first: int,
        planned: int,
        executor: Executor,
        inbox: Inbox,
        listener: MemberListener,
        window: int,
        may_submit: threading.Event,
    ) -> None:
        super().__init__("funnel-lab-compare", inbox)
        self.key, self.scenario = key, scenario
        self.first, self.planned = first, planned
        self.executor, self.window, self.may_submit = executor, window, may_submit
        self._on_replication = listener.member_replication
        self._on_ended = listener.member_ended
        self._on_failed = listener.member_failed

    def _submit(self, offset: int) -> Future:
        while not self.may_submit.wait(GATE_POLL_S):
            if self.cancel_event.is_set():
                raise runner.Cancelled
        seed = runner.replication_seed(self.key.seed, self.first + offset)
        return self.executor.submit(
            runner.summarize, self.scenario, seed, False, ("horizon",), WORKSPACE_SERIES
        )

    def work(self) -> None:
        try:
            check_runnable(self.scenario)
            count = self.planned - self.first
            stream = runner.in_order_bounded(
                self._submit, count, self.window, cancel=self.cancel_event
            )
            for offset, summary in stream:
                self.post(self._on_replication, self, self.first + offset, summary)
        except runner.Cancelled:
            pass
        except ScenarioError as error:
            self.post(self._on_failed, self, str(error))
            return
        except Exception as error:  # a compared scenario that fails says so, never a crash
            self.post(self._on_failed, self, f"{type(error).__name__}: {error}")
            return
        self.post(self._on_ended, self)


PlanCall = Callable[[Progress, CancelFlag], Any]


class PlanListener(Protocol):
    def plan_progress(self, job: PlanJob, done: int, total: int) -> None: ...
    def plan_finished(self, job: PlanJob, result: Any) -> None: ...
    def plan_cancelled(self, job: PlanJob) -> None: ...
    def plan_failed(self, job: PlanJob, message: str) -> None: ...


class PlanJob(Job):
    """One planning tool's call (`sim.plan.sweep`, `sensitivity`, `goal_seek`), with progress
    as (done, total) replications and a cancel flag the tool checks between replications."""

    def __init__(self, call: PlanCall, inbox: Inbox, listener: PlanListener) -> None:
        super().__init__("funnel-lab-plan", inbox)
        self.call = call
        self._on_progress = listener.plan_progress
        self._on_finished = listener.plan_finished
        self._on_cancelled = listener.plan_cancelled
        self._on_failed = listener.plan_failed

    def _progress(self, done: int, total: int) -> None:
        self.post(self._on_progress, self, done, total)

    def work(self) -> None:
        try:
            result = self.call(self._progress, self.cancel_event)
        except runner.Cancelled:
            self.post(self._on_cancelled, self)
        except ScenarioError as error:
            self.post(self._on_failed, self, str(error))
        except Exception as error:  # a planning tool's failure is a message, never a crash
            self.post(self._on_failed, self, f"{type(error).__name__}: {error}")
        else:
            if self.cancel_event.is_set():
                self.post(self._on_cancelled, self)
            else:
                self.post(self._on_finished, self, result)
