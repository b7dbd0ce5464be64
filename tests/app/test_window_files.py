"""Files through the window: save keeps comments, unsaved changes are never lost silently, a bad
file explains itself and leaves the current work alone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from app.main_window import MainWindow
from sim.files import read_scenario, render_scenario
from sim.scenario import Scenario

Button = QMessageBox.StandardButton


def comments(text: str) -> list[str]:
    return [line[line.index("#") :].strip() for line in text.splitlines() if "#" in line]


def test_save_through_the_gui_then_reopen_gives_the_same_scenario_and_every_comment(
    commented_file, window: MainWindow, tmp_path: Path
):
    path = commented_file(tmp_path)
    original_comments = comments(path.read_text(encoding="utf-8"))
    assert window.open_file(path)
    assert window.windowTitle().startswith("plan.toml")
    window.editor.field_editor(("definitions", "mql_threshold")).input.setValue(61.0)
    window.editor.panels["channels"].buttons["add"].click()
    assert window.isWindowModified()

    window.actions_["save"].trigger()

    assert not window.isWindowModified()
    saved = path.read_text(encoding="utf-8")
    for comment in original_comments:
        assert comment in saved
    assert read_scenario(path).scenario == window.scenario
    assert window.scenario.definitions.mql_threshold == 61.0


def test_save_as_writes_a_new_file_and_remembers_it(window: MainWindow, tmp_path: Path):
    window.editor.field_editor(("sales", "ae_count")).input.setValue(9)
    target = tmp_path / "copy"
    assert window.save_as(target)
    assert (tmp_path / "copy.toml").is_file()
    assert window.document.path == tmp_path / "copy.toml"
    assert window.settings.recent_files()[0] == str((tmp_path / "copy.toml").resolve())
    assert window.settings.last_folder() == str(tmp_path.resolve())


def test_closing_with_unsaved_changes_cancel_keeps_the_window_open(window: MainWindow, boxes):
    window.editor.field_editor(("sales", "ae_count")).input.setValue(9)
    boxes.answers = [Button.Cancel]
    assert not window.close()
    assert window.isVisible()
    assert window.scenario.sales.ae_count == 9
    assert boxes.of_kind("question")[0][1] == "Unsaved changes"


def test_closing_with_unsaved_changes_discard_closes(window: MainWindow, boxes):
    window.editor.field_editor(("sales", "ae_count")).input.setValue(9)
    boxes.answers = [Button.Discard]
    assert window.close()
    assert not window.isVisible()


def test_closing_with_unsaved_changes_save_writes_the_file(
    commented_file, window: MainWindow, boxes, tmp_path: Path
):
    path = commented_file(tmp_path)
    window.open_file(path)
    window.editor.field_editor(("sales", "ae_count")).input.setValue(9)
    boxes.answers = [Button.Save]
    assert window.close()
    assert read_scenario(path).scenario.sales.ae_count == 9


def test_opening_another_file_asks_about_unsaved_changes(
    commented_file, window: MainWindow, boxes, tmp_path
):
    first, second = commented_file(tmp_path, "a.toml"), commented_file(tmp_path, "b.toml")
    window.open_file(first)
    window.editor.field_editor(("sales", "ae_count")).input.setValue(9)
    boxes.answers = [Button.Cancel]
    assert not window.open_file(second)
    assert window.document.path == first and window.scenario.sales.ae_count == 9


def test_a_bad_file_shows_the_loaders_message_and_leaves_the_work_intact(
    window: MainWindow, boxes, tmp_path: Path
):
    window.editor.field_editor(("sales", "ae_count")).input.setValue(9)
    work = window.scenario
    bad = tmp_path / "bad.toml"
    bad.write_text("schema_version = 1\n[simulation]\nweeks = 2\n", encoding="utf-8")
    try:
        read_scenario(bad)
    except Exception as error:
        expected = str(error)
    boxes.answers = [Button.Discard]  # the unsaved-changes question comes first

    assert not window.open_file(bad)

    critical = boxes.of_kind("critical")
    assert len(critical) == 1 and critical[0][2].startswith(expected)
    assert "weeks" in expected
    assert critical[0][2].endswith("the window still shows your untitled scenario, as it was.")
    assert window.scenario == work


def test_a_bad_file_at_start_says_the_window_is_a_new_untitled_scenario(
    window: MainWindow, boxes, tmp_path: Path
):
    """`funnel-lab bad.toml`: behind the error, an Untitled window with default values looked
    as if the file had been opened; the dialog and the status bar say it was not."""
    text = render_scenario(Scenario())
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("weekly_budget = ", "weekly_budget = -", 1), encoding="utf-8")
    before = bad.read_bytes()

    window.start(bad)

    (critical,) = boxes.of_kind("critical")
    assert "weekly_budget" in critical[2]
    note = "bad.toml was not opened (the file is unchanged): the window shows a new untitled "
    assert note in critical[2]
    assert window.statusBar().currentMessage().startswith(note)
    assert window.document.path is None and window.windowTitle().startswith("Untitled")
    assert bad.read_bytes() == before
    assert str(bad) not in window.settings.recent_files()


def test_new_starts_from_the_default_scenario(commented_file, window: MainWindow, tmp_path: Path):
    window.open_file(commented_file(tmp_path))
    window.actions_["new"].trigger()
    assert window.scenario == Scenario()
    assert window.document.path is None
    assert window.windowTitle().startswith("Untitled")


def test_revert_reloads_the_file_from_disk(
    commented_file, window: MainWindow, boxes, tmp_path: Path
):
    path = commented_file(tmp_path)
    window.open_file(path)
    window.editor.field_editor(("sales", "ae_count")).input.setValue(9)
    boxes.answers = [Button.Discard]
    assert window.revert()
    assert window.scenario == read_scenario(path).scenario
    assert not window.isWindowModified()


def test_dropping_a_toml_file_opens_it(commented_file, window: MainWindow, tmp_path: Path):
    path = commented_file(tmp_path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert window.document.path == path


def test_recent_files_and_geometry_survive_a_restart(commented_file, make_window, tmp_path: Path):
    first = make_window()
    path = commented_file(tmp_path)
    first.open_file(path)
    first.resize(700, 500)
    geometry = first.saveGeometry()
    first.close()
    second = make_window()
    assert second.settings.recent_files()[0] == str(path.resolve())
    assert second.settings.geometry() == geometry
    assert second.size().width() == 700
