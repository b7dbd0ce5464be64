"""The funnel-lab entry point: sub-commands go to the command line without loading Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def run_launcher(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", FAKE_CLI, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


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
