"""The agreed definitions, the SLA and the targets as sentences a room reads aloud.

"A lead becomes an MQL when its score reaches 65 points and its fit earns at least 16 of 40 fit
points (40% ICP fit), or when it asks for a demo." Each definition names the scenario fields its
sentence reads (`Slot`), so the window can put an editor for each beside the words: the
sentence and the model parameter are one thing, never a copy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from sim.metrics import METRICS
from sim.scenario import Scenario, Target

SlotKind = Literal["number", "count", "bool"]
OWNERS = {"marketing": "Marketing", "sales": "Sales", "shared": "Shared (both teams)"}
DIRECTIONS = {"at_least": "at least", "at_most": "at most"}
BANT_WORDS = {
    "sql_requires_budget": "budget",
    "sql_requires_authority": "authority",
    "sql_requires_need": "need",
    "sql_requires_timing": "timing",
}


@dataclass(frozen=True)
class Slot:
    """A scenario field a sentence reads, as the plain-words panel edits it."""

    path: tuple[str, ...]
    label: str
    kind: SlotKind
    unit: str = ""


@dataclass(frozen=True)
class Definition:
    """One agreed definition: a title ('MQL'), its sentence, and the fields it reads."""

    key: str
    title: str
    sentence: str
    slots: tuple[Slot, ...]


# -- numbers ------------------------------------------------------------------------------------


def central(value: Any) -> float:
    """A field's number, or a range's median (a sentence says 'about 50' for a range)."""
    median = getattr(value, "median", None)
    return float(median()) if callable(median) else float(value)


def number(value: Any, digits: int = 1) -> str:
    """50 -> '50', 4.5 -> '4.5', a range -> 'about 50'."""
    x = central(value)
    text = _trim(f"{x:,.{digits}f}")
    return f"about {text}" if hasattr(value, "median") else text


def percent(share: float, digits: int = 1, trim: bool = True) -> str:
    """0.25 -> '25%', 0.255 -> '25.5%' (untrimmed: '25.0%', '25.5%'), NaN -> 'n/a'."""
    if not math.isfinite(share):
        return "n/a"
    text = f"{100 * share:.{digits}f}"
    return f"{_trim(text) if trim else text}%"


def _trim(text: str) -> str:
    """'25.0' -> '25', '25.50' -> '25.5', '40' stays '40'."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: float, currency: str, trim: bool = True) -> str:
    """'USD 12M', 'USD 12.5M' (untrimmed: 'USD 12.00M', 'USD 12.50M'), 'USD 40,800'."""
    if not math.isfinite(value):
        return "n/a"
    if abs(value) >= 1e6:
        text = f"{value / 1e6:,.2f}"
        return f"{currency} {_trim(text) if trim else text}M"
    return f"{currency} {value:,.0f}"


def metric_value(name: str, value: float, currency: str, trim: bool = True) -> str:
    """A value of a registry metric as a planner writes it: shares in %, money with the
    currency, counts with their unit ('300 SQLs'); `trim` drops a round figure's zero decimals."""
    unit = METRICS[name].unit
    if not math.isfinite(value):
        return "n/a"
    if unit == "share":
        return percent(value, trim=trim)
    if unit.startswith("currency"):
        per = unit.removeprefix("currency")
        return money(value, currency, trim) + (per.replace("/", " per ") if per else "")
    if unit in ("0..1",):
        return f"{value:.2f}"
    if unit in ("hours", "days"):
        return f"{number(value)} {unit}"
    return f"{value:,.0f} {unit}"


def metric_range(name: str, low: float, high: float, currency: str) -> str:
    """'16.0% to 17.4%': both ends with the same decimals ('16% to 17.4%' reads as a typo)."""
    ends = [metric_value(name, v, currency) for v in (low, high)]
    if len({_decimals(end) for end in ends}) > 1:
        ends = [metric_value(name, v, currency, trim=False) for v in (low, high)]
    return " to ".join(ends)


def _decimals(text: str) -> int:
    """How many decimals the figure in 'USD 12.7M' or '17.4%' has."""
    figure = "".join(c for c in text if c.isdigit() or c == ".").strip(".")
    return len(figure.partition(".")[2])


# -- definitions --------------------------------------------------------------------------------


def definitions(scenario: Scenario) -> list[Definition]:
    """The MQL rule, the review, SAL, SQL and the SLA, in the order a lead meets them."""
    return [
        mql_definition(scenario),
        review_definition(scenario),
        sal_definition(),
        sql_definition(scenario),
        sla_definition(scenario),
    ]


