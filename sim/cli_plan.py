"""The planning tools on the command line: `funnel-lab compare|sweep|sensitivity|goal-seek|
reverse`. Thin: each command reads files, calls the pure function in `sim.plan`, prints a table
and writes `--json` / `--png`. Exit status: 0 success, 2 a user error naming the field, 1 when
goal seek finds no value that reaches the target.

Every command takes `--replications N`, `--seed S`, `--workers W`, `--json OUT`, `--set
PATH=VALUE` (repeatable) and `--dask local|tcp://HOST:PORT`; `--png OUT` where a chart exists.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from sim.cli_options import add_run_options, add_settings, executor_for, load, progress_bar
from sim.cli_run import check_writable
from sim.errors import ScenarioError
from sim.files import read_scenario
from sim.metrics import HEADLINE, METRICS
from sim.overrides import apply_settings
from sim.plan import (
    compare,
    goal_seek,
    reverse_funnel,
    sensitivity,
    sweep,
)
from sim.plan.goal_seek import LEVERS, TargetSpec
from sim.plan.reverse import STAGES, parse_target
from sim.plan.sweep import DEFAULT_KPIS
from sim.plan.time_use import SDR_PARTS
from sim.plan.words import amount, interval

EXIT_UNREACHED = 1
SHORT_PARTS = {
    "junk_mqls": "junk MQLs",
    "real_mqls": "real MQLs",
    "meetings": "meetings",
    "prospecting": "prospecting",
    "idle": "idle",
}


# ---- shared options --------------------------------------------------------------------------


def add_common(parser: argparse.ArgumentParser, png: bool = True) -> None:
    add_run_options(parser, "replications per scenario/point")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the results as JSON")
    add_settings(parser)
    add_dask(parser)
    if png:
        parser.add_argument("--png", type=Path, metavar="OUT", help="save the chart (.png/.svg)")


def add_dask(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dask",
        metavar="local|tcp://HOST:PORT",
        help="run the replications on a Dask cluster (pip install 'funnel-lab[dask]')",
    )


def check_args(args: argparse.Namespace) -> None:
    """Refuse unwritable outputs before simulating (the shared options are checked by main)."""
    for out in (args.json, getattr(args, "png", None)):
        if out is not None:
            check_writable(out)
    png = getattr(args, "png", None)
    if png is not None and png.suffix.lower() not in (".png", ".svg"):
        raise ScenarioError(f"--png {png}: a chart is saved as .png or .svg")


def kpi_list(text: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(k.strip() for k in text.split(",") if k.strip()) if text else default


def write_outputs(args: argparse.Namespace, data: dict, chart: tuple | None = None) -> None:
    try:
        if args.json:
            args.json.write_text(json.dumps(data, indent=1))
        if chart is not None and getattr(args, "png", None):
            from sim.charts import save_plan_chart  # matplotlib only when a chart is asked for

            name, result, options = chart
            for path in save_plan_chart(name, result, args.png, **options):
                print(f"chart: {path}", file=sys.stderr)
    except OSError as exc:
        raise ScenarioError(f"could not write the results: {exc}") from None


def aligned(rows: list[list[str]]) -> list[str]:
    """Table lines with each column as wide as its widest cell (the first left-aligned, the
    rest right-aligned), so large numbers never run into their neighbours."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def fmt(value: float, kpi: str, currency: str, signed: bool = False) -> str:
    return amount(value, METRICS[kpi].unit, currency, signed)


