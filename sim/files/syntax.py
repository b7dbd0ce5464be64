"""TOML syntax: the style-preserving document, or an error that names the line and column."""

from __future__ import annotations

import re

import tomlkit
from tomlkit.exceptions import ParseError

from sim.errors import ScenarioError


def parse_toml(text: str, source: str) -> tomlkit.TOMLDocument:
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
