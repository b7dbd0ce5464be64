"""The Compare & Plan workspace: several scenarios and their runs, with no Qt (napari keeps its
ViewerModel of many layers Qt-free the same way: the model emits events, the window listens).

A result belongs to the scenario version it came from. Runs are stored by `RunKey` (the
scenario's sha256 and the root seed), and a member shows a run only while that key is its own:
editing a member gives it a new version with no run yet, so its old numbers are never shown as
current; replications posted for a version no member has any more are refused; members of one
version share one run; runs that no member uses are dropped.

Every member but the document runs on the workspace's seed (the baseline's), so replication i of
each shares its random numbers with the baseline's (common random numbers), and each KPI's delta
is the paired difference with its 95% interval from `sim.plan.compare.judge`, the command
line's own verdict, over the replications both have so far: deltas stream as replications
complete. The document (what the main editor edits) keeps its own seed, as its live run does.

Side by side (the Compare & Plan page), every scenario is over the same replications 0..k-1,
those the baseline and every member paired with it all have (`paired_count`), so a column's
mean minus the baseline's is its difference; the baseline and the compared members run up to
the longest run among them (a full run of the document), so that none is left out for long.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sim.errors import ScenarioError
from sim.metrics import METRICS
from sim.plan.batch import TIME_USE_SERIES
from sim.plan.brand_zero import BrandEffect, brand_effect
from sim.plan.compare import KpiComparison, check_same_window, judge
from sim.plan.over_time import (
    Cumulative,
    NetDifference,
    cumulative,
    measured_dates,
    net_difference,
)
from sim.plan.rows import sample_of
from sim.plan.time_use import TimeUse, time_use
from sim.results import Sample
from sim.runner import ReplicationSummary
from sim.scenario import Scenario

DELTA_KPIS = (  # the dashboard's cards show these, each with its delta to the baseline
    "revenue",
    "won",
    "mql",
    "sql",
    "cpl",
    "cac",
    "marketing_sourced_revenue_share",
    "marketing_sourced_pipeline_share",
)
# The weekly series each replication keeps: the sales team's time, and what the over-time charts
# read (cumulative revenue, spend and CAC; brand awareness, cost per lead, organic demand).
WORKSPACE_SERIES = (
    *TIME_USE_SERIES,
    "revenue",
    "won",
    "spend_media",
    "spend_referral",
    "spend_brand",
    "spend_nurture",
    "spend_review",
    "sales_cost",
    "awareness",
    "paid_leads",
    "leads",
)
DOCUMENT_NAME = "Current (editing)"
PLANNED = 20  # replications a member's run makes (the live run's number)

Kind = Literal["document", "baseline", "file", "variant", "brand_zero"]


class Event:
    """Callbacks to call when something changed (a Qt-free signal)."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., None]] = []

    def connect(self, callback: Callable[..., None]) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[..., None]) -> None:
        self._callbacks.remove(callback)

    def emit(self, *args: object) -> None:
        for callback in list(self._callbacks):
            callback(*args)


@dataclass
class WorkspaceEvents:
    members: Event = field(default_factory=Event)  # a member came, went, or changed version
    run: Event = field(default_factory=Event)  # run(key): a replication arrived
    baseline: Event = field(default_factory=Event)  # pinned, re-pinned or unpinned


@dataclass(frozen=True)
class RunKey:
    """What a run belongs to: one version of a scenario (its sha256) run on one root seed."""

    sha256: str
    seed: int

    @property
    def version(self) -> str:
        return self.sha256[:8]


@dataclass
class Run:
    """The replications of one version so far, in replication order (0, 1, 2, ...)."""

    key: RunKey
    planned: int
    replications: list[ReplicationSummary] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.replications)

    @property
    def complete(self) -> bool:
        return self.count >= self.planned

    def sample(self, n: int | None = None) -> Sample:
        """Replications 0..n-1 over the measurement window, pooled as the run's cards are."""
        return sample_of(self.replications[:n])

    def mean(self, kpi: str, n: int | None = None) -> float:
        """The KPI over replications 0..n-1 as a card shows it (a rate: the ratio of the
        average totals)."""
        return self.sample(n).mean(kpi)


