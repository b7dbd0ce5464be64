"""`--set PATH=VALUE`: values read as TOML (or as plain text), checked like a file's."""

from __future__ import annotations

import datetime as dt

import pytest

from sim.distributions import Triangular
from sim.errors import ScenarioError
from sim.overrides import apply_settings
from sim.scenario import Scenario

BASE = Scenario()


def refused(*settings: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        apply_settings(BASE, list(settings))
    return info.value


def test_numbers_booleans_text_and_dates_are_read_as_toml():
    s = apply_settings(
        BASE,
        [
            'channels["Paid social"].weekly_budget=3000',
            "deals.win_rate=0.25",
            "definitions.review_step=true",
            'name="Quality play"',
            "start_date=2027-01-04",
        ],
    )
    assert s.channels[1].weekly_budget == 3000
    assert s.deals.win_rate == 0.25
    assert s.definitions.review_step is True
    assert s.name == "Quality play"
    assert s.start_date == dt.date(2027, 1, 4)


def test_an_inline_table_sets_a_range():
    s = apply_settings(
        BASE, ['channels[1].base_cpl = { dist = "triangular", low = 1, mode = 2, high = 3 }']
    )
    assert s.channels[1].base_cpl == Triangular(low=1, mode=2, high=3)


def test_a_value_that_is_not_toml_is_plain_text():
    assert apply_settings(BASE, ["sales.queue_order=score"]).sales.queue_order == "score"
    assert apply_settings(BASE, ["name=Quality play"]).name == "Quality play"


def test_settings_apply_in_order_and_names_follow_renames():
    s = apply_settings(
        BASE, ['channels[1].name="Social"', 'channels["Social"].base_cpl=70', "deals.win_rate=0.3"]
    )
    assert (s.channels[1].name, s.channels[1].base_cpl) == ("Social", 70)
    assert s.deals.win_rate == 0.3


def test_an_equals_sign_inside_a_quoted_name_is_part_of_the_path():
    renamed = apply_settings(BASE, ['channels[0].name="A=B"'])
    s = apply_settings(renamed, ['channels["A=B"].base_cpl=42'])
    assert s.channels[0].base_cpl == 42


def test_a_value_out_of_range_names_the_field_the_value_and_the_range():
    err = refused("deals.win_rate=1.5")
    assert [str(p) for p in err.problems] == ["deals.win_rate: must be in [0, 1] (found 1.5)"]
    assert "1 problem" in err.summary


def test_a_model_rule_is_checked_as_in_a_file():
    err = refused("simulation.weeks=20", "simulation.warmup_weeks=30")
    assert "must be less than simulation.weeks" in str(err)


def test_a_bad_row_is_named_by_the_channels_name():
    err = refused("channels[1].base_cpl=-3")
    assert err.problems[0].path == 'channels["Paid social"].base_cpl'


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        ("deals.win_rat=0.3", "did you mean 'win_rate'?"),
        ('channels["Paid socail"].base_cpl=3', 'did you mean "Paid social"?'),
        ("channels[9].base_cpl=3", "positions run from 0 to 5"),
        ("deals..win_rate=3", "expected a field name"),
    ],
)
def test_a_path_that_points_at_nothing_gets_the_path_message(setting, says):
    err = refused(setting)
    assert says in str(err) and setting in str(err)


def test_a_setting_without_equals_shows_the_form():
    assert "write PATH=VALUE" in str(refused("deals.win_rate"))


def test_no_settings_return_the_scenario_itself():
    assert apply_settings(BASE, []) is BASE
