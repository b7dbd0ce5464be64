"""The one path form: names list items by name, accepts positions, explains what is wrong."""

from __future__ import annotations

import pytest

from sim import paths
from sim.paths import Name, PathError
from sim.scenario import Scenario


@pytest.fixture(scope="module")
def data() -> dict:
    return Scenario().model_dump()


def test_a_named_path_parses_into_field_names_and_an_item_name():
    assert paths.parse('channels["Paid social"].base_cpl') == (
        "channels",
        Name("Paid social"),
        "base_cpl",
    )


def test_positions_and_single_quotes_are_accepted_on_input():
    assert paths.parse("channels[1].junk_mix.outside_area") == (
        "channels",
        1,
        "junk_mix",
        "outside_area",
    )
    assert paths.parse("channels['Paid social']") == ("channels", Name("Paid social"))


def test_names_with_quotes_and_backslashes_round_trip():
    parts = ("channels", Name('Say "hi" \\ there'), "base_cpl")
    assert paths.parse(paths.format_path(parts)) == parts


def test_formatting_with_data_writes_positions_as_names(data):
    assert (
        paths.format_path(("channels", 1, "base_cpl"), data) == 'channels["Paid social"].base_cpl'
    )
    assert paths.named(("deals", "win_rate"), data) == "deals.win_rate"


def test_lists_without_names_stay_positional(data):
    data = {**data, "targets": [{"metric": "revenue", "value": 1.0}]}
    assert paths.format_path(("targets", 0, "value"), data) == "targets[0].value"


def test_get_and_assign_follow_names_and_positions(data):
    by_name = paths.parse('channels["Paid social"].weekly_budget')
    by_index = paths.parse("channels[1].weekly_budget")
    assert paths.get(data, by_name) == paths.get(data, by_index) == 7500.0
    copy = Scenario().model_dump()
    paths.assign(copy, by_name, 3000.0)
    assert Scenario.model_validate(copy).channels[1].weekly_budget == 3000.0


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty path"),
        ("channels[", "inside [...]"),
        ('channels["Paid social', "no closing"),
        ("channels[1", "missing ']'"),
        ("deals..win_rate", "expected a field name"),
        ("deals.", "ends with '.'"),
        ("deals win_rate", "unexpected ' '"),
    ],
)
def test_unreadable_paths_say_what_is_wrong(text, says):
    with pytest.raises(PathError, match=None) as err:
        paths.parse(text)
    assert says in str(err.value)


def test_an_unknown_name_suggests_the_closest_one(data):
    with pytest.raises(PathError) as err:
        paths.get(data, paths.parse('channels["Paid socail"].base_cpl'))
    assert 'did you mean "Paid social"' in str(err.value)


def test_an_unknown_field_suggests_the_closest_one(data):
    with pytest.raises(PathError) as err:
        paths.get(data, paths.parse("deals.win_rat"))
    assert "did you mean 'win_rate'" in str(err.value)


def test_a_position_out_of_range_names_the_range(data):
    with pytest.raises(PathError) as err:
        paths.get(data, paths.parse("channels[9].base_cpl"))
    assert "positions run from 0 to 5" in str(err.value)


def test_get_reads_a_model_as_it_reads_plain_data():
    """The editor reads values straight from the frozen scenario, by the same paths."""
    scenario = Scenario()
    path = paths.parse('channels["Paid social"].junk_mix.outside_area')
    assert paths.get(scenario, path) == paths.get(scenario.model_dump(), path)
    assert paths.get(scenario, ("channels", 1)) is scenario.channels[1]


def test_a_model_field_that_does_not_exist_is_a_path_error():
    with pytest.raises(PathError) as err:
        paths.get(Scenario(), paths.parse("deals.model_config"))
    assert "no such field" in str(err.value)


def test_formatting_names_items_of_a_model_too():
    assert paths.named(("channels", 2, "base_cpl"), Scenario()) == (
        'channels["Content syndication"].base_cpl'
    )


def test_an_empty_name_cannot_address_an_item_so_its_position_is_used(data):
    data = {**data, "channels": [{**data["channels"][0], "name": ""}, *data["channels"][1:]]}
    assert paths.named(("channels", 0, "base_cpl"), data) == "channels[0].base_cpl"
