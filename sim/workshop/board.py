"""The target board: each target's probability with its count, its colour by the agreement's
thresholds, and a warning when the target asks for more than the brief calls realistic.

Green when the plan meets the target in at least `green_at` of the replications, amber from
`amber_at`, red below: the file holds the thresholds (`[agreement]`), so the room that agreed
them sees them on the board, in the report and in presentation mode alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sim.results import RunResult, TargetResult
from sim.scenario import Agreement, Scenario, Target
from sim.workshop import words

Colour = Literal["green", "amber", "red"]
COLOURS: dict[Colour, str] = {"green": "#1b7f3b", "amber": "#b26a00", "red": "#c62828"}
COLOUR_WORDS: dict[Colour, str] = {"green": "likely", "amber": "at risk", "red": "unlikely"}


@dataclass(frozen=True)
class Realistic:
    """What firms actually see for a metric (DOMAIN.md 'Figures for calibration')."""

    low: float
    high: float
    source: str


REALISTIC: dict[str, Realistic] = {
    "marketing_sourced_revenue_share": Realistic(0.10, 0.35, "10–35% in B2B firms, seed 004"),
    "rate_inquiry_to_mql": Realistic(0.05, 0.25, "5–25%, seed 003 and the demand waterfall"),
    "rate_mql_to_sal": Realistic(0.20, 0.60, "40–60% even in a healthy waterfall"),
    "rate_sal_to_sql": Realistic(0.50, 0.70, "50–70% in the demand waterfall"),
    "rate_sql_to_won": Realistic(0.20, 0.30, "20–30% in the demand waterfall"),
    "rate_mql_to_won": Realistic(0.02, 0.10, "5–10% of qualified leads, seed 003"),
}


@dataclass(frozen=True)
class BoardRow:
    """One target on the board."""

    target: Target
    sentence: str  # "Revenue at least USD 12M in 2027 Q2 — owner: Shared (both teams)"
    probability: float
    hits: int
    replications: int
    colour: Colour
    mean_text: str  # what the plan gives: "USD 10.7M (P5–P95 USD 9.1M to USD 12.3M)"
    warning: str  # "" or why the target is outside what is realistic
    values: tuple[float, ...]

    @property
    def count_text(self) -> str:
        return words.hits_text(self.hits, self.replications)

    @property
    def probability_text(self) -> str:
        """'30% (12 of 40 replications)'."""
        return f"{words.percent(self.probability, 0)} ({self.count_text})"


def colour_of(probability: float, agreement: Agreement) -> Colour:
    if probability >= agreement.green_at:
        return "green"
    return "amber" if probability >= agreement.amber_at else "red"


def realism_warning(target: Target) -> str:
    """Why a target is beyond what firms see, or '' when it is within it."""
    known = REALISTIC.get(target.metric)
    if known is None:
        return ""
    if target.direction == "at_least" and target.value > known.high:
        side = "above"
    elif target.direction == "at_most" and target.value < known.low:
        side = "below"
    else:
        return ""
    value = words.metric_value(target.metric, target.value, "")
    return (
        f"{value} is {side} what firms realistically see ({known.source}): "
        "the plan may be fine and the target not."
    )


def board_rows(result: RunResult, scenario: Scenario) -> list[BoardRow]:
    """The board of a run of `scenario` (its agreement's thresholds colour it)."""
    return [row(t, scenario.agreement, result.currency) for t in result.targets]


def row(t: TargetResult, agreement: Agreement, currency: str) -> BoardRow:
    name, v = t.target.metric, t.value
    mean_text = (
        f"{words.metric_value(name, v.mean, currency)} on average "
        f"(P5–P95 {words.metric_range(name, v.p5, v.p95, currency)})"
    )
    return BoardRow(
        target=t.target,
        sentence=words.target_sentence(t.target, currency),
        probability=t.probability,
        hits=t.hits,
        replications=t.replications,
        colour=colour_of(t.probability, agreement),
        mean_text=mean_text,
        warning=realism_warning(t.target),
        values=t.values,
    )
