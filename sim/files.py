"""Scenario files: TOML that planners annotate by hand, read with clear errors, saved safely.

Reading checks the text (size, binary, empty), the TOML syntax (line and column), the
`schema_version` (a newer one is refused, an older one is migrated through `MIGRATIONS`) and then
the model; every problem ends up in one `ScenarioError` that lists each bad field by its path.

Writing with `based_on` (the document the scenario was read from) edits only the values that
changed, in place, so comments, key order and layout survive and a changed field is a one-line
diff; without it, a complete file is written in model field order with a comment per section.
Saving is atomic: a temporary file beside the target, flushed, fsynced and renamed over it.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import logging
import os
import re
import secrets
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import pydantic
import tomlkit
from pydantic import BaseModel, TypeAdapter
from pydantic_core import PydanticUndefined
from tomlkit.container import Container
from tomlkit.exceptions import ParseError
from tomlkit.items import AoT, Array, Float, InlineTable, Item, Table

from sim.distributions import is_distribution
from sim.errors import Problem, ScenarioError
from sim.scenario import SCHEMA_VERSION, Scenario

_log = logging.getLogger(__name__)

MAX_FILE_BYTES = 1024 * 1024
"""Larger files are refused: a scenario is a few kilobytes; anything this big is a mistake."""

Migration = Callable[[dict[str, Any]], dict[str, Any]]
MIGRATIONS: dict[int, Migration] = {}
"""`MIGRATIONS[n]` turns the plain data of a version-n file into version n+1 data."""


@dataclass(frozen=True)
class ScenarioFile:
    """A scenario with the document it came from, so a later save can keep its comments."""

    scenario: Scenario
    document: tomlkit.TOMLDocument
    path: Path | None


# --------------------------------------------------------------------------------------------
# Reading


def read_scenario(path: str | Path) -> ScenarioFile:
    """Read and validate a scenario file; any problem is a ScenarioError naming the file."""
    file = Path(path)
    text = _decode(_read_bytes(file), str(file))
    loaded = parse_scenario(text, source=str(file))
    return ScenarioFile(loaded.scenario, loaded.document, file)


def parse_scenario(text: str, source: str = "<text>") -> ScenarioFile:
    """Parse and validate scenario text; `source` names it in messages (usually the path)."""
    _check_text(text, source)
    document = _parse_toml(text, source)
    data = document.unwrap()
    if not data:
        raise ScenarioError(f"{source}: the file has no settings in it (only comments)")
    scenario = _validate(migrate(data, source), source)
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


def _parse_toml(text: str, source: str) -> tomlkit.TOMLDocument:
    """The style-preserving document; a syntax error names its line and column (1-based)."""
    try:
        return tomlkit.parse(text)
    except ParseError as exc:
        reason = re.sub(r" at line \d+ col \d+$", "", str(exc))
        raise ScenarioError(
            f"{source}: not valid TOML: line {exc.line}, column {exc.col + 1}: {reason}"
        ) from None
    except Exception as exc:  # the parser meets untrusted text: any failure is the file's
        raise ScenarioError(f"{source}: not valid TOML: {exc}") from None


def migrate(data: dict[str, Any], source: str = "<text>") -> dict[str, Any]:
    """Bring plain file data from its schema_version to the current one, step by step."""
    version = _file_version(data, source)
    data = copy.deepcopy(data)
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ScenarioError(
                f"{source}: cannot read file format version {version}: "
                f"no upgrade to version {version + 1} exists"
            )
        try:
            data = step(data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ScenarioError(
                f"{source}: could not upgrade the file from format version {version} to "
                f"{version + 1}: {exc}"
            ) from None
        version += 1
        data["schema_version"] = version
    return data


def _file_version(data: dict[str, Any], source: str) -> int:
    """The file's format version: required, a whole number, and not newer than this program."""
    if "schema_version" not in data:
        raise ScenarioError(
            f"{source}: schema_version is missing",
            [
                Problem(
                    "schema_version",
                    f"required: put 'schema_version = {SCHEMA_VERSION}' at the top of the file",
                )
            ],
        )
    version = data["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ScenarioError(
            f"{source}: bad schema_version",
            [
                Problem(
                    "schema_version", f"must be a whole number from 1 to {SCHEMA_VERSION}", version
                )
            ],
        )
    if version > SCHEMA_VERSION:
        raise ScenarioError(
            f"{source}: made by a newer Funnel Lab (file format version {version}; this version "
            f"reads versions up to {SCHEMA_VERSION}). Update Funnel Lab to open it."
        )
    return version


