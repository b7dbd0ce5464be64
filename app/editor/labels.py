"""Planner-facing names for fields, units and choices: "base_cpl" reads "Base CPL", "at_least"
reads "at least". A field's own label (sim.ranges.field's `label`) comes first."""

from __future__ import annotations

from sim.labels import humanise  # one rule for field names, shared with sim/

__all__ = ["choice_text", "humanise", "plain_unit", "unit_text"]


# Units that are a modeller's, not a planner's: the editor shows the plain words, the tooltip
# keeps the term.
PLAIN_UNITS = {
    "log-odds per unit fit": "0 = no effect",
    "log size per unit fit": "0 = no effect",
    "log sd": "0 = all alike",
    "sd": "0 = all alike",
    "sd of fit": "0 = exact data",
    "currency (adstock)": "currency of brand stock",
}
PLAIN_CHOICES = {
    "at_least": "at least",
    "at_most": "at most",
    "fifo": "first in, first out",
    "score": "highest score first",
    "horizon": "whole measurement window",
}


def plain_unit(unit: str) -> str:
    return PLAIN_UNITS.get(unit, unit)


def choice_text(value: str) -> str:
    """How a fixed choice reads: 'at_least' -> 'at least'."""
    return PLAIN_CHOICES.get(value, value.replace("_", " "))


def unit_text(unit: str, currency: str) -> str:
    """A unit with the scenario's currency in place of the word 'currency'."""
    return unit.replace("currency", currency)
