"""Planner-facing names for fields and units: "base_cpl" reads "Base CPL"."""

from __future__ import annotations

ACRONYMS = {"cpl", "sla", "mql", "sql", "sal", "sdr", "ae", "icp", "bant", "cac"}


def humanise(name: str) -> str:
    """snake_case to a sentence-case label with the funnel's acronyms in capitals."""
    words = [w.upper() if w in ACRONYMS else w for w in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def unit_text(unit: str, currency: str) -> str:
    """A unit with the scenario's currency in place of the word 'currency'."""
    return unit.replace("currency", currency)