def _validate(data: dict[str, Any], source: str) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = problems_from_validation(exc, data)
        count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
        raise ScenarioError(f"{source}: {count} in the scenario", problems) from None


# --------------------------------------------------------------------------------------------
# Validation errors -> Problems


@dataclass(frozen=True)
class _ListOf:
    """Marks a list-of-models field while walking an error location through the model."""

    item: type[BaseModel]


class _Abbreviated(str):
    """A long value shown shortened; repr without quotes so Problem prints it as is."""

    def __repr__(self) -> str:
        return str(self)


def problems_from_validation(exc: pydantic.ValidationError, data: dict) -> list[Problem]:
    """One Problem per bad field, by path (`channels[2].base_cpl`), with the value found.

    Pydantic may report several errors for one field (one per union member); the location is
    trimmed to the real fields and only the first message per path is kept.
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    for error in exc.errors(include_url=False):
        loc, node = _field_loc(error["loc"], error["type"])
        path = format_path(loc)
        if path in seen:
            continue
        seen.add(path)
        problems.append(Problem(path, _message(error, loc), _found(error, loc, node, data)))
    return problems


def format_path(loc: tuple[str | int, ...]) -> str:
    """('channels', 2, 'base_cpl') -> 'channels[2].base_cpl'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _child_type(annotation: Any) -> type[BaseModel] | _ListOf | None:
    """What a field holds, for walking: a section model, a list of models, or a leaf (None)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is list:
        (item,) = get_args(annotation) or (None,)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return _ListOf(item)
    return None


def _field_loc(loc: tuple[Any, ...], kind: str) -> tuple[tuple[str | int, ...], Any]:
    """The part of pydantic's location that names real fields and rows, and the node reached."""
    node: Any = Scenario
    kept: list[str | int] = []
    for part in loc:
        if isinstance(node, type) and issubclass(node, BaseModel) and isinstance(part, str):
            if part in node.model_fields:
                kept.append(part)
                node = _child_type(node.model_fields[part].annotation)
                continue
            if kind == "extra_forbidden":
                kept.append(part)
                node = None
            break
        if isinstance(node, _ListOf) and isinstance(part, int):
            kept.append(part)
            node = node.item
            continue
        break
    return tuple(kept), node


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class whose fields live at `loc` (for "did you mean")."""
    node: Any = Scenario
    for part in loc:
        if isinstance(node, type) and issubclass(node, BaseModel) and part in node.model_fields:
            node = _child_type(node.model_fields[part].annotation)
        elif isinstance(node, _ListOf) and isinstance(part, int):
            node = node.item
        else:
            return None
    return node if isinstance(node, type) else None


def _message(error: Any, loc: tuple[str | int, ...]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return _unknown_key_message(loc)
    if kind == "missing":
        return "required, but missing"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _unknown_key_message(loc: tuple[str | int, ...]) -> str:
    model = _model_at(loc[:-1])
    names = list(model.model_fields) if model else []
    close = difflib.get_close_matches(str(loc[-1]), names, n=1) if loc else []
    if close:
        return f"unknown key; did you mean '{close[0]}'?"
    return f"unknown key; allowed here: {', '.join(names)}" if names else "unknown key"


def _found(error: Any, loc: tuple[str | int, ...], node: Any, data: dict) -> object:
    """The value the file holds at the error's path; nothing for missing keys or whole tables."""
    if error["type"] == "missing":
        return None
    value: Any = data
    try:
        for part in loc:
            value = value[part]
    except (KeyError, IndexError, TypeError):
        value = error.get("input")
    if node is not None and isinstance(value, dict | list):
        return None  # a section or a row: the message names the fields involved
    text = repr(value)
    return _Abbreviated(text[:200] + "…") if len(text) > 200 else value


# --------------------------------------------------------------------------------------------
# Writing: a complete new file


def render_scenario(scenario: Scenario, based_on: tomlkit.TOMLDocument | None = None) -> str:
    """TOML text for the scenario: the `based_on` document with only changed values edited,
    or, without one, a complete file in model field order."""
    if based_on is None:
        return _render_new(scenario)
    return _render_onto(scenario, based_on)


