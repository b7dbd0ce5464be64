"""Crash recovery: each open document's unsaved work is autosaved to files of its own, guarded by
a lock that names the window's process; the next start offers what a dead process left behind.

For every document a window has open, the recovery folder holds up to three files with one stem,
`plan-1a2b3c4d-12345-1` (the file's name, a hash of its path, the process id, the window):

- `STEM.lock`: the process id, and an OS lock on the file held while the window lives. The OS
  lets go of it when the process dies, however it dies, so a stale lock cannot pass for a live
  one even if its process id is reused.
- `STEM.toml`: the scenario with the unsaved edits (comments of the original kept).
- `STEM.json`: which file it belongs to, the process id and when it was saved.

A clean close removes all three. An autosave whose lock no live process holds was left by a
crash: the next start takes its lock, offers it once, and removes it whether restored or not. A
live window's autosave is never offered, so two windows never share one document's edits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

ENV_DIR = "FUNNEL_LAB_RECOVERY_DIR"
AUTOSAVE_MS = 60_000
_WINDOWS = itertools.count(1)  # tells apart the windows of one process


def recovery_dir() -> Path:
    """FUNNEL_LAB_RECOVERY_DIR if set (tests), else the platform's per-user app data folder."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    location = QStandardPaths.StandardLocation.AppDataLocation
    return Path(QStandardPaths.writableLocation(location)) / "recovery"


class Lock:
    """A lock file holding our process id, locked by the OS for as long as we hold it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock unless a live process (or another window of ours) holds it."""
        if self._fd is not None:
            return True
        for _ in range(3):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            if not _try_lock(fd):
                os.close(fd)
                return False
            if _is_current(fd, self.path):  # not removed by its last owner as we opened it
                os.ftruncate(fd, 0)
                os.write(fd, str(os.getpid()).encode())
                self._fd = fd
                return True
            os.close(fd)
        return False

    def release(self, remove: bool = True) -> None:
        """Let go; `remove=False` is what a crash does: the file stays, unlocked."""
        if self._fd is None:
            return
        if remove:
            self.path.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = None

    def owner(self) -> int | None:
        """The process id written in the lock file, if any."""
        try:
            return int(self.path.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return None


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _is_current(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


def document_key(original: Path | None) -> str:
    """`plan-1a2b3c4d` for a file (its name and a hash of its full path), `untitled` otherwise."""
    if original is None:
        return "untitled"
    name = re.sub(r"[^\w.-]", "_", original.stem)[:40] or "scenario"
    digest = hashlib.sha256(str(original.resolve()).encode()).hexdigest()[:8]
    return f"{name}-{digest}"


@dataclass
class Orphan:
    """An autosave whose window is gone, its lock now ours: restore it or drop it, then discard."""

    stem: str
    folder: Path
    original: Path | None
    saved_at: str
    lock: Lock

    @property
    def file(self) -> Path:
        return self.folder / f"{self.stem}.toml"

    def discard(self) -> None:
        for suffix in (".toml", ".json"):
            (self.folder / f"{self.stem}{suffix}").unlink(missing_ok=True)
        self.lock.release()


class RecoveryStore:
    """One window's recovery files: those of the document it has open, and its lock.

    Every method is safe to call whether or not the files exist.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or recovery_dir()
        self.window = next(_WINDOWS)
        self.original: Path | None = None
        self.stem = ""
        self.lock: Lock | None = None

    @property
    def file(self) -> Path:
        return self.folder / f"{self.stem or 'none'}.toml"

    @property
    def note(self) -> Path:
        return self.folder / f"{self.stem or 'none'}.json"

    def attach(self, original: Path | None) -> None:
        """The window now edits `original` (None: untitled): its autosave goes to that
        document's files, under this window's lock; the previous document's files go."""
        if self.lock is not None and original == self.original:
            return
        self.close()
        self.original = original
        self.stem = f"{document_key(original)}-{os.getpid()}-{self.window}"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.lock = Lock(self.folder / f"{self.stem}.lock")
        self.lock.acquire()

    def exists(self) -> bool:
        return bool(self.stem) and self.file.is_file()

    def save(self, text: str, original: Path | None) -> None:
        """Write atomically, so a crash during autosave never leaves half a file."""
        self.attach(original)
        _write_atomic(self.file, text)
        note = {
            "original": str(original) if original else None,
            "pid": os.getpid(),
            "saved_at": dt.datetime.now().isoformat(timespec="seconds"),
        }
        _write_atomic(self.note, json.dumps(note))

    def clear(self) -> None:
        """Drop the autosave (the work was saved or discarded); the document stays locked."""
        if self.stem:
            for path in (self.file, self.note):
                path.unlink(missing_ok=True)

    def close(self) -> None:
        """A clean close: the autosave and the lock go."""
        self.clear()
        if self.lock is not None:
            self.lock.release()
        self.lock, self.stem = None, ""

    def abandon(self) -> None:
        """What a crash leaves: the files stay and the lock is free (for tests)."""
        if self.lock is not None:
            self.lock.release(remove=False)
        self.lock, self.stem = None, ""

    def open_elsewhere(self, original: Path) -> int | None:
        """The process id of another live window that has `original` open, if there is one."""
        prefix = document_key(original)
        for path in sorted(self.folder.glob(f"{prefix}-*.lock")):
            if path.stem == self.stem:
                continue
            other = Lock(path)
            if other.acquire():  # nobody holds it: a crashed window's, not a live one
                other.release(remove=False)
                continue
            return other.owner() or 0
        return None

    def take_orphan(self, prefer: Path | None = None) -> Orphan | None:
        """An autosave left by a window that is gone (the one of `prefer` first, then the
        newest), its lock taken so that no other start offers it too; None if there is none."""
        if not self.folder.is_dir():
            return None
        self._sweep_stale_locks()
        notes = [n for n in self.folder.glob("*.json") if n.with_suffix(".toml").is_file()]
        notes.sort(key=lambda n: (not _same_file(_original(n), prefer), -n.stat().st_mtime))
        for note in notes:
            if note.stem == self.stem:
                continue
            lock = Lock(note.with_suffix(".lock"))
            if lock.acquire():
                saved_at = _read_note(note).get("saved_at") or ""
                return Orphan(note.stem, self.folder, _original(note), str(saved_at), lock)
        return None

    def _sweep_stale_locks(self) -> None:
        """Locks of windows that died with nothing unsaved: remove them."""
        for path in self.folder.glob("*.lock"):
            if path.stem == self.stem or path.with_suffix(".toml").exists():
                continue
            lock = Lock(path)
            if lock.acquire():
                lock.release()


def _read_note(note: Path) -> dict:
    try:
        value = json.loads(note.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _original(note: Path) -> Path | None:
    value = _read_note(note).get("original")
    return Path(value) if value else None


def _same_file(a: Path | None, b: Path | None) -> bool:
    return a is not None and b is not None and a.resolve() == b.resolve()


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
