"""The format reference is generated from the models and the committed page is current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import tomlkit

from sim.distributions import DISTRIBUTION_TYPES
from sim.docs import scenario_format_markdown
from sim.files import parse_scenario, render_scenario
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "scenario-format.md"


def test_committed_doc_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == scenario_format_markdown(), (
        "docs/scenario-format.md is out of date: run `make docs`"
    )


def test_every_field_of_every_section_is_documented() -> None:
    text = scenario_format_markdown()
    for name in Scenario.model_fields:
        assert f"`{name}`" in text or f"`[{name}]`" in text or f"`[[{name}]]`" in text
    for line in render_scenario(Scenario()).splitlines():
        match = re.match(r"^(\w+) = ", line)
        if match:
            assert f"| `{match.group(1)}` |" in text, match.group(1)


def test_units_ranges_and_defaults_appear() -> None:
    text = scenario_format_markdown()
    assert "| `weekly_budget` | currency/week | `0` | >= 0 | yes |" in text
    assert "| `weeks` | weeks | `104` | a whole number in [4, 520] |  |" in text
    assert "## `[[channels]]`" in text and "## `[brand]`" in text


def test_every_distribution_example_is_valid_toml_and_valid() -> None:
    text = scenario_format_markdown()
    examples = re.findall(r"```toml\n(.*?)\n```", text, flags=re.S)
    assert len(examples) == len(DISTRIBUTION_TYPES)
    for example in examples:
        ((key, table),) = tomlkit.parse(example).unwrap().items()
        section = "brand" if key == "x" else None
        assert section is None
        dist = next(
            d for d in DISTRIBUTION_TYPES if d.model_fields["dist"].default == table["dist"]
        )
        dist.model_validate(table)


def test_examples_load_in_a_real_scenario() -> None:
    """Each example, put on its field in the default file, is accepted by the loader."""
    text = scenario_format_markdown()
    examples = re.findall(r"```toml\n(.*?)\n```", text, flags=re.S)
    places = {
        "base_cpl": ("channels", 0),
        "weekly_budget": ("channels", 0),
        "fit_mean": ("channels", 0),
        "deal_size": ("deals",),
        "win_rate": ("deals",),
        "sdr_count": ("sales",),
    }
    for example in examples:
        doc = tomlkit.parse(render_scenario(Scenario()))
        ((key, value),) = tomlkit.parse(example).items()
        node = doc
        for part in places[key]:
            node = node[part]
        node[key] = value
        parse_scenario(doc.as_string())


def test_module_prints_the_page() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sim.docs"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout == scenario_format_markdown()
