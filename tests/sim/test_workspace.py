"""The Compare & Plan workspace (Qt-free): results belong to the scenario version they came from,
deltas are sim.plan.compare's paired differences on the same seeds, the brand-zero variant sets
every brand spend to 0, and the payback week is found where there is one."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sim.errors import ScenarioError
from sim.files import read_scenario
from sim.overrides import apply_settings
from sim.plan import compare
from sim.plan.brand_zero import without_brand
from sim.plan.over_time import payback
from sim.runner import InlineExecutor, replication_seed, summarize
from sim.scenario import BRAND, BudgetChange, Scenario
from sim.workspace import WORKSPACE_SERIES, RunKey, Workspace

SMALL = ["simulation.weeks=30", "simulation.warmup_weeks=4", "simulation.replications=4"]
N = 4


def small(settings: list[str] | None = None) -> Scenario:
    return apply_settings(Scenario(), [*SMALL, *(settings or [])])


def fill(workspace: Workspace, member_id: int, n: int = N) -> None:
    """Run a member's current version as the app's jobs do: replication i on the key's seed."""
    key = workspace.key(member_id)
    scenario = workspace.members[member_id].scenario
    run = workspace.start_run(key, n)
    assert run is not None
    for i in range(run.count, n):
        summary = summarize(scenario, replication_seed(key.seed, i), False, series=WORKSPACE_SERIES)
        assert workspace.record(key, i, summary)


def fake_summary(revenue: float = 1.0):
    from sim.runner import ReplicationSummary

    return ReplicationSummary(
        {"horizon": {"revenue": revenue}}, {"horizon": {"revenue": revenue}}, {}, {}, 0
    )


def test_editing_a_scenario_marks_its_run_stale_and_never_shows_it_as_current():
    workspace = Workspace(small(), planned=N)
    doc = workspace.document_id
    old_key = workspace.key(doc)
    workspace.start_run(old_key, N)
    assert workspace.record(old_key, 0, fake_summary())
    assert workspace.run(doc) is not None
    workspace.set_scenario(doc, small(["definitions.mql_threshold=70"]))
    assert workspace.run(doc) is None  # the edited version has no run yet
    assert workspace.key(doc) != old_key
    assert old_key not in workspace.runs  # nobody uses the old version: its run is dropped
    assert not workspace.record(old_key, 1, fake_summary())  # a late replication is refused


def test_opening_another_file_never_shows_the_first_files_numbers():
    workspace = Workspace(small(), planned=N)
    doc = workspace.document_id
    fill(workspace, doc, 2)
    first = workspace.run(doc)
    assert first is not None and first.count == 2
    other = read_scenario("scenarios/quality-play.toml").scenario
    workspace.set_scenario(doc, apply_settings(other, SMALL), file=None)
    assert workspace.run(doc) is None
    assert workspace.snapshot() is None
    assert all(run is not first for run in workspace.runs.values())


def test_a_pinned_baseline_keeps_its_run_when_the_document_is_edited():
    workspace = Workspace(small(), planned=N)
    doc = workspace.document_id
    fill(workspace, doc, 2)
    base = workspace.pin_baseline()
    assert workspace.run(base.id) is workspace.run(doc)  # one version, one run
    assert workspace.same_as_baseline(doc)
    workspace.set_scenario(doc, small(["sales.sdr_count=12"]))
    assert workspace.run(base.id) is not None and workspace.run(base.id).count == 2
    assert workspace.run(doc) is None
    assert workspace.incomplete() == [(workspace.key(base.id), base.scenario, 2)]


def test_out_of_order_and_repeated_replications_are_refused():
    workspace = Workspace(small(), planned=N)
    key = workspace.key(workspace.document_id)
    workspace.start_run(key, N)
    assert not workspace.record(key, 1, fake_summary())
    assert workspace.record(key, 0, fake_summary())
    assert not workspace.record(key, 0, fake_summary())
    assert workspace.start_run(RunKey("0" * 64, 1), N) is None  # a version no member has


def test_a_comparison_needs_the_baseline_and_its_measurement_window():
    workspace = Workspace(small(), planned=N)
    with pytest.raises(ScenarioError, match="pin a baseline"):
        workspace.add(small(), "file", "Other")
    workspace.pin_baseline()
    with pytest.raises(ScenarioError, match="different windows"):
        workspace.add(small(["simulation.weeks=40"]), "file", "Longer")


def test_deltas_equal_plan_compare_paired_differences_on_the_same_seeds():
    base_scenario = small()
    alternative = small(["sales.sdr_count=12", "definitions.mql_threshold=60"])
    workspace = Workspace(base_scenario, planned=N)
    base = workspace.pin_baseline()
    alt = workspace.add(alternative, "variant", "More SDRs")
    fill(workspace, base.id)
    fill(workspace, alt.id)
    deltas = workspace.deltas(alt.id)
    assert deltas is not None and deltas.paired == N and not deltas.reason
    expected = compare(
        [base_scenario, alternative],
        kpis=tuple(deltas.metrics),
        replications=N,
        executor=InlineExecutor(),
    )
    for kpi, mine in deltas.metrics.items():
        theirs = expected.alternatives[0].metrics[kpi]
        assert mine.diff == theirs.diff, kpi
        assert mine.outcome == theirs.outcome


def test_deltas_stream_over_the_replications_both_have():
    workspace = Workspace(small(), planned=N)
    base = workspace.pin_baseline()
    alt = workspace.add(small(["sales.sdr_count=12"]), "variant", "More SDRs")
    fill(workspace, base.id)
    assert workspace.deltas(alt.id).reason.startswith("waiting")
    fill(workspace, alt.id, 2)
    assert workspace.deltas(alt.id).paired == 2
    fill(workspace, alt.id, 3)
    assert workspace.deltas(alt.id).paired == 3


