"""The shipped plans land in the brief's calibration bands, counted with the brief's denominators
(sim/metrics.py): the default is a company with today's problem (most MQLs rejected or ignored,
trust low), the quality play reaches a healthy waterfall's MQL -> SAL of 40-60%.

Each band is checked on the mean of 10 replications with the fixed seed: the mean must lie inside
the band by at least 3 standard errors of the mean (SE = sd / sqrt(10), each rate's sd across
replications is below 0.01), so the check does not flicker and a drift towards an edge fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.files import read_scenario
from sim.results import RunResult
from sim.runner import run, shared_pool

# One worker runs this module (make test: --dist loadgroup), so each scenario's run is made once.
pytestmark = pytest.mark.xdist_group("calibration")
FOLDER = Path(__file__).parents[2] / "scenarios"

DEFAULT_BANDS = {
    "rate_inquiry_to_mql": (0.05, 0.25),
    "rate_mql_to_sal": (0.20, 0.45),
    "rate_sal_to_sql": (0.50, 0.70),
    "rate_sql_to_won": (0.20, 0.30),
    "rate_mql_to_won": (0.02, 0.10),
    "marketing_sourced_revenue_share": (0.10, 0.35),
}
# the brief asks the quality play for MQL -> SAL and the contribution band; its better-fit SQLs
# may win more often than the default's 20-30%, which is how it earns its revenue
QUALITY_BANDS = {
    "rate_mql_to_sal": (0.40, 0.60),
    "rate_sal_to_sql": (0.50, 0.70),
    "rate_mql_to_won": (0.02, 0.10),
    "marketing_sourced_revenue_share": (0.10, 0.35),
}


def result_of(name: str) -> RunResult:
    scenario = read_scenario(FOLDER / name).scenario
    return run(scenario, replications=10, seed=20261201, executor=shared_pool(2))


@pytest.fixture(scope="module")
def default_result() -> RunResult:
    return result_of("default.toml")


@pytest.fixture(scope="module")
def quality_result() -> RunResult:
    return result_of("quality-play.toml")


def inside(result: RunResult, metric: str, band: tuple[float, float]) -> None:
    s = result.summary[metric]
    margin = 3 * s.sd / s.n**0.5
    assert band[0] + margin <= s.mean <= band[1] - margin, (metric, s.mean, margin, band)


@pytest.mark.slow
@pytest.mark.parametrize("metric", DEFAULT_BANDS)
def test_default_scenario_lands_in_its_calibration_band(default_result, metric):
    inside(default_result, metric, DEFAULT_BANDS[metric])


@pytest.mark.slow
@pytest.mark.parametrize("metric", QUALITY_BANDS)
def test_quality_play_lands_in_the_healthy_waterfall(quality_result, metric):
    inside(quality_result, metric, QUALITY_BANDS[metric])


@pytest.mark.slow
def test_default_scenario_starts_with_few_reps_convinced(default_result):
    """About 7% of reps think marketing's leads are good (MASS Engines): the first week's share
    of convinced reps is near that, and trust is low."""
    convinced = default_result.weekly["reps_convinced"].mean[0]
    assert 0.03 <= convinced <= 0.12
    assert default_result.weekly["trust"].mean[0] < 0.4
