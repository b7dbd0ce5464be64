"""The funnel-lab entry point: sub-commands go to the command line without loading Qt; a typo or
a missing display is refused in one line (exit 2), never with Qt's own abort."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FAKE_CLI = """
import sys, types
import sim
fake = types.ModuleType("sim.cli")
fake.SUBCOMMANDS = {"run", "validate", "schema", "metrics", "sweep"}
fake.main = lambda argv: print("cli", argv) or 7
sys.modules["sim.cli"] = fake
sim.cli = fake
from app.launch import main
code = main(["funnel-lab", *sys.argv[1:]])
print("qt loaded" if any(m.startswith("PySide6") for m in sys.modules) else "no qt")
sys.exit(code)
"""


def run_launcher(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", FAKE_CLI, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def without_display() -> dict[str, str]:
    hidden = {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}
    return {k: v for k, v in os.environ.items() if k not in hidden}


def test_a_sub_command_goes_to_the_cli_without_importing_qt():
    done = run_launcher("sweep", "plan.toml")
    assert done.returncode == 7, done.stderr
    assert "cli ['sweep', 'plan.toml']" in done.stdout
    assert "no qt" in done.stdout


def test_help_goes_to_the_cli():
    done = run_launcher("--help")
    assert "cli ['--help']" in done.stdout


def test_a_file_argument_is_not_a_sub_command():
    from app.launch import wants_cli

    assert not wants_cli(["scenarios/default.toml"])
    assert not wants_cli([])


def test_a_mistyped_command_says_did_you_mean_and_exits_2():
    done = run_launcher("rnu", "scenarios/default.toml")
    assert done.returncode == 2
    assert done.stderr.strip() == "funnel-lab: unknown command 'rnu' (did you mean run?)"
    assert "no qt" in done.stdout


def test_an_unknown_word_names_the_commands():
    done = run_launcher("open", "scenarios/default.toml")
    assert done.returncode == 2
    assert "unknown command 'open'" in done.stderr
    assert "run, metrics, schema, sweep, validate" in done.stderr


def test_a_missing_scenario_file_is_named_as_a_file():
    done = run_launcher("plans/q3.toml")
    assert done.returncode == 2
    assert done.stderr.strip() == "funnel-lab: no such file: plans/q3.toml"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Qt needs no display server there")
@pytest.mark.parametrize("args", [(), ("scenarios/default.toml",)])
def test_without_a_display_the_window_is_refused_in_one_line(args):
    done = run_launcher(*args, env=without_display())
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("funnel-lab: no display")
    assert "funnel-lab run|metrics|schema|sweep|validate" in line
    assert "no qt" in done.stdout


def test_the_offscreen_platform_needs_no_display(monkeypatch):
    from app.launch import display_problem

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert display_problem() is None
