"""`funnel-lab run`: the summary table, JSON and CSV outputs, and exit statuses."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def test_run_prints_the_summary_and_writes_json_and_csv(tmp_path):
    out, table = tmp_path / "r.json", tmp_path / "r.csv"
    done = cli(
        "run",
        "scenarios/default.toml",
        "-n",
        "2",
        "--workers",
        "1",
        "--json",
        str(out),
        "--csv",
        str(table),
    )
    assert done.returncode == 0, done.stderr
    assert "Revenue" in done.stdout and "MQL → SAL" in done.stdout
    assert "2/2 replications" in done.stderr
    data = json.loads(out.read_text())
    for key in [
        "leads",
        "mql",
        "sal",
        "sql",
        "opportunities",
        "won",
        "revenue",
        "spend",
        "cac",
        "marketing_sourced_revenue_share",
        "marketing_sourced_pipeline_share",
    ]:
        assert set(data["metrics"][key]) >= {"mean", "p5", "p50", "p95"}
    assert data["seed"] == 20261125 and data["replications"] == 2
    assert len(data["scenario_sha256"]) == 64
    assert "revenue" in data["weekly"]["series"]
    assert "linear" in data["attribution"]["revenue"]
    rows = list(csv.DictReader(table.open()))
    assert len(rows) == 2 and "revenue" in rows[0]


def test_same_seed_same_json_serial_and_parallel(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    cli("run", "scenarios/default.toml", "-n", "2", "--workers", "1", "--json", str(a))
    cli("run", "scenarios/default.toml", "-n", "2", "--workers", "2", "--json", str(b))
    assert json.loads(a.read_text())["metrics"] == json.loads(b.read_text())["metrics"]


def test_bad_file_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("schema_version = 1\n[sales]\nsdr_count = -3\n")
    done = cli("run", str(bad))
    assert done.returncode == 2
    assert "sales.sdr_count" in done.stderr and "Traceback" not in done.stderr


def test_central_holds_ranges_at_their_median(tmp_path):
    text = (
        (ROOT / "scenarios/default.toml")
        .read_text()
        .replace(
            "base_cpl = 150",
            'base_cpl = { dist = "triangular", low = 120, mode = 150, high = 180 }',
        )
    )
    ranged = tmp_path / "ranged.toml"
    ranged.write_text(text)
    plain = tmp_path / "plain.toml"
    median = 150.0  # the triangular's median: symmetric around its mode
    plain.write_text(
        text.replace(
            'base_cpl = { dist = "triangular", low = 120, mode = 150, high = 180 }',
            f"base_cpl = {median}",
        )
    )
    out_a, out_b = tmp_path / "a.json", tmp_path / "b.json"
    assert (
        cli(
            "run", str(ranged), "--central", "-n", "2", "--workers", "1", "--json", str(out_a)
        ).returncode
        == 0
    )
    assert cli("run", str(plain), "-n", "2", "--workers", "1", "--json", str(out_b)).returncode == 0
    assert json.loads(out_a.read_text())["metrics"] == json.loads(out_b.read_text())["metrics"]


def test_unwritable_output_is_refused_before_simulating(tmp_path):
    done = cli("run", "scenarios/default.toml", "--json", str(tmp_path / "missing" / "r.json"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr
    assert "replications" not in done.stderr  # refused before any replication ran
    done = cli("run", "scenarios/default.toml", "--csv", str(tmp_path))
    assert done.returncode == 2 and "is a folder" in done.stderr


SHORT = ["--set", "simulation.weeks=80", "--set", "simulation.warmup_weeks=4", "-n", "2"]


def test_run_takes_set_and_names_targets_by_their_labels(capsys):
    from sim.cli import main

    file = str(ROOT / "scenarios/contribution-target.toml")
    assert main(["run", file, *SHORT, "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "measurement window: 76 weeks, 2 Feb 2026 – 18 Jul 2027;" in out  # the --set horizon
    targets = out.split("targets (probability")[1]
    assert "Marketing-sourced revenue share at least 25%" in targets
    assert "MQL → SAL at least 30%" in targets
    assert "rate_mql_to_sal" not in targets and "marketing_sourced_revenue_share" not in targets
    assert main(["run", file, "--set", "deals.win_rate=2", "-n", "1"]) == 2
    err = capsys.readouterr().err
    assert "deals.win_rate" in err and "Traceback" not in err
