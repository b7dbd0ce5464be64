"""The scoring recurrence and the MQL rule (DOMAIN.md mechanism 3) on hand-built touch paths.

A lead's score at a touch is its observed fit points plus behaviour points that halve every
`decay_half_life_weeks`: S_k = S_{k-1} 2^-(t_k - t_{k-1}) / half-life + points_k. It becomes an MQL
at the first touch where the score reaches the threshold (if its fit points reach the fit
minimum), or at a demo request when a demo request is an immediate MQL. The engine finds these
moments for whole batches at once (engagement.mql_table); here they are checked against numbers
worked out by hand and against the recurrence itself. Each test was seen to fail with its
mechanism switched off in the engine: decay, the demo-request rule, fit points, and (the
agreement test) the batch-wide running sum this file caught, which let a lead with a short
half-life and a long path wipe out the scores of the leads after it in its batch.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model import engagement
from sim.model.codes import CREATION, CREATION_DEMO, DEMO, FIRST_ENGAGEMENT
from sim.model.engagement import (
    NO_MQL,
    ScoringRule,
    Touches,
    _next_crossing,
    mql_table,
)
from sim.scenario import ENGAGEMENT_KINDS, Scenario

FORM, VISIT = FIRST_ENGAGEMENT, FIRST_ENGAGEMENT + 1
HALF_LIFE = 100.0  # hours


def rule(
    threshold: float,
    fit_minimum: float = 0.0,
    demo_is_mql: bool = True,
    half_life: float = HALF_LIFE,
) -> ScoringRule:
    points = np.zeros(CREATION_DEMO + 1)
    points[[CREATION, FORM, VISIT, DEMO, CREATION_DEMO]] = [10.0, 10.0, 4.0, 1.0, 1.0]
    return ScoringRule(threshold, fit_minimum, demo_is_mql, half_life / math.log(2.0), points)


def touches(*paths: list[tuple[float, int]]) -> Touches:
    """Touch paths from (time, kind) lists, one per lead."""
    time = np.array([t for p in paths for t, _ in p], float)
    kind = np.array([k for p in paths for _, k in p], np.int8)
    lengths = [len(p) for p in paths]
    return Touches(
        time=time,
        kind=kind,
        draw=np.full(len(time), -1, np.int64),
        lead=np.repeat(np.arange(len(paths)), lengths),
        offset=np.concatenate(([0], np.cumsum(lengths))).astype(np.int64),
    )


def first_mql(table_rule: ScoringRule, path: list[tuple[float, int]], fit: float = 0.0):
    """(touch index of the lead's first MQL or NO_MQL, its score)."""
    table = mql_table(table_rule, touches(path), np.array([fit]))
    return int(table.cross[0]), float(table.score[0])


def test_behaviour_points_halve_every_half_life() -> None:
    """10 points at creation, 10 more one half-life later: the score is 5 + 10 = 15, so a
    threshold of 15 is reached at the second touch and one of 15.5 never (20 without decay,
    which a test with no decay would let through)."""
    path = [(0.0, CREATION), (HALF_LIFE, FORM)]
    assert first_mql(rule(15.0), path) == (1, pytest.approx(15.0))
    assert first_mql(rule(15.5), path)[0] == NO_MQL
    two_half_lives = [(0.0, CREATION), (2 * HALF_LIFE, FORM)]
    assert first_mql(rule(12.5), two_half_lives) == (1, pytest.approx(12.5))
    assert first_mql(rule(12.6), two_half_lives)[0] == NO_MQL


def test_a_higher_threshold_makes_a_later_mql_and_fit_points_count() -> None:
    """Five 10-point touches an hour apart (decay over an hour: 0.7% per half-life of 100 h)."""
    path = [(0.0, CREATION)] + [(float(h), FORM) for h in range(1, 5)]
    assert first_mql(rule(19.0), path)[0] == 1
    assert first_mql(rule(39.0), path)[0] == 3
    assert first_mql(rule(51.0), path)[0] == NO_MQL
    assert first_mql(rule(39.0), path, fit=12.0)[0] == 2  # 12 fit points + 3 touches' worth


def test_a_demo_request_is_an_immediate_mql_whatever_the_score() -> None:
    """A 1-point demo request crosses a 90-point threshold when the rule says so, not otherwise,
    and even a lead below the fit minimum (never an MQL by score) raises its hand with it."""
    path = [(0.0, CREATION), (5.0, VISIT), (9.0, DEMO), (12.0, FORM)]
    assert first_mql(rule(90.0), path)[0] == 2
    assert first_mql(rule(90.0, demo_is_mql=False), path)[0] == NO_MQL
    assert first_mql(rule(20.0, fit_minimum=30.0), path, fit=25.0)[0] == 2
    assert first_mql(rule(20.0, fit_minimum=30.0, demo_is_mql=False), path, fit=25.0)[0] == NO_MQL
    assert first_mql(rule(20.0, fit_minimum=20.0, demo_is_mql=False), path, fit=25.0)[0] == 0
    creation_demo = [(0.0, CREATION_DEMO), (3.0, FORM)]
    assert first_mql(rule(90.0), creation_demo)[0] == 0  # a lead created by a demo request


def test_a_recycled_lead_scores_again_from_zero() -> None:
    """The table's entry j is the MQL moment of a score reset just before touch j: four 10-point
    touches (an hour apart, so barely decayed) and a threshold of 19 give 1, 2, 3 and never."""
    path = [(0.0, CREATION), (1.0, FORM), (2.0, FORM), (3.0, FORM)]
    table = mql_table(rule(19.0), touches(path), np.array([0.0]))
    assert table.cross.tolist() == [1, 2, 3, NO_MQL]


def random_paths(rng: np.random.Generator, n: int, mean_gap: float) -> list[list[tuple]]:
    kinds = [FORM, VISIT, VISIT, DEMO]
    paths = []
    for _ in range(n):
        k = int(rng.integers(1, 25))
        times = np.cumsum(rng.exponential(mean_gap, k))
        path = [(0.0, CREATION)] + [(float(t), int(rng.choice(kinds))) for t in times]
        paths.append(path)
    return paths


@pytest.mark.parametrize(
    ("half_life", "mean_gap"),
    [
        (100.0, 40.0),
        (1.0, 60.0),
    ],  # the second one's paths are too long for the batch's exponentials
    ids=["batch", "looped"],
)
def test_the_batch_table_agrees_with_the_recurrence(half_life: float, mean_gap: float) -> None:
    """400 random paths: every entry of the batch table (each lead, each reset point) equals the
    recurrence run touch by touch, at several thresholds and fit minimums."""
    rng = np.random.default_rng(2011)
    paths = random_paths(rng, 400, mean_gap)
    fit = rng.uniform(0.0, 40.0, len(paths))
    batch = touches(*paths)
    for threshold, fit_minimum, demo in ((45.0, 0.0, True), (60.0, 15.0, False)):
        r = rule(threshold, fit_minimum, demo, half_life)
        table = mql_table(r, batch, fit)
        points = r.points.tolist()
        for i, path in enumerate(paths):
            t, k = [x for x, _ in path], [y for _, y in path]
            base = int(batch.offset[i])
            for j in range(len(path)):
                when, score = _next_crossing(r, points, t, k, float(fit[i]), j)
                assert table.cross[base + j] == (NO_MQL if when < 0 else base + when)
                if when >= 0:
                    assert table.score[base + j] == pytest.approx(score, rel=1e-9)
        # The first MQLs alone (how the funnel finds which leads need the table): the table's
        # entries of the creating touches.
        np.testing.assert_array_equal(
            engagement.first_mql(r, batch, fit), table.cross[batch.offset[:-1]]
        )


def test_the_table_of_some_leads_is_theirs_in_the_whole_batch() -> None:
    """The funnel keeps the paths and the table of the leads that become MQLs only."""
    rng = np.random.default_rng(7)
    paths = random_paths(rng, 200, 40.0)
    fit = rng.uniform(0.0, 40.0, len(paths))
    batch = touches(*paths)
    r = rule(45.0, 0.0, True, 100.0)
    whole = mql_table(r, batch, fit)
    some = np.array([3, 4, 17, 150, 199])
    part = batch.of_leads(some)
    table = mql_table(r, part, fit[some])
    for j, i in enumerate(some.tolist()):
        a, b = int(batch.offset[i]), int(batch.offset[i + 1])
        assert part.time[part.offset[j] : part.offset[j + 1]].tolist() == batch.time[a:b].tolist()
        cross = table.cross[part.offset[j] : part.offset[j + 1]]
        expected = whole.cross[a:b]
        np.testing.assert_array_equal(
            np.where(cross >= 0, cross - part.offset[j], -1),
            np.where(expected >= 0, expected - a, -1),
        )


def test_the_scenario_s_points_reach_the_rule() -> None:
    """Each engagement kind scores its scenario points; a lead-creating form scores as a form
    fill, as does a demo request; the decay time is the half-life / ln 2."""
    s = Scenario()
    r = ScoringRule.build(s)
    for i, name in enumerate(ENGAGEMENT_KINDS):
        assert r.points[FIRST_ENGAGEMENT + i] == getattr(s.scoring, name).points
    assert r.points[CREATION] == r.points[DEMO] == r.points[CREATION_DEMO] == 10.0
    assert r.decay_hours == pytest.approx(4 * 168 / math.log(2))
    assert r.threshold == s.definitions.mql_threshold
