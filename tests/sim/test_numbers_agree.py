"""Numbers shown side by side agree, on a real short run of the default scenario: the funnel's
arrows are the ratios of the bars they join, its bars are the registry's (the cards') stage
counts, the rejections chart adds up to the gaps between the funnel's bars, and CPL is one
figure whether read from the period summary, the weekly line, the JSON, the CSV or the table."""

from __future__ import annotations

import csv
import itertools
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from sim import overrides
from sim.charts import data, draw_chart, new_figure
from sim.charts.axes import count, percent
from sim.cli_run import format_summary
from sim.files import read_scenario
from sim.metrics import FUNNEL, METRICS, format_value
from sim.results import RunResult
from sim.runner import InlineExecutor, run
from sim.scenario import Scenario

SHORT = ["simulation.weeks=30", "simulation.warmup_weeks=4", "simulation.replications=3"]
DEFAULT = Path(__file__).parents[2] / "scenarios" / "default.toml"


def short(*settings: str) -> Scenario:
    return overrides.apply_settings(read_scenario(DEFAULT).scenario, [*SHORT, *settings])


@pytest.fixture(scope="module")
def result() -> RunResult:
    return run(short(), executor=InlineExecutor())


@pytest.fixture(scope="module")
def reviewed() -> RunResult:
    """With the review step on, the funnel gains a hand-off bar between MQLs and SALs."""
    return run(short("definitions.review_step=true"), executor=InlineExecutor())


def drawn_texts(name: str, result: RunResult) -> list[str]:
    fig = new_figure(1260, 520, 100)
    FigureCanvasAgg(fig)
    draw_chart(name, fig, result)
    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


@pytest.mark.parametrize("which", ["result", "reviewed"])
def test_each_arrow_reads_the_ratio_of_the_two_bars_it_joins(which: str, request):
    result = request.getfixturevalue(which)
    stages = data.funnel(result)
    texts = drawn_texts("funnel", result)
    arrows = {}
    for text in texts:
        if found := re.fullmatch(r"(\d+\.\d)% (.+ → .+)", text):
            arrows[found[2]] = found[1]
    joined = list(itertools.pairwise(stages))
    assert len(arrows) >= len(joined)  # the note adds SQL -> won and MQL -> won
    for upper, lower in joined:
        ratio = lower.parts["marketing"].mean / upper.parts["marketing"].mean
        assert result.summary[lower.rate].mean == ratio, (upper.metric, lower.metric)
        assert arrows[METRICS[lower.rate].label] == f"{100 * ratio:.1f}"
    # Each bar's count is written beside it, the marketing part where other sources add to it.
    for stage in stages:
        total = count(stage.total.mean)
        assert any(t == total or t.startswith(f"{total} (marketing ") for t in texts), total
    names = [s.metric for s in stages]
    assert ("mql_handed" in names) == (which == "reviewed")


def test_the_funnel_bars_are_the_registry_stage_counts(result: RunResult):
    """The same numbers the registry gives the table and the JSON (MQLs and SALs are the cards'
    too), and they nest as stages do."""
    stages = {s.metric: s for s in data.funnel(result)}
    for name in ("mql", "sal", "funnel_sql", "funnel_opportunities", "funnel_won"):
        assert stages[name].total == result.summary[name]
    for name in ("funnel_sql", "funnel_opportunities", "funnel_won"):
        parts = sum(stages[name].parts[src].mean for src in ("marketing", "sales", "partner"))
        assert parts == pytest.approx(result.summary[name].mean, rel=1e-12)
        assert stages[name].parts["sales"].mean > 0  # outbound adds its own SQLs and wins
    for row in result.per_replication:
        marketing = [f"{n}_marketing" if f"{n}_marketing" in row else n for n, _ in FUNNEL]
        chain = [row[name] for name in marketing]
        assert all(a >= b for a, b in itertools.pairwise(chain)), chain
        for src in ("marketing", "sales", "partner"):
            stage = [row[f"funnel_{name}_{src}"] for name in ("won", "opportunities", "sql")]
            assert stage[0] <= stage[1] <= stage[2]
    assert result.summary["sal"].mean < result.summary["mql"].mean


