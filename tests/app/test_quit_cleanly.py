"""`funnel-lab FILE` opened, run, edited and quit twenty times in a row, each in a process of its
own as a user starts it: every one exits with status 0 and no "Fatal Python error" (a session
once ended in `none_dealloc` at quit; tests/app/test_qt_references.py has the cause).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.dialogs import SMOKE_EDIT_ENV
from app.recovery import ENV_DIR
from app.run_controller import WORKERS_ENV
from sim.files import render_scenario
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = 20
TINY = {"simulation": {"weeks": 8, "warmup_weeks": 2, "replications": 2}}


@pytest.mark.slow
def test_twenty_sessions_in_a_row_open_run_edit_and_quit_cleanly(tmp_path: Path):
    scenario = tmp_path / "tiny.toml"
    scenario.write_text(render_scenario(Scenario.model_validate(TINY)), encoding="utf-8")
    threshold = Scenario().definitions.mql_threshold
    for session in range(1, SESSIONS + 1):
        saved = tmp_path / f"edited-{session}.toml"
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            SMOKE_EDIT_ENV: str(saved),  # run, edit the MQL threshold, save here, close
            WORKERS_ENV: "1",  # one simulating process: twenty starts stay within a minute
            ENV_DIR: str(tmp_path / "recovery"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
        }
        done = subprocess.run(
            [sys.executable, "-m", "app.launch", str(scenario)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"session {session}: {done.stderr[-3000:]}"
        assert "Fatal Python error" not in done.stderr, f"session {session}: {done.stderr}"
        assert f"mql_threshold = {threshold + 5:g}" in saved.read_text(encoding="utf-8")
    recovery = tmp_path / "recovery"
    assert not recovery.exists() or not any(recovery.iterdir())  # clean quits leave no autosave
