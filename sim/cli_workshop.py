"""`funnel-lab diff OLD NEW` and `funnel-lab report FILE --pdf OUT`: the workshop's commands.

diff prints what changed between two versions of a scenario, field by field, like the window's
what-changed view; its exit status is diff's: 0 equal, 1 different, 2 a file that cannot be read.
report simulates the scenario (and any alternatives, on the same seeds) and writes the workshop
report as a PDF (sim/report/, imported only when asked for: it needs matplotlib and ReportLab).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli_options import add_run_options, executor_for, progress_bar
from sim.errors import ScenarioError
from sim.files import read_scenario
from sim.workshop.diff import diff_scenarios, format_changes
from sim.workshop.goal import DEFAULT_LEVER, LEVER_NAMES

EXIT_SAME, EXIT_DIFFERENT, EXIT_BAD_FILE = 0, 1, 2


def configure_diff(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", type=Path, metavar="OLD.toml", help="the earlier version")
    parser.add_argument("new", type=Path, metavar="NEW.toml", help="the later version")


def diff(args: argparse.Namespace) -> int:
    try:
        old = read_scenario(args.old).scenario
        new = read_scenario(args.new).scenario
    except (ScenarioError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_FILE
    changes = diff_scenarios(old, new)
    print(f"{args.old} → {args.new}")
    print(format_changes(changes))
    return EXIT_DIFFERENT if changes else EXIT_SAME


def configure_report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="the agreed scenario")
    parser.add_argument(
        "--compare",
        type=Path,
        nargs="+",
        default=[],
        metavar="ALT.toml",
        help="alternatives to compare with the plan (paired: the same seeds)",
    )
    parser.add_argument("--pdf", type=Path, required=True, metavar="OUT.pdf", help="the report")
    add_run_options(parser, "override the file's count")
    parser.add_argument(
        "--lever",
        choices=LEVER_NAMES,
        default=DEFAULT_LEVER,
        help="what goal seek may change for amber and red targets (default: %(default)s)",
    )
    parser.add_argument(
        "--no-goal-seek",
        action="store_true",
        help="leave out 'what would have to change' (it runs extra simulations per target)",
    )


def report(args: argparse.Namespace) -> int:
    from sim.cli_run import check_writable
    from sim.report import ReportInputs, build_report

    check_writable(args.pdf)
    scenario = read_scenario(args.file).scenario
    alternatives = [read_scenario(path).scenario for path in args.compare]
    with executor_for(args) as executor:
        inputs = ReportInputs.simulate(
            scenario,
            alternatives,
            replications=args.replications,
            seed=args.seed,
            executor=executor,
            progress=progress_bar(),
            lever=None if args.no_goal_seek else args.lever,
            announce=lambda text: print(f"\n{text}", file=sys.stderr),
        )
    print(file=sys.stderr)
    try:
        build_report(inputs, args.pdf)
    except OSError as exc:
        raise ScenarioError(f"could not write {args.pdf}: {exc}") from None
    print(f"wrote {args.pdf}")
    return 0
