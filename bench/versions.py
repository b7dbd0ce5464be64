"""Two versions of the engine side by side: the seconds of a default replication, interleaved.

This machine's speed swings by a third within a minute, so two versions timed one after the
other can differ by more than the change between them. Here each version runs in a long-lived
process of its own (imports and first-call caches paid once), and the two take turns, one
replication each, on the same seeds; the median of the per-pair ratios is the figure to read.

    .venv/bin/python bench/versions.py OTHER_CHECKOUT [--pairs 40]

OTHER_CHECKOUT is a source tree of the version to compare with, e.g. `git worktree add
/tmp/before HEAD~3`; this checkout is the other side. CPU seconds (`time.process_time`), not
wall seconds, so another process on the second core counts less.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240901
SEEDS = 5  # the pairs cycle through these replications' seeds

WORKER = f"""
import sys, time
import numpy as np
from sim.runner import replicate
from sim.scenario import Scenario

scenario = Scenario()
replicate(scenario, np.random.SeedSequence(1), False)  # warm-up, not timed
for line in sys.stdin:
    seed = np.random.SeedSequence({SEED} + int(line) % {SEEDS})
    start = time.process_time()
    replicate(scenario, seed, False)
    print(time.process_time() - start, flush=True)
"""


def start(tree: Path) -> subprocess.Popen[str]:
    """A process that imports `sim` from `tree` and times one replication per line it reads."""
    return subprocess.Popen(
        [sys.executable, "-c", WORKER],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def timed(process: subprocess.Popen[str], pair: int) -> float:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(f"{pair}\n")
    process.stdin.flush()
    return float(process.stdout.readline())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="source tree of the version to compare with")
    parser.add_argument("--pairs", type=int, default=40, help="replications each (default 40)")
    args = parser.parse_args(argv)
    if not (args.other / "sim" / "model" / "funnel.py").is_file():
        parser.error(f"{args.other} is not a Funnel Lab source tree (no sim/model/funnel.py)")
    if args.pairs < 1:
        parser.error(f"--pairs must be at least 1, not {args.pairs}")
    sides = {"other": start(args.other.resolve()), "this": start(ROOT)}
    seconds: dict[str, list[float]] = {"other": [], "this": []}
    for pair in range(args.pairs):
        order = ("other", "this") if pair % 2 == 0 else ("this", "other")  # neither always first
        for side in order:
            seconds[side].append(timed(sides[side], pair))
    for process in sides.values():
        assert process.stdin is not None
        process.stdin.close()
        process.wait()
    ratios = [b / a for a, b in zip(seconds["other"], seconds["this"], strict=True)]
    print(f"default replication, CPU seconds, {args.pairs} interleaved pairs")
    for side, tree in (("other", args.other), ("this", ROOT)):
        median, best = statistics.median(seconds[side]), min(seconds[side])
        print(f"  {side:<5} {median:.3f} s median, {best:.3f} s best  ({tree})")
    print(f"  this / other, median of the pair ratios: {statistics.median(ratios):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
