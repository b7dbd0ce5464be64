"""Edits in the window are validated like a file, and their messages name rows as the table does."""

from __future__ import annotations

import pytest

from app.editor.paths import first_message, get_at, with_value
from sim.errors import ScenarioError
from sim.scenario import Scenario


def test_a_bad_edit_names_the_channel_not_its_position():
    with pytest.raises(ScenarioError) as info:
        with_value(Scenario(), ("channels", 1, "base_cpl"), -5.0)
    assert first_message(info.value) == 'must be >= 0 (channels["Paid social"].base_cpl)'


def test_a_good_edit_lands_at_the_path():
    scenario = with_value(Scenario(), ("channels", 1, "base_cpl"), 70.0)
    assert get_at(scenario, ("channels", 1, "base_cpl")) == 70.0
    assert get_at(scenario.channels[1], ("base_cpl",)) == 70.0


def test_a_rule_across_fields_is_reported_once_with_its_own_words():
    with pytest.raises(ScenarioError) as info:
        with_value(Scenario(), ("simulation", "warmup_weeks"), 200)
    assert len(info.value.problems) == 1
    assert "must be less than simulation.weeks" in first_message(info.value)
