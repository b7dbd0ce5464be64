"""Writing a scenario: the text (edited onto the document it came from, or a new file) and the
one function that saves it, atomically and keeping the file's permissions."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

import tomlkit

from sim.errors import ScenarioError
from sim.files.edit import render_onto
from sim.files.read import ScenarioFile
from sim.files.render import render_new
from sim.scenario import Scenario

NEW_FILE_MODE = 0o666
"""A new file's permissions before the umask narrows them (0644 under the usual umask 022)."""


def render_scenario(scenario: Scenario, based_on: tomlkit.TOMLDocument | None = None) -> str:
    """TOML text for the scenario: the `based_on` document with only changed values edited,
    or, without one, a complete file in model field order."""
    if based_on is None:
        return render_new(scenario)
    return render_onto(scenario, based_on)


def write_scenario(
    scenario: Scenario, path: str | Path, based_on: tomlkit.TOMLDocument | None = None
) -> ScenarioFile:
    """Save atomically; the old file survives any failure. Returns what is now on disk."""
    file = Path(path)
    text = render_scenario(scenario, based_on)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ScenarioError(
            f"{file}: cannot save: a text field holds invalid text ({exc})"
        ) from None
    target = file.resolve() if file.is_symlink() else file
    try:
        _atomic_write(target, data)
    except OSError as exc:
        raise ScenarioError(f"{file}: could not save: {exc.strerror or exc}") from None
    return ScenarioFile(scenario, tomlkit.parse(text), file)


def _atomic_write(target: Path, data: bytes) -> None:
    """Write beside the target, flush, fsync, rename over it: readers see old or new, never
    half. The temporary file is removed on any failure. A file saved over keeps its own
    permission bits (a file shared read-only stays so); a new file gets what the umask allows."""
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    kept = target.stat().st_mode & 0o7777 if target.exists() else None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    fd = os.open(temp, flags, NEW_FILE_MODE if kept is None else kept)
    try:
        if kept is not None:
            with contextlib.suppress(AttributeError, OSError):
                os.fchmod(fd, kept)  # os.open narrowed it by the umask; the old file's mode wins
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); not possible everywhere, so best effort."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
