"""The questions the window asks, in one place: unsaved changes, errors, crash recovery."""

from __future__ import annotations

import os
import sys
from typing import Literal

from PySide6.QtWidgets import QMessageBox, QWidget

Button = QMessageBox.StandardButton
SMOKE_ENV = "FUNNEL_LAB_SMOKE"  # set: an unattended run (smoke test) that nobody can answer
SMOKE_EDIT_ENV = "FUNNEL_LAB_SMOKE_EDIT"  # also edit, save the edit to this file, quit


def unattended() -> bool:
    """An unattended run prints errors instead of blocking on a dialog nobody will close."""
    return bool(os.environ.get(SMOKE_ENV) or os.environ.get(SMOKE_EDIT_ENV))


def ask_unsaved(parent: QWidget, name: str) -> Literal["save", "discard", "cancel"]:
    if unattended():
        return "cancel"
    answer = QMessageBox.question(
        parent,
        "Unsaved changes",
        f"Save the changes to {name}?\n\nIf you don't save, your changes will be lost.",
        Button.Save | Button.Discard | Button.Cancel,
        Button.Save,
    )
    if answer == Button.Save:
        return "save"
    return "discard" if answer == Button.Discard else "cancel"


def show_error(parent: QWidget, title: str, message: str) -> None:
    if unattended():
        print(f"{title}: {message}", file=sys.stderr)
        return
    QMessageBox.critical(parent, title, message)


def ask_restore(parent: QWidget, what: str) -> bool:
    if unattended():
        return False
    answer = QMessageBox.question(
        parent,
        "Restore unsaved work?",
        f"Funnel Lab did not close normally last time. Unsaved changes to {what} were "
        "autosaved.\n\nRestore them?",
        Button.Yes | Button.No,
        Button.Yes,
    )
    return answer == Button.Yes