def test_snapshot_draws_each_version_once_and_pays_back_by_the_registry():
    workspace = Workspace(small(), planned=N)
    base = workspace.pin_baseline()
    fill(workspace, base.id)
    assert [m.name for m in workspace.snapshot().members] == [base.name]  # doc = baseline
    alt = workspace.add(small(["sales.sdr_count=12"]), "variant", "More SDRs")
    fill(workspace, alt.id)
    snapshot = workspace.snapshot()
    assert [m.name for m in snapshot.members] == [base.name, "More SDRs"]
    totals = snapshot.cumulative()["More SDRs"]
    run = workspace.run(alt.id)
    assert totals.revenue[-1] == pytest.approx(run.mean("revenue"), rel=1e-5)
    assert totals.cac[-1] == pytest.approx(run.mean("cac"), rel=1e-5)


def test_brand_zero_sets_weekly_spend_and_brand_budget_changes_to_zero():
    scenario = small(["brand.weekly_spend=9000"]).model_copy(
        update={
            "budget_changes": [
                BudgetChange(from_=dt.date(2026, 3, 2), channel=BRAND, weekly_budget=20000),
                BudgetChange(from_=dt.date(2026, 3, 2), channel="Paid search", weekly_budget=7),
            ]
        }
    )
    zero = without_brand(scenario)
    assert zero.brand.weekly_spend == 0
    assert [c.weekly_budget for c in zero.budget_changes] == [0, 7]  # other channels untouched
    assert zero.brand.prior_weekly_spend == scenario.brand.prior_weekly_spend  # history stays
    assert zero.name.endswith("brand spend at 0")
    shipped = read_scenario("scenarios/brand-investment.toml").scenario
    assert any(c.channel == BRAND and c.weekly_budget > 0 for c in shipped.budget_changes)
    assert all(
        c.weekly_budget == 0 for c in without_brand(shipped).budget_changes if c.channel == BRAND
    )


def test_payback_is_the_first_week_from_which_the_difference_stays_above_zero():
    dates = [dt.date(2026, 1, 5) + dt.timedelta(weeks=w) for w in range(6)]
    found = payback(np.array([-5.0, -3.0, 1.0, -0.5, 2.0, 4.0]), dates)
    assert (found.state, found.week, found.date) == ("pays back", 4, dates[4])
    assert payback(np.array([1.0, 2.0, 3.0, 3, 3, 3]), dates).state == "ahead from the start"
    assert payback(np.array([-1.0, 2.0, 3.0, 3, 3, -1]), dates).state == "not within the window"


def test_brand_that_works_pays_back_and_brand_that_does_nothing_never_does():
    """A case built to pay back: the brand lowers CPL and lifts organic demand and win rates, so
    without it awareness decays and revenue falls behind after the lag; the same brand with
    every effect switched off only costs money."""
    settings = ["simulation.weeks=40", "simulation.warmup_weeks=4", "simulation.replications=3"]
    works = apply_settings(read_scenario("scenarios/default.toml").scenario, settings)
    idle = apply_settings(
        works,
        [
            "brand.cpl_reduction=0",
            "brand.response_lift=0",
            "brand.win_rate_lift=0",
            "brand.dark_funnel_touches=0",
            *(f'channels["{c.name}"].awareness_lift=0' for c in works.channels),
        ],
    )
    found = {}
    for name, scenario in (("works", works), ("idle", idle)):
        workspace = Workspace(scenario, planned=3)
        base = workspace.pin_baseline()
        zero = workspace.add(without_brand(scenario), "brand_zero", "no brand")
        fill(workspace, base.id, 3)
        fill(workspace, zero.id, 3)
        found[name] = workspace.snapshot().brand_effect()
    works_payback = found["works"].net.payback
    assert works_payback.state == "pays back" and works_payback.week is not None
    assert found["works"].awareness.without[-1] < found["works"].awareness.with_brand[-1]
    assert found["idle"].net.payback.state == "not within the window"
    assert found["idle"].net.mean[-1] < 0


def test_side_by_side_every_column_is_over_the_replications_all_have():
    """A baseline with more replications than an alternative (a full run pinned): the page's
    means and differences are over the replications both have, so they agree; the charts too,
    and the alternative is run on until it has the baseline's."""
    workspace = Workspace(small(), planned=2)
    base = workspace.pin_baseline()
    alt = workspace.add(small(["sales.sdr_count=12"]), "file", "More SDRs")
    fill(workspace, base.id, 3)  # the document's full run, shared with the baseline
    fill(workspace, alt.id, 2)
    assert workspace.paired_count() == 2
    deltas = workspace.deltas(alt.id, upto=workspace.paired_count())
    base_run, alt_run = workspace.run(base.id), workspace.run(alt.id)
    for kpi, comparison in deltas.metrics.items():
        base_mean, alt_mean = base_run.mean(kpi, 2), alt_run.mean(kpi, 2)
        assert comparison.mean == pytest.approx(alt_mean, nan_ok=True), kpi
        assert alt_mean - base_mean == pytest.approx(comparison.diff.mean, nan_ok=True), kpi
    assert {len(m.replications) for m in workspace.snapshot().members} == {2}
    assert workspace.incomplete() == [(workspace.key(alt.id), alt.scenario, 2)]  # run on to 3
    fill(workspace, alt.id, workspace.target())
    assert workspace.paired_count() == 3
