"""`funnel-lab FILE` opened, run, edited and quit twenty times in a row, each in a process of its
own as a user starts it: every one exits with status 0 and no "Fatal Python error" (a session
once ended in `none_dealloc` at quit; tests/app/test_qt_references.py has the cause).
"""

from __future__ import annotations

import os
import signal
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
SESSION_TIMEOUT_S = 120  # a session takes 5-10 s; longer is a hang


def run_session(command: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run one session in a process group of its own. If it hangs, abort the whole group (the
    app and its worker processes) so faulthandler prints where every thread of each was, then
    kill what is left: the test never waits on a hung session or on a worker holding its pipe."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**env, "PYTHONFAULTHANDLER": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=SESSION_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGABRT)
        try:
            _, stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            _, stderr = process.communicate()
        return -1, f"hung for {SESSION_TIMEOUT_S} s; where its threads were:\n{stderr}"
    return process.returncode, stderr


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
        code, stderr = run_session([sys.executable, "-m", "app.launch", str(scenario)], env)
        assert code == 0, f"session {session}: {stderr[-6000:]}"
        assert "Fatal Python error" not in stderr, f"session {session}: {stderr}"
        assert "discarded" not in stderr, f"session {session}: edited after the save? {stderr}"
        assert f"mql_threshold = {threshold + 5:g}" in saved.read_text(encoding="utf-8")
    recovery = tmp_path / "recovery"
    assert not recovery.exists() or not any(recovery.iterdir())  # clean quits leave no autosave


def test_quitting_stops_a_worker_that_is_still_busy():
    """A replication still running at quit does not hold the window's exit: the worker gets its
    grace period, then is ended (shutdown(wait=True) alone would wait for the whole task)."""
    import multiprocessing
    import time
    from concurrent.futures import ProcessPoolExecutor

    from app.workers import stop_processes

    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    pool.submit(time.sleep, 0.0).result()  # the worker is up
    busy = pool.submit(time.sleep, 600.0)
    workers = list(pool._processes.values())
    while not busy.running():
        time.sleep(0.01)
    stop_processes(pool, wait_s=0.2)
    assert workers and not any(worker.is_alive() for worker in workers)
    assert not busy.done() or busy.exception() is not None  # it never finished its 600 s
