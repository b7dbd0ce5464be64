"""The planning commands: exit statuses (0, 2 naming the field, 1 for an unreachable goal),
the JSON layouts, --set variants, --png charts, and `funnel-lab` routing them to the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.launch import wants_cli
from sim.cli import main
from sim.metrics import HEADLINE, METRICS

SMALL = """schema_version = 1
name = "{name}"
[simulation]
weeks = {weeks}
warmup_weeks = 4
replications = 3
seed = 5
[sales]
sdr_count = {sdrs}
ae_count = {aes}
ae_max_open_opportunities = {opps}
"""


def write(
    tmp_path: Path,
    file: str,
    name: str = "Small",
    weeks: int = 20,
    sdrs: int = 8,
    aes: int = 8,
    opps: int = 100,
) -> str:
    path = tmp_path / file
    path.write_text(SMALL.format(name=name, weeks=weeks, sdrs=sdrs, aes=aes, opps=opps))
    return str(path)


def test_compare_writes_the_documented_json(tmp_path, capsys):
    a, b = write(tmp_path, "a.toml", "Base"), write(tmp_path, "b.toml", "Lean", sdrs=3)
    out = tmp_path / "c.json"
    code = main(
        [
            "compare",
            a,
            b,
            "--workers",
            "1",
            "--kpi",
            "revenue,mql",
            "--json",
            str(out),
            "--set",
            "deals.win_rate=0.6",
            "--png",
            str(tmp_path / "c.png"),
        ]
    )
    assert code == 0
    data = json.loads(out.read_text())
    assert data["baseline"]["name"] == "Base" and data["baseline"]["file"] == a
    assert [x["name"] for x in data["alternatives"]] == ["Lean", "Base with deals.win_rate=0.6"]
    revenue = data["alternatives"][0]["metrics"]["revenue"]
    assert set(revenue) >= {
        "mean",
        "diff_mean",
        "diff_ci_low",
        "diff_ci_high",
        "p_better",
        "p_tie",
        "verdict",
    }
    assert data["best"]["revenue"] == "Base with deals.win_rate=0.6" and data["best"]["mql"] is None
    assert data["seed"] == 5 and data["replications"] == 3
    assert (tmp_path / "c.png").exists() and (tmp_path / "c-time_use.png").exists()
    printed = capsys.readouterr().out
    assert "Lean: Revenue" in printed and "where the sales team's time went" in printed


def test_compare_refuses_different_windows_with_exit_2(tmp_path, capsys):
    a, b = write(tmp_path, "a.toml"), write(tmp_path, "b.toml", weeks=24)
    assert main(["compare", a, b, "--workers", "1"]) == 2
    assert "simulation.weeks" in capsys.readouterr().err


def test_sweep_and_sensitivity_json(tmp_path):
    a = write(tmp_path, "a.toml")
    out = tmp_path / "s.json"
    assert (
        main(
            [
                "sweep",
                a,
                "--param",
                "sales.sdr_count",
                "--from",
                "2",
                "--to",
                "8",
                "--steps",
                "2",
                "--kpi",
                "won",
                "--workers",
                "1",
                "--json",
                str(out),
            ]
        )
        == 0
    )
    data = json.loads(out.read_text())
    assert data["param"] == "sales.sdr_count" and [p["value"] for p in data["points"]] == [2, 8]
    assert set(data["points"][0]["metrics"]["won"]) == {"mean", "p5", "p95", "ci_low", "ci_high"}
    assert data["best"] == {"won": 8}
    assert (
        main(
            [
                "sensitivity",
                a,
                "--kpi",
                "won",
                "--inputs",
                "deals.win_rate",
                "-n",
                "2",
                "--workers",
                "1",
                "--json",
                str(out),
            ]
        )
        == 0
    )
    data = json.loads(out.read_text())
    assert data["kpi"] == "won" and data["inputs"][0]["path"] == "deals.win_rate"
    assert set(data["inputs"][0]) >= {"path", "points", "low", "high", "swing"}


def test_goal_seek_exits_1_when_unreachable_and_2_on_a_bad_target(tmp_path, capsys):
    a = write(tmp_path, "a.toml", aes=1, opps=10)
    out = tmp_path / "g.json"
    code = main(
        [
            "goal-seek",
            a,
            "--target",
            "opportunities>=40",
            "--lever",
            "SDRs",
            "--min",
            "4",
            "--max",
            "8",
            "-n",
            "3",
            "--workers",
            "1",
            "--json",
            str(out),
        ]
    )
    assert code == 1
    data = json.loads(out.read_text())
    assert data["reached"] is False and data["answer"] is None
    assert set(data["target"]) == {"kpi", "op", "value", "period"}
    assert set(data["binding_constraint"]) == {"name", "probability_if_relaxed"}
    assert "binding constraint" in capsys.readouterr().out
    assert main(["goal-seek", a, "--target", "revenu>=1", "--lever", "SDRs"]) == 2
    assert "did you mean 'revenue'" in capsys.readouterr().err


def test_reverse_and_user_errors(tmp_path, capsys):
    a = write(tmp_path, "a.toml")
    assert main(["reverse", a, "--target", "revenue=20e6"]) == 0
    assert "media budget" in capsys.readouterr().out
    assert main(["reverse", a, "--target", "mql=5"]) == 2
    assert main(["sweep", a, "--param", "sales.sdr_cuont", "--from", "1", "--to", "2"]) == 2
    assert "did you mean 'sdr_count'" in capsys.readouterr().err
    assert (
        main(
            [
                "sweep",
                a,
                "--param",
                "sales.sdr_count",
                "--from",
                "1",
                "--to",
                "2",
                "--set",
                "sales.sdr_count=-1",
            ]
        )
        == 2
    )
    assert "sales.sdr_count" in capsys.readouterr().err


def test_dask_without_dask_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)
    a = write(tmp_path, "a.toml")
    assert (
        main(
            [
                "sweep",
                a,
                "--param",
                "sales.sdr_count",
                "--from",
                "1",
                "--to",
                "2",
                "--dask",
                "local",
            ]
        )
        == 2
    )
    assert "pip install 'funnel-lab[dask]'" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["compare", "sweep", "sensitivity", "goal-seek", "reverse"])
def test_funnel_lab_routes_the_planning_commands_to_the_cli(command):
    assert wants_cli([command, "x.toml"])


def test_reverse_sizes_its_columns_and_refuses_bad_targets(tmp_path, capsys):
    a = write(tmp_path, "a.toml")
    assert main(["reverse", a, "--target", "revenue=1e12"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("stage"))
    row = next(line for line in out.splitlines() if line.startswith("Inquiries"))
    assert len(re.split(r"\s{2,}", header)) == 5
    assert len(re.split(r"\s{2,}", row)) == 4  # label, today, needed, per week: apart
    assert main(["reverse", a, "--target", "revenue=-5"]) == 2
    assert "must be more than 0 (found -5)" in capsys.readouterr().err
    assert main(["reverse", a, "--target", "revenue=abc"]) == 2
    err = capsys.readouterr().err
    assert "--target 'revenue=abc'" in err and "KPI=VALUE" in err and ">=" not in err


def test_reverse_says_when_organic_leads_alone_are_enough(capsys):
    default = str(Path(__file__).parents[2] / "scenarios" / "default.toml")
    assert main(["reverse", default, "--target", "revenue=50e6"]) == 0
    out = capsys.readouterr().out
    assert "organic inquiries alone" in out and "without paid inquiries" in out
    assert "paid inquiries 0" not in out


def test_compare_prints_every_kpi_label_whole(tmp_path, capsys):
    a, b = write(tmp_path, "a.toml", "Base"), write(tmp_path, "b.toml", "Lean", sdrs=3)
    assert main(["compare", a, b, "--workers", "1", "-n", "2"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert any("share" in METRICS[k].label for k in HEADLINE)  # the long labels are shown
    for kpi in HEADLINE:
        label = METRICS[kpi].label
        assert any(row.startswith(f"  {label} ") for row in rows), label
