"""Planning tools on a Dask cluster: `--dask local` (a LocalCluster on this machine) or
`--dask tcp://HOST:PORT` (a running scheduler), through `Client.get_executor()`, the
`concurrent.futures.Executor` every tool and the runner take. The tasks are the same batches of
replications as on the local pool (`sim.plan.batch.summarize_batch`), so the numbers are too.

Dask is optional: `pip install 'funnel-lab[dask]'`. On a laptop's two cores the local process
pool is faster (PERFORMANCE.md: Dask workers start slower and run tasks about 25% slower); Dask
pays off on a real cluster.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from sim.errors import ScenarioError

INSTALL = "pip install 'funnel-lab[dask]'  (or: pip install 'dask[distributed]')"


def dask_available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


@contextmanager
def dask_executor(address: str, workers: int | None = None) -> Iterator[Executor]:
    """An Executor on a Dask cluster for the duration of the block: "local" starts a
    LocalCluster of `workers` single-threaded worker processes (one per core by default) and
    stops it afterwards; "tcp://HOST:PORT" connects to a running scheduler."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ScenarioError(f"--dask needs Dask, which is not installed: {INSTALL}") from None
    cluster = None
    try:
        if address == "local":
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            client = Client(cluster)
        else:
            if "://" not in address:
                raise ScenarioError(
                    f"--dask {address}: write local or a scheduler address like tcp://host:8786"
                )
            client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise ScenarioError(f"--dask {address}: cannot reach the scheduler ({exc})") from None
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
