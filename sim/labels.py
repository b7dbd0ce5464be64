"""Planner-facing names for scenario fields: "base_cpl" reads "Base CPL", and an uncertain
input's path `channels[0].base_cpl` reads "Paid search: Base CPL". Plain text, no Qt, so the
window, the command line and saved charts name things the same way."""

from __future__ import annotations

from typing import Any

from sim.paths import Name, PathError, parse

ACRONYMS = {"cpl", "sla", "mql", "sql", "sal", "sdr", "ae", "icp", "bant", "cac"}


def humanise(name: str) -> str:
    """snake_case to a sentence-case label with the funnel's acronyms in capitals."""
    words = [_acronym(w) for w in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _acronym(word: str) -> str:
    if word in ACRONYMS:
        return word.upper()
    if word.endswith("s") and word[:-1] in ACRONYMS:
        return word[:-1].upper() + "s"  # sqls -> SQLs
    return word


def input_label(path: str, scenario: Any = None) -> str:
    """'channels[0].base_cpl' (or 'channels["Paid search"].base_cpl') reads 'Paid search: Base
    CPL'; 'deals.win_rate' reads 'Deals: Win rate'. A list position names its item from the
    scenario when one is given ('Channels 1' without)."""
    try:
        parts = parse(path)
    except PathError:
        return path
    words: list[str] = []
    node: Any = scenario
    field = ""
    for part in parts:
        if isinstance(part, Name):
            words[-1:] = [part.value]
            node = _named(node, part.value)
        elif isinstance(part, int):
            node = _at(node, part)
            name = getattr(node, "name", None)
            words[-1:] = [name if isinstance(name, str) else f"{humanise(field)} {part + 1}"]
        else:
            field = part
            node = getattr(node, part, None)
            words.append(humanise(part))
    return words[0] + (": " + " › ".join(words[1:]) if len(words) > 1 else "")


def _at(node: Any, index: int) -> Any:
    return node[index] if isinstance(node, list) and -len(node) <= index < len(node) else None


def _named(node: Any, name: str) -> Any:
    if not isinstance(node, list):
        return None
    return next((item for item in node if getattr(item, "name", None) == name), None)
