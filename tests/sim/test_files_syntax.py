"""TOML syntax slips are told in plain words, at the line and column where the slip begins."""

from __future__ import annotations

import pytest

from sim.errors import ScenarioError
from sim.files import parse_scenario

TOP = "schema_version = 1\n"


def syntax_error(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, source="plan.toml")
    message = str(info.value)
    assert message.startswith("plan.toml: not valid TOML: ")
    return message.removeprefix("plan.toml: not valid TOML: ")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        pytest.param(
            TOP + 'name = "Quality play\ndescription = "x"\n',
            'line 2, column 8: the text "Quality play has no closing quote: add "',
            id="unclosed quote",
        ),
        pytest.param(
            TOP + 'name = "Quality play',
            'line 2, column 8: the text "Quality play has no closing quote',
            id="unclosed quote at the end of the file",
        ),
        pytest.param(
            TOP + "[[channels]]\r\nname = 'Paid\r\n",
            "line 3, column 8: the text 'Paid has no closing quote: add '",
            id="unclosed quote, Windows line ends",
        ),
        pytest.param(
            TOP + 'description = """Why we chose it\n\nmore\n',
            'line 2, column 15: the text that starts with """ has no closing """',
            id="unclosed multi-line text",
        ),
        pytest.param(
            TOP + 'name "Quality play"\n',
            "line 2, column 6: '=' is missing after 'name': write name = \"Quality play\"",
            id="missing equals",
        ),
        pytest.param(
            TOP + "[deals]\nwin_rate 0.3\n",
            "line 3, column 9: '=' is missing after 'win_rate': write win_rate = 0.3",
            id="missing equals before a number",
        ),
        pytest.param(
            TOP + "name = \n",
            "line 2, column 8: 'name =' has no value",
            id="missing value",
        ),
        pytest.param(
            TOP + 'name = "a"\nname = "b"\n',
            "line 3, column 1: 'name' is set twice in the same section (also on line 2)",
            id="duplicate key",
        ),
        pytest.param(
            TOP + "[deals]\nwin_rate = 0.2\ncycle_weeks = 3\n  win_rate = 0.3\n",
            "line 5, column 3: 'win_rate' is set twice in the same section (also on line 3)",
            id="duplicate key in a section",
        ),
        pytest.param(
            TOP + "[brand]\nweekly_spend = 1\n\n[brand]\nlag_weeks = 2\n",
            "line 5, column 1: the section [brand] appears twice (also on line 2)",
            id="duplicate section",
        ),
        pytest.param(
            TOP + "[brand\nweekly_spend = 1\n",
            "line 2, column 7: the section header [brand is not closed: add ]",
            id="unclosed section header",
        ),
        pytest.param(
            TOP + '[[channels]\nname = "x"\n',
            "line 2, column 12: the section header [[channels] is not closed: add ]]",
            id="unclosed rows header",
        ),
        pytest.param(
            TOP + "start_date = 2026-13-01\n",
            "line 2, column 14: 2026-13-01 is not a valid date: write YYYY-MM-DD",
            id="bad month",
        ),
        pytest.param(
            TOP + "start_date = 2026-1-5  # first Monday\n",
            "line 2, column 14: 2026-1-5 is not a valid date",
            id="date without leading zeros",
        ),
        pytest.param(
            TOP + "name = Quality play\n",
            'line 2, column 8: text must be in quotes: write name = "Quality play"',
            id="text without quotes",
        ),
        pytest.param(
            TOP + "[learning]\nenabled = True\n",
            "line 3, column 11: write true or false in lower case: enabled = true",
            id="capital True",
        ),
        pytest.param(
            TOP + "[deals]\ndeal_size = 15000 USD\n",
            "line 3, column 19: numbers are written without units: write deal_size = 15000",
            id="number with a unit",
        ),
        pytest.param(
            TOP + "[deals]\nwin_rate = 0,25\n",
            "line 3, column 13: write decimals with a point: 0.25, not a comma",
            id="decimal comma",
        ),
        pytest.param(
            TOP
            + '[deals]\nwin_rate = { dist = "uniform", low = 0.1, high = 0.3\ncycle_weeks = 4\n',
            "line 3, column 12: the inline table { is not closed: add }",
            id="unclosed inline table",
        ),
        pytest.param(
            TOP + "[nurture]\nx = [1, 2\ny = 3\n",
            "line 3, column 5: the list [ is not closed: add ]",
            id="unclosed list",
        ),
        pytest.param(
            TOP + 'name = "C:\\qtemp"\n',
            "line 2, column 11: \\q is not an escape TOML knows",
            id="bad escape",
        ),
        pytest.param(
            TOP + "win rate = 1\n",
            'line 2, column 1: "win rate" is not a valid key: a key is letters, digits, _ and - '
            "(did you mean win_rate?)",
            id="space in a key",
        ),
        pytest.param(
            TOP + 'name = "a\x01b"\n',
            "line 2, column 10: an invisible control character (code 0x01) is not allowed",
            id="control character",
        ),
    ],
)
def test_common_slips_are_told_in_plain_words_with_line_and_column(text: str, says: str) -> None:
    message = syntax_error(text)
    assert says in message
    assert "0x1f" not in message and "Unexpected character" not in message
    assert "Invalid" not in message and "already exists" not in message


def test_an_unclosed_quote_deep_in_a_file_names_its_own_line() -> None:
    lines = [TOP.strip()] + [f"# note {i}" for i in range(40)] + ['name = "Quality play']
    assert syntax_error("\n".join(lines) + "\n").startswith("line 42, column 8: the text")


def test_the_same_key_in_two_rows_is_not_a_duplicate_but_in_one_row_it_is() -> None:
    rows = '[[channels]]\nname = "A"\n\n[[channels]]\nname = "B"\nname = "C"\n'
    assert "line 7, column 1: 'name' is set twice in the same section (also on line 6)" in (
        syntax_error(TOP + rows)
    )
