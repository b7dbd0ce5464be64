"""The command line: exit codes, messages on stderr, no traceback, valid JSON Schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim import cli
from sim.errors import Problem, ScenarioError
from sim.files import render_scenario
from sim.metrics import METRICS
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]


def run_sim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.toml"
    path.write_text(render_scenario(Scenario(name="Workshop plan")), encoding="utf-8")
    return path


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(
        "schema_version = 1\n[brand]\nweekly_spnd = 5\n[[channels]]\nbase_cpl = -4\n",
        encoding="utf-8",
    )
    return path


def test_validate_ok(good: Path) -> None:
    done = run_sim("validate", str(good))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{good}: OK — Workshop plan"
    assert done.stderr == ""


def test_validate_bad_lists_every_problem_on_stderr(good: Path, bad: Path) -> None:
    done = run_sim("validate", str(good), str(bad))
    assert done.returncode == 2
    assert f"{good}: OK" in done.stdout
    assert "channels[0].base_cpl: must be >= 0 (found -4)" in done.stderr
    assert "brand.weekly_spnd: unknown key; did you mean 'weekly_spend'?" in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_missing_and_syntax_errors_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("schema_version = 1\nname = \n", encoding="utf-8")
    done = run_sim("validate", str(broken), str(tmp_path / "missing.toml"))
    assert done.returncode == 2
    assert "line 2, column 8" in done.stderr and "no such file" in done.stderr
    assert "Traceback" not in done.stderr


def test_schema_is_valid_json() -> None:
    done = run_sim("schema")
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    assert schema["title"] == "Scenario"
    assert "channels" in schema["properties"]


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["no-such-command"]) == 2
    assert "invalid choice" in capsys.readouterr().err
    assert cli.main([]) == 2


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    assert "validate" in capsys.readouterr().out
    assert cli.main(["--version"]) == 0


def test_metrics_lists_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["metrics"]) == 0
    out = capsys.readouterr().out
    for metric in METRICS.values():
        assert metric.name in out and metric.description in out


def test_too_large_scenario_fails_validation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.toml"
    huge = Scenario().model_copy(
        update={"channels": [Scenario().channels[0].model_copy(update={"weekly_budget": 1e9})]}
    )
    path.write_text(render_scenario(huge), encoding="utf-8")
    assert cli.main(["validate", str(path)]) == 2
    assert "too large to simulate" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("raised", "status", "message"),
    [
        (ScenarioError("plan.toml: something is off", [Problem("brand", "bad")]), 2, "off"),
        (KeyboardInterrupt(), 130, "interrupted"),
    ],
)
def test_errors_from_a_handler(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    raised: BaseException,
    status: int,
    message: str,
) -> None:
    """A later sub-command (e.g. run) only raises; main turns it into a message and a status."""

    def handler(args: object) -> int:
        raise raised

    command = cli.Command("schema", "x", cli._configure_nothing, handler)
    monkeypatch.setattr(cli, "COMMANDS", [command])
    assert cli.main(["schema"]) == status
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_subcommands_are_declared_for_the_launcher() -> None:
    assert {"validate", "schema", "metrics"} <= cli.SUBCOMMANDS
    assert "sim.cli" in sys.modules and not any(m.startswith("PySide6") for m in _imports_of_cli())


def _imports_of_cli() -> list[str]:
    code = "import sys, sim.cli; print('\\n'.join(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.split()
