"""Property tests: every valid scenario survives a save and a load; every input either loads or
raises ScenarioError, never anything else."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path
from typing import Any, Literal, get_args, get_origin
from unittest import mock

import pydantic
import tomlkit
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from sim.errors import ScenarioError
from sim.files import edit, parse_scenario, read_scenario, render_scenario, syntax
from sim.metrics import METRICS
from sim.ranges import Range, range_of
from sim.scenario import Scenario, Target

ANNOTATED = (Path(__file__).parent / "data" / "annotated.toml").read_text(encoding="utf-8")
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CAP = 1e6  # stand-in for an infinite bound
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)

# -- valid scenarios ---------------------------------------------------------------------------


def _bounds(allowed: Range) -> tuple[float, float]:
    low = allowed.low if math.isfinite(allowed.low) else -CAP
    high = allowed.high if math.isfinite(allowed.high) else CAP
    return low, high


def numbers(allowed: Range) -> st.SearchStrategy[float | int]:
    low, high = _bounds(allowed)
    if allowed.integer:
        return st.integers(math.ceil(low), math.floor(min(high, CAP)))
    return st.floats(
        low,
        high,
        exclude_min=allowed.low_open,
        exclude_max=allowed.high_open,
        allow_nan=False,
        allow_infinity=False,
    )


@st.composite
def distributions(draw: st.DrawFn, allowed: Range) -> dict[str, Any]:
    """A distribution table whose every draw lies in the field's range."""
    low, high = _bounds(allowed)
    within = st.floats(low, high, allow_nan=False)
    forms = ["triangular", "uniform", "normal", "choice"]
    if allowed.low <= 0 and math.isinf(allowed.high):
        forms.append("lognormal")
    if allowed.low <= 0 and allowed.high >= 1:
        forms.append("beta")
    form = draw(st.sampled_from(forms))
    if form == "choice":
        values = draw(st.lists(numbers(allowed), min_size=1, max_size=4))
        weights = draw(
            st.none() | st.lists(st.floats(0.1, 10), min_size=len(values), max_size=len(values))
        )
        return {"dist": "choice", "values": values, "weights": weights}
    if form == "lognormal":
        p5 = draw(st.floats(0.01, 1000))
        return {"dist": "lognormal", "p5": p5, "p95": p5 * draw(st.floats(1.01, 50))}
    if form == "beta":
        if draw(st.booleans()):
            return {
                "dist": "beta",
                "mean": draw(st.floats(0.01, 0.99)),
                "concentration": draw(st.floats(0.5, 200)),
            }
        return {"dist": "beta", "alpha": draw(st.floats(0.2, 50)), "beta": draw(st.floats(0.2, 50))}
    a, b = sorted(draw(st.tuples(within, within)))
    assume(a < b and b - a > 1e-6 * max(1.0, abs(b)))
    if form == "uniform":
        return {"dist": "uniform", "low": a, "high": b}
    if form == "triangular":
        return {"dist": "triangular", "low": a, "mode": draw(st.floats(a, b)), "high": b}
    table: dict[str, Any] = {"dist": "normal", "mean": draw(st.floats(a, b))}
    table["sd"] = (b - a) * draw(st.floats(0.05, 1))
    if math.isfinite(allowed.low):
        table["low"] = allowed.low
    if math.isfinite(allowed.high):
        table["high"] = allowed.high
    return table


def _is_uncertain(info: Any) -> bool:
    return any(getattr(m, "json_schema", {}).get("anyOf") for m in info.metadata)


def leaf_values(info: Any, current: Any) -> st.SearchStrategy[Any]:
    """Valid values for one non-section field."""
    allowed = range_of(info.metadata)
    annotation = info.annotation
    if allowed is not None:
        plain = numbers(allowed)
        return plain | distributions(allowed) if _is_uncertain(info) else plain
    if annotation is bool:
        return st.booleans()
    if get_origin(annotation) is Literal:
        return st.sampled_from(get_args(annotation))
    if annotation is dt.date:
        return st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))
    if annotation is str:
        return TEXT.filter(bool)
    return st.just(current)


@st.composite
def perturbed(draw: st.DrawFn, value: BaseModel, rate: int = 4) -> dict[str, Any]:
    """The model's data with about one field in `rate` replaced by another valid value."""
    data: dict[str, Any] = {}
    for name, info in type(value).model_fields.items():
        current = getattr(value, name)
        if isinstance(current, BaseModel):
            data[name] = draw(perturbed(current, rate))
        elif isinstance(current, list):
            data[name] = [draw(perturbed(row, rate)) for row in current]
        elif name in {"schema_version", "currency"} or draw(st.integers(0, rate)) != 0:
            data[name] = current
        else:
            data[name] = draw(leaf_values(info, current))
    return data


@st.composite
def targets(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "metric": draw(st.sampled_from(sorted(METRICS))),
        "period": draw(
            st.just("horizon")
            | st.builds(lambda y, q: f"{y}-Q{q}", st.integers(2000, 2100), st.integers(1, 4))
        ),
        "direction": draw(st.sampled_from(["at_least", "at_most"])),
        "value": draw(st.floats(-1e9, 1e9, allow_nan=False)),
        "owner": draw(st.sampled_from(["marketing", "sales", "shared"])),
    }