@dataclass
class Member:
    """One scenario in the workspace: the document, the pinned baseline, a file or a variant."""

    id: int
    name: str
    scenario: Scenario
    kind: Kind
    file: Path | None = None
    origin: str = ""  # what it was made from, in words ("a variant of Default")


@dataclass(frozen=True)
class Deltas:
    """A member's KPIs against the baseline: paired over `paired` replications (of `planned`);
    `metrics` is empty and `reason` says why when there is nothing to pair yet."""

    paired: int
    planned: int
    metrics: dict[str, KpiComparison]
    reason: str = ""


@dataclass(frozen=True)
class Shown:
    """A member as the charts see it: its name, scenario and the replications of its run."""

    name: str
    scenario: Scenario
    replications: tuple[ReplicationSummary, ...]
    kind: Kind


@dataclass(frozen=True)
class Snapshot:
    """What the Compare & Plan charts draw: the baseline first, then every other member with a
    run of its current version (`sim.charts` reads it; the time-use chart reads `time_use`)."""

    members: tuple[Shown, ...]
    currency: str

    @property
    def baseline(self) -> Shown:
        return self.members[0]

    @property
    def time_use(self) -> dict[str, TimeUse]:
        return {m.name: time_use(m.replications, m.scenario) for m in self.members}

    def cumulative(self) -> dict[str, Cumulative]:
        """Each member's running revenue, spend and CAC through the measured weeks."""
        return {m.name: cumulative(m.replications, m.scenario) for m in self.members}

    def net_differences(self) -> dict[str, NetDifference]:
        """Each other member minus the baseline, cumulative revenue net of marketing spend,
        paired, with its payback week."""
        base = self.baseline
        return {
            m.name: net_difference(m.replications, base.replications, base.scenario)
            for m in self.members[1:]
        }

    def measured_dates(self) -> list[dt.date]:
        return measured_dates(self.baseline.scenario)

    def brand_effect(self) -> BrandEffect | None:
        """What the brand spend buys: the baseline against its latest brand-spend-at-0
        variant (None without one)."""
        zero = [m for m in self.members if m.kind == "brand_zero"]
        if not zero:
            return None
        base, without = self.baseline, zero[-1]
        return brand_effect(
            base.scenario, base.name, base.replications, without.name, without.replications
        )


