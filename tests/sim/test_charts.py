"""The charts as drawing functions: every registered chart draws a real run with a title,
labelled axes, legends that hide no data, no two words on top of each other and nothing cut off at
the figure's edge, at a window's size and at a PNG's; `save_chart` writes real PNG and SVG files;
and nothing in sim/ outside sim/charts and sim/report pulls in matplotlib or Qt."""

from __future__ import annotations

import datetime as dt
import itertools
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import Collection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

import sim
from sim.charts import CHARTS, draw_chart, get_chart, new_figure, save_chart
from sim.charts.axes import compact, count, date_axis, money, step_dates
from sim.charts.drivers import NO_RANGES
from sim.labels import input_label
from sim.results import RunResult
from sim.runner import InlineExecutor, run
from sim.scenario import Scenario

SMALL = {"simulation": {"weeks": 12, "warmup_weeks": 2}}
# (width px, height px, dpi): the results side of a 1280x800 window, a 1920x1080 one, a PNG.
SIZES = [(625, 330, 100), (1260, 520, 100), (1600, 900, 150)]


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    data = Scenario.model_validate(SMALL).model_dump()
    data["channels"][0]["base_cpl"] = {"dist": "triangular", "low": 60, "mode": 100, "high": 160}
    data["deals"]["win_rate"] = {"dist": "uniform", "low": 0.2, "high": 0.4}
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def result(scenario: Scenario) -> RunResult:
    """Ranges on two inputs, so the uncertainty chart has a ranking to draw."""
    return run(scenario, replications=5, seed=3, executor=InlineExecutor())


@pytest.fixture(scope="module")
def plain() -> RunResult:
    return run(Scenario.model_validate(SMALL), replications=2, seed=3, executor=InlineExecutor())


def drawn(name: str, result: RunResult, scenario: Scenario | None, size: Any, **kw: Any) -> Figure:
    width, height, dpi = size
    min_w, min_h = get_chart(name).min_size
    fig = new_figure(max(width, min_w), max(height, min_h), dpi)
    FigureCanvasAgg(fig)
    draw_chart(name, fig, result, scenario, **kw)
    fig.canvas.draw()
    return fig


def data_extents(fig: Figure) -> list[Bbox]:
    """Where lines, bars and shaded bands are drawn, in pixels, within their axes."""
    boxes = []
    for ax in fig.axes:
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        artists = [*ax.lines, *ax.patches, *ax.collections]
        for artist in artists:
            if isinstance(artist, Line2D) and len(artist.get_xdata()) == 0:
                continue
            if isinstance(artist, Rectangle) and artist.get_width() == 0:
                continue
            if not isinstance(artist, Line2D | Rectangle | Collection):
                continue
            box = artist.get_window_extent(renderer)
            clipped = Bbox.intersection(box, ax.bbox)
            if clipped is not None and clipped.width > 0 and clipped.height > 0:
                boxes.append(clipped)
    return boxes


def legends(fig: Figure) -> list[Legend]:
    found = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return [*found, *fig.legends]


def words(fig: Figure) -> list[Text]:
    """Every visible piece of text (titles, labels, tick labels, notes, legend entries)."""
    texts = [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_figure() is not None
    ]
    return [t for t in texts if not _hidden_tick(t)]


def _hidden_tick(text: Text) -> bool:
    """Tick labels outside the view (matplotlib keeps them, invisible in effect)."""
    for ax in text.get_figure().axes:
        for axis in (ax.xaxis, ax.yaxis):
            if text in axis.get_ticklabels(which="both"):
                lo, hi = axis.get_view_interval()
                x, y = text.get_position()
                value = x if axis is ax.xaxis else y
                return not (min(lo, hi) - 1e-9 <= value <= max(lo, hi) + 1e-9)
    return False


def overlap(a: Bbox, b: Bbox, tolerance: float = 1.0) -> bool:
    return (
        min(a.x1, b.x1) - max(a.x0, b.x0) > tolerance
        and min(a.y1, b.y1) - max(a.y0, b.y0) > tolerance
    )


