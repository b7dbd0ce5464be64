"""Crash recovery: unsaved work is autosaved and offered back on the next start."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.recovery import RecoveryStore

Button = QMessageBox.StandardButton


def test_after_a_crash_the_next_start_offers_the_autosave(
    commented_file, make_window, boxes, tmp_path: Path
):
    path = commented_file(tmp_path)
    crashed = make_window()
    crashed.open_file(path)
    crashed.editor.field_editor(("sales", "sdr_count")).input.setValue(13)
    crashed.autosave()
    assert RecoveryStore().exists()
    # The process dies here: no close, so the recovery file stays.

    boxes.answers = [Button.Yes]
    restarted = make_window()
    restarted.start(None)

    assert boxes.of_kind("question")[-1][1] == "Restore unsaved work?"
    assert restarted.scenario.sales.sdr_count == 13
    assert restarted.document.path == path  # Save goes back to the original file
    assert restarted.isWindowModified()
    restarted.actions_["undo"].trigger()
    assert restarted.scenario.sales.sdr_count != 13


def test_declining_the_autosave_removes_it(make_window, boxes):
    crashed = make_window()
    crashed.editor.field_editor(("sales", "sdr_count")).input.setValue(13)
    crashed.autosave()
    boxes.answers = [Button.No]
    restarted = make_window()
    restarted.start(None)
    assert restarted.scenario.sales.sdr_count != 13
    assert not RecoveryStore().exists()


def test_a_clean_exit_removes_the_recovery_file(window, boxes):
    window.editor.field_editor(("sales", "sdr_count")).input.setValue(13)
    window.autosave()
    assert RecoveryStore().exists()
    boxes.answers = [Button.Discard]
    assert window.close()
    assert not RecoveryStore().exists()


def test_nothing_is_autosaved_without_changes(window):
    window.autosave()
    assert not RecoveryStore().exists()


def test_autosave_runs_every_minute(window):
    assert window.autosave_timer.isActive()
    assert window.autosave_timer.interval() == 60_000


def test_the_recovery_folder_comes_from_the_environment(recovery_dir: Path):
    assert RecoveryStore().folder == recovery_dir
