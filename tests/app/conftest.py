"""Fixtures for the window tests: offscreen Qt, throwaway settings and recovery folder, and
message boxes that answer instantly instead of blocking."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from app.main_window import MainWindow
from app.recovery import ENV_DIR, RecoveryStore
from app.settings import AppSettings
from sim.files import render_scenario
from sim.scenario import Scenario


@pytest.fixture(autouse=True)
def private_settings(tmp_path: Path) -> None:
    """Any QSettings a test creates lands in tmp_path, never in the user's real settings."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


@pytest.fixture
def recovery_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "recovery"
    monkeypatch.setenv(ENV_DIR, str(folder))
    return folder


@dataclass
class MessageBoxes:
    """Records every message box shown; `answers` is what the next question() returns."""

    answers: list[QMessageBox.StandardButton] = field(default_factory=list)
    shown: list[tuple[str, str, str]] = field(default_factory=list)

    def question(self, _parent: Any, title: str, text: str, *args: Any) -> Any:
        self.shown.append(("question", title, text))
        if not self.answers:
            raise AssertionError(f"unexpected question: {title}: {text}")
        return self.answers.pop(0)

    def critical(self, _parent: Any, title: str, text: str, *args: Any) -> Any:
        self.shown.append(("critical", title, text))
        return QMessageBox.StandardButton.Ok

    def about(self, _parent: Any, title: str, text: str) -> None:
        self.shown.append(("about", title, text))

    def of_kind(self, kind: str) -> list[tuple[str, str, str]]:
        return [m for m in self.shown if m[0] == kind]


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> MessageBoxes:
    recorder = MessageBoxes()
    for name in ("question", "critical", "about"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(getattr(recorder, name)))
    return recorder


@pytest.fixture
def make_window(qtbot: Any, tmp_path: Path, recovery_dir: Path, boxes: MessageBoxes) -> Any:
    """Build windows sharing one settings file (so a 'next start' sees the last one's)."""
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        settings = AppSettings(
            QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        )
        window = MainWindow(settings, RecoveryStore())
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.document.undo_stack.setClean()  # teardown must not ask about unsaved changes
        window.close()
        window.deleteLater()


@pytest.fixture
def window(make_window: Any) -> MainWindow:
    return make_window()


PLANNER_NOTES = (
    "# Q3 plan agreed with sales on 14 March: quality play",
    "# Ask Dana before changing the threshold",
)


def write_commented_file(folder: Path, name: str = "plan.toml") -> Path:
    """A scenario file with the planners' own comments on top and on a value."""
    text = render_scenario(Scenario())
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("mql_threshold"))
    lines[at] += "  # agreed in the March workshop"
    path = folder / name
    path.write_text("\n".join([*PLANNER_NOTES, *lines]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def commented_file() -> Any:
    return write_commented_file
