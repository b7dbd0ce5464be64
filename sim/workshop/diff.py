"""What changed between two versions of a scenario, field by field: "what did we change since
last quarter's workshop". The window's what-changed view and `funnel-lab diff` list the same
changes.

Definitions come first (they are what the room agreed), then targets, channels (matched by name,
so a renamed or reordered channel reads as what it is), every other parameter, the agreement and
dated budgets. Each change names its field the way the rest of Funnel Lab does:
`channels["Paid social"].weekly_budget`, with a planner's label beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from sim.files.fields import ListOf, child_type
from sim.labels import humanise
from sim.metrics import METRICS
from sim.paths import Name, format_path
from sim.scenario import Scenario, Target
from sim.workshop import words

ABSENT = "—"
# The order groups are listed in, and their titles; other sections follow in file order.
FIRST = ("definitions", "targets", "channels")
LAST = ("agreement", "budget_changes")
TITLES = {
    "": "Scenario",
    "definitions": "Definitions",
    "targets": "Targets",
    "channels": "Channels",
    "agreement": "Agreement",
    "budget_changes": "Dated budgets",
    "sales": "Sales team & SLA",
}
# Lists of rows matched by a key rather than by position.
ROW_KEYS = {
    "channels": lambda row: row["name"],
    "participants": lambda row: row["name"],
    "actions": lambda row: row["text"],
    "budget_changes": lambda row: f"{row['channel']} from {row['from']}",
}


@dataclass(frozen=True)
class Change:
    group: str  # "Definitions"
    path: str  # 'definitions.mql_threshold', 'channels["Webinars"]'
    label: str  # "MQL threshold"
    old: str  # ABSENT when the field or row was added
    new: str  # ABSENT when it was removed

    def line(self) -> str:
        return f"{self.label}: {self.old} → {self.new}   [{self.path}]"


def diff_scenarios(old: Scenario, new: Scenario) -> list[Change]:
    """Every difference between `old` and `new`, grouped and in a planner's order."""
    a, b = old.model_dump(mode="json", by_alias=True), new.model_dump(mode="json", by_alias=True)
    fields = list(Scenario.model_fields)
    order = [*FIRST, *(f for f in fields if f not in (*FIRST, *LAST)), *LAST]
    changes: list[Change] = []
    top: list[Change] = []
    for name in order:
        if name == "schema_version":
            continue
        group = TITLES.get(name, humanise(name))
        kind = child_type(Scenario.model_fields[name].annotation)
        if name == "targets":
            changes += _targets(old.targets, new.targets, new.currency)
        elif isinstance(kind, ListOf):
            changes += _rows(group, name, kind.item, a[name], b[name], new.currency)
        elif kind is not None:
            changes += _model(group, name, kind, a[name], b[name], new.currency)
        elif a[name] != b[name]:
            top.append(Change("Scenario", name, humanise(name), _text(a[name]), _text(b[name])))
        if name == "definitions" and a["sales"]["max_attempts"] != b["sales"]["max_attempts"]:
            attempts = (a["sales"]["max_attempts"], b["sales"]["max_attempts"])
            changes.append(
                Change(
                    group, "sales.max_attempts", "Contact attempts per MQL", *map(_text, attempts)
                )
            )
    return top + changes


def _label(model: type[BaseModel], name: str) -> str:
    info = model.model_fields.get(name)
    extra = info.json_schema_extra if info is not None else None
    label = extra.get("label") if isinstance(extra, dict) else None
    return str(label) if label else humanise(name)


def _model(
    group: str, path: str, model: type[BaseModel], a: Any, b: Any, currency: str, prefix: str = ""
) -> list[Change]:
    out: list[Change] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if a.get(key) == b.get(key):
            continue
        if group == "Definitions" and name == "max_attempts":
            continue
        kind = child_type(info.annotation)
        here = f"{path}.{key}"
        label = f"{prefix}{_label(model, name)}"
        if isinstance(kind, ListOf):
            out += _rows(group, here, kind.item, a[key], b[key], currency, f"{label} › ")
        elif kind is not None and isinstance(a.get(key), dict) and "dist" not in a[key]:
            out += _model(group, here, kind, a[key], b[key], currency, f"{label} › ")
        else:
            out.append(Change(group, here, label, _text(a.get(key)), _text(b.get(key))))
    return out


