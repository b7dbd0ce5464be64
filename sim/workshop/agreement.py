"""What the room agrees to, and the rule that keeps an agreement honest: editing an agreed
definition or target turns the scenario back to draft.

The agreed terms are the scenario's own fields: `[definitions]` (MQL rule, review, SLA, BANT),
`sales.max_attempts` and `[[targets]]`. Nothing is copied into `[agreement]`, so what the model
simulates and what the teams signed cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from sim.scenario import Scenario

REOPENED = (
    "This scenario was agreed; changing a definition or a target turned it back to draft. "
    "What changed shows what moved since the agreement."
)


def agreed_terms(scenario: Scenario) -> dict[str, Any]:
    """The fields an agreement covers, as plain data."""
    return {
        "definitions": scenario.definitions.model_dump(mode="json"),
        "max_attempts": scenario.sales.max_attempts,
        "targets": [t.model_dump(mode="json") for t in scenario.targets],
    }


def terms_changed(before: Scenario, after: Scenario) -> bool:
    return agreed_terms(before) != agreed_terms(after)


def is_agreed(scenario: Scenario) -> bool:
    return scenario.agreement.status == "agreed"


def reopened(before: Scenario, after: Scenario) -> Scenario | None:
    """`after` back at draft if it changes an agreed scenario's terms (and does not itself set
    the status), else None: the edit needs no reopening."""
    if not (is_agreed(before) and is_agreed(after)) or not terms_changed(before, after):
        return None
    return with_status(after, "draft")


def with_status(scenario: Scenario, status: str) -> Scenario:
    agreement = scenario.agreement.model_copy(update={"status": status})
    return scenario.model_copy(update={"agreement": agreement})
