"""The Compare & Plan charts read well at the sizes the window gives them and in a PNG (titles,
labelled axes, legends that hide no data, nothing cut off or drawn on other words), and they
say the same numbers as the workspace's table and the cards."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from test_charts import data_extents, legends, overlap, words

from sim.charts import PLAN_CHARTS, draw_plan_chart, new_figure
from sim.overrides import apply_settings
from sim.plan.brand_zero import without_brand
from sim.plan.words import amount
from sim.runner import replication_seed, summarize
from sim.scenario import Scenario
from sim.workspace import WORKSPACE_SERIES, Snapshot, Workspace

N = 3
# (width px, height px, dpi): the Compare & Plan page's chart at 1280x800 and 1920x1080, a PNG.
SIZES = [(900, 400, 100), (1260, 560, 100), (1600, 900, 150)]
CHARTS = ("funnel_by_scenario", "cumulative_revenue", "time_use", "brand_effect")
MIN_SIZE = {"brand_effect": (760, 500)}


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    base = apply_settings(Scenario(), ["simulation.weeks=30", "simulation.warmup_weeks=4"])
    workspace = Workspace(base, planned=N)
    workspace.pin_baseline()
    workspace.add(apply_settings(base, ["sales.sdr_count=11"]), "variant", "Three more SDRs")
    workspace.add(without_brand(base), "brand_zero", without_brand(base).name)
    for key, scenario, _first in workspace.incomplete():
        workspace.start_run(key, N)
        for i in range(N):
            summary = summarize(
                scenario, replication_seed(key.seed, i), False, series=WORKSPACE_SERIES
            )
            workspace.record(key, i, summary)
    found = workspace.snapshot()
    assert found is not None
    return found


def drawn(name: str, snapshot: Snapshot, size: Any) -> Figure:
    width, height, dpi = size
    min_w, min_h = MIN_SIZE.get(name, (0, 0))
    fig = new_figure(max(width, min_w), max(height, min_h), dpi)
    FigureCanvasAgg(fig)
    shown = snapshot.brand_effect() if name == "brand_effect" else snapshot
    draw_plan_chart(name, fig, shown)
    fig.canvas.draw()
    return fig


def test_the_compare_view_charts_are_planning_charts():
    assert set(CHARTS) <= set(PLAN_CHARTS)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", CHARTS)
def test_every_compare_chart_reads_well(name: str, size: Any, snapshot: Snapshot):
    fig = drawn(name, snapshot, size)
    assert fig.get_suptitle(), "a chart without a title"
    axes = [ax for ax in fig.axes if ax.axison]
    assert axes and all(ax.has_data() for ax in axes)
    for ax in axes:
        assert ax.get_ylabel() or not any(t.get_text() for t in ax.get_yticklabels()), name
        if any(label.get_visible() and label.get_text() for label in ax.get_xticklabels()):
            assert ax.get_xlabel(), f"{name}: an x-axis with tick labels but no label"
    assert legends(fig), f"{name}: nothing explains the colours"
    data = data_extents(fig)
    for legend in legends(fig):
        box = legend.get_window_extent()
        assert not [d for d in data if overlap(box, d)], f"{name}: the legend covers data"
    placed = [(text.get_text(), text.get_window_extent()) for text in words(fig)]
    frame = fig.bbox
    for text, box in placed:
        inside = box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1
        assert inside and box.y0 >= frame.y0 - 1 and box.y1 <= frame.y1 + 1, (name, text)
    for (a, box_a), (b, box_b) in itertools.combinations(placed, 2):
        assert not overlap(box_a, box_b, 2.0), f"{name}: {a!r} and {b!r} are drawn on each other"


def test_the_cumulative_chart_says_the_tables_revenue(snapshot: Snapshot):
    fig = drawn("cumulative_revenue", snapshot, SIZES[1])
    texts = [t.get_text() for t in words(fig)]
    for member in snapshot.members:
        revenue = [r.metrics["horizon"]["revenue"] for r in member.replications]
        mean = amount(sum(revenue) / len(revenue), "currency", snapshot.currency)
        assert any(t.startswith(f"{member.name}: {mean}") for t in texts), (member.name, mean)


@pytest.mark.parametrize("width", [740, 900, 1120])
def test_long_legend_entries_of_the_cumulative_chart_stay_inside_the_figure(width: int):
    """Long names with their payback ('...: USD 81.86M; no payback within the measured weeks')
    were cut off at the figure's right edge at the page's size at 1280x800."""
    base = apply_settings(
        Scenario(name="Default: today's problem"),
        ["simulation.weeks=30", "simulation.warmup_weeks=4"],
    )
    workspace = Workspace(base, planned=2)
    workspace.pin_baseline()
    workspace.add(apply_settings(base, ["sales.sdr_count=6"]), "file", "Quality play")
    workspace.add(without_brand(base), "brand_zero", "Default: today's problem, brand spend at 0")
    for key, scenario, _first in workspace.incomplete():
        workspace.start_run(key, 2)
        for i in range(2):
            seed = replication_seed(key.seed, i)
            workspace.record(key, i, summarize(scenario, seed, False, series=WORKSPACE_SERIES))
    snapshot = workspace.snapshot()
    assert snapshot is not None
    fig = drawn("cumulative_revenue", snapshot, (width, 360, 100))
    entries = [t for legend in legends(fig) for t in legend.get_texts()]
    assert any("no payback" in t.get_text() for t in entries)
    frame = fig.bbox
    for text in entries:
        box = text.get_window_extent()
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, (width, text.get_text())