def test_the_registry_lists_seven_charts_in_dashboard_order():
    assert list(CHARTS) == [
        "funnel",
        "weekly_volumes",
        "spend_brand",
        "sales_capacity",
        "rejections",
        "attribution",
        "drivers",
    ]
    for chart in CHARTS.values():
        assert chart.title and chart.tab and callable(chart.draw)
        assert get_chart(chart.draw) is chart
    with pytest.raises(ValueError, match="unknown chart"):
        get_chart("pie")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(CHARTS))
def test_every_chart_reads_well(name: str, size: Any, result: RunResult, scenario: Scenario):
    assert_reads_well(name, drawn(name, result, scenario, size))


@pytest.mark.parametrize("kpi", ["marketing_sourced_revenue_share", "cac"])
def test_a_long_kpi_name_wraps_the_title_at_the_smallest_size(
    kpi: str, result: RunResult, scenario: Scenario
):
    fig = drawn("drivers", result, scenario, (480, 300, 100), kpi=kpi)
    assert_reads_well("drivers", fig)


def assert_reads_well(name: str, fig: Figure) -> None:
    """A title, labelled axes, legends that hide no data, no words cut off or on each other."""
    assert fig.get_suptitle(), "a chart without a title"
    axes = [ax for ax in fig.axes if ax.axison]
    assert axes and all(ax.has_data() for ax in axes)
    for ax in axes:
        assert ax.get_ylabel(), f"{name}: an axis without a y label"
        if any(label.get_visible() and label.get_text() for label in ax.get_xticklabels()):
            assert ax.get_xlabel(), f"{name}: an x-axis with tick labels but no label"
    assert legends(fig), f"{name}: nothing explains the colours, bands or whiskers"

    data = data_extents(fig)
    for legend in legends(fig):
        box = legend.get_window_extent()
        hidden = [d for d in data if overlap(box, d)]
        assert not hidden, f"{name}: the legend {box} covers data at {hidden[:3]}"

    placed = [(text.get_text(), text.get_window_extent()) for text in words(fig)]
    frame = fig.bbox
    for text, box in placed:
        assert (
            box.x0 >= frame.x0 - 1
            and box.x1 <= frame.x1 + 1
            and box.y0 >= frame.y0 - 1
            and box.y1 <= frame.y1 + 1
        ), f"{name}: {text!r} is cut off at the edge ({box} in {frame})"
    for (a, box_a), (b, box_b) in itertools.combinations(placed, 2):
        assert not overlap(box_a, box_b, 2.0), f"{name}: {a!r} and {b!r} are drawn on each other"


def test_a_short_run_names_its_months_and_shades_the_warm_up(plain: RunResult):
    fig = drawn("weekly_volumes", plain, None, SIZES[2])
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    first = plain.week_starts[0]
    assert ticks[0] in (f"{first:%b %Y}", f"{first.replace(month=first.month % 12 + 1):%b %Y}")
    assert len(ticks) >= 2
    assert "warm-up (not counted)" in [t.get_text() for t in fig.findobj(Text)]