def mql_definition(s: Scenario) -> Definition:
    d = s.definitions
    text = f"A lead becomes an MQL when its score reaches {number(d.mql_threshold)} points"
    fit_min, fit_max = central(d.fit_minimum), central(s.scoring.fit_points_max)
    if fit_min > 0:
        share = f" ({percent(fit_min / fit_max, 0)} ICP fit)" if fit_max > 0 else ""
        text += (
            f" and its fit earns at least {number(d.fit_minimum)} of "
            f"{number(s.scoring.fit_points_max)} fit points{share}"
        )
    if d.demo_request_is_mql:
        text += ", or when it asks for a demo."
    else:
        text += "; a demo request counts only through its points."
    return Definition(
        "mql",
        "MQL (marketing qualified lead)",
        text,
        (
            Slot(("definitions", "mql_threshold"), "Score for an MQL", "number", "points"),
            Slot(("definitions", "fit_minimum"), "Fit points an MQL needs", "number", "points"),
            Slot(("definitions", "demo_request_is_mql"), "A demo request is an MQL", "bool"),
        ),
    )


def review_definition(s: Scenario) -> Definition:
    if s.definitions.review_step:
        text = (
            "A marketer reviews each MQL before it reaches sales: junk and poor fits stop "
            "there, and the reason for the hand-off travels with the lead."
        )
    else:
        text = "MQLs go straight to sales, without a marketer's review."
    slot = Slot(("definitions", "review_step"), "A marketer reviews each MQL", "bool")
    return Definition("review", "Review before hand-off", text, (slot,))


def sal_definition() -> Definition:
    text = (
        "Sales accepts an MQL (SAL) once a rep has reached the lead and it is a real "
        "prospect, not junk: a support request, outside the service area, a product not "
        "offered, a student or a competitor."
    )
    return Definition("sal", "SAL (sales accepted lead)", text, ())


def sql_definition(s: Scenario) -> Definition:
    d = s.definitions
    needed = [word for field, word in BANT_WORDS.items() if getattr(d, field)]
    not_needed = [word for field, word in BANT_WORDS.items() if not getattr(d, field)]
    if needed:
        text = f"An accepted lead is an SQL when it has {_and(needed)} (BANT)"
        if not_needed:
            verb = "is" if len(not_needed) == 1 else "are"
            text += f"; {_and(not_needed)} {verb} not required"
        text += "."
    else:
        text = "Every accepted lead is an SQL: no BANT item is required."
    slots = tuple(
        Slot(("definitions", field), f"SQL needs {word}", "bool")
        for field, word in BANT_WORDS.items()
    )
    return Definition("sql", "SQL (sales qualified lead)", text, slots)


def sla_definition(s: Scenario) -> Definition:
    d, sales = s.definitions, s.sales
    text = (
        f"Sales follows up every MQL within {number(d.sla_hours)} business hours "
        f"({number(d.demo_request_sla_hours)} for demo requests), with up to "
        f"{number(sales.max_attempts)} contact attempts before the lead goes back to nurture. "
        f"{working_hours(s)}"
    )
    return Definition(
        "sla",
        "Hand-off SLA",
        text,
        (
            Slot(("definitions", "sla_hours"), "Follow-up SLA", "number", "business hours"),
            Slot(
                ("definitions", "demo_request_sla_hours"),
                "SLA for demo requests",
                "number",
                "business hours",
            ),
            Slot(("sales", "max_attempts"), "Contact attempts", "count", "attempts"),
        ),
    )


def working_hours(s: Scenario) -> str:
    """'Business hours are Monday to Friday, 9:00 to 17:00.'"""
    sales = s.sales
    if sales.always_on_duty:
        return "Reps cover every hour of the week, so business hours are all hours."
    start = sales.workday_start_hour
    end = start + central(sales.workday_hours)
    return f"Business hours are Monday to Friday, {_clock(start)} to {_clock(end)}."


def _clock(hour: float) -> str:
    h = int(hour)
    return f"{h}:{round((hour - h) * 60):02d}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# -- targets ------------------------------------------------------------------------------------


def period_text(period: str) -> str:
    """'over the measurement window' or 'in 2027 Q2'."""
    if period == "horizon":
        return "over the measurement window"
    year, quarter = period.split("-Q")
    return f"in {year} Q{quarter}"


def target_goal(target: Target, currency: str) -> str:
    """'Marketing-sourced revenue share at least 25% over the measurement window'."""
    label = METRICS[target.metric].label
    value = metric_value(target.metric, target.value, currency)
    return f"{label} {DIRECTIONS[target.direction]} {value} {period_text(target.period)}"


def target_sentence(target: Target, currency: str) -> str:
    """The goal and its owner: '... over the measurement window — owner: Marketing'."""
    return f"{target_goal(target, currency)} — owner: {OWNERS[target.owner]}"


def hits_text(hits: int, replications: int) -> str:
    """'12 of 40 replications' (never a bare '0%')."""
    return f"{hits} of {replications} replication{'s' if replications != 1 else ''}"
