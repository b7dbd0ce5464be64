"""Editing through the generated widgets: the scenario changes, undo/redo works, bad
combinations are explained next to the field and never reach the document."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolBar

from app.main_window import MainWindow


def test_editing_a_field_changes_the_scenario_and_marks_the_window_modified(window, qtbot):
    editor = window.editor.field_editor(("definitions", "mql_threshold"))
    assert not window.isWindowModified()
    new = window.scenario.definitions.mql_threshold + 7
    with qtbot.waitSignal(window.scenario_changed) as changed:
        editor.input.setValue(new)
    assert window.scenario.definitions.mql_threshold == new
    assert changed.args[0] == window.scenario
    assert window.isWindowModified()
    assert "[*]" in window.windowTitle()
    assert window.document.undo_stack.undoText() == "Change MQL threshold"


def test_undo_and_redo_restore_and_reapply_the_edit(window: MainWindow):
    editor = window.editor.field_editor(("sales", "sdr_count"))
    before = window.scenario.sales.sdr_count
    editor.input.setValue(before + 3)
    assert window.scenario.sales.sdr_count == before + 3

    window.actions_["undo"].trigger()
    assert window.scenario.sales.sdr_count == before
    assert editor.input.value() == before  # the widget follows the document
    assert not window.isWindowModified()

    window.actions_["redo"].trigger()
    assert window.scenario.sales.sdr_count == before + 3
    assert editor.input.value() == before + 3
    assert window.isWindowModified()


def test_undo_and_redo_have_the_usual_shortcuts(window: MainWindow):
    assert window.actions_["undo"].shortcut().toString() == "Ctrl+Z"
    assert "Ctrl+Shift+Z" in [s.toString() for s in window.actions_["redo"].shortcuts()]
    assert window.actions_["run"].shortcut().toString() == "Ctrl+R"


def test_the_undo_and_redo_buttons_stay_short_and_say_the_step_in_their_tooltip(
    window: MainWindow,
):
    """'Undo Change MQL threshold' on the button pushed the rest of the toolbar right."""
    toolbar = window.findChild(QToolBar, "runToolbar")
    window.editor.field_editor(("definitions", "mql_threshold")).input.setValue(63)
    window.editor.field_editor(("sales", "ae_count")).input.setValue(9)
    window.actions_["undo"].trigger()  # a step to undo and one to redo
    stack = window.document.undo_stack
    assert stack.undoText() == "Change MQL threshold"
    for key, short, step in (
        ("undo", "Undo", stack.undoText()),
        ("redo", "Redo", stack.redoText()),
    ):
        button = toolbar.widgetForAction(window.actions_[key])
        assert button.text() == short
        assert button.toolTip() == f"{short} {step}"
        assert window.actions_[key].text() == f"&{short} {step}"  # the Edit menu says it all


def test_an_impossible_combination_is_explained_and_not_applied(window: MainWindow):
    """Warm-up must be shorter than the horizon: the field says so, the document keeps the last
    valid scenario."""
    weeks = window.scenario.simulation.weeks
    editor = window.editor.field_editor(("simulation", "warmup_weeks"))
    editor.input.setValue(weeks + 10)
    assert window.scenario.simulation.warmup_weeks < weeks
    assert not editor.error.isHidden()
    assert "warmup_weeks" in editor.error.text()
    assert "warmup_weeks" in window.problem_label.text()
    assert not window.isWindowModified()

    editor.input.setValue(10)  # a valid value clears the message
    assert window.scenario.simulation.warmup_weeks == 10
    assert editor.error.isHidden()
    assert window.problem_label.text() == ""


def test_a_probability_spin_box_refuses_values_outside_its_range(window: MainWindow, qtbot):
    editor = window.editor.field_editor(("deals", "win_rate"))
    spin = editor.input
    assert (spin.minimum(), spin.maximum()) == (0.0, 1.0)
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "7")
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    assert 0.0 <= window.scenario.deals.win_rate <= 1.0
    assert spin.value() <= 1.0


def test_open_bounds_keep_a_tiny_step_inside(window: MainWindow):
    half_life = window.editor.field_editor(("deals", "cycle_weeks")).input  # (0, inf)
    carry_over = window.editor.field_editor(("brand", "adstock_theta")).input  # [0, 1)
    assert 0 < half_life.minimum() < 1e-3
    assert 1 - 1e-3 < carry_over.maximum() < 1


def test_fields_carry_their_unit_and_a_planner_tooltip(window: MainWindow):
    editor = window.editor.field_editor(("brand", "weekly_spend"))
    assert editor.unit.text() == "USD/week"
    assert "Brand spend per week" in editor.toolTip()
    assert ">= 0" in editor.toolTip()


def test_choices_and_switches_are_edited_like_numbers(window: MainWindow):
    window.editor.field_editor(("definitions", "review_step")).input.setChecked(True)
    combo = window.editor.field_editor(("sales", "queue_order")).input
    combo.setCurrentIndex(combo.findData("score"))
    assert window.scenario.definitions.review_step is True
    assert window.scenario.sales.queue_order == "score"
    assert window.document.undo_stack.count() == 2


def test_every_section_a_planner_expects_is_there(window: MainWindow):
    titles = window.editor.section_titles()
    for expected in (
        "Channels",
        "Brand",
        "Scoring & nurture",
        "Sales team & SLA",
        "Qualification",
        "Deals",
        "Definitions & targets",
        "Simulation",
    ):
        assert expected in titles


def test_targets_can_be_added_and_edited_in_their_table(window: MainWindow):
    panel = window.editor.panels["targets"]
    panel.add()
    assert len(window.scenario.targets) == 1
    model = panel.model
    column = [s.name for s in model.specs].index("value")
    model.setData(model.index(0, column), 2_000_000.0)
    assert window.scenario.targets[0].value == 2_000_000.0
    assert window.document.undo_stack.undoText() == "Change target 1 value"


def test_about_shows_the_version(window: MainWindow, boxes):
    import sim

    window.actions_["about"].trigger()
    assert sim.__version__ in boxes.of_kind("about")[0][2]


def test_toolbar_actions_emit_the_signals_the_runner_listens_to(window: MainWindow, qtbot):
    with qtbot.waitSignal(window.run_requested):
        window.actions_["run"].trigger()
    window.set_running(True)
    assert window.actions_["cancel"].isEnabled() and not window.actions_["run"].isEnabled()
    with qtbot.waitSignal(window.cancel_requested):
        window.actions_["cancel"].trigger()
    with qtbot.waitSignal(window.live_toggled) as toggled:
        window.actions_["live"].trigger()
    assert toggled.args == [False]


def test_results_area_takes_the_dashboard(window: MainWindow):
    from PySide6.QtWidgets import QLabel

    dashboard = QLabel("dashboard")
    window.set_results_widget(dashboard)
    assert window.findChild(type(window.results_area), "resultsArea").widget is dashboard


def test_at_1280x800_every_editor_page_fits_without_scrolling_sideways(window, qtbot):
    """The window a 1280x800 screen gets (fitted_size), dashboard beside the editor: labels,
    inputs, range buttons and units of every section in view, none behind a sideways scroll."""
    from PySide6.QtCore import QSize

    import sim.runner as runner
    from app.main_window import DEFAULT_SCENARIO
    from app.run_controller import RunController

    window.set_live(False)
    controller = RunController(window, runner.shared_pool(2))
    size = QSize(int(1280 * 0.95), int(800 * 0.92))
    window.open_file(DEFAULT_SCENARIO)
    window.resize(size)
    window.share_width(size.width())
    qtbot.wait(50)
    editor = window.editor
    for row, title in enumerate(editor.section_titles()):
        editor.nav.setCurrentRow(row)
        qtbot.wait(20)
        page = editor.pages.currentWidget()
        assert page.horizontalScrollBar().maximum() == 0, title
    controller.shutdown()
