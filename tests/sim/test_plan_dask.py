"""Same seed, same numbers: one worker, the local process pool and a Dask LocalCluster give
identical rows, whatever the batching."""

from __future__ import annotations

import json

import pytest
from plan_scenarios import small

from sim.plan import Point, dask_executor, run_points
from sim.runner import InlineExecutor, shared_pool

pytest.importorskip("distributed")  # part of the dev extra: CI runs this


def rows(executor, task_seconds):
    points = [Point(f"{n} SDRs", small(sales={"sdr_count": n})) for n in (4, 8)]
    summaries = run_points(points, 5, 3, executor=executor, task_seconds=task_seconds)
    # NaN (a rate with no denominator) compares equal to NaN here, as it should
    return json.dumps([[s.metrics["horizon"] for s in reps] for reps in summaries])


def test_one_worker_the_pool_and_dask_give_identical_numbers():
    inline = rows(InlineExecutor(), 0.0)
    assert rows(shared_pool(2), 0.5) == inline
    with dask_executor("local", workers=2) as executor:
        assert rows(executor, 0.5) == inline
