"""The command line: `funnel-lab validate|schema|metrics ...` (and `python -m sim ...`).

Imports no Qt, so it runs on a machine without a display; `app/launch.py` hands every
sub-command here. Exit status: 0 success, 2 a user error (message on stderr, never a
traceback), 130 interrupted.

Adding a sub-command (e.g. `run`): write a `configure(parser)` that adds its arguments and a
`handler(args) -> int`, and append `Command("run", "help text", configure, handler)` to
`COMMANDS`. A handler raises `ScenarioError` for anything the user got wrong; `main` prints it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import sim
from sim import cli_plan, cli_run, cli_workshop
from sim.cli_options import check_run_options
from sim.errors import ScenarioError
from sim.files import read_scenario
from sim.limits import check_runnable
from sim.metrics import METRICS
from sim.scenario import Scenario

EXIT_OK = 0
EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Command:
    """A sub-command: its name, one line of help, its arguments and what it does."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], int]


def _configure_validate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="scenario file(s)")


def _validate(args: argparse.Namespace) -> int:
    """Check each file completely (syntax, every field, size) and report every problem."""
    status = EXIT_OK
    for file in args.files:
        try:
            scenario = read_scenario(file).scenario
            check_runnable(scenario)
        except ScenarioError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = EXIT_USER_ERROR
        else:
            print(f"{file}: OK — {scenario.name}")
    return status


def _configure_nothing(parser: argparse.ArgumentParser) -> None:
    """A sub-command without arguments."""


def _schema(args: argparse.Namespace) -> int:
    """The JSON Schema of a scenario file, for editors and other tools."""
    print(json.dumps(Scenario.model_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _metrics(args: argparse.Namespace) -> int:
    """Every metric a target or a report can name, with its unit."""
    width_name = max(len(m.name) for m in METRICS.values())
    width_unit = max(len(m.unit) for m in METRICS.values())
    print(f"{'metric':<{width_name}}  {'unit':<{width_unit}}  description")
    for metric in METRICS.values():
        print(f"{metric.name:<{width_name}}  {metric.unit:<{width_unit}}  {metric.description}")
    return EXIT_OK


COMMANDS: list[Command] = [
    Command(
        "run", "simulate a scenario file and print the summary", cli_run.configure, cli_run.handler
    ),
    Command(
        "compare",
        "compare plans on the same seeds: paired differences, the best of several",
        cli_plan.configure_compare,
        cli_plan.handle_compare,
    ),
    Command(
        "sweep",
        "sweep one setting and show each KPI's mean, range and interval",
        cli_plan.configure_sweep,
        cli_plan.handle_sweep,
    ),
    Command(
        "sensitivity",
        "tornado and spider: which inputs move a KPI most",
        cli_plan.configure_sensitivity,
        cli_plan.handle_sensitivity,
    ),
    Command(
        "goal-seek",
        "find the lever value at which a target is met with a given probability",
        cli_plan.configure_goal_seek,
        cli_plan.handle_goal_seek,
    ),
    Command(
        "reverse",
        "the inquiries, MQLs, SQLs and budget a revenue target implies (instant estimate)",
        cli_plan.configure_reverse,
        cli_plan.handle_reverse,
    ),
    Command(
        "validate", "check scenario files and list every problem", _configure_validate, _validate
    ),
    Command("schema", "print the JSON Schema of scenario files", _configure_nothing, _schema),
    Command(
        "metrics", "list the metrics targets and reports can name", _configure_nothing, _metrics
    ),
    Command(
        "diff",
        "list what changed between two scenario files (exit 1 if they differ)",
        cli_workshop.configure_diff,
        cli_workshop.diff,
    ),
    Command(
        "report",
        "simulate a scenario and write the workshop report as a PDF",
        cli_workshop.configure_report,
        cli_workshop.report,
    ),
]


def subcommands() -> frozenset[str]:
    """The sub-command names (app/launch.py routes these here instead of opening the window)."""
    return frozenset(c.name for c in COMMANDS)


SUBCOMMANDS = subcommands()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="funnel-lab",
        description="Simulate the B2B lead funnel. Without a sub-command, funnel-lab [FILE] "
        "opens the desktop app.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"%(prog)s {sim.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        child = sub.add_parser(command.name, help=command.help, description=command.help)
        command.configure(child)
        child.set_defaults(handler=command.handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command; return the exit status instead of raising it."""
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help, --version, or a usage error (argparse says why)
            return exc.code if isinstance(exc.code, int) else EXIT_USER_ERROR
        check_run_options(args)
        return int(args.handler(args) or EXIT_OK)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`funnel-lab schema | head`): not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
