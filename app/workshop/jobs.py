"""The workshop's long work, off the GUI thread like every run (app/workers.py): goal seek for the
board's amber and red targets, the alternatives' runs for the comparison, and writing the report.

Each job's thread only waits for the engine's process pool and posts what happened to the
window's Inbox; the listener's methods are bound on the GUI thread when the job is made.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import sim.runner as runner
from app.workers import Inbox, Job
from sim.results import RunResult
from sim.scenario import Scenario, Target
from sim.workshop.compare import compare_results
from sim.workshop.goal import what_would_have_to_change


def _failure(error: Exception) -> str:
    return str(error) if isinstance(error, ValueError) else f"{type(error).__name__}: {error}"


class GoalJob(Job):
    """What would have to change, target by target, on one lever."""

    def __init__(
        self,
        scenario: Scenario,
        targets: dict[int, Target],
        lever: str,
        result: RunResult,
        executor: Executor,
        inbox: Inbox,
        listener: Any,
    ) -> None:
        super().__init__("funnel-lab-goal-seek", inbox)
        self.scenario, self.targets, self.lever = scenario, targets, lever
        self.replications, self.seed = result.replications, result.seed
        self.executor = executor
        self._on_progress = listener.goal_progress
        self._on_finished = listener.goal_finished
        self._on_failed = listener.goal_failed

    def work(self) -> None:
        answers = {}
        try:
            for done, (index, target) in enumerate(self.targets.items()):
                self.post(self._on_progress, self, done, len(self.targets))
                answers[index] = what_would_have_to_change(
                    self.scenario,
                    target,
                    self.lever,
                    replications=self.replications,
                    seed=self.seed,
                    executor=self.executor,
                    cancel=self.cancel_event,
                )
        except runner.Cancelled:
            return
        except Exception as error:  # any failure is a message, never a crash
            self.post(self._on_failed, self, _failure(error))
            return
        self.post(self._on_finished, self, answers)


class CompareJob(Job):
    """The alternatives, each on the plan's seeds, and the paired table."""

    def __init__(
        self,
        base: RunResult,
        alternatives: list[Scenario],
        executor: Executor,
        inbox: Inbox,
        listener: Any,
    ) -> None:
        super().__init__("funnel-lab-compare", inbox)
        self.base, self.alternatives, self.executor = base, alternatives, executor
        self._on_finished = listener.compare_finished
        self._on_failed = listener.compare_failed

    def work(self) -> None:
        runs = []
        try:
            for alt in self.alternatives:
                result = runner.run(
                    alt,
                    replications=self.base.replications,
                    seed=self.base.seed,
                    executor=self.executor,
                    cancel=self.cancel_event,
                )
                runs.append((alt, result))
            comparisons = [compare_results(self.base, r) for _s, r in runs]
        except runner.Cancelled:
            return
        except Exception as error:
            self.post(self._on_failed, self, _failure(error))
            return
        self.post(self._on_finished, self, runs, comparisons)


def write_report(inputs: Any, path: Path) -> Path:
    """In a worker process: the PDF (matplotlib and ReportLab never run on the GUI's threads)."""
    from sim.report import build_report

    return build_report(inputs, path)


class ReportJob(Job):
    """Write the workshop report from what the window already has."""

    def __init__(
        self, inputs: Any, path: Path, executor: Executor, inbox: Inbox, listener: Any
    ) -> None:
        super().__init__("funnel-lab-report", inbox)
        self.inputs, self.path, self.executor = inputs, path, executor
        self._on_finished = listener.report_finished
        self._on_failed = listener.report_failed

    def work(self) -> None:
        try:
            written = self.executor.submit(write_report, self.inputs, self.path).result()
        except Exception as error:
            self.post(self._on_failed, self, _failure(error))
            return
        self.post(self._on_finished, self, written)
