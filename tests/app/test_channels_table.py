"""The channels table: add, duplicate, remove and reorder rows, each one undoable step."""

from __future__ import annotations

from app.main_window import MainWindow


def names(window: MainWindow) -> list[str]:
    return [c.name for c in window.scenario.channels]


def test_add_channel_appends_a_uniquely_named_row_and_selects_it(window: MainWindow):
    panel = window.editor.panels["channels"]
    count = len(names(window))
    panel.buttons["add"].click()
    panel.buttons["add"].click()
    assert names(window)[-2:] == ["New channel", "New channel 2"]
    assert panel.current_row() == count + 1
    assert window.document.undo_stack.undoText() == "Add channel"


def test_duplicate_copies_the_selected_channel_under_a_new_name(window: MainWindow):
    panel = window.editor.panels["channels"]
    panel.select(1)
    original = window.scenario.channels[1]
    panel.buttons["duplicate"].click()
    copy = window.scenario.channels[2]
    assert copy.name == f"{original.name} (copy)"
    assert copy.model_dump(exclude={"name"}) == original.model_dump(exclude={"name"})


def test_remove_and_undo_bring_the_channel_back(window: MainWindow):
    panel = window.editor.panels["channels"]
    before = names(window)
    panel.select(0)
    panel.buttons["remove"].click()
    assert names(window) == before[1:]
    assert window.document.undo_stack.undoText() == f"Remove channel '{before[0]}'"
    window.actions_["undo"].trigger()
    assert names(window) == before


def test_the_last_channel_cannot_be_removed(window: MainWindow):
    panel = window.editor.panels["channels"]
    while len(window.scenario.channels) > 1:
        panel.buttons["remove"].click()
    panel.buttons["remove"].click()
    assert len(window.scenario.channels) == 1
    assert window.problem_label.text()


def test_move_up_and_down_reorder_rows(window: MainWindow):
    panel = window.editor.panels["channels"]
    before = names(window)
    panel.select(1)
    panel.buttons["up"].click()
    assert names(window)[:2] == [before[1], before[0]]
    assert panel.current_row() == 0
    assert not panel.buttons["up"].isEnabled()
    panel.buttons["down"].click()
    assert names(window) == before


def test_a_cell_edit_is_an_undoable_command_named_after_the_channel(window: MainWindow):
    panel = window.editor.panels["channels"]
    model = panel.model
    column = [s.name for s in model.specs].index("weekly_budget")
    model.setData(model.index(0, column), 25_000.0)
    assert window.scenario.channels[0].weekly_budget == 25_000.0
    assert window.document.undo_stack.undoText() == "Change Paid search weekly budget"


def test_a_duplicate_name_is_refused_with_a_reason(window: MainWindow):
    model = window.editor.panels["channels"].model
    taken = window.scenario.channels[1].name
    model.setData(model.index(0, 0), taken)
    assert window.scenario.channels[0].name != taken
    assert "unique" in window.problem_label.text()


def test_the_detail_form_follows_the_selected_channel(window: MainWindow):
    panel = window.editor.panels["channels"]
    panel.select(2)
    cpl = window.editor.field_editor(("channels", 2, "base_cpl"))
    assert cpl.input.value() == window.scenario.channels[2].base_cpl
    cpl.input.setValue(77.0)
    assert window.scenario.channels[2].base_cpl == 77.0
    assert window.scenario.channels[0].base_cpl != 77.0
