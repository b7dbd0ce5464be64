"""Crash recovery: each open document's unsaved work is autosaved under its window's lock and
offered back, once, only after that window's process is gone."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.recovery import RecoveryStore
from sim.files import render_scenario
from sim.scenario import Scenario

Button = QMessageBox.StandardButton
ROOT = Path(__file__).resolve().parents[2]


def autosaves(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def edit_sdrs(window, count: int = 13) -> None:
    window.editor.field_editor(("sales", "sdr_count")).input.setValue(count)


def test_after_a_crash_the_next_start_offers_the_autosave(
    commented_file, make_window, boxes, tmp_path: Path
):
    path = commented_file(tmp_path)
    crashed = make_window()
    crashed.open_file(path)
    edit_sdrs(crashed)
    crashed.autosave()
    crashed.recovery.abandon()  # the process dies here: the files stay, the OS frees the lock

    boxes.answers = [Button.Yes]
    restarted = make_window()
    restarted.start(None)

    assert boxes.of_kind("question")[-1][1] == "Restore unsaved work?"
    assert restarted.scenario.sales.sdr_count == 13
    assert restarted.document.path == path  # Save goes back to the original file
    assert restarted.isWindowModified()
    restarted.actions_["undo"].trigger()
    assert restarted.scenario.sales.sdr_count != 13


def test_a_restored_autosave_is_offered_once(make_window, boxes, recovery_dir: Path):
    crashed = make_window()
    edit_sdrs(crashed)
    crashed.autosave()
    crashed.recovery.abandon()
    boxes.answers = [Button.Yes]
    restored = make_window()
    restored.start(None)
    assert restored.scenario.sales.sdr_count == 13
    [autosave] = autosaves(recovery_dir)  # the restored edits, autosaved again under its lock
    assert restored.recovery.file == autosave
    make_window().start(None)  # a third window: no question (boxes would raise)
    assert len(boxes.of_kind("question")) == 1


def test_declining_the_autosave_removes_it(
    commented_file, make_window, boxes, tmp_path: Path, recovery_dir: Path
):
    crashed = make_window()
    edit_sdrs(crashed)
    crashed.autosave()
    crashed.recovery.abandon()
    boxes.answers = [Button.No]
    restarted = make_window()
    restarted.start(None)
    assert restarted.scenario.sales.sdr_count != 13
    assert autosaves(recovery_dir) == []
    make_window().start(commented_file(tmp_path))  # declined once: never offered again
    assert len(boxes.of_kind("question")) == 1


def test_a_second_window_never_offers_a_live_windows_autosave(
    commented_file, make_window, boxes, tmp_path: Path, recovery_dir: Path
):
    first = make_window()
    first.open_file(commented_file(tmp_path, "plan.toml"))
    edit_sdrs(first)
    first.autosave()
    second = make_window()
    second.start(commented_file(tmp_path, "other.toml"))  # any question would raise
    assert second.document.path == tmp_path / "other.toml"
    assert second.scenario.sales.sdr_count != 13
    assert autosaves(recovery_dir) == [first.recovery.file]  # still there, still the first's


def test_each_open_document_has_its_own_recovery_file(
    commented_file, make_window, tmp_path: Path, recovery_dir: Path
):
    windows = []
    for name, count in (("plan.toml", 11), ("other.toml", 12)):
        window = make_window()
        window.open_file(commented_file(tmp_path, name))
        edit_sdrs(window, count)
        window.autosave()
        windows.append(window)
    files = autosaves(recovery_dir)
    assert files == sorted(w.recovery.file for w in windows)
    for window in windows:
        note = json.loads(window.recovery.note.read_text(encoding="utf-8"))
        assert Path(note["original"]) == window.document.path
        lock = window.recovery.file.with_suffix(".lock")
        assert lock.read_text(encoding="utf-8") == str(note["pid"])


def test_opening_another_document_drops_the_first_ones_autosave(
    commented_file, make_window, boxes, tmp_path: Path, recovery_dir: Path
):
    window = make_window()
    window.open_file(commented_file(tmp_path, "plan.toml"))
    edit_sdrs(window)
    window.autosave()
    boxes.answers = [Button.Discard]
    window.open_file(commented_file(tmp_path, "other.toml"))
    assert autosaves(recovery_dir) == []
    assert [p.name.startswith("other-") for p in recovery_dir.glob("*.lock")] == [True]


def test_opening_a_file_another_window_has_open_asks_first(
    commented_file, make_window, boxes, tmp_path: Path
):
    path = commented_file(tmp_path)
    make_window().open_file(path)
    second = make_window()
    boxes.answers = [Button.Cancel]
    assert not second.open_file(path)
    [(_kind, title, text)] = boxes.of_kind("question")
    assert title == "Already open"
    assert "plan.toml is already open in another Funnel Lab window" in text
    boxes.answers = [Button.Open]
    assert second.open_file(path)


def test_a_clean_exit_removes_the_recovery_files(window, boxes, recovery_dir: Path):
    edit_sdrs(window)
    window.autosave()
    assert window.recovery.exists()
    boxes.answers = [Button.Discard]
    assert window.close()
    assert list(recovery_dir.iterdir()) == []


def test_nothing_is_autosaved_without_changes(window, recovery_dir: Path):
    window.autosave()
    assert autosaves(recovery_dir) == []


def test_autosave_runs_every_minute(window):
    assert window.autosave_timer.isActive()
    assert window.autosave_timer.interval() == 60_000


def test_the_recovery_folder_comes_from_the_environment(recovery_dir: Path):
    assert RecoveryStore().folder == recovery_dir


OTHER_PROCESS = """
import os, sys
from pathlib import Path
from app.recovery import RecoveryStore
store = RecoveryStore(Path(sys.argv[1]))
store.save(Path(sys.argv[2]).read_text(encoding="utf-8"), None)
print(os.getpid(), flush=True)
if sys.argv[3] == "crash":
    os._exit(1)
sys.stdin.readline()  # alive until told
"""


def other_process(folder: Path, tmp_path: Path, how: str) -> subprocess.Popen[str]:
    text = tmp_path / "edited.toml"
    text.write_text(render_scenario(Scenario().model_copy(update={"name": "Theirs"})), "utf-8")
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(OTHER_PROCESS), str(folder), str(text), how],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_live_processes_autosave_is_never_offered(
    make_window, tmp_path: Path, recovery_dir: Path
):
    other = other_process(recovery_dir, tmp_path, "live")
    try:
        pid = int(other.stdout.readline())
        [lock] = recovery_dir.glob("*.lock")
        assert lock.read_text(encoding="utf-8") == str(pid)
        window = make_window()
        window.start(None)  # a question would raise
        assert window.scenario.name != "Theirs"
        assert len(autosaves(recovery_dir)) == 1
    finally:
        other.communicate("\n", timeout=30)


def test_a_dead_processes_autosave_is_offered(make_window, boxes, tmp_path: Path, recovery_dir):
    other = other_process(recovery_dir, tmp_path, "crash")
    other.communicate(timeout=30)
    assert other.returncode == 1
    boxes.answers = [Button.Yes]
    window = make_window()
    window.start(None)
    assert window.scenario.name == "Theirs"
