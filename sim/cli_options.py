"""The options every simulating command shares (`--replications`, `--seed`, `--workers`, `--set`),
declared and checked in one place, so `run`, `report` and the planning tools accept and refuse
the same values with the same words.

`sim.cli.main` calls `check_run_options` for every command before its handler runs, so a bad
seed or worker count is an exit-2 message naming the option, the value and the allowed range,
never a traceback from deep in numpy or the process pool.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from pathlib import Path

from sim.errors import ScenarioError
from sim.files import read_scenario
from sim.limits import MAX_WORKERS
from sim.overrides import apply_settings
from sim.ranges import Range, range_of
from sim.runner import InlineExecutor, shared_pool
from sim.scenario import Scenario, Simulation

WORKERS = Range(0, MAX_WORKERS, integer=True)


def _field_range(name: str) -> Range:
    """The range the scenario file allows for a simulation setting the command line overrides."""
    allowed = range_of(Simulation.model_fields[name].metadata)
    assert allowed is not None, f"simulation.{name} is declared without a range"
    return allowed


SHARED_RANGES: dict[str, tuple[str, Range]] = {
    "replications": ("--replications", _field_range("replications")),
    "seed": ("--seed", _field_range("seed")),
    "workers": ("--workers", WORKERS),
}


def add_run_options(parser: argparse.ArgumentParser, replications: str) -> None:
    """`--replications/-n`, `--seed` and `--workers` (`replications`: what the count is of)."""
    parser.add_argument("--replications", "-n", type=int, help=replications)
    parser.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="worker processes (0, the default: one per core; 1: in this process)",
    )


def add_settings(parser: argparse.ArgumentParser) -> None:
    """`--set PATH=VALUE`, repeatable: change settings of the file for this command only."""
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="change a setting, e.g. --set 'channels[\"Paid social\"].weekly_budget=3000'",
    )


def check_run_options(args: argparse.Namespace) -> None:
    """Refuse a shared option outside its range, naming the option, the value and the range."""
    for attr, (option, allowed) in SHARED_RANGES.items():
        value = getattr(args, attr, None)
        if value is not None and not allowed.contains(value):
            extra = " (0: one per core)" if attr == "workers" else ""
            raise ScenarioError(f"{option} must be {allowed}{extra} (found {value})")


def load(path: Path, settings: list[str]) -> Scenario:
    """The scenario in the file with each `--set PATH=VALUE` applied and checked."""
    return apply_settings(read_scenario(path).scenario, settings)


@contextmanager
def executor_for(args: argparse.Namespace) -> Iterator[Executor]:
    """The local pool, this process (`--workers 1`) or a Dask cluster (`--dask`)."""
    if getattr(args, "dask", None):
        from sim.plan.cluster import dask_executor  # Dask only when asked for

        with dask_executor(args.dask, args.workers or None) as executor:
            yield executor
    elif args.workers == 1:
        yield InlineExecutor()
    else:
        yield shared_pool(args.workers or None)


def progress_bar(what: str = "replications") -> Callable[[int, int], None]:
    """A one-line progress bar on stderr, redrawn in place: `[####....] 3/10 replications`."""

    def show(done: int, total: int) -> None:
        width = 30
        filled = round(width * done / total) if total else width
        print(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {what}",
            end="",
            file=sys.stderr,
            flush=True,
        )

    return show
