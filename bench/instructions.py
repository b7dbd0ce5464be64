"""Machine instructions per default replication, counted by valgrind: a figure of the engine's
work that does not swing with the machine.

This machine's speed moves by a third (a fixed pure-Python loop as much as a replication) from
one minute to the next, so seconds compare versions only interleaved (bench/versions.py), and
even then to a few percent. An instruction count is the same on every run: the CPU's cache and
the host's load are not in it, so it is a figure of work, not of seconds, but a change that
saves instructions on the per-event path saves time.

    .venv/bin/python bench/instructions.py [OTHER_CHECKOUT ...]

Counts this checkout (and each other source tree given, e.g. `git worktree add /tmp/before
HEAD~3`) under `valgrind --tool=cachegrind --cache-sim=no`: one run of 1 replication and one of
3, so imports and start-up cancel out of (3 - 1) / 2. About a minute per tree (valgrind runs
Python ~50 times slower). Needs valgrind (`apt-get install valgrind`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240901
WORKER = f"""
import sys
import numpy as np
from sim.runner import replicate
from sim.scenario import Scenario

scenario = Scenario()
for i in range(int(sys.argv[1])):
    replicate(scenario, np.random.SeedSequence({SEED} + i), False)
"""
REFS = re.compile(r"I\s+refs:\s+([\d,]+)")
# numpy's BLAS threads wait for work by spinning, which valgrind counts (by how long they spin):
# one thread, so a count is the same on every run
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


def instructions(tree: Path, replications: int) -> int:
    """Instructions valgrind counts for a process that imports `sim` from `tree` and runs the
    default scenario's first `replications` replications."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0", **ONE_THREAD}
    done = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            "-c",
            WORKER,
            str(replications),
        ],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = REFS.search(done.stderr)
    if found is None:
        raise RuntimeError(f"valgrind printed no instruction count:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def per_replication(tree: Path) -> float:
    return (instructions(tree, 3) - instructions(tree, 1)) / 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("others", type=Path, nargs="*", help="other source trees to count too")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (apt-get install valgrind)")
    for tree in args.others:
        if not (tree / "sim" / "model" / "funnel.py").is_file():
            parser.error(f"{tree} is not a Funnel Lab source tree (no sim/model/funnel.py)")
    this = per_replication(ROOT)
    print("instructions per default replication (valgrind; imports and start-up cancelled out)")
    print(f"  this   {this / 1e6:8.0f} M  ({ROOT})")
    for tree in args.others:
        other = per_replication(tree.resolve())
        print(f"  other  {other / 1e6:8.0f} M  ({tree})  this / other {this / other:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
