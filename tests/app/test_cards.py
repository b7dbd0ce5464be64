"""The KPI cards show the registry's figures: the CPL card is the period CPL of the summary (the
same the table, JSON and weekly line use), and the MQL, SQL and won cards are the funnel's bars."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.results.cards import KpiCards
from sim import overrides
from sim.charts import data
from sim.files import read_scenario
from sim.metrics import METRICS, format_value
from sim.results import RunResult
from sim.runner import InlineExecutor, run

DEFAULT = Path(__file__).parents[2] / "scenarios" / "default.toml"


@pytest.fixture(scope="module")
def result() -> RunResult:
    scenario = overrides.apply_settings(
        read_scenario(DEFAULT).scenario,
        ["simulation.weeks=30", "simulation.warmup_weeks=4", "simulation.replications=3"],
    )
    return run(scenario, executor=InlineExecutor())


def test_the_cpl_card_shows_the_period_cpl(qtbot, result: RunResult):
    cards = KpiCards()
    qtbot.addWidget(cards)
    cards.show_result(result)
    card = cards.cards["cpl"]
    assert card.title.text() == METRICS["cpl"].label
    cpl = result.summary["cpl"]
    assert card.value.text() == format_value(cpl.mean, "currency/lead", result.currency)
    assert card.value.text().startswith(f"{result.currency} ")
    assert card.value.text().endswith("/lead")
    assert "referral fees" in card.toolTip()


def test_the_stage_cards_show_the_registry_s_counts(qtbot, result: RunResult):
    """MQLs are the funnel's bar; SQLs and won deals are what happened in the period (the won
    card matches the revenue beside it), whatever the funnel's leads-of-the-period bars say."""
    cards = KpiCards()
    qtbot.addWidget(cards)
    cards.show_result(result)
    bars = {stage.metric: stage.total.mean for stage in data.funnel(result)}
    shown = {"mql": bars["mql"], "sql": result.summary["sql"].mean}
    shown["won"] = result.summary["won"].mean
    for name, value in shown.items():
        unit = METRICS[name].unit
        assert cards.cards[name].value.text() == format_value(value, unit, result.currency)


def test_every_card_label_has_its_natural_height_and_the_same_gaps(qtbot, window, result):
    """A two-line title's card had its "90% of outcomes" squeezed onto the range below it."""
    from app.results.dashboard import Dashboard

    window.resize(1280, 800)
    dashboard = Dashboard()
    window.set_results_widget(dashboard)
    dashboard.show_result(result, window.scenario)
    qtbot.wait(100)
    cards = dashboard.cards.cards.values()
    assert any(c.title.height() > 1.5 * c.title.fontMetrics().height() for c in cards)  # 2 lines
    gaps = set()
    for card in cards:
        for label in (card.value, card.range_caption, card.range):
            assert label.height() >= label.sizeHint().height()
        width = card.title.width()
        assert card.title.height() >= card.title.heightForWidth(width)
        gaps.add(card.range.y() - card.range_caption.y())
    assert len(gaps) == 1, gaps
