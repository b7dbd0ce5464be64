"""Crash recovery: an autosave of unsaved work that the next start offers to restore.

The recovery file is the scenario rendered as TOML (comments of the original kept) plus a small
JSON note of which file it belongs to. A clean exit removes both, so their presence on start
means the last session ended without saving.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import QStandardPaths

ENV_DIR = "FUNNEL_LAB_RECOVERY_DIR"
AUTOSAVE_MS = 60_000


def recovery_dir() -> Path:
    """FUNNEL_LAB_RECOVERY_DIR if set (tests), else the platform's per-user app data folder."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    location = QStandardPaths.StandardLocation.AppDataLocation
    return Path(QStandardPaths.writableLocation(location)) / "recovery"


class RecoveryStore:
    """The autosave file and its note; every method is safe to call when neither exists."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or recovery_dir()
        self.file = self.folder / "autosave.toml"
        self.note = self.folder / "autosave.json"

    def exists(self) -> bool:
        return self.file.is_file()

    def save(self, text: str, original: Path | None) -> None:
        """Write atomically, so a crash during autosave never leaves half a file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.file, text)
        _write_atomic(self.note, json.dumps({"original": str(original) if original else None}))

    def original(self) -> Path | None:
        """The file the autosaved scenario was opened from, if any."""
        try:
            value = json.loads(self.note.read_text(encoding="utf-8")).get("original")
        except (OSError, ValueError):
            return None
        return Path(value) if value else None

    def clear(self) -> None:
        for path in (self.file, self.note):
            path.unlink(missing_ok=True)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
