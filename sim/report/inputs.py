"""Everything a workshop report shows, gathered before a page is drawn: the plan's run, the
alternatives' runs on the same seeds with their paired comparison, and what would have to change
for each amber or red target. The command line simulates all of it (`ReportInputs.simulate`);
the window passes the run it already has."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from sim.results import RunResult
from sim.runner import run
from sim.scenario import Scenario
from sim.uncertain import uncertain_inputs
from sim.workshop.board import board_rows
from sim.workshop.compare import Comparison, compare_results
from sim.workshop.goal import Answer, what_would_have_to_change
from sim.workshop.words import target_goal

Progress = Callable[[int, int], None]
Announce = Callable[[str], None]


@dataclass
class ReportInputs:
    scenario: Scenario
    result: RunResult
    alternatives: list[tuple[Scenario, RunResult]] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    answers: dict[int, Answer] = field(default_factory=dict)  # target index -> goal seek
    lever: str | None = None  # the lever goal seek used (None: not asked for)
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    @classmethod
    def simulate(
        cls,
        scenario: Scenario,
        alternatives: list[Scenario] = (),  # type: ignore[assignment]
        *,
        replications: int | None = None,
        seed: int | None = None,
        executor: Executor | None = None,
        progress: Progress | None = None,
        cancel: Any = None,
        lever: str | None = None,
        announce: Announce | None = None,
    ) -> ReportInputs:
        """Run the plan, each alternative on the same seeds, and goal seek for every amber or
        red target on `lever` (None: no goal seek). `announce` hears each goal seek start, so
        a long report says what it is doing; `progress` then counts that search's runs."""
        n = replications or scenario.simulation.replications
        root = scenario.simulation.seed if seed is None else seed
        jobs = 1 + len(alternatives)

        def phase(k: int) -> Progress | None:
            if progress is None:
                return None
            return lambda done, total: progress(k * n + done * n // max(total, 1), jobs * n)

        result = run(
            scenario,
            replications=n,
            seed=root,
            executor=executor,
            progress=phase(0),
            cancel=cancel,
            split_uncertainty=bool(uncertain_inputs(scenario)),
        )
        runs = []
        for k, alt in enumerate(alternatives, start=1):
            alt_result = run(
                alt, replications=n, seed=root, executor=executor, progress=phase(k), cancel=cancel
            )
            runs.append((alt, alt_result))
        inputs = cls.from_runs(scenario, result, runs)
        if lever is not None:
            inputs.seek(lever, executor, cancel, progress, announce)
        return inputs

    @classmethod
    def from_runs(
        cls, scenario: Scenario, result: RunResult, alternatives: list[tuple[Scenario, RunResult]]
    ) -> ReportInputs:
        comparisons = [compare_results(result, r) for _s, r in alternatives]
        return cls(scenario, result, list(alternatives), comparisons)

    def seek(
        self,
        lever: str,
        executor: Executor | None = None,
        cancel: Any = None,
        progress: Progress | None = None,
        announce: Announce | None = None,
    ) -> None:
        """What would have to change, for the targets the board shows amber or red."""
        self.lever = lever
        rows = enumerate(board_rows(self.result, self.scenario))
        wanted = [(i, row) for i, row in rows if row.colour != "green"]
        for k, (i, row) in enumerate(wanted, start=1):
            if announce is not None:
                goal = target_goal(row.target, self.scenario.currency)
                announce(f"goal seek {k} of {len(wanted)} on {lever}: {goal}")
            self.answers[i] = what_would_have_to_change(
                self.scenario,
                row.target,
                lever,
                replications=self.result.replications,
                seed=self.result.seed,
                executor=executor,
                progress=progress,
                cancel=cancel,
            )
