"""The questions the window asks, in one place: unsaved changes, errors, crash recovery."""

from __future__ import annotations

import datetime as dt
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
    if unattended():  # "cancel" would keep the window open, and the run would never end
        print(f"Unsaved changes to {name} discarded: an unattended run", file=sys.stderr)
        return "discard"
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


def ask_restore(parent: QWidget, what: str, saved_at: str = "") -> bool:
    if unattended():
        return False
    when = f" at {_when(saved_at)}" if saved_at else ""
    answer = QMessageBox.question(
        parent,
        "Restore unsaved work?",
        f"A Funnel Lab window closed without saving (it may have crashed). Its unsaved changes "
        f"to {what} were autosaved{when}.\n\nRestore them?",
        Button.Yes | Button.No,
        Button.Yes,
    )
    return answer == Button.Yes


def ask_open_again(parent: QWidget, name: str, pid: int) -> bool:
    """The file is open in another live window: open it here too (each keeps its own edits)?"""
    if unattended():
        return True
    process = f" (process {pid})" if pid else ""
    answer = QMessageBox.question(
        parent,
        "Already open",
        f"{name} is already open in another Funnel Lab window{process}.\n\nOpen it here as "
        "well? Each window keeps its own unsaved changes; the one saved last is what the file "
        "holds.",
        Button.Open | Button.Cancel,
        Button.Cancel,
    )
    return answer == Button.Open


def _when(saved_at: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(saved_at)
    except ValueError:
        return saved_at
    return moment.strftime("%H:%M on %d %b %Y")