class Workspace:
    """The document being edited, the pinned baseline, and the files and variants compared."""

    def __init__(self, document: Scenario, planned: int = PLANNED) -> None:
        self.events = WorkspaceEvents()
        self.members: dict[int, Member] = {}
        self.runs: dict[RunKey, Run] = {}
        self.baseline_id: int | None = None
        self.planned = planned
        self._ids = itertools.count()
        self.document_id = self._add(document, "document", DOCUMENT_NAME).id

    # -- members ------------------------------------------------------------------------------

    @property
    def document(self) -> Member:
        return self.members[self.document_id]

    @property
    def baseline(self) -> Member | None:
        return None if self.baseline_id is None else self.members[self.baseline_id]

    def compared(self) -> list[Member]:
        """Members other than the document and the baseline, in the order they came."""
        return [m for m in self.members.values() if m.kind not in ("document", "baseline")]

    def add(
        self, scenario: Scenario, kind: Kind, name: str, file: Path | None = None, origin: str = ""
    ) -> Member:
        """Compare another scenario with the baseline. One that measures other weeks than the
        baseline could not be paired: a ScenarioError says which field differs."""
        base = self.baseline
        if base is None:
            raise ScenarioError("pin a baseline first: every comparison is against it")
        check_same_window([base.scenario, scenario], [base.name, name])
        return self._add(scenario, kind, self.unique_name(name), file, origin)

    def _add(
        self, scenario: Scenario, kind: Kind, name: str, file: Path | None = None, origin: str = ""
    ) -> Member:
        member = Member(next(self._ids), name, scenario, kind, file, origin)
        self.members[member.id] = member
        self.events.members.emit()
        return member

    def unique_name(self, name: str) -> str:
        taken = {m.name for m in self.members.values()}
        if name not in taken:
            return name
        return next(f"{name} ({i})" for i in itertools.count(2) if f"{name} ({i})" not in taken)

    def remove(self, member_id: int) -> None:
        if member_id == self.document_id:
            raise ValueError("the document stays in the workspace")
        if member_id == self.baseline_id:
            self.unpin()
            return
        del self.members[member_id]
        self._prune()
        self.events.members.emit()

    def set_scenario(self, member_id: int, scenario: Scenario, file: Path | None = None) -> None:
        """A member's new version (an edit, or another file opened into the document): its runs
        of earlier versions are no longer its own."""
        member = self.members[member_id]
        if member.kind == "baseline":
            raise ValueError("the baseline is a pinned version: pin again to change it")
        member.scenario = scenario
        if file is not None:
            member.file = file
        self._prune()
        self.events.members.emit()

    def pin_baseline(self) -> Member:
        """Pin the document's current version as the baseline (replacing the one pinned)."""
        doc = self.document
        if self.baseline_id is not None:
            del self.members[self.baseline_id]
        name = self.unique_name(f"{doc.scenario.name} (baseline)")
        member = self._add(doc.scenario, "baseline", name, doc.file, f"pinned {doc.scenario.name}")
        self.baseline_id = member.id
        self._prune()
        self.events.baseline.emit()
        return member

    def unpin(self) -> None:
        """No baseline: the compared files and variants go with it (they were against it)."""
        for member in [*self.compared(), self.baseline]:
            if member is not None:
                del self.members[member.id]
        self.baseline_id = None
        self._prune()
        self.events.baseline.emit()
        self.events.members.emit()

    # -- runs ---------------------------------------------------------------------------------

    @property
    def seed(self) -> int:
        """The root seed every compared member runs on: the baseline's (the document's without
        one)."""
        reference = self.baseline or self.document
        return reference.scenario.simulation.seed

    def key(self, member_id: int) -> RunKey:
        """The run a member shows: its current version on its seed."""
        member = self.members[member_id]
        seed = member.scenario.simulation.seed if member.kind == "document" else self.seed
        return RunKey(member.scenario.sha256(), seed)

    def run(self, member_id: int) -> Run | None:
        """The run of a member's current version, or None: never a run of another version."""
        return self.runs.get(self.key(member_id))

    def start_run(self, key: RunKey, planned: int) -> Run | None:
        """A run for `key` that will make `planned` replications (an existing run of the key is
        kept and extended: replication i of one version and seed is always the same). None if
        no member has that version now."""
        if key not in self._keys_in_use():
            return None
        run = self.runs.get(key)
        if run is None:
            run = self.runs[key] = Run(key, planned)
        run.planned = max(run.planned, planned)
        return run

    def record(self, key: RunKey, index: int, summary: ReplicationSummary) -> bool:
        """Replication `index` of the run of `key`; True if it was taken. Refused: a version no
        member has any more, and replications out of order or already there."""
        run = self.runs.get(key)
        if run is None or index != run.count:
            return False
        run.replications.append(summary)
        self.events.run.emit(key)
        return True

    def incomplete(self) -> list[tuple[RunKey, Scenario, int]]:
        """Runs the baseline and the compared members still need: (key, scenario, the first
        replication missing). The document's runs are the window's live and full runs."""
        needed: dict[RunKey, tuple[RunKey, Scenario, int]] = {}
        target = self.target()
        for member in self.members.values():
            key = self.key(member.id)
            run = self.runs.get(key)
            if member.kind != "document" and (run is None or run.count < target):
                needed[key] = (key, member.scenario, run.count if run else 0)
        return list(needed.values())

    def target(self) -> int:
        """How many replications the baseline and the compared members run: the planned number,
        or as many as the longest run side by side (a full run of the document), so that the
        comparison is not held to the shortest run for good."""
        return max([self.planned, *(run.count for _, run in self._side_by_side())])

    def _keys_in_use(self) -> set[RunKey]:
        return {self.key(member_id) for member_id in self.members}

    def _prune(self) -> None:
        used = self._keys_in_use()
        for key in [k for k in self.runs if k not in used]:
            del self.runs[key]

    # -- what the views show ------------------------------------------------------------------

    def unpaired_reason(self, member_id: int) -> str:
        """Why the member's replications cannot be paired with the baseline's ('' when they can,
        and for the baseline itself)."""
        base = self.baseline
        member = self.members[member_id]
        if base is None:
            return "no baseline pinned"
        if self.key(member_id).seed != self.seed:
            return "not paired: its seed differs from the baseline's"
        try:
            check_same_window([base.scenario, member.scenario], [base.name, member.name])
        except ScenarioError:
            return "not paired: it measures other weeks than the baseline"
        return ""

    def _side_by_side(self) -> list[tuple[Member, Run]]:
        """The baseline and its run, then every member paired with it that has replications of
        its current version, less one still the baseline's version (the same run twice)."""
        base = self.baseline
        base_run = None if base is None else self.run(base.id)
        if base is None or base_run is None or base_run.count == 0:
            return []
        shown = [(base, base_run)]
        for member in [self.document, *self.compared()]:
            run = self.run(member.id)
            if (
                run
                and run.count
                and not self.unpaired_reason(member.id)
                and not self.same_as_baseline(member.id)
            ):
                shown.append((member, run))
        return shown

    def paired_count(self) -> int:
        """k: the page shows replications 0..k-1, those every scenario side by side has, so
        each column's mean, its difference to the baseline and the charts agree (0 until the
        baseline has replications)."""
        return min((run.count for _, run in self._side_by_side()), default=0)

    def deltas(
        self, member_id: int, kpis: Sequence[str] = DELTA_KPIS, upto: int | None = None
    ) -> Deltas | None:
        """The member's paired differences to the baseline over the replications both have
        (at most `upto`: the page passes its `paired_count`); None without a baseline (or for
        the baseline itself)."""
        base = self.baseline
        if base is None or member_id == base.id:
            return None
        member = self.members[member_id]
        base_run, run = self.run(base.id), self.run(member_id)
        planned = run.planned if run is not None else self.planned
        reason = self.unpaired_reason(member_id)
        if reason:
            return Deltas(0, planned, {}, reason)
        paired = min(run.count if run else 0, base_run.count if base_run else 0)
        if upto is not None:
            paired = min(paired, upto)
        if paired < 2:
            return Deltas(paired, planned, {}, "waiting for the first two paired replications")
        assert base_run is not None and run is not None
        currency = base.scenario.currency
        base_sample, sample = base_run.sample(paired), run.sample(paired)
        metrics = {
            kpi: judge(kpi, base_sample, sample, member.name, currency)
            for kpi in kpis
            if kpi in METRICS
        }
        return Deltas(paired, max(planned, base_run.planned), metrics)

    def same_as_baseline(self, member_id: int) -> bool:
        """The member is the baseline's very version on its seed (the document before any edit
        since pinning): it shares the baseline's run."""
        base = self.baseline
        return (
            base is not None and member_id != base.id and self.key(member_id) == self.key(base.id)
        )

    def snapshot(self) -> Snapshot | None:
        """What the charts draw: the scenarios side by side over the same replications 0..k-1
        (`paired_count`), as the table shows them. None until the baseline has replications."""
        side_by_side = self._side_by_side()
        if not side_by_side:
            return None
        k = self.paired_count()
        shown = tuple(
            Shown(m.name, m.scenario, tuple(run.replications[:k]), m.kind)
            for m, run in side_by_side
        )
        return Snapshot(shown, side_by_side[0][0].scenario.currency)