def test_rejections_add_up_to_the_gaps_between_the_funnels_bars(result: RunResult):
    s = result.summary
    rejected = data.rejection_reasons(result)
    assert sum(v.mean for v in rejected.values()) == pytest.approx(
        s["mql"].mean - s["funnel_sql_marketing"].mean, rel=1e-9
    )
    assert rejected["ignored"].mean > 0
    assert rejected["ignored"].p95 <= s["mql"].p5  # never more ignored MQLs than MQLs
    lost = data.loss_reasons(result)
    assert sum(v.mean for v in lost.values()) == pytest.approx(
        s["funnel_sql"].mean - s["funnel_won"].mean, rel=1e-9
    )
    # The panels' headings carry those very totals.
    texts = " ".join(drawn_texts("rejections", result)).replace("\n", " ")
    assert f"{count(s['mql'].mean - s['funnel_sql_marketing'].mean)} of the funnel's" in texts
    assert f"of the funnel's {count(s['mql'].mean)}" in texts
    assert f"of the funnel's {count(s['funnel_sql'].mean)}" in texts


def test_hand_offs_keep_their_own_name_where_re_mqls_count(result: RunResult):
    """Re-MQLs make more hand-offs than MQLs; the label says which is counted."""
    s = result.summary
    assert s["mql_handoffs"].mean > s["mql"].mean
    assert "re-MQLs included" in METRICS["mql_handoffs"].label
    assert "re-MQLs included" in METRICS["sal_acceptances"].label
    assert METRICS["ignored_share"].label == "MQL hand-offs ignored"


def test_the_period_cpl_is_the_weekly_line_weighted_by_paid_leads(result: RunResult):
    """One definition, from the same sums: the weekly line is each week's average media spend
    over its average paid leads, the period figure the same over the window's weeks, so the
    period CPL is exactly the weekly line's mean weighted by each week's average paid leads."""
    weeks = np.arange(result.warmup_weeks, len(result.week_starts))
    line = result.weekly["cpl"].mean[weeks]
    leads = result.weekly["paid_leads"].mean[weeks]
    spend = result.weekly["spend_media"].mean[weeks]
    np.testing.assert_allclose(line, spend / leads, rtol=1e-12)
    period = result.summary["cpl"].mean
    assert np.sum(line * leads) / np.sum(leads) == pytest.approx(period, rel=1e-12)
    assert period == pytest.approx(spend.sum() / leads.sum(), rel=1e-12)
    # Referral fees are not media: the partner channel's fees leave CPL alone.
    assert result.summary["spend"].mean > spend.sum()


def test_cost_per_mql_is_the_spend_over_the_mqls_card(result: RunResult):
    """In every replication, the marketing spend of the period over its MQLs (the card's count:
    marketing leads of the period, each once). It once divided by first MQL events in the
    period, which count partner leads and leads created before it: about a quarter too low."""
    for row in result.per_replication:
        assert row["cost_per_mql"] == pytest.approx(row["spend"] / row["mql"], rel=1e-12)


def test_cpl_is_the_same_figure_in_the_json_csv_and_table(result: RunResult, tmp_path: Path):
    cpl = result.summary["cpl"]
    assert result.to_json()["metrics"]["cpl"]["mean"] == cpl.mean
    result.write_csv(tmp_path / "runs.csv")
    with open(tmp_path / "runs.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    values = [float(row["cpl"]) for row in rows]
    assert values == [row["cpl"] for row in result.per_replication]
    assert min(values) <= cpl.mean <= max(values)
    line = next(ln for ln in format_summary(result).splitlines() if ln.startswith("Cost per lead"))
    assert format_value(cpl.mean, "currency/lead", result.currency) in line


def test_the_notes_overall_rates_are_ratios_of_bars_too(result: RunResult):
    """SQL -> won and MQL -> won (the brief's figures) skip bars, and still divide two of them."""
    s = result.summary
    assert (
        s["rate_sql_to_won"].mean == s["funnel_won_marketing"].mean / s["funnel_sql_marketing"].mean
    )
    assert s["rate_mql_to_won"].mean == s["funnel_won_marketing"].mean / s["mql"].mean
    note = " ".join(drawn_texts("funnel", result)).replace("\n", " ")
    assert f"{percent(s['rate_mql_to_won'].mean, 1)} MQL → won" in note