@st.composite
def scenarios(draw: st.DrawFn, base: Scenario | None = None) -> Scenario:
    """The default (or `base`) scenario with fields, rows and targets changed within range."""
    base = base or Scenario()
    data = draw(perturbed(base))
    rows = data["channels"]
    keep = draw(st.lists(st.sampled_from(range(len(rows))), min_size=1, max_size=8, unique=True))
    data["channels"] = [dict(rows[i], name=f"{rows[i]['name']} {n}") for n, i in enumerate(keep)]
    data["targets"] = [Target(**t).model_dump() for t in draw(st.lists(targets(), max_size=3))]
    data["simulation"]["warmup_weeks"] = min(
        data["simulation"]["warmup_weeks"], data["simulation"]["weeks"] - 1
    )
    try:
        return Scenario.model_validate(data)
    except pydantic.ValidationError:
        assume(False)
        raise


def _no_fallback(scenario: Scenario, reason: str) -> str:
    raise AssertionError(f"fell back to a full rewrite: {reason}")


ROUND_TRIP = settings(FUZZ, max_examples=30)


@ROUND_TRIP
@given(scenarios())
def test_load_of_save_is_identity(scenario: Scenario) -> None:
    assert parse_scenario(render_scenario(scenario)).scenario == scenario


DEFAULT_DOCUMENT = parse_scenario(render_scenario(Scenario())).document


@ROUND_TRIP
@given(scenarios())
def test_style_preserving_save_round_trips_from_the_default_file(scenario: Scenario) -> None:
    document = DEFAULT_DOCUMENT
    with mock.patch.object(edit, "_fallback_render", _no_fallback):
        text = render_scenario(scenario, based_on=document)
    assert parse_scenario(text).scenario == scenario


ANNOTATED_FILE = parse_scenario(ANNOTATED)


@ROUND_TRIP
@given(scenarios(ANNOTATED_FILE.scenario))
def test_style_preserving_save_round_trips_and_keeps_comments(scenario: Scenario) -> None:
    with mock.patch.object(edit, "_fallback_render", _no_fallback):
        text = render_scenario(scenario, based_on=ANNOTATED_FILE.document)
    assert parse_scenario(text).scenario == scenario
    if len(scenario.channels) == len(ANNOTATED_FILE.scenario.channels) and scenario.targets:
        for line in ANNOTATED.splitlines():
            if line.startswith("#"):
                assert line in text


# -- anything else: loads or raises ScenarioError ----------------------------------------------


def loads_or_refuses(text: str) -> None:
    """Loads, or raises ScenarioError; a syntax error is explained without the explaining
    itself failing (which would quietly fall back to tomlkit's words)."""
    failed = AssertionError("explaining a syntax error raised")
    try:
        with mock.patch.object(syntax._log, "exception", side_effect=failed):
            loaded = parse_scenario(text)
    except ScenarioError as exc:
        assert str(exc)
    else:
        assert isinstance(loaded.scenario, Scenario)


DEFAULT_TEXT = render_scenario(Scenario())
DEFAULT_DATA = tomlkit.parse(DEFAULT_TEXT).unwrap()

toml_scalars = (
    st.integers(-(2**63), 2**63 - 1)
    | st.floats()
    | st.booleans()
    | TEXT
    | st.dates()
    | st.datetimes()
    | st.times()
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=10,
)


@st.composite
def mutated_data(draw: st.DrawFn) -> dict[str, Any]:
    """The default file's data with a few keys deleted, replaced or added at random depths."""
    data = tomlkit.parse(DEFAULT_TEXT).unwrap()
    for _ in range(draw(st.integers(1, 4))):
        node: Any = data
        while True:
            keys = list(range(len(node))) if isinstance(node, list) else list(node)
            if not keys:
                break
            key = draw(st.sampled_from(keys))
            child = node[key]
            if isinstance(child, dict | list) and child and draw(st.booleans()):
                node = child
                continue
            action = draw(st.sampled_from(["delete", "replace", "add"]))
            if action == "delete":
                del node[key]
            elif action == "replace":
                node[key] = draw(toml_values)
            elif isinstance(node, dict):
                node[draw(TEXT.filter(bool))] = draw(toml_values)
            break
    return data


@FUZZ
@given(mutated_data())
def test_mutated_documents_load_or_raise_scenario_error(data: dict[str, Any]) -> None:
    try:
        text = tomlkit.dumps(data)
    except Exception:  # tomlkit cannot write every mutation (e.g. a list of mixed tables)
        assume(False)
        raise
    loads_or_refuses(text)


@FUZZ
@given(st.text(max_size=300))
def test_random_text_loads_or_raises_scenario_error(text: str) -> None:
    loads_or_refuses(text)


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, len(DEFAULT_TEXT)), st.integers(0, 5), TEXT),
        min_size=1,
        max_size=5,
    )
)
def test_edited_text_loads_or_raises_scenario_error(
    edits: list[tuple[int, int, str]],
) -> None:
    text = DEFAULT_TEXT
    for position, cut, insert in edits:
        position = min(position, len(text))
        text = text[:position] + insert + text[position + cut :]
    loads_or_refuses(text)


@FUZZ
@given(st.binary(max_size=400) | st.builds(lambda b: DEFAULT_TEXT.encode() + b, st.binary()))
def test_random_bytes_load_or_raise_scenario_error(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.toml"
        path.write_bytes(raw)
        try:
            loaded = read_scenario(path)
        except ScenarioError as exc:
            assert str(exc)
        else:
            assert isinstance(loaded.scenario, Scenario)
