"""Planner-facing names for fields and units: "base_cpl" reads "Base CPL"."""

from __future__ import annotations

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


def unit_text(unit: str, currency: str) -> str:
    """A unit with the scenario's currency in place of the word 'currency'."""
    return unit.replace("currency", currency)
