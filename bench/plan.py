"""Planning-tool figures on the shipped default scenario, printed beside their targets.

    .venv/bin/python bench/plan.py [--workers 2] [--skip-dask]

1. a 10-point MQL-threshold sweep x 20 replications on the local pool (target <= 60 s on 2
   workers);
2. a 10-input tornado (named inputs, 5 replications per test point);
3. a goal seek (P(revenue >= today's mean x 1.05) >= 80% by the total marketing budget);
4. the same sweep on a 2-worker Dask LocalCluster, with its scaling efficiency against the
   local pool (pool seconds / Dask seconds; 1.0 = as fast as the pool).

A benchmark, never a timed test: the machine is shared, so read the ratios first.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim.files import read_scenario
from sim.plan import TargetSpec, dask_available, dask_executor, goal_seek, sensitivity, sweep
from sim.plan.dials import TOTAL_BUDGET
from sim.runner import shared_pool

ROOT = Path(__file__).parents[1]
TORNADO_INPUTS = [
    "deals.win_rate",
    "deals.deal_size",
    "sales.sdr_count",
    "sales.ae_count",
    "definitions.mql_threshold",
    'channels["Paid search"].weekly_budget',
    'channels["Paid search"].base_cpl',
    "trust.initial_mean",
    "buyers.budget_share",
    "attribution.time_decay_half_life_days",
]


def timed(what: str, target: str, fn):
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{what:<58} {seconds:8.1f} s   target {target}", flush=True)
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-dask", action="store_true")
    args = parser.parse_args()
    scenario = read_scenario(ROOT / "scenarios/default.toml").scenario
    pool = shared_pool(args.workers)
    pool.submit(int, 0).result()  # start the workers outside the timings
    print(f"default scenario, {args.workers} workers")

    def the_sweep(executor):
        return sweep(
            scenario, "definitions.mql_threshold", 20, 110, 10, replications=20, executor=executor
        )

    swept, pool_seconds = timed(
        "sweep: 10 points x 20 replications (local pool)", "<= 60 s", lambda: the_sweep(pool)
    )
    print(
        f"  best revenue point: {swept.best['revenue']} (candidates {swept.candidates['revenue']})"
    )
    tornado, _ = timed(
        "tornado: 10 inputs x 5 test points x 5 replications",
        "(none)",
        lambda: sensitivity(
            scenario, "revenue", inputs=TORNADO_INPUTS, replications=5, executor=pool
        ),
    )
    print(f"  largest swing: {tornado.inputs[0].path}; smallest: {tornado.inputs[-1].path}")
    base_revenue = swept.points[3].metrics["revenue"].mean
    goal = TargetSpec("revenue", ">=", round(base_revenue * 1.05, -5))
    sought, _ = timed(
        f"goal seek: P(revenue >= {goal.value / 1e6:.1f}M) >= 80% by total budget, 20 reps",
        "(none)",
        lambda: goal_seek(scenario, goal, TOTAL_BUDGET, replications=20, executor=pool),
    )
    print(
        f"  reached {sought.reached}, answer {sought.answer}, {len(sought.trials)} trials, "
        f"binding {sought.binding_constraint}"
    )
    if args.skip_dask or not dask_available():
        print("Dask: skipped (pip install 'funnel-lab[dask]')")
        return
    start = time.perf_counter()
    with dask_executor("local", workers=args.workers) as executor:
        started = time.perf_counter() - start
        _, dask_seconds = timed(
            f"sweep on a {args.workers}-worker Dask LocalCluster",
            "(none)",
            lambda: the_sweep(executor),
        )
    print(
        f"  cluster start {started:.1f} s; scaling efficiency vs the local pool "
        f"{pool_seconds / dask_seconds:.2f} (pool {pool_seconds:.1f} s / Dask {dask_seconds:.1f} s)"
    )


if __name__ == "__main__":
    main()
