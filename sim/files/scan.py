"""Finding what a TOML syntax error is about: the quote, list or inline table left open, or the
first place a repeated key was set. tomlkit says where it stopped; these say where the slip
began, so the message can point at it."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BARE_KEY = r"[A-Za-z0-9_-]+"
KEY = rf"""(?:{_BARE_KEY}|"[^"]*"|'[^']*')(?:\s*\.\s*(?:{_BARE_KEY}|"[^"]*"|'[^']*'))*"""
"""A TOML key as written: bare, quoted or dotted (`junk_mix.students`)."""
KEY_EQUALS = re.compile(rf"\s*({KEY})\s*=\s*")
CLOSER = {"[": "]", "{": "}"}
_HEADER = re.compile(r"(\[\[?)\s*([^\[\]]+?)\s*\]\]?")


@dataclass(frozen=True)
class Repeat:
    """A key or [section] given twice: where the second one starts, and the first one's line."""

    at: int
    first_line: int
    is_section: bool


def open_quote(line: str) -> int | None:
    """The column of a quote that opens a text not closed on this line (comments ignored)."""
    opened: int | None = None
    quote = ""
    i = 0
    while i < len(line):
        c = line[i]
        if opened is None:
            if c == "#":
                break
            if c in "\"'":
                opened, quote = i, c
        elif c == "\\" and quote == '"':
            i += 1
        elif c == quote:
            opened = None
        i += 1
    return opened


def still_open(text: str, at: int) -> tuple[str, int] | None:
    """The innermost quote (`"`, `'''`...), list `[` or inline table `{` opened before `at` and
    not closed by then, with its offset; comments and [section] headers are skipped."""
    stack: list[tuple[str, int]] = []
    i = 0
    while i < at:
        c = text[i]
        top = stack[-1][0] if stack else ""
        if top[:1] in ("'", '"'):
            i = _step_in_text(text, i, top, stack)
            continue
        if c == "#" or (c == "[" and not stack and _starts_line(text, i)):
            end = text.find("\n", i)  # a comment or a [section] header: nothing to match
            i = at if end < 0 or end > at else end
            continue
        if c in "\"'":
            opener = c * 3 if text.startswith(c * 3, i) else c
            stack.append((opener, i))
            i += len(opener)
            continue
        if c in CLOSER:
            stack.append((c, i))
        elif stack and c == CLOSER.get(top):
            stack.pop()
        i += 1
    return stack[-1] if stack else None


def _step_in_text(text: str, i: int, quote: str, stack: list[tuple[str, int]]) -> int:
    """One step inside a quoted text; pops it from the stack where it ends."""
    if len(quote) == 3 and text.startswith(quote, i):
        stack.pop()
        return i + 3
    if text[i] == "\\" and quote[0] == '"':
        return i + 2
    if len(quote) == 1 and text[i] in (quote, "\n"):
        stack.pop()  # a one-line text ends at its line's end even when unclosed
    return i + 1


def _starts_line(text: str, i: int) -> bool:
    return not text[text.rfind("\n", 0, i) + 1 : i].strip()


def repeated(text: str, key: str) -> Repeat | None:
    """The second place `key` is set in one table, or the second [section] of that name.

    Each [[row]] is a table of its own, so a key (or a [row.sub] table) may appear once per row.
    """
    seen: dict[tuple[object, ...], int] = {}
    rows: tuple[str, int] = ("", -1)
    table: tuple[object, ...] = ()
    offset = 0
    for row, line in enumerate(text.split("\n")):
        code = line.split("#")[0].strip()
        header = _HEADER.fullmatch(code)
        setting = KEY_EQUALS.match(line)
        place: tuple[object, ...] | None = None
        if header and header.group(1) == "[[":
            rows = (header.group(2), row)
            table = rows
        elif header:
            name = header.group(2)
            table = (*(rows if name.startswith(f"{rows[0]}.") else ()), name)
            place = table if last_key(name) == key else None
        elif setting and last_key(setting.group(1)) == key:
            place = (*table, "=", setting.group(1))
        if place is not None and place in seen:
            indent = len(line) - len(line.lstrip())
            return Repeat(offset + indent, seen[place] + 1, setting is None)
        if place is not None:
            seen[place] = row
        offset += len(line) + 1
    return None


def last_key(dotted: str) -> str:
    """The last part of a dotted key or table name, without quotes: `a."b c"` -> `b c`."""
    parts = re.findall(r'"[^"]*"|\'[^\']*\'|[^.\s]+', dotted)
    return parts[-1].strip("\"'") if parts else ""