def _rows(
    group: str,
    path: str,
    model: type[BaseModel],
    a: list[Any],
    b: list[Any],
    currency: str,
    prefix: str = "",
) -> list[Change]:
    """Rows matched by their key (a channel's name) or, without one, by position."""
    leaf = path.rsplit(".", 1)[-1]
    key_of = ROW_KEYS.get(leaf)
    a_rows: dict[str | int, Any]
    b_rows: dict[str | int, Any]
    if key_of is None:
        a_rows, b_rows = dict(enumerate(a)), dict(enumerate(b))
    else:
        a_rows, b_rows = _keyed(a, key_of), _keyed(b, key_of)
    out: list[Change] = []
    for key in [*a_rows, *(k for k in b_rows if k not in a_rows)]:
        # a position is a number, a key is text: a channel named "2024" is not row 2025
        if isinstance(key, int):
            where, name = f"{path}[{key}]", f"{prefix}{humanise(leaf)} {key + 1}"
        else:
            where, name = path + format_path([Name(key)]), f"{prefix}{key}"
        if key not in b_rows:
            out.append(Change(group, where, name, "present", "removed"))
        elif key not in a_rows:
            out.append(Change(group, where, name, ABSENT, "added"))
        elif a_rows[key] != b_rows[key]:
            out += _model(group, where, model, a_rows[key], b_rows[key], currency, f"{name}: ")
    return out


def _keyed(rows: list[Any], key_of: Any) -> dict[str | int, Any]:
    out: dict[str | int, Any] = {}
    for row in rows:
        key = str(key_of(row))
        while key in out:  # a repeated key (two identical actions) keeps both rows
            key += " (again)"
        out[key] = row
    return out


def _targets(old: list[Target], new: list[Target], currency: str) -> list[Change]:
    """Targets matched by metric and period (what they measure), their values in the metric's
    unit: 'Revenue in 2027 Q2: at least USD 12M → at least USD 14M'."""
    a = {_target_key(t): t for t in old}
    b = {_target_key(t): t for t in new}
    out: list[Change] = []
    for key in [*a, *(k for k in b if k not in a)]:
        index = next(i for i, t in enumerate(new if key in b else old) if _target_key(t) == key)
        path = f"targets[{index}]"
        before, after = a.get(key), b.get(key)
        name = _target_name(before or after)  # type: ignore[arg-type]
        if after is None:
            out.append(Change("Targets", path, name, _goal(before, currency), "removed"))
        elif before is None:
            out.append(Change("Targets", path, name, ABSENT, _goal(after, currency)))
        else:
            if (before.direction, before.value) != (after.direction, after.value):
                out.append(
                    Change(
                        "Targets",
                        f"{path}.value",
                        name,
                        _goal(before, currency),
                        _goal(after, currency),
                    )
                )
            if before.owner != after.owner:
                out.append(
                    Change(
                        "Targets",
                        f"{path}.owner",
                        f"{name}: owner",
                        words.OWNERS[before.owner],
                        words.OWNERS[after.owner],
                    )
                )
    return out


def _target_key(t: Target) -> tuple[str, str]:
    return t.metric, t.period


def _target_name(t: Target) -> str:
    return f"{METRICS[t.metric].label} {words.period_text(t.period)}"


def _goal(t: Target | None, currency: str) -> str:
    if t is None:
        return ABSENT
    return f"{words.DIRECTIONS[t.direction]} {words.metric_value(t.metric, t.value, currency)}"


def _text(value: Any) -> str:
    """A value as it reads in a list of changes."""
    if value is None:
        return ABSENT
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}" if math.isfinite(value) else str(value)
    if isinstance(value, dict) and "dist" in value:
        args = ", ".join(f"{k} {_text(v)}" for k, v in value.items() if k != "dist")
        return f"{value['dist']} ({args})"
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value) if value else "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_text(v)}" for k, v in value.items())
    text = str(value)
    return text if text else '""'


def format_changes(changes: list[Change]) -> str:
    """The list `funnel-lab diff` prints: a heading per group, one line per change."""
    if not changes:
        return "No differences."
    lines: list[str] = []
    group = None
    for change in changes:
        if change.group != group:
            group = change.group
            lines += ["" if lines else None, f"{group}:"]  # type: ignore[list-item]
        lines.append(f"  {change.line()}")
    return "\n".join(line for line in lines if line is not None)
