"""Allowed ranges for numeric scenario fields, and the field type that may hold a distribution.

A field declared `Uncertain[Range(0, 1)]`-style (see the aliases at the bottom) accepts a plain
number or any distribution from `sim.distributions`; either way every value it can take must lie
in its range, so a typed range like `normal(0.3, 0.2)` on a probability is refused unless it is
truncated to [0, 1]. The range object stays in the field's metadata, where the docs read it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    Field,
    PlainSerializer,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)

from sim.distributions import Choice, Distribution, is_distribution

_DISTRIBUTION = TypeAdapter(Distribution)
DIST_EXAMPLE = '{ dist = "triangular", low = 80, mode = 100, high = 120 }'


@dataclass(frozen=True)
class Range:
    """Closed or open interval a field's values must stay in; `integer` for counts."""

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    integer: bool = False

    def contains(self, x: float) -> bool:
        if not math.isfinite(x):
            return False
        above = x > self.low if self.low_open else x >= self.low
        below = x < self.high if self.high_open else x <= self.high
        return above and below

    def __str__(self) -> str:
        kind = "a whole number " if self.integer else ""
        lo_b = "(" if self.low_open else "["
        hi_b = ")" if self.high_open else "]"
        if math.isinf(self.low) and math.isinf(self.high):
            return f"{kind}any value".strip()
        if math.isinf(self.high):
            return f"{kind}{'>' if self.low_open else '>='} {_fmt(self.low)}"
        if math.isinf(self.low):
            return f"{kind}{'<' if self.high_open else '<='} {_fmt(self.high)}"
        return f"{kind}in {lo_b}{_fmt(self.low)}, {_fmt(self.high)}{hi_b}"


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def check_value(value: Any, allowed: Range) -> Any:
    """Raise ValueError naming the allowed range if a number or a distribution strays outside."""
    if is_distribution(value):
        if isinstance(value, Choice):
            bad = [v for v in value.values if not allowed.contains(v)]
            if bad:
                raise ValueError(f"every choice must be {allowed}; {bad} is not")
            return value
        lo, hi = value.support()
        lo_ok = lo >= allowed.low
        hi_ok = hi <= allowed.high
        if not (lo_ok and hi_ok):
            raise ValueError(
                f"this {value.dist} distribution can draw values from {_fmt(lo)} to {_fmt(hi)}, "
                f"but the field must be {allowed}; narrow it (a normal takes low/high to truncate)"
            )
        return value
    if not allowed.contains(float(value)):
        raise ValueError(f"must be {allowed}")
    return value


def parse_distribution(table: Any) -> Any:
    """A distribution from its table, or ValueError with one clear message naming the key."""
    try:
        return _DISTRIBUTION.validate_python(table)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"][1:])
        msg = first["msg"].removeprefix("Value error, ")
        raise ValueError(f"bad distribution{' field ' + where if where else ''}: {msg}") from None


def parse_uncertain(value: Any, allowed: Range) -> Any:
    """A number or a distribution table, checked against the range, with one clear message."""
    if isinstance(value, dict) or is_distribution(value):
        return check_value(parse_distribution(value), allowed)
    hint = f"a number ({allowed}), or a distribution like {DIST_EXAMPLE}"
    return check_value(parse_number(value, allowed, hint), allowed)


def parse_number(value: Any, allowed: Range, hint: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be {hint}")
    if allowed.integer:
        if not float(value).is_integer():
            raise ValueError(f"must be {allowed}")
        return int(value)
    return float(value)


DISTRIBUTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An uncertain value: triangular (low, mode, high), uniform (low, high), "
    "normal (mean, sd, optional low/high), lognormal (p5, p95), beta (mean and "
    "concentration, or alpha and beta) or choice (values, optional weights).",
    "required": ["dist"],
    "properties": {
        "dist": {"enum": ["triangular", "uniform", "normal", "lognormal", "beta", "choice"]}
    },
}


def _number_schema(allowed: Range) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer" if allowed.integer else "number"}
    if not math.isinf(allowed.low):
        schema["exclusiveMinimum" if allowed.low_open else "minimum"] = allowed.low
    if not math.isinf(allowed.high):
        schema["exclusiveMaximum" if allowed.high_open else "maximum"] = allowed.high
    return schema


def _serialize(value: Any) -> Any:
    """A distribution as its table (no empty optional keys); a number as itself."""
    return value.model_dump(exclude_none=True) if is_distribution(value) else value


def uncertain(allowed: Range) -> Any:
    """The annotated type of a numeric field that may hold a number or a distribution."""
    number = int if allowed.integer else float
    schema = {"anyOf": [_number_schema(allowed), DISTRIBUTION_SCHEMA]}
    return Annotated[
        number | Distribution,
        allowed,
        PlainValidator(lambda v: parse_uncertain(v, allowed)),
        PlainSerializer(_serialize),
        WithJsonSchema(schema),
    ]


def plain(allowed: Range) -> Any:
    """A structural number (seed, horizon): never a distribution."""
    return Annotated[
        int if allowed.integer else float,
        allowed,
        PlainValidator(
            lambda v: check_value(
                parse_number(v, allowed, f"a plain number ({allowed}), not a distribution"), allowed
            )
        ),
        WithJsonSchema(_number_schema(allowed)),
    ]


def field(default: Any, unit: str, doc: str, label: str | None = None) -> Any:
    """A documented field: the unit, the planner-facing explanation and, where the key is a
    technical term ("adstock_theta"), the plain words the editor shows instead travel with the
    schema."""
    extra: dict[str, Any] = {"unit": unit}
    if label:
        extra["label"] = label
    return Field(default, description=doc, json_schema_extra=extra)


def range_of(metadata: list[Any]) -> Range | None:
    """The Range a field was declared with (from pydantic's FieldInfo.metadata)."""
    return next((m for m in metadata if isinstance(m, Range)), None)


Probability = uncertain(Range(0.0, 1.0))
NonNegative = uncertain(Range(0.0))
Positive = uncertain(Range(0.0, low_open=True))
Count = uncertain(Range(0, integer=True))
PositiveCount = uncertain(Range(1, integer=True))
CarryOver = uncertain(Range(0.0, 1.0, high_open=True))
# Ranges several fields share, named so an annotation can use them (a call cannot stand in one).
PlainShare = plain(Range(0.0, 1.0))
HourOfDay = plain(Range(0, 23, integer=True))
HorizonWeeks = plain(Range(4, 520, integer=True))
WarmupWeeks = plain(Range(0, 260, integer=True))
ReplicationCount = plain(Range(1, 10000, integer=True))
SeedNumber = plain(Range(0, 2**63 - 1, integer=True))
WeeksInAYear = uncertain(Range(0, 52, integer=True))
UpToHalf = uncertain(Range(0.0, 0.5))
UpTo2 = uncertain(Range(0.0, 2.0))
UpTo3 = uncertain(Range(0.0, 3.0))
UpTo7 = uncertain(Range(0.0, 7.0))
UpTo20 = uncertain(Range(0.0, 20.0))
UpTo200 = uncertain(Range(0.0, 200.0))
UpTo500 = uncertain(Range(0.0, 500.0))
UpTo520 = uncertain(Range(0.0, 520.0))
TenthTo10 = uncertain(Range(0.1, 10.0))
HalfTo200 = uncertain(Range(0.5, 200.0))
AtLeastOne = uncertain(Range(1.0))
OneTo16 = uncertain(Range(1.0, 16.0))
