"""`funnel-lab FILE` as a user starts it, in a real X server (Xvfb + Qt's xcb plugin, not
offscreen): the window opens, runs the scenario, saves a screenshot and quits cleanly.

CI installs Xvfb and the xcb libraries through .ci/run; without Xvfb the test is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.dialogs import SMOKE_ENV
from app.recovery import ENV_DIR
from sim.files import render_scenario
from sim.scenario import Scenario

pytestmark = pytest.mark.xvfb
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def display() -> Iterator[str]:
    """A fresh Xvfb on a free display number (Xvfb picks it and tells us via -displayfd)."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (CI installs it via .ci/run)")
    read, write = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            pytest.skip("Xvfb did not start")
        yield f":{number}"
    finally:
        server.kill()
        server.wait(timeout=10)


def test_funnel_lab_opens_runs_and_saves_a_screenshot_in_a_real_x_server(display, tmp_path):
    scenario = tmp_path / "small.toml"
    scenario.write_text(
        render_scenario(
            Scenario.model_validate(
                {"simulation": {"weeks": 20, "warmup_weeks": 4, "replications": 3}}
            )
        ),
        encoding="utf-8",
    )
    shot = tmp_path / "smoke.png"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "xcb",
        "DISPLAY": display,
        SMOKE_ENV: str(shot),
        ENV_DIR: str(tmp_path / "recovery"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # QSettings: not the user's own
    }
    done = subprocess.run(
        [sys.executable, "-m", "app.launch", str(scenario)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert shot.is_file()
    assert shot.stat().st_size > 10_000


def test_an_unattended_run_reports_errors_without_blocking(monkeypatch, capsys, qtbot):
    """With FUNNEL_LAB_SMOKE set nobody can close a dialog: errors go to stderr instead, and
    unsaved changes at close are discarded with a note (cancelling would keep the window open)."""
    from app import dialogs

    monkeypatch.setenv(SMOKE_ENV, "out.png")
    dialogs.show_error(None, "Could not open", "bad.toml: not valid TOML")
    assert "bad.toml: not valid TOML" in capsys.readouterr().err
    assert dialogs.ask_restore(None, "x") is False
    assert dialogs.ask_unsaved(None, "x.toml") == "discard"  # closing: never a window left open
    assert "Unsaved changes to x.toml discarded" in capsys.readouterr().err
