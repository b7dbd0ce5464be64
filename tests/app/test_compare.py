"""The Compare & Plan view in the window: pinning a baseline puts each KPI's paired difference on
the cards as live replications stream (the same numbers as funnel-lab compare on the same
seeds), files and variants join the comparison and run off the GUI thread, brand spend at 0 is
one click, each compared document has its own recovery file, opening another file shows none
of the first file's numbers, and the planning dialogs run and cancel without freezing."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

import sim.runner as runner
from app.compare.goal_dialog import GoalSeekDialog
from app.compare.page import ComparePage
from app.compare.sensitivity_dialog import SensitivityDialog
from app.compare.sweep_dialog import SweepDialog
from app.main_window import MainWindow
from app.recovery import Lock
from app.results.cards import delta_text
from app.run_controller import RunController
from sim.charts import PLAN_OUTPUTS
from sim.files import write_scenario
from sim.metrics import METRICS
from sim.plan import compare
from sim.plan.brand_zero import BrandEffect
from sim.plan.sweep import SweepResult
from sim.plan.words import amount
from sim.runner import InlineExecutor, replication_seed, summarize
from sim.scenario import Scenario
from sim.workspace import DELTA_KPIS, WORKSPACE_SERIES, Workspace

WAIT_MS = 90_000
N = 4
SMALL = {"simulation": {"weeks": 20, "warmup_weeks": 4, "replications": N}}


def small(**changes: Any) -> Scenario:
    data: dict[str, Any] = {**SMALL}
    for section, values in changes.items():
        data[section] = {**data.get(section, {}), **values}
    return Scenario.model_validate(data)


@pytest.fixture
def app_controller(window: MainWindow) -> Any:
    window.set_live(False)
    window.document.load(small(), None, None)
    controller = RunController(window, runner.shared_pool(2), live_replications=N)
    yield controller
    controller.shutdown()


def live_run(qtbot: Any, controller: RunController) -> None:
    """Turn Live on (or edit) and wait for the whole quick run."""
    with qtbot.waitSignal(controller.live_finished, timeout=WAIT_MS):
        controller.window.set_live(True)


def wait_complete(qtbot: Any, controller: RunController, member_id: int) -> None:
    def done() -> bool:
        run = controller.workspace.run(member_id)
        return run is not None and run.complete

    qtbot.waitUntil(done, timeout=WAIT_MS)


def card_delta(controller: RunController, kpi: str) -> str:
    return controller.dashboard.cards.cards[kpi].delta.text()


def test_pinned_baseline_deltas_stream_onto_the_cards_and_equal_plan_compare(
    qtbot, window, app_controller
):
    controller = app_controller
    live_run(qtbot, controller)
    base_scenario = window.scenario
    controller.compare.actions_["pin"].trigger()
    assert card_delta(controller, "revenue") == "vs baseline identical"
    paired: list[int] = []
    texts: list[str] = []

    def updated(_result: object) -> None:
        deltas = controller.workspace.deltas(controller.workspace.document_id)
        paired.append(deltas.paired)
        texts.append(card_delta(controller, "revenue"))

    controller.live_updated.connect(updated)
    sdrs = window.editor.field_editor(("sales", "sdr_count")).input
    with qtbot.waitSignal(controller.live_finished, timeout=WAIT_MS):
        sdrs.setValue(sdrs.value() + 4)
    assert paired == list(range(2, N + 1))  # the deltas stream with the replications
    assert all(t.startswith("vs baseline ") for t in texts)
    expected = compare(
        [base_scenario, window.scenario],
        kpis=DELTA_KPIS,
        replications=N,
        executor=InlineExecutor(),
    ).alternatives[0]
    for kpi in DELTA_KPIS:
        mine = controller.workspace.deltas(controller.workspace.document_id).metrics[kpi]
        assert mine.diff == expected.metrics[kpi].diff, kpi
        assert card_delta(controller, kpi) == f"vs baseline {delta_text(mine, 'USD')}"
    assert "+" in card_delta(controller, "revenue")  # four more SDRs: more revenue


def test_compare_view_shows_a_file_and_brand_spend_at_zero_side_by_side(
    qtbot, window, app_controller, tmp_path: Path
):
    controller = app_controller
    plan = tmp_path / "more-reps.toml"
    write_scenario(small(sales={"sdr_count": 12}).model_copy(update={"name": "More reps"}), plan)
    member = controller.compare.compare_file(plan)  # pins the current version first
    assert controller.workspace.baseline is not None and member is not None
    zero = controller.compare.compare_brand_zero()
    assert zero is not None and zero.scenario.brand.weekly_spend == 0
    for member_id in (controller.workspace.baseline_id, member.id, zero.id):
        wait_complete(qtbot, controller, member_id)
    page = controller.compare.page
    qtbot.waitUntil(page.charts_drawn, timeout=WAIT_MS)  # the brand chart is in view
    assert isinstance(page.canvases["brand_effect"].shown, BrandEffect)
    headers = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]
    assert [h.splitlines()[-1] for h in headers] == [
        f"{N} replications",
        "same as the baseline",  # the document, not edited since pinning
        f"{N} replications",
        f"{N} replications",
    ]
    revenue = page.table.item(0, 2).text().splitlines()
    deltas = controller.workspace.deltas(member.id).metrics["revenue"]
    assert revenue[0] == f"USD {deltas.mean / 1e6:,.2f}M"
    assert "(" in revenue[1] and " to " in revenue[1]  # the difference with its interval
    page.show_chart("cumulative_revenue")
    qtbot.waitUntil(page.charts_drawn, timeout=WAIT_MS)
    assert [m.name for m in page.canvases["cumulative_revenue"].shown.members] == [
        controller.workspace.baseline.name,
        "More reps",
        zero.name,
    ]


def test_a_file_measuring_other_weeks_is_refused_with_the_field_named(
    qtbot, window, app_controller, boxes, tmp_path: Path
):
    other = tmp_path / "longer.toml"
    write_scenario(small(simulation={"weeks": 30}), other)
    assert app_controller.compare.compare_file(other) is None
    (_kind, title, text) = boxes.of_kind("critical")[-1]
    assert "simulation.weeks" in text and "longer.toml" in title


def test_opening_another_file_shows_none_of_the_first_files_numbers(
    qtbot, window, app_controller, tmp_path: Path
):
    controller = app_controller
    live_run(qtbot, controller)
    card = controller.dashboard.cards.cards["revenue"]
    assert card.value.text() != "—"
    other = tmp_path / "other.toml"
    write_scenario(small(deals={"win_rate": 0.2}), other)
    window.set_live(False)
    assert window.open_file(other)
    assert card.value.text() == "—"  # not the first file's revenue, not even greyed
    assert controller.dashboard.card_result is None and controller.dashboard.result is None
    assert controller.workspace.run(controller.workspace.document_id) is None


def test_each_compared_document_has_its_own_recovery_file(
    qtbot, window, app_controller, recovery_dir: Path
):
    compare_plan = app_controller.compare
    variant = compare_plan.compare_variant()
    zero = compare_plan.compare_brand_zero()
    assert variant is not None and zero is not None
    editor = compare_plan.variant_windows[variant.id].editor
    editor.field_editor(("deals", "win_rate")).input.setValue(0.4)
    qtbot.waitUntil(
        lambda: compare_plan.workspace.members[variant.id].scenario.deals.win_rate == 0.4
    )
    window.document.edit(("deals", "win_rate"), 0.2, "Win rate")
    window.autosave()
    compare_plan.documents.autosave()
    autosaves = sorted(recovery_dir.glob("*.toml"))
    assert len(autosaves) == 3  # the window's document, the variant, brand spend at 0
    assert len({p.stem for p in autosaves}) == 3
    for path in autosaves:
        assert not Lock(path.with_suffix(".lock")).acquire()  # each held by its document
    texts = [p.read_text(encoding="utf-8") for p in autosaves]
    assert sum("win_rate = 0.4" in t for t in texts) == 1
    compare_plan.remove_member(variant.id)
    assert len(list(recovery_dir.glob("*.toml"))) == 2  # a removed variant's autosave goes


class Ticks:
    """Counts the GUI event loop's turns while work runs elsewhere (it never froze if the
    count grows)."""

    def __init__(self) -> None:
        self.count = 0
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        self.count += 1


def test_sweep_dialog_runs_off_the_gui_thread_and_draws_the_cli_chart(
    qtbot, window, app_controller
):
    dialog = app_controller.compare.open_dialog(SweepDialog)
    assert PLAN_OUTPUTS["sweep"] == dialog.CHARTS
    dialog.steps.setValue(2)
    dialog.replications.setValue(2)
    ticks = Ticks()
    dialog.run_button.click()
    job = dialog.job
    assert job is not None and job.thread is not threading.current_thread()
    assert not dialog.run_button.isEnabled() and dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=WAIT_MS)
    assert ticks.count > 0  # the window kept turning while the sweep ran
    assert isinstance(dialog.canvases["sweep"].shown, SweepResult)
    assert dialog.text.toPlainText().startswith("sweep of")
    assert dialog.status.text().startswith("Done")


def test_planning_dialogs_cancel_and_run_again(qtbot, window, app_controller):
    dialog = app_controller.compare.open_dialog(SweepDialog)
    dialog.steps.setValue(5)
    dialog.replications.setValue(6)
    dialog.run_button.click()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=WAIT_MS)
    assert dialog.status.text().startswith("Cancelled")
    assert dialog.run_button.isEnabled() and not dialog.cancel_button.isEnabled()
    assert dialog.canvases["sweep"].shown is None


def test_sensitivity_and_goal_seek_dialogs_draw_their_cli_charts(qtbot, window, app_controller):
    tornado = app_controller.compare.open_dialog(SensitivityDialog)
    assert PLAN_OUTPUTS["tornado"] == tornado.CHARTS
    tornado.inputs.setText("deals.win_rate, sales.sdr_count")
    tornado.replications.setValue(2)
    tornado.run_button.click()
    qtbot.waitUntil(lambda: tornado.job is None, timeout=WAIT_MS)
    assert tornado.canvases["tornado"].shown is tornado.result
    assert "tornado of Revenue" in tornado.text.toPlainText()
    goal = app_controller.compare.open_dialog(GoalSeekDialog)
    assert PLAN_OUTPUTS["goal_seek"] == goal.CHARTS
    goal.kpi.setCurrentIndex(goal.kpi.findData("won"))
    goal.value.setText("100")
    goal.replications.setValue(2)
    goal.run_button.click()
    qtbot.waitUntil(lambda: goal.job is None, timeout=WAIT_MS)
    assert goal.canvases["goal_seek"].shown is goal.result, goal.status.text()
    assert goal.text.toPlainText().startswith("goal:")
    bad = app_controller.compare.open_dialog(GoalSeekDialog)
    bad.value.setText("lots")
    bad.run_button.click()
    assert bad.job is None and "not a number" in bad.status.text()


def test_the_page_shows_every_column_over_the_same_paired_replications(qtbot):
    """A baseline with more replications (a full run) than a compared file: the header counts
    the paired replications (never '4 of 2'), the baseline's column says it shows 2 of its 4,
    and each mean minus the baseline's is the difference under it."""
    workspace = Workspace(small(), planned=2)
    base = workspace.pin_baseline()
    alt = workspace.add(small(sales={"sdr_count": 12}), "file", "More SDRs")
    for member_id, count in ((base.id, 4), (alt.id, 2)):
        key, scenario = workspace.key(member_id), workspace.members[member_id].scenario
        workspace.start_run(key, count)
        for i in range(count):
            seed = replication_seed(key.seed, i)
            summary = summarize(scenario, seed, False, series=WORKSPACE_SERIES)
            workspace.record(key, i, summary)
    page = ComparePage()
    qtbot.addWidget(page)
    page.refresh(workspace)
    assert "2 paired replications" in page.baseline_label.text()
    assert " of " not in page.baseline_label.text().split("seed")[1]
    table = page.table
    headers = [table.horizontalHeaderItem(c).text().splitlines()[-1] for c in range(3)]
    assert headers == ["2 of its 4 replications", "same as the baseline", "2 replications"]
    base_run = workspace.run(base.id)
    comparison = workspace.deltas(alt.id, upto=2).metrics["won"]
    assert table.item(1, 0).text() == amount(base_run.mean("won", 2), METRICS["won"].unit, "USD")
    mean = table.item(1, 2).text().splitlines()[0]
    assert mean == amount(comparison.mean, METRICS["won"].unit, "USD")
    assert comparison.mean - base_run.mean("won", 2) == pytest.approx(comparison.diff.mean)