def _render_new(scenario: Scenario) -> str:
    doc = tomlkit.document()
    doc.add(tomlkit.comment("Funnel Lab scenario. Every setting: docs/scenario-format.md"))
    blocks: list[str] = []
    for name, info in Scenario.model_fields.items():
        if _child_type(info.annotation) is None:
            doc.add(name, _value_item(getattr(scenario, name)))
        else:
            blocks.append(name)
    for name in blocks:
        _add_block(doc, name, Scenario.model_fields[name].annotation, getattr(scenario, name))
    return doc.as_string()


def _add_block(doc: tomlkit.TOMLDocument, name: str, annotation: Any, value: Any) -> None:
    """A section as [name] or a list of rows as [[name]], introduced by its docstring."""
    kind = _child_type(annotation)
    model = kind.item if isinstance(kind, _ListOf) else kind
    assert model is not None
    intro = "\n" + "".join(f"# {line}\n" for line in _doc_comment(model))
    if not isinstance(kind, _ListOf):
        table = _full_table(value)
        table.trivia.indent = intro  # written verbatim before the [header]
        doc.add(name, table)
    elif not value:
        doc.add(tomlkit.nl())
        for line in _doc_comment(model):
            doc.add(tomlkit.comment(line))
        doc.add(tomlkit.comment(f"None yet: add [[{name}]] tables with {_keys(model)}."))
    else:
        rows = tomlkit.aot()
        for i, row in enumerate(value):
            table = _full_table(row)
            table.trivia.indent = intro if i == 0 else "\n"
            rows.append(table)
        doc.add(name, rows)


def _doc_comment(model: type[BaseModel]) -> list[str]:
    """The first paragraph of the model's docstring, wrapped to fit the line length."""
    text = (model.__doc__ or "").strip().split("\n\n")[0]
    return textwrap.wrap(" ".join(text.split()), width=96) if text else []


def _keys(model: type[BaseModel]) -> str:
    names = list(model.model_fields)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _full_table(value: BaseModel) -> Table:
    table = tomlkit.table()
    for name in type(value).model_fields:
        table.add(name, _value_item(getattr(value, name)))
    return table


def _value_item(value: Any, like: Any = None) -> Item:
    """A TOML item for a field value; whole floats are written as integers (80, not 80.0)
    unless the item it replaces was written as a float."""
    if is_distribution(value):
        return _inline(value.model_dump(exclude_none=True))
    if isinstance(value, BaseModel):
        return _inline({name: getattr(value, name) for name in type(value).model_fields})
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15 and not isinstance(like, Float):
            return tomlkit.integer(int(value))
        return tomlkit.item(value)
    if isinstance(value, list):
        array = tomlkit.array()
        for element in value:
            array.append(_value_item(element))
        return array
    return tomlkit.item(value)


def _inline(values: dict[str, Any]) -> InlineTable:
    """`{ dist = "triangular", low = 80, mode = 100, high = 120 }`, spaced like hand-written."""
    table = tomlkit.inline_table()
    for key, element in values.items():
        table.append(key, _value_item(element))
    return _spaced(table)


def _spaced(table: InlineTable) -> InlineTable:
    body = [element for key, element in table.value.body if key is not None]
    if body:
        body[0].trivia.indent = " "
        body[-1].trivia.trail = " "
    return table


# --------------------------------------------------------------------------------------------
# Writing: edit the document a scenario came from


def _render_onto(scenario: Scenario, based_on: tomlkit.TOMLDocument) -> str:
    """Edit a copy of `based_on` in place; if tomlkit cannot express the edit faithfully
    (checked by reading the result back), fall back to a complete new file."""
    doc = tomlkit.parse(based_on.as_string())
    try:
        _merge_model(doc, Scenario, scenario)
        text = doc.as_string()
        if parse_scenario(text).scenario == scenario:
            return text
        reason = "the edited document did not read back as the same scenario"
    except Exception as exc:  # tomlkit edge cases (dotted keys, out-of-order tables)
        reason = f"{type(exc).__name__}: {exc}"
    return _fallback_render(scenario, reason)