def time_axis(width_px: int, years: int) -> list[str]:
    fig = new_figure(width_px, 300, 100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    weeks = [dt.date(2026, 1, 5) + dt.timedelta(weeks=w) for w in range(52 * years)]
    ax.plot(step_dates(weeks)[:-1], range(len(weeks)))
    date_axis(ax, weeks, 26)
    fig.canvas.draw()
    labels = [t for t in ax.get_xticklabels() if t.get_text()]
    boxes = [t.get_window_extent() for t in labels]
    assert not any(overlap(a, b, 0) for a, b in itertools.combinations(boxes, 2))
    return [t.get_text() for t in labels]


def test_quarter_labels_thin_out_rather_than_run_together():
    every = ["2026 Q2", "2026 Q3", "2026 Q4", "2027 Q1", "2027 Q2", "2027 Q3", "2027 Q4"]
    assert time_axis(900, 2) == [*every, "2028 Q1"]
    assert time_axis(500, 2) == ["2026 Q3", "2027 Q1", "2027 Q3", "2028 Q1"]
    assert time_axis(400, 5) == ["2027", "2028", "2029", "2030"]


def test_money_is_labelled_in_the_scenario_currency(result: RunResult):
    fig = drawn("attribution", result, None, SIZES[2])
    assert f"({result.currency})" in fig.axes[0].get_xlabel()
    assert any(t.get_text().startswith(f"{result.currency} ") for t in fig.findobj(Text))


def test_attribution_draws_the_model_and_measure_asked_for(result: RunResult):
    first = drawn("attribution", result, None, SIZES[2])
    influence = drawn("attribution", result, None, SIZES[2], model="influence")
    assert "influence" in influence.get_suptitle()
    widths = [[bar.get_width() for bar in f.axes[0].patches] for f in (first, influence)]
    assert widths[0] != widths[1]
    pipeline = drawn("attribution", result, None, SIZES[2], measure="pipeline")
    assert pipeline.axes[0].get_xlabel().startswith("Pipeline")
    with pytest.raises(ValueError, match="model is one of"):
        drawn("attribution", result, None, SIZES[2], model="last_click")


def test_the_sla_panel_names_the_scenarios_follow_up_time(result: RunResult, scenario: Scenario):
    fig = drawn("sales_capacity", result, scenario, SIZES[2])
    hours = f"within {scenario.definitions.sla_hours:g} business hours"
    assert any(hours in t.get_text() for t in fig.findobj(Text))


def test_drivers_without_ranges_say_how_to_get_them(plain: RunResult):
    fig = drawn("drivers", plain, None, SIZES[0])
    assert NO_RANGES in " ".join(t.get_text().replace("\n", " ") for t in fig.findobj(Text))
    assert fig.get_suptitle()


def test_drivers_rank_the_ranged_inputs_by_name(result: RunResult, scenario: Scenario):
    fig = drawn("drivers", result, scenario, SIZES[1], kpi="won")
    ax = fig.axes[0]
    labels = {t.get_text() for t in ax.get_yticklabels()}
    assert labels == {"Paid search: Base CPL", "Deals: Win rate"}
    assert "Won deals" in fig.get_suptitle()
    legend = ax.get_legend()
    assert legend is not None and "R²" in legend.get_title().get_text()


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_save_chart_writes_the_format_its_name_asks_for(
    tmp_path: Path, result: RunResult, suffix: str
):
    path = save_chart("funnel", result, tmp_path / f"funnel.{suffix}", 800, 450, dpi=100)
    content = path.read_bytes()
    if suffix == "png":
        assert content[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", content[16:24])
        assert (width, height) == (800, 450)
    else:
        root = ET.fromstring(content)
        assert root.tag.endswith("svg")
        assert b"Marketing funnel" in content


def test_save_chart_takes_a_drawing_function_and_the_scenario(
    tmp_path: Path, result: RunResult, scenario: Scenario
):
    from sim.charts.drivers import draw_drivers

    path = save_chart(draw_drivers, result, tmp_path / "d.svg", scenario=scenario, kpi="mql")
    assert b"Paid search: Base CPL" in path.read_bytes()
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        save_chart("funnel", result, tmp_path / "funnel.jpg")


def test_numbers_read_as_a_planner_writes_them():
    assert compact(58_356_512.4) == "58.4M"
    assert compact(37_631.5) == "37,632"
    assert compact(0.25) == "0.25"
    assert count(87.75) == "88"
    assert money(869_057, "EUR") == "EUR 869k"
    assert money(116.45, "USD") == "USD 116"
    assert money(12.5, "USD") == "USD 12.5"


def test_input_paths_read_as_field_names():
    scenario = Scenario.model_validate(SMALL)
    second = scenario.channels[1].name
    assert input_label("channels[1].base_cpl", scenario) == f"{second}: Base CPL"
    assert input_label(f'channels["{second}"].base_cpl') == f"{second}: Base CPL"
    assert input_label("deals.win_rate", scenario) == "Deals: Win rate"
    assert input_label("sales.ae_count") == "Sales: AE count"


def test_only_charts_and_the_report_import_matplotlib_and_nothing_in_sim_imports_qt():
    """Import every other sim module in a fresh interpreter: neither matplotlib nor PySide6 may
    be loaded (sim/cli.py imports sim.charts inside the command that saves a PNG)."""
    root = Path(sim.__file__).parent
    modules = sorted(
        "sim." + ".".join(path.relative_to(root).with_suffix("").parts)
        for path in root.rglob("*.py")
        if path.relative_to(root).parts[0] not in ("charts", "report") and path.stem != "__main__"
    )
    modules = [m.removesuffix(".__init__") for m in modules]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'PySide6'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"imported by sim/: {done.stdout.strip()[:200]}"
    assert len(modules) > 10
