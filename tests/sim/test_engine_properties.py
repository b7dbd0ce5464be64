"""Property tests: invariants of the engine that hold for every scenario, checked by hypothesis on
small random scenarios (12-20 weeks, budgets and organic volumes scaled down so a replication
takes a fraction of a second).

Drawn: MQL threshold and fit minimum, junk ratio of targeting, SDR and AE counts and AE slots,
trust (start, spread, learning, team influence, follow-all/none shares, deferral, evidence
weight), review step, learning from rejections, nurture cadence and relevance, queue order,
handling times, attempts, duty hours, SLA, BANT items required, brand lag, seed.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model.codes import (
    ANONYMOUS,
    CREATION,
    CREATION_DEMO,
    LOSS,
    REASON,
    Source,
    Stage,
    State,
)
from sim.model.funnel import FunnelModel
from sim.model.recorder import ATTRIBUTION_MODELS, ReplicationRecord
from sim.scenario import Scenario

PROPERTY_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
REVIEW_REASONS = (REASON["review_junk"], REASON["review_poor_fit"])
unit = st.floats(0.0, 1.0)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    weeks = draw(st.integers(12, 20))
    scale = draw(st.floats(0.05, 0.6))
    channels = []
    for c in Scenario().channels:
        data = c.model_dump()
        data["weekly_budget"] *= scale
        data["weekly_leads"] *= scale
        data["targeting_breadth"] = draw(unit)
        channels.append(data)
    follow_all = draw(st.floats(0.0, 0.5))
    follow_none = draw(st.floats(0.0, 1.0 - follow_all))
    return Scenario.model_validate(
        {
            "simulation": {
                "weeks": weeks,
                "warmup_weeks": draw(st.integers(0, 4)),
                "arrival_pattern": draw(st.sampled_from(["business_week", "flat"])),
            },
            "channels": channels,
            "targeting": {"junk_ratio_broad_to_narrow": draw(st.floats(1.0, 12.0))},
            "brand": {"lag_weeks": draw(st.integers(0, 8))},
            "definitions": {
                "mql_threshold": draw(st.floats(10.0, 90.0)),
                "fit_minimum": draw(st.floats(0.0, 25.0)),
                "review_step": draw(st.booleans()),
                "demo_request_is_mql": draw(st.booleans()),
                "sla_hours": draw(st.floats(0.5, 48.0)),
                "sql_requires_budget": draw(st.booleans()),
                "sql_requires_need": draw(st.booleans()),
                "sql_requires_authority": draw(st.booleans()),
                "sql_requires_timing": draw(st.booleans()),
            },
            "nurture": {
                "touches_per_week": draw(st.floats(0.0, 3.0)),
                "content_relevance": draw(unit),
            },
            "sales": {
                "sdr_count": draw(st.integers(1, 8)),
                "ae_count": draw(st.integers(1, 6)),
                "ae_max_open_opportunities": draw(st.integers(1, 40)),
                "queue_order": draw(st.sampled_from(["fifo", "score"])),
                "handling_times": draw(st.sampled_from(["fixed", "exponential"])),
                "max_attempts": draw(st.integers(1, 5)),
                "always_on_duty": draw(st.booleans()),
                "contact_rate": draw(st.floats(0.2, 1.0)),
                "outbound_sqls_per_hour": draw(st.floats(0.0, 0.15)),
                "target_accounts": draw(st.integers(1, 30000)),
                "account_rest_weeks": draw(st.floats(0.0, 30.0)),
                "ae_backlog_limit": draw(st.floats(0.0, 20.0)),
                "sql_max_wait_days": draw(st.floats(1.0, 90.0)),
                "outbound_budget_share": draw(unit),
            },
            "review": {
                "reviewer_hours_per_week": draw(st.floats(0.5, 40.0)),
                "minutes_per_review": draw(st.floats(0.0, 30.0)),
                "attach_evidence": draw(st.booleans()),
            },
            "trust": {
                "initial_mean": draw(unit),
                "initial_spread": draw(st.floats(0.0, 0.5)),
                "learning_rate": draw(st.floats(0.0, 0.5)),
                "team_influence": draw(unit),
                "share_follow_all": follow_all,
                "share_follow_none": follow_none,
                "defer_weight": draw(unit),
                "evidence_weight": draw(unit),
                "slack_weight": draw(unit),
            },
            "learning": {
                "enabled": draw(st.booleans()),
                "rate": draw(unit),
                "floor": draw(unit),
            },
        }
    )


def run(s: Scenario, seed: int) -> tuple[FunnelModel, ReplicationRecord]:
    model = FunnelModel(s, np.random.SeedSequence(seed))
    return model, model.run()


@PROPERTY_SETTINGS
@given(s=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_engine_invariants_hold_for_any_scenario(s: Scenario, seed: int):
    model, record = run(s, seed)
    L, w = model.leads, record.weekly
    n = L.n
    state, reached = np.asarray(model.state), np.asarray(model.reached)

    # Every lead is in exactly one state: one entry per lead in each per-lead list, each a
    # valid code (a bincount over n states sums to n whatever they are, so that is no check).
    assert len(state) == len(reached) == len(model.visits) == len(model.left_at) == n
    assert np.isin(state, np.arange(len(State.NAMES))).all()
    assert np.isin(reached, np.arange(Stage.WON + 1)).all()
    states = np.bincount(state, minlength=len(State.NAMES))

    # Opportunities: every one opened is open, won or lost; an SQL waits, opened or went cold.
    opened = w["opportunities"].sum()
    assert opened == states[State.OPPORTUNITY] + states[State.WON] + states[State.LOST]
    assert w["won"].sum() == states[State.WON]
    assert w["lost"].sum() == states[State.LOST]
    assert w["sql_cold"].sum() == states[State.COLD]
    assert w["sql"].sum() == opened + states[State.SQL_WAIT] + states[State.COLD]
    slots = s.sales.ae_count * s.sales.ae_max_open_opportunities
    assert np.all(w["in_opportunity"] <= slots)
    for base in ("sql", "opportunities", "won", "revenue", "pipeline"):
        parts = sum(w[f"{base}_{src}"] for src in ("marketing", "sales", "partner"))
        np.testing.assert_allclose(parts, w[base], rtol=1e-9, atol=1e-6, err_msg=base)

    # The furthest stage reached agrees with the state each lead ended in.
    for st_, lowest, highest in (
        (State.NURTURE, Stage.LEAD, Stage.SAL),  # an SQL never goes back to nurture
        (State.REVIEW, Stage.MQL, Stage.SAL),
        (State.SALES, Stage.HANDED, Stage.SAL),
        (State.SQL_WAIT, Stage.SQL, Stage.SQL),
        (State.COLD, Stage.SQL, Stage.SQL),
        (State.OPPORTUNITY, Stage.OPPORTUNITY, Stage.OPPORTUNITY),
        (State.LOST, Stage.OPPORTUNITY, Stage.OPPORTUNITY),
        (State.WON, Stage.WON, Stage.WON),
        (State.DISQUALIFIED, Stage.MQL, Stage.SAL),
    ):
        of_state = reached[state == st_]
        assert np.all((of_state >= lowest) & (of_state <= highest)), State.NAMES[st_]

    # First-time MQLs and SALs: at most one per inbound lead; sales-sourced leads are neither.
    sales_sourced = L["source"] == Source.SALES
    inbound = n - np.count_nonzero(sales_sourced)
    assert w["leads"].sum() == inbound
    assert w["mql"].sum() == np.count_nonzero((reached >= Stage.MQL) & ~sales_sourced)
    assert w["sal"].sum() == np.count_nonzero((reached >= Stage.SAL) & ~sales_sourced)
    assert w["sal"].sum() <= w["mql"].sum() <= inbound
    assert w["sal"].sum() <= w["sal_acceptances"].sum() <= w["mql_handoffs"].sum()

    # Every hand-off ends in exactly one verdict (a rejection reason or an SQL) or is still
    # with sales at the end.
    sdr_verdicts = np.delete(record.reasons.sum(axis=0), REVIEW_REASONS).sum()
    inbound_sqls = w["sql"].sum() - w["sql_sales"].sum()
    assert w["mql_handoffs"].sum() == sdr_verdicts + inbound_sqls + states[State.SALES]
    assert w["first_attempts"].sum() + w["ignored"].sum() <= w["mql_handoffs"].sum()
    assert record.reasons[:, REASON["ignored"]].sum() == w["ignored"].sum()
    if not s.definitions.review_step:
        assert record.reasons[:, list(REVIEW_REASONS)].sum() == 0
        assert states[State.REVIEW] == 0
    assert record.reasons[:, list(REVIEW_REASONS)].sum() == w["review_stopped"].sum()
    assert np.all(record.speed_sqls <= record.speed_first_attempts)
    if not s.definitions.sql_requires_need:
        assert record.reasons[:, REASON["poor_fit"]].sum() == 0

    # Prospecting never works more accounts than the universe holds, nor pays idle hours.
    assert np.all(w["accounts_available"] <= s.sales.target_accounts)
    assert np.all(w["sdr_idle_hours"] <= np.maximum(w["sdr_hours"] - w["sdr_mql_hours"], 0) + 1e-6)

    # Cohorts are nested: each stage counts a subset of the one before.
    chain = [
        "cohort_leads",
        "cohort_mql",
        "cohort_handed",
        "cohort_sal",
        "cohort_sql",
        "cohort_opportunity",
        "cohort_won",
    ]
    for wider, narrower in itertools.pairwise(chain):
        assert np.all(w[narrower] <= w[wider]), f"{narrower} > {wider}"
    assert w["cohort_leads"].sum() == w["marketing_leads"].sum()
    for src in ("sales", "partner"):
        chain = [f"cohort_sql_{src}", f"cohort_opportunity_{src}", f"cohort_won_{src}"]
        for wider, narrower in itertools.pairwise(chain):
            assert np.all(w[narrower] <= w[wider]), f"{narrower} > {wider}"

    # Each funnel MQL that is no SQL has one last reason or awaits its verdict at the end; each
    # SQL that is not won was lost (with a reason), went cold, or is still open.
    marketing = L["source"] == Source.MARKETING
    not_sql = marketing & (reached >= Stage.MQL) & (reached < Stage.SQL)
    assert record.mql_outcomes.sum() == np.count_nonzero(not_sql)
    assert record.mql_outcomes.sum() == w["cohort_mql"].sum() - w["cohort_sql"].sum()
    awaiting = not_sql & np.isin(state, [State.REVIEW, State.SALES])
    assert record.mql_outcomes[:, -1].sum() == np.count_nonzero(awaiting)
    sqls = sum(w[f"cohort_sql{tail}"].sum() for tail in ("", "_sales", "_partner"))
    wins = sum(w[f"cohort_won{tail}"].sum() for tail in ("", "_sales", "_partner"))
    assert record.sql_outcomes.sum() == sqls - wins
    open_ = (reached >= Stage.SQL) & np.isin(state, [State.SQL_WAIT, State.OPPORTUNITY])
    assert record.sql_outcomes[:, -1].sum() == np.count_nonzero(open_)
    assert record.sql_outcomes[:, LOSS["went_cold"]].sum() == states[State.COLD]

    # Attribution: each credit model sums, week by week, to revenue and pipeline.
    for m, name in enumerate(ATTRIBUTION_MODELS):
        assert np.all(record.revenue_credit[:, :, m] >= -1e-9), name
        assert np.all(record.pipeline_credit[:, :, m] >= -1e-9), name
        if name == "influence":
            continue
        np.testing.assert_allclose(
            record.revenue_credit[:, :, m].sum(axis=1), w["revenue"], rtol=1e-9, atol=1e-6
        )
        np.testing.assert_allclose(
            record.pipeline_credit[:, :, m].sum(axis=1), w["pipeline"], rtol=1e-9, atol=1e-6
        )
    influence = record.revenue_credit[:, :, ATTRIBUTION_MODELS.index("influence")].sum(axis=0)
    assert np.all(influence <= w["revenue"].sum() + 1e-6)

    # Weekly series are finite and non-negative; trust and shares stay in [0, 1].
    for name, series in w.items():
        assert np.all(np.isfinite(series)), name
        assert np.all(series >= 0), f"{name} has a negative week: {series.min()}"
    assert np.all(record.reasons >= 0) and np.all(record.loss_reasons >= 0)
    for name in ("trust", "reps_convinced", "awareness"):
        assert np.all((w[name] >= 0) & (w[name] <= 1)), name
    level = np.asarray(model.trust.level)
    assert np.all((level >= 0) & (level <= 1))


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(s=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_same_seed_gives_identical_records(s: Scenario, seed: int):
    (m1, a), (m2, b) = run(s, seed), run(s, seed)
    assert a.weekly.keys() == b.weekly.keys()
    for name in a.weekly:
        np.testing.assert_array_equal(a.weekly[name], b.weekly[name], err_msg=name)
    for attr in (
        "reasons",
        "loss_reasons",
        "mql_outcomes",
        "sql_outcomes",
        "revenue_credit",
        "pipeline_credit",
        "speed_first_attempts",
        "speed_sqls",
    ):
        np.testing.assert_array_equal(getattr(a, attr), getattr(b, attr), err_msg=attr)
    assert a.channel_names == b.channel_names
    assert a.events == b.events
    assert m1.leads.n == m2.leads.n
    assert m1.state == m2.state and m1.reached == m2.reached
    for column in ("created", "fit", "key"):
        np.testing.assert_array_equal(m1.leads[column], m2.leads[column], err_msg=column)
    assert m1.deals == m2.deals


def test_no_touch_or_mql_precedes_its_lead_s_creation():
    s = Scenario.model_validate({"simulation": {"weeks": 12, "warmup_weeks": 2}})
    model, record = run(s, 1)
    L, T = model.leads, model.touches
    kept = L["touch_end"] > L["touch_start"]  # the paths kept: of the leads that reach sales
    sourced = L["source"] == Source.SALES  # a creating touch each, no card (no MQL to come)
    assert (kept & ~sourced).sum() == len(model.cards)
    assert np.all(kept[sourced])
    lead_of = np.repeat(np.arange(L.n), L["touch_end"] - L["touch_start"])
    time, kind = T["time"], T["kind"]
    engaged = ~np.isin(kind, (ANONYMOUS, CREATION, CREATION_DEMO))
    assert np.all(np.isin(kind[L["touch_start"][kept]], (CREATION, CREATION_DEMO)))
    early = engaged & (time < L["created"][lead_of])
    same_lead = lead_of[1:] == lead_of[:-1]
    unsorted = same_lead & (np.diff(time) < 0)
    assert not early.any(), f"{early.sum()} engagements before their lead was created"
    assert not unsorted.any(), f"{unsorted.sum()} touch paths out of time order"
    assert np.all(record.weekly["mql_age_days"] >= 0), "an MQL before its lead was created"


class Snapshots(FunnelModel):
    """The model, noting every lead's state (and where it stands) at each week's end."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.ends: list[tuple[np.ndarray, float]] = []

    def _close_week(self, week: int) -> None:
        self.ends.append((np.asarray(self.state), self.env.now))
        super()._close_week(week)


