"""The options every simulating command shares: one check refuses a bad --seed, --workers or
--replications alike in run, report and the planning tools, with exit 2 and the allowed range."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.limits import MAX_SENSITIVITY_INPUTS, MAX_SWEEP_POINTS, MAX_WORKERS

FILE = "scenarios/default.toml"
COMMANDS = {
    "run": ["run", FILE],
    "report": ["report", FILE, "--pdf", "out.pdf"],
    "compare": ["compare", FILE, FILE],
    "sweep": ["sweep", FILE, "--param", "deals.win_rate", "--from", "0.1", "--to", "0.5"],
    "sensitivity": ["sensitivity", FILE],
    "goal-seek": ["goal-seek", FILE, "--target", "revenue>=1", "--lever", "SDRs"],
    "reverse": ["reverse", FILE, "--target", "revenue=60e6"],
}
BAD = [
    (["--seed", "-5"], "--seed must be a whole number in [0, 9223372036854775807] (found -5)"),
    (["--workers", "-1"], f"--workers must be a whole number in [0, {MAX_WORKERS}]"),
    (["--workers", "100000"], "(found 100000)"),
    (["-n", "0"], "--replications must be a whole number in [1, 10000] (found 0)"),
    (["-n", "1000000000"], "(found 1000000000)"),
]


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).parents[2])


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("options", "message"), BAD)
def test_every_command_refuses_a_bad_shared_option(
    command: str, options: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*COMMANDS[command], *options]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_sweep_refuses_too_many_points(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*COMMANDS["sweep"], "--steps", "1000000", "-n", "1"]) == 2
    err = capsys.readouterr().err
    assert f"--steps must be a whole number in [2, {MAX_SWEEP_POINTS}] (found 1000000)" in err


@pytest.mark.parametrize("top", ["0", "-1", "1000"])
def test_sensitivity_refuses_a_top_out_of_range(
    top: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*COMMANDS["sensitivity"], "--top", top, "-n", "1"]) == 2
    err = capsys.readouterr().err
    assert f"--top must be a whole number in [1, {MAX_SENSITIVITY_INPUTS}] (found {top})" in err