def _fallback_render(scenario: Scenario, reason: str) -> str:
    """A complete new file when a style-preserving edit was not possible (comments are lost)."""
    _log.warning("could not keep the file's layout (%s); writing it afresh", reason)
    return _render_new(scenario)


def _merge_model(table: Container | Table, model: type[BaseModel], value: BaseModel) -> None:
    """Make `table` hold `value`: edit changed keys, add non-default missing ones, drop stale."""
    fields = model.model_fields
    for key in [k for k in table if k not in fields]:
        del table[key]  # only after a migration renamed or removed a key
    for name, info in fields.items():
        new = getattr(value, name)
        if name in table:
            _merge_field(table, model, name, new)
        elif _differs_from_default(info, new):
            _insert(table, model, name, _added_item(info.annotation, new, table))


def _merge_field(table: Container | Table, model: type[BaseModel], name: str, new: Any) -> None:
    current = table[name]
    kind = _child_type(model.model_fields[name].annotation)
    if isinstance(kind, _ListOf):
        _merge_rows(table, name, current, kind.item, new)
    elif kind is not None and isinstance(current, Table):
        _merge_model(current, kind, new)
    elif kind is not None:
        if not _validates_to(kind, current, new):
            table[name] = (
                _merged_inline(current, kind, new)
                if isinstance(current, InlineTable)
                else _value_item(new)
            )
    elif not _same_leaf(model, name, current, new):
        table[name] = _value_item(new, like=current)


def _merge_rows(
    table: Container | Table, name: str, current: Any, model: type[BaseModel], rows: list[Any]
) -> None:
    """Rows match by position; rows added or removed at the end keep the comments that trail
    the last row (they usually introduce the next section)."""
    if isinstance(current, AoT):
        tables = current.body
        for old, new in zip(tables, rows, strict=False):
            _merge_model(old, model, new)
        if len(rows) == len(tables):
            return
        if not rows:
            del table[name]
            return
        trailing = _detach_trailing(tables[-1])
        if len(rows) > len(tables):
            for row in rows[len(tables) :]:
                tables[-1].value.body.append((None, tomlkit.nl()))
                current.append(_minimal_table(model, row))
        else:
            while len(current.body) > len(rows):
                del current[len(current.body) - 1]
        _attach_trailing(current.body[-1], trailing)
        return
    if isinstance(current, Array) and _validates_list(model, current, rows):
        return
    array = tomlkit.array()
    olds = list(current) if isinstance(current, Array) else []
    for i, row in enumerate(rows):
        old = olds[i] if i < len(olds) else None
        array.append(
            _merged_inline(old, model, row)
            if isinstance(old, InlineTable)
            else _inline(_minimal(model, row))
        )
    if isinstance(current, Array) and "\n" in current.as_string():
        array.multiline(True)
    table[name] = array


def _detach_trailing(table: Table) -> list[Item]:
    """Pop the comments and blank lines that end a table (inside its last sub-table if any)."""
    body = table.value.body
    if body and body[-1][0] is not None and isinstance(body[-1][1], Table):
        return _detach_trailing(body[-1][1])
    trailing: list[Item] = []
    while body and body[-1][0] is None:
        trailing.insert(0, body.pop()[1])
    return trailing


def _attach_trailing(table: Table, items: list[Item]) -> None:
    for element in items:
        table.value.body.append((None, element))


def _minimal(model: type[BaseModel], value: BaseModel) -> dict[str, Any]:
    """The keys a table needs so that reading it gives `value`: required and non-default ones."""
    return {
        name: getattr(value, name)
        for name, info in model.model_fields.items()
        if _differs_from_default(info, getattr(value, name))
    }


def _minimal_table(model: type[BaseModel], value: BaseModel) -> Table:
    table = tomlkit.table()
    for name, element in _minimal(model, value).items():
        table.add(name, _added_item(model.model_fields[name].annotation, element, table))
    return table


def _added_item(annotation: Any, value: Any, parent: Container | Table) -> Item:
    """The item for a key the file did not have: sections at the top level become tables
    (rows become [[...]]), anything deeper an inline table with only the non-default keys."""
    kind = _child_type(annotation)
    top = isinstance(parent, Container)
    if isinstance(kind, _ListOf):
        if top:
            rows = tomlkit.aot()
            for i, row in enumerate(value):
                table = _minimal_table(kind.item, row)
                if i < len(value) - 1:
                    table.add(tomlkit.nl())
                rows.append(table)
            return rows
        return tomlkit.array([_inline(_minimal(kind.item, row)) for row in value])
    if kind is not None:
        return _minimal_table(kind, value) if top else _inline(_minimal(kind, value))
    return _value_item(value)