@pytest.mark.parametrize(
    "settings",
    [
        # a swamped desk (one rep who follows every MQL up): leads go cold waiting for it
        {"sales": {"sdr_count": 1}, "trust": {"share_follow_all": 1.0, "share_follow_none": 0.0}},
        {"definitions": {"review_step": True}, "review": {"reviewer_hours_per_week": 4.0}},
    ],
    ids=["one SDR", "review backlog"],
)
def test_the_weekly_levels_are_the_leads_states_at_each_week_end(settings: dict) -> None:
    """At each week's end "in sales" is every MQL with sales or in review (ones the review will
    stop included), and "in nurture" every inbound lead created by then that is in nurture and
    has not gone cold yet. The levels once counted a lead that went cold while with sales out of
    nurture twice, and left MQLs the review would stop out of "in sales"."""
    s = Scenario.model_validate({"simulation": {"weeks": 30, "warmup_weeks": 4}, **settings})
    model = Snapshots(s, np.random.SeedSequence(5))
    weekly = model.run().weekly
    L = model.leads
    inbound, created, cold = L["source"] != Source.SALES, L["created"], L["cold"]
    stopped = np.isin(model.last_reason, [REASON["review_junk"], REASON["review_poor_fit"]])
    gone_cold_with_sales = awaiting_a_stop = 0
    for week, (state, now) in enumerate(model.ends):
        known = len(state)  # leads created by now (later batches are not in the list yet)
        with_sales = (state == State.SALES) | (state == State.REVIEW)
        nurturing = (state == State.NURTURE) & inbound[:known] & (created[:known] <= now)
        nurturing &= cold[:known] > now
        assert weekly["in_sales"][week] == with_sales.sum(), week
        assert weekly["in_nurture"][week] == nurturing.sum(), week
        gone_cold_with_sales = max(gone_cold_with_sales, (with_sales & (cold[:known] <= now)).sum())
        awaiting_a_stop = max(awaiting_a_stop, (with_sales & stopped[:known]).sum())
    assert weekly["in_sales"].max() > 100, "the case needs a backlog to test anything"
    assert gone_cold_with_sales > 10, "and leads that went cold in it"
    if s.definitions.review_step:  # in review until the verdict, the ones it stops too
        assert awaiting_a_stop > 10
