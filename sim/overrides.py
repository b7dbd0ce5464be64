"""`--set PATH=VALUE`: change a few settings of a scenario on the command line, checked like a file.

PATH is a field path (`deals.win_rate`, `channels["Paid social"].base_cpl`, see `sim.paths`);
VALUE is read as a TOML value (`3000`, `0.25`, `true`, `"text"`, `2027-01-04`,
`{ dist = "triangular", low = 1, mode = 2, high = 3 }`), and anything that is not one is taken
as plain text, so `sales.queue_order=score` needs no quotes.
"""

from __future__ import annotations

from typing import Any

import tomlkit

from sim import paths
from sim.errors import ScenarioError
from sim.files import validate_scenario
from sim.scenario import Scenario

EXAMPLE = 'e.g. deals.win_rate=0.3 or channels["Paid social"].base_cpl=90'


def apply_settings(scenario: Scenario, settings: list[str]) -> Scenario:
    """The scenario with each `PATH=VALUE` applied in order, then validated as a whole.

    A setting without `=` or with a path that points at nothing, and any value out of range,
    is a ScenarioError that names the path (with "did you mean"), the value and what is allowed.
    """
    if not settings:
        return scenario
    data = scenario.model_dump()
    for setting in settings:
        text, value = _split(setting)
        try:
            paths.assign(data, paths.parse(text), value)
        except paths.PathError as exc:
            raise ScenarioError(f"--set {setting}: {exc}") from None
    return validate_scenario(data, "--set " + ", ".join(settings))


def _split(setting: str) -> tuple[str, Any]:
    """`PATH=VALUE` at the first `=` outside a quoted name, the value read as TOML."""
    at = _equals_at(setting)
    if at is None:
        raise ScenarioError(f"--set {setting}: write PATH=VALUE, {EXAMPLE}")
    return setting[:at].strip(), _read_value(setting[at + 1 :])


def _equals_at(setting: str) -> int | None:
    quote = ""
    i = 0
    while i < len(setting):
        char = setting[i]
        if quote and char == "\\":
            i += 1  # an escaped character inside a quoted name
        elif quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "=":
            return i
        i += 1
    return None


def _read_value(text: str) -> Any:
    """A TOML value as plain Python (`0.25`, `true`, `{ ... }`), or the text itself if it is
    not one."""
    stripped = text.strip()
    try:
        return tomlkit.value(stripped).unwrap()
    except Exception:  # not TOML (tomlkit may raise more than ParseError): plain text
        return stripped
