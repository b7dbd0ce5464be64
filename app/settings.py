"""What the window remembers between sessions: geometry, recent files and the last folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "Funnel Lab"
APPLICATION = "Funnel Lab"
MAX_RECENT = 8


class AppSettings:
    """A thin typed layer over QSettings, so keys and types live in one place."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.q = settings or QSettings(ORGANISATION, APPLICATION)

    def geometry(self) -> QByteArray | None:
        value = self.q.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, geometry: QByteArray) -> None:
        self.q.setValue("window/geometry", geometry)

    def recent_files(self) -> list[str]:
        value = self.q.value("files/recent", [])
        if isinstance(value, str):  # QSettings returns a lone item as a plain string
            value = [value]
        return [str(v) for v in value or []]

    def add_recent(self, path: Path) -> None:
        text = str(Path(path).resolve())
        recent = [text, *(p for p in self.recent_files() if p != text)][:MAX_RECENT]
        self.q.setValue("files/recent", recent)

    def remove_recent(self, path: str) -> None:
        self.q.setValue("files/recent", [p for p in self.recent_files() if p != path])

    def last_folder(self) -> str:
        return str(self.q.value("files/last_folder", "") or "")

    def set_last_folder(self, folder: Path) -> None:
        self.q.setValue("files/last_folder", str(folder))

    def sync(self) -> None:
        self.q.sync()
