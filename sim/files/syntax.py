"""TOML syntax: the style-preserving document, or a message in plain words with line and column.

tomlkit describes its parser, not the file: a text missing its closing quote reads "Control
characters (codes less than 0x1f and 0x7f) are not allowed in strings". Each common slip (an
unclosed quote, list, inline table or section header, a missing `=` or value, a key set twice,
a date or number that is not one, a bad escape) is told in a sentence that says what to write
instead, at the place the slip began; anything else keeps tomlkit's reason.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import tomlkit
from tomlkit.exceptions import (
    EmptyKeyError,
    EmptyTableNameError,
    InvalidCharInStringError,
    InvalidControlChar,
    InvalidDateError,
    InvalidDateTimeError,
    InvalidNumberError,
    InvalidNumberOrDateError,
    InvalidTimeError,
    KeyAlreadyPresent,
    ParseError,
    UnexpectedCharError,
    UnexpectedEofError,
)

from sim.errors import ScenarioError
from sim.files.scan import CLOSER, KEY, KEY_EQUALS, open_quote, repeated, still_open

_log = logging.getLogger(__name__)

_KEY_ONLY = re.compile(rf"\s*({KEY})\s*")
_AFTER_VALUE = re.compile(rf"\s*({KEY})\s*=\s*(\S.*?)\s*")
_NUMBER = re.compile(r"[+-]?[\d_]+(\.[\d_]+)?([eE][+-]?\d+)?")
_DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_DATE_ERRORS = (InvalidDateError, InvalidDateTimeError, InvalidTimeError, InvalidNumberOrDateError)
_PLACES = {"in strings": "inside quotes", "in comments": "in a comment"}
_DELIMITERS = " \t,[]{}=#"
_VALUES = 'a number, true or false, a date, "text in quotes", a [list] or an { inline table }'


@dataclass(frozen=True)
class _Slip:
    """What is wrong, and the offset into the text where it begins."""

    at: int
    reason: str


@dataclass(frozen=True)
class _Spot:
    """Where tomlkit stopped reading: an offset into the text, and the line around it."""

    text: str
    at: int

    @property
    def start(self) -> int:
        return self.text.rfind("\n", 0, self.at) + 1

    @property
    def line(self) -> str:
        end = self.text.find("\n", self.at)
        return self.text[self.start : len(self.text) if end < 0 else end].rstrip("\r")

    @property
    def before(self) -> str:
        return self.line[: self.at - self.start]

    @property
    def char(self) -> str:
        """The character tomlkit stopped at; "" at the end of the file."""
        return self.text[self.at] if self.at < len(self.text) else ""

    @property
    def ends_line(self) -> bool:
        """At a line break (`\n` or `\r\n`) or at the end of the file."""
        return self.char in ("", "\n") or self.text.startswith("\r\n", self.at)

    def token(self) -> tuple[int, str]:
        """The value tomlkit stopped in or just after (`2026-13-01`, `12abc`) and its offset."""
        line, col = self.line, self.at - self.start
        if col > 0 and (col >= len(line) or line[col] in _DELIMITERS):
            col -= 1
        first, end = col, col
        while first > 0 and line[first - 1] not in _DELIMITERS:
            first -= 1
        while end < len(line) and line[end] not in _DELIMITERS:
            end += 1
        return self.start + first, line[first:end]

    def slip(self, reason: str) -> _Slip:
        return _Slip(self.at, reason)


def parse_toml(text: str, source: str) -> tomlkit.TOMLDocument:
    """The document with comments and layout; a syntax error is a ScenarioError that names its
    line and column (1-based) and says in plain words what is wrong."""
    try:
        return tomlkit.parse(text)
    except (ParseError, KeyAlreadyPresent) as exc:
        error: Exception = exc
    except Exception as exc:  # the parser meets untrusted text: any failure is the file's
        raise ScenarioError(f"{source}: not valid TOML: {exc}") from None
    slip = _explained(error, text)
    if slip is None:
        raise ScenarioError(f"{source}: not valid TOML: {_reason(error)}")
    line = text.count("\n", 0, slip.at) + 1
    column = slip.at - (text.rfind("\n", 0, slip.at) + 1) + 1
    raise ScenarioError(f"{source}: not valid TOML: line {line}, column {column}: {slip.reason}")


def _explained(error: Exception, text: str) -> _Slip | None:
    """The plain-words slip, or None when there is none (the user then gets tomlkit's words)."""
    try:
        if isinstance(error, ParseError):
            return _explain(error, _Spot(text, _offset(error, text)))
        return _repeat(text, error)  # KeyAlreadyPresent: a key repeated in a [section]
    except Exception:  # a slip no rule foresaw must not hide the error it explains
        _log.exception("could not explain a TOML syntax error")
        return None


def _reason(error: Exception) -> str:
    """tomlkit's message without its position suffix."""
    return re.sub(r" at line \d+ col \d+$", "", str(error))


def _offset(error: ParseError, text: str) -> int:
    """tomlkit's line and column as an offset into the text. It counts lines the way
    str.splitlines(keepends=True) does (a form feed breaks a line too) and reports the end of
    the file as column 0 of the last line."""
    if isinstance(error, UnexpectedEofError) or str(error).startswith(
        "Unexpected character: '\\x00'"
    ):
        return len(text)
    lines = text.splitlines(keepends=True)
    return min(len(text), sum(len(line) for line in lines[: error.line - 1]) + error.col)


def _explain(error: ParseError, spot: _Spot) -> _Slip:
    if isinstance(error, InvalidControlChar):
        return _control_char(error, spot)
    if isinstance(error, UnexpectedEofError | UnexpectedCharError):
        return _unexpected(spot)
    if "already exists" in str(error):
        return _repeat(spot.text, error) or spot.slip(_reason(error))
    if str(error).startswith("Invalid key"):
        return _bad_key(error, spot)
    if isinstance(error, (*_DATE_ERRORS, InvalidNumberError)):
        return _bad_value(error, spot)
    if isinstance(error, InvalidCharInStringError):
        return _bad_escape(spot)
    if isinstance(error, EmptyKeyError):
        return spot.slip("a key is missing: write key = value")
    if isinstance(error, EmptyTableNameError):
        return spot.slip("the section header [] has no name: write e.g. [brand]")
    return spot.slip(_reason(error))


def _control_char(error: InvalidControlChar, spot: _Spot) -> _Slip:
    found = re.search(r"\\u([0-9a-fA-F]{4})", str(error))
    char = chr(int(found.group(1), 16)) if found else spot.char
    if spot.char != char and spot.at > 0 and spot.text[spot.at - 1] == char:
        spot = _Spot(spot.text, spot.at - 1)  # tomlkit may stop just past the character
    if spot.ends_line:  # a line break inside a one-line text: its closing quote is missing
        return _unclosed_text(spot.start, spot.line) or spot.slip("a text in quotes is not closed")
    place = next(
        (words for kind, words in _PLACES.items() if kind in str(error)), "in a scenario file"
    )
    return spot.slip(
        f"an invisible control character (code 0x{ord(char):02x}) is not allowed {place}"
    )


def _unclosed_text(start: int, line: str) -> _Slip | None:
    """The quote on this line that opens a text it never closes."""
    opened = open_quote(line)
    if opened is None:
        return None
    quote = line[opened]
    fragment = line[opened:] if len(line) - opened <= 40 else line[opened : opened + 40] + "…"
    return _Slip(
        start + opened,
        f"the text {fragment} has no closing quote: add {quote} where it ends "
        "(a text in quotes must end on the line it starts)",
    )


def _unexpected(spot: _Spot) -> _Slip:
    """Something other than what TOML expects here: say what was expected."""
    opener = still_open(spot.text, spot.at)
    if opener is not None:
        return _inside(spot, *opener)
    seen = "the end of the file" if spot.char == "" else repr(spot.char)
    ended = spot.ends_line or spot.char == "#"
    if spot.line.lstrip().startswith("["):
        header = spot.line.split("#")[0].strip()
        if ended:
            closer = "]]" if header.startswith("[[") else "]"
            return spot.slip(f"the section header {header} is not closed: add {closer}")
        return spot.slip(f"unexpected {seen} in the section header {header}")
    if key_only := _KEY_ONLY.fullmatch(spot.before):
        return _after_key(spot, key_only.group(1), ended)
    if key_equals := KEY_EQUALS.fullmatch(spot.before):
        return _bad_start(spot, key_equals.group(1), ended)
    if after_value := _AFTER_VALUE.fullmatch(spot.before):
        return _after_value(spot, *after_value.groups())
    return spot.slip(f"unexpected {seen}")


def _after_key(spot: _Spot, key: str, ended: bool) -> _Slip:
    """A key, then something other than `=`."""
    if ended:
        return spot.slip(f"'{key}' has no '=' and no value: write {key} = VALUE")
    if not spot.before[-1:].isspace() and spot.char not in "\"'":
        return spot.slip(
            f"{spot.char!r} cannot be part of a key: a key is letters, digits, _ and -, "
            "or text in quotes"
        )
    rest = spot.line[len(spot.before) :]
    return spot.slip(f"'=' is missing after '{key}': write {key} = {rest}")


def _bad_start(spot: _Spot, key: str, ended: bool) -> _Slip:
    """The value after `key =` is missing or cannot start the way it does."""
    if ended:
        return spot.slip(f"'{key} =' has no value: write {_VALUES}")
    if spot.char == "=":
        return spot.slip(f"'=' appears twice after '{key}'")
    word = spot.line[len(spot.before) :].split("#")[0].strip()
    if word.lower() in ("true", "false"):
        return spot.slip(f"write true or false in lower case: {key} = {word.lower()}")
    if spot.char.isalpha():
        quoted = word.replace("\\", "\\\\").replace('"', '\\"')
        return spot.slip(f'text must be in quotes: write {key} = "{quoted}"')
    return spot.slip(f"{spot.char!r} cannot start a value: write {_VALUES}")


def _after_value(spot: _Spot, key: str, value: str) -> _Slip:
    """A value, then more on the line: units, a decimal comma, or a second value."""
    if spot.char.isalpha() and _NUMBER.fullmatch(value):
        return spot.slip(f"numbers are written without units: write {key} = {value}")
    decimals = re.match(r"\d+", spot.line[len(spot.before) + 1 :])
    if spot.char == "," and value.isdigit() and decimals:
        return spot.slip(f"write decimals with a point: {value}.{decimals.group()}, not a comma")
    seen = repr(spot.char) if spot.char else "the end of the file"
    return spot.slip(
        f"unexpected {seen} after the value of '{key}': one setting per line, "
        "and a comment starts with #"
    )


def _inside(spot: _Spot, opener: str, where: int) -> _Slip:
    """An error inside an unclosed text, list or inline table: point at where it opened."""
    same_line = spot.text.count("\n", where, spot.at) == 0
    if opener[0] in "\"'":
        if len(opener) == 3:
            return _Slip(where, f"the text that starts with {opener} has no closing {opener}")
        opened = _Spot(spot.text, where)
        return _unclosed_text(opened.start, opened.line) or _Slip(
            where, "a text in quotes is not closed"
        )
    if same_line and not spot.ends_line:
        if opener == "{":
            return spot.slip(
                f"unexpected {spot.char!r} in the inline table: write key = value pairs "
                "separated by commas, then }"
            )
        return spot.slip(f"unexpected {spot.char!r} in the list: separate the items with commas")
    if opener == "{":
        return _Slip(
            where, "the inline table { is not closed: add } (it must end on the line it starts)"
        )
    return _Slip(where, f"the list [ is not closed: add {CLOSER[opener]} after its last item")


def _repeat(text: str, error: Exception) -> _Slip | None:
    """A key or a section given twice: point at the second one."""
    found = re.match(r'Key "(.*)" already exists', str(error))
    again = repeated(text, found.group(1)) if found else None
    if found is None or again is None:
        return None
    if again.is_section:
        header = _Spot(text, again.at).line.split("#")[0].strip()
        return _Slip(
            again.at,
            f"the section {header} appears twice (also on line {again.first_line}): "
            "keep one and put all its settings there",
        )
    return _Slip(
        again.at,
        f"'{found.group(1)}' is set twice in the same section (also on line "
        f"{again.first_line}): keep one",
    )


def _bad_key(error: ParseError, spot: _Spot) -> _Slip:
    """A key with a space in it: usually a missing '=' (`win_rate 0.3`) or a missing `_`."""
    found = re.match(r'Invalid key "(.*)"', str(error))
    key = found.group(1) if found else ""
    line = spot.line
    if "=" not in line:
        first, _, rest = line.strip().partition(" ")
        return _Slip(
            spot.start + line.index(first) + len(first),
            f"'=' is missing after '{first}': write {first} = {rest.strip()}",
        )
    joined = "_".join(key.split())
    hint = f" (did you mean {joined}?)" if joined != key.strip() else ""
    indent = len(line) - len(line.lstrip())
    return _Slip(
        spot.start + indent, f'"{key}" is not a valid key: a key is letters, digits, _ and -{hint}'
    )


def _bad_value(error: ParseError, spot: _Spot) -> _Slip:
    """A date or a number that is not one: quote the value as written."""
    at, value = spot.token()
    if isinstance(error, _DATE_ERRORS) or _DATE_LIKE.match(value):
        return _Slip(
            at,
            f"{value} is not a valid date: write YYYY-MM-DD with a real month and day, "
            "e.g. 2026-01-05",
        )
    return _Slip(
        at,
        f"{value} is not a number: write e.g. 1500, 0.25 or 1e6, without units (text needs quotes)",
    )


def _bad_escape(spot: _Spot) -> _Slip:
    if spot.at > 0 and spot.text[spot.at - 1] == "\\":
        return _Slip(
            spot.at - 1,
            f"\\{spot.char} is not an escape TOML knows: in double quotes a backslash starts "
            "an escape such as \\n or \\\"; write \\\\ for a backslash, or use 'single quotes'",
        )
    return spot.slip(f"the character {spot.char!r} is not allowed inside quotes")
