"""Reading a scenario: the bytes (size, binary, encoding), the text, the TOML syntax, the format
version, then the model. Every problem ends up in one ScenarioError that names the file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tomlkit

from sim.errors import ScenarioError
from sim.files.migrations import migrate
from sim.files.problems import validate_scenario
from sim.files.syntax import parse_toml
from sim.scenario import SCHEMA_VERSION, Scenario

MAX_FILE_BYTES = 1024 * 1024
"""Larger files are refused: a scenario is a few kilobytes; anything this big is a mistake."""


@dataclass(frozen=True)
class ScenarioFile:
    """A scenario with the document it came from, so a later save can keep its comments."""

    scenario: Scenario
    document: tomlkit.TOMLDocument
    path: Path | None


def read_scenario(path: str | Path) -> ScenarioFile:
    """Read and validate a scenario file; any problem is a ScenarioError naming the file."""
    file = Path(path)
    text = _decode(_read_bytes(file), str(file))
    loaded = parse_scenario(text, source=str(file))
    return ScenarioFile(loaded.scenario, loaded.document, file)


def parse_scenario(text: str, source: str = "<text>") -> ScenarioFile:
    """Parse and validate scenario text; `source` names it in messages (usually the path)."""
    _check_text(text, source)
    document = parse_toml(text, source)
    data = document.unwrap()
    if not data:
        raise ScenarioError(f"{source}: the file has no settings in it (only comments)")
    scenario = validate_scenario(migrate(data, source), source)
    return ScenarioFile(scenario, document, None)


def _read_bytes(file: Path) -> bytes:
    """The file's bytes, reading at most one byte past the limit (a huge file is not loaded)."""
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise ScenarioError(f"{file}: is a folder, not a scenario file") from None
    except PermissionError:
        raise ScenarioError(f"{file}: permission denied; cannot read it") from None
    except OSError as exc:
        raise ScenarioError(f"{file}: cannot read it: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(str(file))
    return raw


def _decode(raw: bytes, source: str) -> str:
    """UTF-8 text, or a clear refusal for binary files (a saved chart, a zip, a spreadsheet)."""
    if b"\x00" in raw:
        raise _binary(source)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"{source}: not a text file (byte {exc.start} is not UTF-8); "
            "a scenario is a UTF-8 TOML file"
        ) from None
    return text.removeprefix("\ufeff")


def _check_text(text: str, source: str) -> None:
    """Refuse text no scenario can be: binary, too large, or empty."""
    if "\x00" in text:
        raise _binary(source)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise ScenarioError(f"{source}: contains characters that are not valid text") from None
    if size > MAX_FILE_BYTES:
        raise _too_large(source)
    if not text.strip():
        raise ScenarioError(
            f"{source}: the file is empty; a scenario starts with "
            f"'schema_version = {SCHEMA_VERSION}'"
        )


def _too_large(source: str) -> ScenarioError:
    limit = MAX_FILE_BYTES // (1024 * 1024)
    return ScenarioError(
        f"{source}: the file is larger than {limit} MB; a scenario file is a few kilobytes, "
        "so this is not one"
    )


def _binary(source: str) -> ScenarioError:
    return ScenarioError(
        f"{source}: looks like a binary file (it contains NUL bytes), not a TOML scenario"
    )
