"""Switching an uncertain field between a single value and a range (a distribution)."""

from __future__ import annotations

import pytest

from app.main_window import MainWindow
from sim.distributions import Triangular, is_distribution


def test_a_field_switches_to_a_range_and_back(window: MainWindow):
    editor = window.editor.field_editor(("definitions", "mql_threshold"))
    single = window.scenario.definitions.mql_threshold
    editor.toggle.click()
    value = window.scenario.definitions.mql_threshold
    assert isinstance(value, Triangular)
    assert value.low < single < value.high
    assert editor.is_range() and not editor.range_editor.isHidden() and editor.input.isHidden()
    assert window.document.undo_stack.undoText() == "Make MQL threshold a range"

    editor.toggle.click()
    assert window.scenario.definitions.mql_threshold == pytest.approx(single)
    assert not editor.is_range()
    assert window.document.undo_stack.undoText() == "Make MQL threshold a single value"


def test_changing_the_kind_and_parameters_of_a_range(window: MainWindow):
    editor = window.editor.field_editor(("deals", "win_rate"))
    editor.toggle.click()
    ranged = editor.range_editor
    ranged.kind.setCurrentText("uniform")
    assert window.scenario.deals.win_rate.dist == "uniform"
    low, _ = ranged._inputs["low"]
    low.setText("0.1")
    low.editingFinished.emit()
    assert window.scenario.deals.win_rate.low == pytest.approx(0.1)
    assert ranged.sparkline._heights is not None


def test_a_bad_range_is_explained_next_to_the_field(window: MainWindow):
    editor = window.editor.field_editor(("deals", "win_rate"))
    editor.toggle.click()
    before = window.scenario.deals.win_rate
    high, _ = editor.range_editor._inputs["high"]
    high.setText("1.5")  # a probability cannot exceed 1
    high.editingFinished.emit()
    assert window.scenario.deals.win_rate == before
    assert not editor.error.isHidden()
    assert "must be" in editor.error.text()


def test_undo_brings_back_the_single_value(window: MainWindow):
    editor = window.editor.field_editor(("brand", "lag_weeks"))
    single = window.scenario.brand.lag_weeks
    editor.toggle.click()
    assert is_distribution(window.scenario.brand.lag_weeks)
    window.actions_["undo"].trigger()
    assert window.scenario.brand.lag_weeks == single
    assert not editor.is_range()