def _merged_inline(current: InlineTable, model: type[BaseModel], value: BaseModel) -> InlineTable:
    """An inline table's keys kept in the author's order with new values, plus keys now needed."""
    keys = [k for k in current if k in model.model_fields]
    keys += [
        name
        for name, info in model.model_fields.items()
        if name not in keys and _differs_from_default(info, getattr(value, name))
    ]
    table = tomlkit.inline_table()
    for key in keys:
        new = getattr(value, key)
        kind = _child_type(model.model_fields[key].annotation)
        item = _value_item(new, like=current.get(key))
        if isinstance(kind, type) and isinstance(current.get(key), InlineTable):
            item = _merged_inline(current[key], kind, new)
        table.append(key, item)
    return _spaced(table)


def _insert(table: Container | Table, model: type[BaseModel], name: str, item: Item) -> None:
    """Add a key where a reader expects it: after the field before it in model order; a new
    [section] goes before the comments that introduce the next section."""
    body = table if isinstance(table, Container) else table.value
    if isinstance(table, Table) and table.is_super_table():
        table._is_super_table = None  # it now holds keys, so its [header] must be written
    fields = list(model.model_fields)
    before = [f for f in fields[: fields.index(name)] if f in table]
    if isinstance(item, Table | AoT):
        _insert_block(body, name, item)
    else:
        scalars = [f for f in before if not isinstance(table[f], Table | AoT)]
        if scalars:
            body._insert_after(scalars[-1], name, item)
        else:
            first = next((i for i, (k, _) in enumerate(body.body) if k is not None), None)
            if first is None:
                body.append(name, item)
            else:
                body._insert_at(first, name, item)
    if isinstance(table, Table):
        dict.__setitem__(table, name, item)


def _insert_block(body: Container, name: str, item: Table | AoT) -> None:
    """Append a new table at the end of its container, after a blank line."""
    if body.body:
        last = body.body[-1][1]
        inner = last.body[-1] if isinstance(last, AoT) and last.body else last
        if isinstance(inner, Table):
            if not inner.as_string().endswith("\n\n"):
                inner.value.body.append((None, tomlkit.nl()))
        elif not isinstance(last, Table | AoT) and not last.as_string().endswith("\n\n"):
            body.append(None, tomlkit.nl())
    body.append(name, item)


def _field_default(info: Any) -> Any:
    if info.default is PydanticUndefined and info.default_factory is None:
        return PydanticUndefined
    return info.get_default(call_default_factory=True)


def _differs_from_default(info: Any, value: Any) -> bool:
    default = _field_default(info)
    return default is PydanticUndefined or default != value


@cache
def _leaf_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """Validates one field's raw value on its own, to compare what the file means, not how
    it is spelled (80 and 80.0 are the same CPL)."""
    info = model.model_fields[name]
    annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return TypeAdapter(annotation)


def _plain(item: Any) -> Any:
    return item.unwrap() if isinstance(item, Item) else item


def _same_leaf(model: type[BaseModel], name: str, current: Any, new: Any) -> bool:
    try:
        return bool(_leaf_adapter(model, name).validate_python(_plain(current)) == new)
    except pydantic.ValidationError:
        return False


def _validates_to(model: type[BaseModel], current: Any, new: Any) -> bool:
    try:
        return bool(model.model_validate(_plain(current)) == new)
    except pydantic.ValidationError:
        return False


def _validates_list(model: type[BaseModel], current: Any, rows: list[Any]) -> bool:
    olds = _plain(current)
    return len(olds) == len(rows) and all(
        _validates_to(model, old, new) for old, new in zip(olds, rows, strict=True)
    )


# --------------------------------------------------------------------------------------------
# Saving


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
    half. The temporary file is removed on any failure."""
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with contextlib.suppress(AttributeError, OSError):
            os.fchmod(fd, mode)  # keep a shared file's permissions (umask applied to os.open)
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
