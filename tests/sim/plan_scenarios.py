"""Small scenarios for the planning-tool tests: 20 weeks (4 of warm-up), a few replications,
built so that each verdict has one right answer."""

from __future__ import annotations

from typing import Any

from sim.scenario import Scenario

SMALL: dict[str, Any] = {
    "name": "Small",
    "simulation": {"weeks": 20, "warmup_weeks": 4, "replications": 6, "seed": 11},
}


def small(name: str = "Small", **sections: dict[str, Any]) -> Scenario:
    """The small scenario with some fields changed: small("x", sales={"sdr_count": 3})."""
    data = Scenario.model_validate(SMALL).model_dump()
    data["name"] = name
    for section, values in sections.items():
        data[section].update(values)
    return Scenario.model_validate(data)