def share(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{100 * x:.0f}%"


# ---- compare ---------------------------------------------------------------------------------


def configure_compare(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="baseline, then alternatives"
    )
    parser.add_argument("--kpi", help="comma-separated metrics (default: the headline metrics)")
    add_common(parser)


def handle_compare(args: argparse.Namespace) -> int:
    check_args(args)
    kpis = kpi_list(args.kpi, HEADLINE)
    scenarios = [read_scenario(f).scenario for f in args.files]
    files: list[str | None] = [str(f) for f in args.files]
    names = [s.name for s in scenarios]
    if args.settings:
        scenarios.append(apply_settings(scenarios[0], args.settings))
        files.append(None)
        names.append(f"{scenarios[0].name} with {', '.join(args.settings)}")
    if len(scenarios) < 2:
        raise ScenarioError("compare needs two files, or one file and --set PATH=VALUE")
    with executor_for(args) as executor:
        result = compare(
            scenarios,
            names=names,
            files=files,
            kpis=kpis,
            replications=args.replications,
            seed=args.seed,
            executor=executor,
            progress=progress_bar(),
        )
    print(file=sys.stderr)
    print(format_compare(result))
    write_outputs(args, result.to_json(), ("compare", result, {}))
    return 0


def format_compare(result: Any) -> str:
    c = result.currency
    # The label column as wide as the longest KPI label: a label is never cut.
    width = max(len("metric"), *(len(METRICS[k].label) for k in result.kpis)) + 1
    lines = [
        f"baseline: {result.baseline} — {result.replications} replications, seed "
        f"{result.seed}, the same seeds for every scenario (paired differences, 95% intervals)",
    ]
    for alt in result.alternatives:
        lines += ["", f"{alt.name} vs {result.baseline}:"]
        lines.append(
            f"  {'metric':<{width}}{'baseline':>16}{'alternative':>16}   "
            f"{'difference (95% CI)':<40}{'better':>7}{'ties':>6}"
        )
        for kpi, m in alt.metrics.items():
            neutral = METRICS[kpi].direction == "neutral"
            diff = fmt(m.diff.mean, kpi, c, signed=True)
            span = interval(m.diff.ci_low, m.diff.ci_high, METRICS[kpi].unit, c)
            lines.append(
                f"  {METRICS[kpi].label:<{width}}{fmt(m.baseline_mean, kpi, c):>16}"
                f"{fmt(m.mean, kpi, c):>16}   {f'{diff} ({span})':<40}"
                f"{'–' if neutral else share(m.diff.p_better):>7}{share(m.diff.p_tie):>6}"
            )
        lines += ["", "  verdicts:"]
        lines += [f"  - {m.verdict}" for m in alt.metrics.values()]
    if len(result.alternatives) > 1:
        lines += ["", "best (Hsu's multiple comparisons with the best, 95%, paired):"]
        for kpi, name in result.best.items():
            if METRICS[kpi].direction == "neutral":
                continue
            sel = result.mcb.get(kpi)
            left = [result.names()[i] for i in sel.candidates] if sel else []
            text = name if name else f"cannot tell between {', '.join(left)}"
            lines.append(f"  {METRICS[kpi].label:<30} {text}")
    lines += ["", "where the sales team's time went (hours a week, mean over the window):"]
    header = "".join(f"{SHORT_PARTS[key]:>13}" for key, _ in SDR_PARTS)
    lines.append(f"  {'scenario':<34}{'SDR on duty':>12}{header}{'AE backlog':>12}")
    for name, use in result.time_use.items():
        parts = "".join(f"{use.sdr[key].mean:>13,.0f}" for key, _ in SDR_PARTS)
        lines.append(
            f"  {name[:33]:<34}{use.sdr_duty.mean:>12,.0f}{parts}{use.ae_backlog.mean:>12,.1f}"
        )
    lines.append(
        "  (SDR hours: junk MQLs, real MQLs (attempts, triage), discovery meetings, prospecting, "
        "idle = prospecting paused by the AE backlog; AE backlog: SQLs waiting at week end)"
    )
    return "\n".join(lines)


# ---- sweep -----------------------------------------------------------------------------------


def configure_sweep(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="scenario file")
    parser.add_argument("--param", required=True, metavar="PATH", help="the field to sweep")
    parser.add_argument("--from", dest="start", type=float, required=True, metavar="A")
    parser.add_argument("--to", dest="stop", type=float, required=True, metavar="B")
    parser.add_argument("--steps", type=int, default=5, metavar="K", help="points (default 5)")
    parser.add_argument("--kpi", help=f"comma-separated metrics (default {','.join(DEFAULT_KPIS)})")
    add_common(parser)


def handle_sweep(args: argparse.Namespace) -> int:
    check_args(args)
    scenario = load(args.file, args.settings)
    with executor_for(args) as executor:
        result = sweep(
            scenario,
            args.param,
            args.start,
            args.stop,
            args.steps,
            kpis=kpi_list(args.kpi, DEFAULT_KPIS),
            replications=args.replications,
            seed=args.seed,
            executor=executor,
            progress=progress_bar(),
        )
    print(file=sys.stderr)
    print(format_sweep(result))
    write_outputs(args, result.to_json(), ("sweep", result, {}))
    return 0


def format_sweep(result: Any) -> str:
    c = result.currency
    lines = [
        f"sweep of {result.label} ({result.param}): {len(result.points)} points x "
        f"{result.replications} replications, seed {result.seed}, the same seeds at every point",
    ]
    for k in result.kpis:
        lines += [
            "",
            f"{METRICS[k].label}:",
            f"  {'value':>10}{'mean':>18}{'P5 - P95 of outcomes':>36}"
            f"{'95% interval of the mean':>36}",
        ]
        for point in result.points:
            s = point.metrics[k]
            spread = f"{fmt(s.p5, k, c)} - {fmt(s.p95, k, c)}"
            ci = f"{fmt(s.ci_low, k, c)} - {fmt(s.ci_high, k, c)}"
            mark = "  <- best" if result.best.get(k) == point.value else ""
            lines.append(f"  {point.value:>10g}{fmt(s.mean, k, c):>18}{spread:>36}{ci:>36}{mark}")
    lines += ["", "best point (Hsu's multiple comparisons with the best over the points, 95%):"]
    for k in result.kpis:
        if METRICS[k].direction == "neutral":
            lines.append(f"  {METRICS[k].label:<30} (neutral: no best)")
            continue
        best = result.best[k]
        if best is not None:
            text = f"{best:g}"
        else:
            text = "cannot tell between " + ", ".join(f"{v:g}" for v in result.candidates[k])
        lines.append(f"  {METRICS[k].label:<30} {text}")
    return "\n".join(lines)


# ---- sensitivity -----------------------------------------------------------------------------


def configure_sensitivity(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="scenario file")
    parser.add_argument("--kpi", default="revenue", help="the output (default revenue)")
    parser.add_argument(
        "--inputs",
        default="auto",
        metavar="auto|PATH,...",
        help="the inputs to move (auto: screen every numeric input with the flow model)",
    )
    parser.add_argument("--top", type=int, default=10, help="inputs kept by auto (default 10)")
    parser.add_argument(
        "--swing",
        default="p10-p90",
        metavar="p10-p90|pct:K",
        help="ranges P10..P90 and numbers ±10%% (default), or every input ±K%%",
    )
    parser.add_argument("--period", default="horizon", help="horizon or a quarter like 2027-Q2")
    add_common(parser)


def handle_sensitivity(args: argparse.Namespace) -> int:
    check_args(args)
    scenario = load(args.file, args.settings)
    inputs: Any = "auto" if args.inputs == "auto" else split_paths(args.inputs)
    with executor_for(args) as executor:
        result = sensitivity(
            scenario,
            args.kpi,
            inputs=inputs,
            top=args.top,
            swing=args.swing,
            period=args.period,
            replications=args.replications,
            seed=args.seed,
            executor=executor,
            progress=progress_bar(),
        )
    print(file=sys.stderr)
    print(format_sensitivity(result))
    write_outputs(args, result.to_json(), ("tornado", result, {}))
    return 0


def split_paths(text: str) -> list[str]:
    """Comma-separated paths; a comma inside a quoted name (`channels["A, B"]`) stays."""
    out, quote, start = [], "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == ",":
            out.append(text[start:i].strip())
            start = i + 1
    out.append(text[start:].strip())
    return [p for p in out if p]


def format_sensitivity(result: Any) -> str:
    k, c = result.kpi, result.currency
    lines = [
        f"tornado of {METRICS[k].label}: base {fmt(result.base, k, c)} (every input at base)",
        result.swing_definition(),
        "",
        f"{'input':<52}{'swing':>16}  {'at low end':>16}  {'at high end':>16}   test points",
    ]
    for i in result.inputs:
        points = ", ".join(f"{p.tag} {p.value:g}" for p in i.points)
        lines.append(
            f"{i.label[:51]:<52}{fmt(i.swing, k, c):>16}  {fmt(i.low, k, c):>16}  "
            f"{fmt(i.high, k, c):>16}   {points}"
        )
    if result.risk is not None:
        r = result.risk
        lines += [
            "",
            f"@RISK-style tornado (from {r.replications} Monte Carlo replications with the "
            f"ranges drawn; mean {METRICS[k].label} by input bin, {r.bins} bins; whole run "
            f"{fmt(r.centre, k, c)}):",
        ]
        for b in r.bars:
            lines.append(
                f"  {b.label[:50]:<52}{fmt(b.swing, k, c):>16}   lowest bin {fmt(b.low, k, c)}, "
                f"highest bin {fmt(b.high, k, c)}"
            )
    return "\n".join(lines)


# ---- goal seek -------------------------------------------------------------------------------


def configure_goal_seek(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="scenario file")
    parser.add_argument("--target", required=True, help='e.g. "revenue>=60e6" or "cac<=5000"')
    parser.add_argument("--period", default="horizon", help="horizon or a quarter like 2027-Q2")
    parser.add_argument("--probability", type=float, default=0.8, help="required P (default 0.8)")
    parser.add_argument(
        "--lever",
        required=True,
        metavar="PATH",
        help=f"a field path, or one of: {', '.join(repr(n) for n in LEVERS)}",
    )
    parser.add_argument("--min", dest="low", type=float, help="lowest lever value to try")
    parser.add_argument("--max", dest="high", type=float, help="highest lever value to try")
    add_common(parser)


def handle_goal_seek(args: argparse.Namespace) -> int:
    check_args(args)
    scenario = load(args.file, args.settings)
    target = TargetSpec.from_text(args.target, args.period)
    with executor_for(args) as executor:
        result = goal_seek(
            scenario,
            target,
            args.lever,
            probability=args.probability,
            low=args.low,
            high=args.high,
            replications=args.replications,
            seed=args.seed,
            executor=executor,
            progress=progress_bar(),
        )
    print(file=sys.stderr)
    print(format_goal_seek(result, scenario.currency))
    write_outputs(args, result.to_json(), ("goal_seek", result, {}))
    return 0 if result.reached else EXIT_UNREACHED


def format_goal_seek(result: Any, currency: str) -> str:
    t = result.target
    unit = METRICS[t.kpi].unit
    goal = f"P({t.kpi} {t.op} {amount(t.value, unit, currency)} in {t.period})"
    lines = [
        f"goal: {goal} >= {100 * result.probability_required:.0f}% by moving {result.lever} "
        f"between {result.low:g} and {result.high:g}",
        f"trials (each {result.probability.replications} replications on the same seeds):",
    ]
    for trial in result.trials:
        lines.append(
            f"  {trial.value:>14,.6g}   P = {trial.probability.text():<38} mean "
            f"{amount(trial.mean, unit, currency)}"
        )
    lines.append("")
    if result.reached:
        lines.append(
            f"answer: {result.lever} = {result.answer:,.6g} is the {result.searched} value that "
            f"reaches it: P = {result.probability.text()}"
        )
    else:
        lines.append(
            f"unreachable: no value of {result.lever} in range reaches it; at the best value "
            f"P = {result.probability.text()}"
        )
        b = result.binding_constraint
        if b is not None:
            lines.append(
                f"binding constraint: {b.name} — doubling it raises P to "
                f"{100 * b.probability_if_relaxed:.0f}%"
            )
            others = ", ".join(f"{k} {100 * v:.0f}%" for k, v in result.relaxations.items())
            lines.append(f"  (each relaxation doubled, same seeds: {others})")
    return "\n".join(lines)


# ---- reverse funnel --------------------------------------------------------------------------


def configure_reverse(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="scenario file")
    parser.add_argument("--target", required=True, help="revenue=VALUE or revenue_marketing=VALUE")
    parser.add_argument("--period", default="horizon", help="horizon or a quarter like 2027-Q2")
    add_common(parser, png=False)


def handle_reverse(args: argparse.Namespace) -> int:
    check_args(args)
    scenario = load(args.file, args.settings)
    kpi, value = parse_target(args.target)
    result = reverse_funnel(scenario, value, kpi, args.period)
    print(format_reverse(result))
    write_outputs(args, result.to_json())
    return 0


def format_reverse(r: Any) -> str:
    c = r.currency
    lines = [
        f"reverse funnel for {r.kpi} = {amount(r.target, 'currency', c)} over {r.period} "
        f"({r.weeks} weeks), at today's rates and costs (flow-model estimates: no queues)",
        "sales-sourced and partner revenue held at "
        f"{amount(r.today['revenue_other'], 'currency', c)}; "
        f"marketing-sourced revenue needed {amount(r.needed['revenue_marketing'], 'currency', c)} "
        f"(today {amount(r.today['revenue_marketing'], 'currency', c)}: x{r.factor:.2f})",
        "",
    ]
    rows = [["stage", "today", "needed", "per week", "rate today"]]
    for key, label, _ in STAGES:
        rate = r.rates.get(key)
        rows.append(
            [
                label,
                f"{r.today[key]:,.0f}",
                f"{r.needed[key]:,.0f}",
                f"{r.needed[key] / r.weeks:,.1f}",
                "" if rate is None else share(rate),
            ]
        )
    lines += aligned(rows)
    organic = r.today["organic_inquiries"]
    budget_today = amount(r.today["budget_per_week"], "currency", c)
    lines.append("")
    if r.needed["paid_inquiries"] > 0 or organic <= 0:
        lines += [
            f"paid inquiries {r.needed['paid_inquiries']:,.0f} (organic held at {organic:,.0f}) "
            f"at today's {amount(r.today['cost_per_paid_lead'], 'currency', c)} per paid lead:",
            f"  media budget {amount(r.needed['budget_per_week'], 'currency', c)} a week "
            f"(today {budget_today})",
        ]
    else:
        lines.append(
            f"organic inquiries alone ({organic:,.0f}) exceed the {r.needed['inquiries']:,.0f} "
            f"the target needs: it is met without paid inquiries or media budget (today "
            f"{budget_today} a week)"
        )
    lines += [
        f"capacity: SDR hours on MQLs {r.sdr_hours[0]:,.0f} of {r.sdr_hours[1]:,.0f} a week; "
        f"AE hours on opportunities {r.ae_hours[0]:,.0f} of {r.ae_hours[1]:,.0f} a week",
    ]
    if r.sdr_hours[0] > r.sdr_hours[1] or r.ae_hours[0] > r.ae_hours[1]:
        lines.append("  more hours than the team has: the simulation will queue (try goal-seek)")
    if r.note:
        lines.append(f"note: {r.note}")
    return "\n".join(lines)
