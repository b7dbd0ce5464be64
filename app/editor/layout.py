"""Which sections appear on which tab, in the words of a planner rather than of the file format.

A tab is a list of blocks: a section form (path, model, title, optional field filter) or one of
the two list tables. Change this table, not the widgets, to rearrange the editor.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from sim.scenario import (
    Attribution,
    Brand,
    Buyers,
    Deals,
    Definitions,
    Learning,
    Nurture,
    Review,
    Sales,
    Scenario,
    Scoring,
    Simulation,
    Targeting,
    Trust,
)

BANT = ("sql_requires_budget", "sql_requires_authority", "sql_requires_need", "sql_requires_timing")
BUYER_QUALIFICATION = ("budget_share", "need_fit_minimum")
SCENARIO_BASICS = ("name", "description", "start_date", "currency")


@dataclass(frozen=True)
class Block:
    """A titled form for the section at `path` (an empty path is the scenario itself)."""

    path: tuple[str, ...]
    model: type[BaseModel]
    title: str
    only: tuple[str, ...] | None = None
    skip: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableBlock:
    """One of the scenario's lists: 'channels' or 'targets'."""

    name: str
    title: str


TABS: list[tuple[str, list[Block | TableBlock]]] = [
    (
        "Channels",
        [
            TableBlock("channels", "Lead sources"),
            Block(("targeting",), Targeting, "Targeting breadth: volume versus quality"),
        ],
    ),
    ("Brand", [Block(("brand",), Brand, "Brand spend and awareness")]),
    (
        "Scoring & nurture",
        [
            Block(("scoring",), Scoring, "Lead scoring"),
            Block(("nurture",), Nurture, "Nurture programme"),
            Block(("buyers",), Buyers, "Buyers' readiness", skip=BUYER_QUALIFICATION),
        ],
    ),
    (
        "Sales team & SLA",
        [
            Block(("sales",), Sales, "Sales capacity and speed"),
            Block(("trust",), Trust, "Sales trust in marketing's leads"),
            Block(("review",), Review, "Review step before hand-off"),
        ],
    ),
    (
        "Qualification",
        [
            Block(("definitions",), Definitions, "SQL rule (BANT)", only=BANT),
            Block(("buyers",), Buyers, "Budget and need", only=BUYER_QUALIFICATION),
        ],
    ),
    ("Deals", [Block(("deals",), Deals, "Opportunities and deals")]),
    (
        "Definitions & targets",
        [
            Block(("definitions",), Definitions, "Shared lead definitions and SLA", skip=BANT),
            TableBlock("targets", "Targets both teams sign up to"),
        ],
    ),
    (
        "Simulation",
        [
            Block((), Scenario, "Scenario", only=SCENARIO_BASICS),
            Block(("simulation",), Simulation, "Run settings"),
            Block(("learning",), Learning, "Marketing learns from rejection reasons"),
            Block(("attribution",), Attribution, "Attribution"),
        ],
    ),
]
