"""Numbers in a planner's words, for verdicts and tables: "+USD 9.8M", "31.5%", "+4.2 pts"."""

from __future__ import annotations

import math


def amount(value: float, unit: str, currency: str = "USD", signed: bool = False) -> str:
    """A metric value (or, signed, a difference) in its unit: money with the currency and k/M,
    shares as % (differences of shares in percentage points), counts with separators."""
    if not math.isfinite(value):
        return "n/a"
    sign = ("+" if value > 0 else "-" if value < 0 else "±") if signed else ""
    size = abs(value) if signed else value
    if unit == "share":
        text = f"{100 * size:.1f}"
        return f"{sign}{text} pts" if signed else f"{text}%"
    if unit.startswith("currency"):
        per = unit.removeprefix("currency")
        return f"{sign}{currency} {short(size)}{per}"
    if unit in ("hours", "days"):
        return f"{sign}{size:,.1f} {unit[0]}"
    if unit == "0..1":
        return f"{sign}{size:.3f}"
    return f"{sign}{short(size)}"


def short(value: float) -> str:
    """1,234 / 58.4M / 869k / 0.25 / 12.5."""
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:,.2f}B"
    if size >= 1e6:
        return f"{value / 1e6:,.2f}M"
    if size >= 1e4:
        return f"{value / 1e3:,.1f}k"
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 1:
        return f"{value:,.1f}"
    return f"{value:.3g}"


def interval(low: float, high: float, unit: str, currency: str = "USD") -> str:
    """'+6.1M to +13.4M' (money without repeating the currency); 'interval n/a' when there is
    none (one replication says nothing of its precision)."""
    if math.isnan(low) and math.isnan(high):
        return "interval n/a"
    per = unit.removeprefix("currency") if unit.startswith("currency") else ""
    a = amount(low, unit, currency, signed=True).replace(f"{currency} ", "")
    b = amount(high, unit, currency, signed=True).replace(f"{currency} ", "")
    return f"{a.removesuffix(per) if per else a} to {b}"
