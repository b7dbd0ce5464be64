"""`funnel-lab run FILE`: simulate a scenario file and print the summary table.

The same runner and metric registry feed the window, so the numbers match what the app shows.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from sim.cli_options import add_run_options, add_settings, executor_for, load, progress_bar
from sim.errors import ScenarioError
from sim.metrics import METRICS, format_value
from sim.results import RunResult, headline_rows
from sim.runner import run
from sim.uncertain import centralize, uncertain_inputs
from sim.workshop.words import target_goal


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="scenario file")
    add_run_options(parser, "override the file's count")
    add_settings(parser)
    parser.add_argument(
        "--central", action="store_true", help="hold every range at its central value (median)"
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="write full results as JSON")
    parser.add_argument("--csv", type=Path, metavar="OUT", help="write one row per replication")
    parser.add_argument(
        "--dask",
        metavar="local|tcp://HOST:PORT",
        help="run the replications on a Dask cluster (pip install 'funnel-lab[dask]')",
    )


def handler(args: argparse.Namespace) -> int:
    for out in (args.json, args.csv):
        if out is not None:
            check_writable(out)
    scenario = load(args.file, args.settings)
    if args.central:
        scenario = centralize(scenario)
    with executor_for(args) as executor:
        result = run(
            scenario,
            replications=args.replications,
            seed=args.seed,
            executor=executor,
            progress=progress_bar(),
            central=args.central,
            split_uncertainty=bool(uncertain_inputs(scenario)),
        )
    print(file=sys.stderr)
    print(format_summary(result))
    try:
        if args.json:
            args.json.write_text(json.dumps(result.to_json(), indent=1))
        if args.csv:
            result.write_csv(args.csv)
    except OSError as exc:
        raise ScenarioError(f"could not write the results: {exc}") from None
    return 0


def check_writable(path: Path) -> None:
    """Refuse an output path that cannot be written before spending minutes simulating."""
    if path.is_dir():
        raise ScenarioError(f"{path} is a folder; give a file name for the results")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ScenarioError(f"cannot write {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ScenarioError(f"cannot write {path}: permission denied")


def format_summary(result: RunResult) -> str:
    weeks = len(result.week_starts) - result.warmup_weeks
    rows = headline_rows(result)
    width = max(30, *(len(label) + 2 for label, _s, _u in rows))
    lines = [
        f"{result.scenario_name} — {result.replications} replications, seed {result.seed}"
        f"{' (ranges at their centres)' if result.central else ''}",
        f"measurement window: {weeks} weeks, {result.measured_text()}; scenario sha256 "
        f"{result.scenario_sha256[:12]}",
        "",
        f"{'metric':<{width}}{'mean':>18}   {'90% of outcomes (P5 - P95)':>38}",
    ]
    for label, s, unit in rows:
        interval = (
            f"{format_value(s.p5, unit, result.currency)} - "
            f"{format_value(s.p95, unit, result.currency)}"
        )
        lines.append(
            f"{label:<{width}}{format_value(s.mean, unit, result.currency):>18}   {interval:>38}"
        )
    lines += [
        "(MQLs and SALs: marketing leads created in the window, each once at its furthest stage;",
        " SQLs, opportunities, won deals, revenue and pipeline: what happened in the window, every",
        " source; a rate follows the window's marketing leads: the ratio of the average counts)",
    ]
    if result.targets:
        lines += ["", "targets (probability the plan meets each):"]
        for t in result.targets:
            lines.append(
                f"  {t.target.owner:<10} {target_goal(t.target, result.currency)}: "
                f"{100 * t.probability:.0f}% ({t.hits} of {t.replications} replications)"
            )
    if result.variance:
        lines += ["", "where the spread comes from (share of variance from uncertain inputs):"]
        for kpi, split in result.variance.items():
            label = METRICS[kpi].label
            lines.append(
                f"  {label:<34} {100 * split.input_share:5.1f}% inputs, rest process noise"
            )
    if result.drivers:
        ranking = result.drivers["revenue"]
        lines += ["", f"what drives revenue's uncertainty (R² {ranking.r_squared:.2f}):"]
        lines += [f"  {c.path:<40} {100 * c.share:5.1f}%" for c in ranking.contributions[:8]]
        if ranking.note:
            lines.append(f"  note: {ranking.note}")
    return "\n".join(lines)
