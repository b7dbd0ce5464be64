"""Planning tools: compare plans, sweep a dial, tornado and spider, goal seek, reverse funnel.

Pure functions over the runner (no Qt, no matplotlib): each runs its scenarios on the same
replication seeds (common random numbers), returns a result object with its verdicts and the
tidy per-replication rows (`Row`: scenario, value, replication, seed, metrics) they come from,
reports progress as (done, total) replications and stops when its cancel flag is set
(`sim.runner.Cancelled`). Any `concurrent.futures.Executor` runs them: the local process pool
(default), `InlineExecutor` (this process), or a Dask cluster (`dask_executor`). Charts of the
results are in `sim.charts` (`PLAN_CHARTS`); the command line is `sim/cli_plan.py`.

    compare(scenarios, ...)              -> Comparison        paired t per KPI, Hsu's MCB
    sweep(scenario, param, a, b, k, ...) -> SweepResult       mean, P5-P95, CI per point; MCB
    sensitivity(scenario, kpi, ...)      -> SensitivityResult Crystal Ball tornado/spider, @RISK
    goal_seek(scenario, target, lever)   -> GoalResult        P(target) >= p by bisection
    reverse_funnel(scenario, target)     -> ReverseFunnel     flow model, instant
"""

from sim.plan.batch import Point, run_points, summarize_batch
from sim.plan.cluster import dask_available, dask_executor
from sim.plan.compare import Alternative, Comparison, KpiComparison, compare
from sim.plan.dials import TOTAL_BUDGET, Dial, dial, input_paths
from sim.plan.goal_seek import (
    LEVERS,
    BindingConstraint,
    GoalResult,
    Probability,
    TargetSpec,
    Trial,
    goal_seek,
)
from sim.plan.reverse import ReverseFunnel, reverse_funnel
from sim.plan.rows import Row
from sim.plan.sensitivity import (
    BinTornado,
    InputSwing,
    SensitivityResult,
    TestPoint,
    decile_tornado,
    screen,
    sensitivity,
)
from sim.plan.stats import MCBResult, PairedDifference, mcb, paired_difference, wilson
from sim.plan.sweep import SweepPoint, SweepResult, sweep
from sim.plan.time_use import TimeUse, time_use

__all__ = [
    "LEVERS",
    "TOTAL_BUDGET",
    "Alternative",
    "BinTornado",
    "BindingConstraint",
    "Comparison",
    "Dial",
    "GoalResult",
    "InputSwing",
    "KpiComparison",
    "MCBResult",
    "PairedDifference",
    "Point",
    "Probability",
    "ReverseFunnel",
    "Row",
    "SensitivityResult",
    "SweepPoint",
    "SweepResult",
    "TargetSpec",
    "TestPoint",
    "TimeUse",
    "Trial",
    "compare",
    "dask_available",
    "dask_executor",
    "decile_tornado",
    "dial",
    "goal_seek",
    "input_paths",
    "mcb",
    "paired_difference",
    "reverse_funnel",
    "run_points",
    "screen",
    "sensitivity",
    "summarize_batch",
    "sweep",
    "time_use",
    "wilson",
]
