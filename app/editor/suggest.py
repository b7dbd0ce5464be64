"""Starting points when a planner turns a number into a range, or changes a range's kind.

A fresh range spans the value +-20% (clipped to the field's allowed range), so the first picture
the planner sees is a plausible spread around what they had; switching back keeps the median.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import TypeAdapter

from sim.distributions import Distribution
from sim.ranges import Range

KINDS = ("triangular", "uniform", "normal", "lognormal", "beta", "choice")
_ADAPTER: TypeAdapter[Any] = TypeAdapter(Distribution)


def spread_around(center: float, allowed: Range) -> tuple[float, float]:
    """A low/high pair around `center`, inside `allowed` and never of zero width."""
    width = abs(center) * 0.2 or _fallback_width(allowed)
    low, high = center - width, center + width
    if not math.isinf(allowed.low):
        low = max(low, allowed.low)
    if not math.isinf(allowed.high):
        high = min(high, allowed.high)
    if allowed.integer:
        low, high = math.floor(low), math.ceil(high)
        if high == low:
            high = low + 1
    return _round(low), _round(high)


def _fallback_width(allowed: Range) -> float:
    finite = not (math.isinf(allowed.low) or math.isinf(allowed.high))
    return (allowed.high - allowed.low) * 0.1 if finite else 1.0


def _round(x: float) -> float:
    return float(f"{x:.6g}")


def suggest(kind: str, center: float, low: float, high: float, allowed: Range) -> Any:
    """A distribution of `kind` centred on `center` spanning about [low, high]."""
    center = min(max(center, low), high)
    params: dict[str, Any]
    if kind == "triangular":
        params = {"low": low, "mode": center, "high": high}
    elif kind == "uniform":
        params = {"low": low, "high": high}
    elif kind == "normal":
        params = {"mean": center, "sd": _round((high - low) / 4) or 1.0}
        if not math.isinf(allowed.low):
            params["low"] = allowed.low
        if not math.isinf(allowed.high):
            params["high"] = allowed.high
    elif kind == "lognormal":
        params = {"p5": max(low, 1e-3), "p95": max(high, 2e-3)}
    elif kind == "beta":
        params = {"mean": _round(min(max(center, 0.01), 0.99)), "concentration": 20.0}
    else:
        params = {"values": sorted({low, _round(center), high})}
    return _ADAPTER.validate_python({"dist": kind, **params})


def first_range(value: float, allowed: Range) -> Any:
    """The triangular range a plain value becomes when the planner clicks 'range'."""
    low, high = spread_around(float(value), allowed)
    return suggest("triangular", float(value), low, high, allowed)


def change_kind(dist: Any, kind: str, allowed: Range) -> Any:
    """`dist` re-expressed as another kind with about the same centre and 90% span."""
    center = dist.median()
    low, high = _round(dist.quantile(0.05)), _round(dist.quantile(0.95))
    if not low < high:
        low, high = spread_around(center, allowed)
    return suggest(kind, _round(center), low, high, allowed)


def central_value(dist: Any, allowed: Range) -> float | int:
    """The plain number a range collapses back to: its median, kept inside the range."""
    value = dist.median()
    low = allowed.low if not math.isinf(allowed.low) else value
    high = allowed.high if not math.isinf(allowed.high) else value
    value = min(max(value, low), high)
    return round(value) if allowed.integer else _round(value)
