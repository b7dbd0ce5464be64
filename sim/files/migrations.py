"""The file format's version: `schema_version` is required, a newer one is refused, an older one
is upgraded step by step through `MIGRATIONS` before the data is validated."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from sim.errors import Problem, ScenarioError
from sim.scenario import SCHEMA_VERSION

Migration = Callable[[dict[str, Any]], dict[str, Any]]
V1_SLA_HOURS = 24.0  # the follow-up SLA a version-1 file had when it did not say


def _sla_in_business_hours(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2: the follow-up SLA counts business hours (the SDRs' duty schedule) and demo
    requests get their own, `definitions.demo_request_sla_hours`. A version-1 file gave demo
    requests the SLA every MQL had, so they keep it; `sla_hours` keeps its number (the shipped
    files already meant business hours: "4 business hours"), and a file that never said gets the
    24 hours version 1 assumed, not version 2's default. The `[agreement]` section is new and
    optional."""
    definitions = data.get("definitions", {})
    if isinstance(definitions, dict):
        definitions.setdefault("sla_hours", V1_SLA_HOURS)
        definitions.setdefault("demo_request_sla_hours", definitions["sla_hours"])
        data["definitions"] = definitions
    return data


MIGRATIONS: dict[int, Migration] = {1: _sla_in_business_hours}
"""`MIGRATIONS[n]` turns the plain data of a version-n file into version n+1 data."""


def migrate(data: dict[str, Any], source: str = "<text>") -> dict[str, Any]:
    """Bring plain file data from its schema_version to the current one, step by step."""
    version = _file_version(data, source)
    data = copy.deepcopy(data)
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ScenarioError(
                f"{source}: cannot read file format version {version}: "
                f"no upgrade to version {version + 1} exists"
            )
        try:
            data = step(data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ScenarioError(
                f"{source}: could not upgrade the file from format version {version} to "
                f"{version + 1}: {exc}"
            ) from None
        version += 1
        data["schema_version"] = version
    return data


def _file_version(data: dict[str, Any], source: str) -> int:
    """The file's format version: required, a whole number, and not newer than this program."""
    if "schema_version" not in data:
        raise ScenarioError(
            f"{source}: schema_version is missing",
            [
                Problem(
                    "schema_version",
                    f"required: put 'schema_version = {SCHEMA_VERSION}' at the top of the file",
                )
            ],
        )
    version = data["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ScenarioError(
            f"{source}: bad schema_version",
            [
                Problem(
                    "schema_version", f"must be a whole number from 1 to {SCHEMA_VERSION}", version
                )
            ],
        )
    if version > SCHEMA_VERSION:
        raise ScenarioError(
            f"{source}: made by a newer Funnel Lab (file format version {version}; this version "
            f"reads versions up to {SCHEMA_VERSION}). Update Funnel Lab to open it."
        )
    return version
