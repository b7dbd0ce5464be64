"""The workshop report: `funnel-lab report` writes a PDF that opens, has every section, and whose
text holds the agreed definitions, every target with its probability, what would have to change,
and on every page the scenario's hash and the page number."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from sim import cli
from sim.files import read_scenario, render_scenario
from sim.report import SECTIONS, ReportInputs, build_report
from sim.runner import InlineExecutor
from sim.scenario import Scenario
from sim.workshop import goal, words
from sim.workshop.board import board_rows

PLAN = {
    "name": "Q3 workshop plan",
    "currency": "EUR",
    "simulation": {"weeks": 12, "warmup_weeks": 2},
    "definitions": {"mql_threshold": 60, "sla_hours": 8, "demo_request_sla_hours": 2},
    "targets": [
        {"metric": "leads", "value": 1, "owner": "marketing"},
        {"metric": "revenue", "value": 1e12, "owner": "sales"},
        {"metric": "marketing_sourced_revenue_share", "value": 0.5, "owner": "marketing"},
    ],
    "agreement": {
        "status": "agreed",
        "date": "2026-03-14",
        "participants": [
            {"name": "Dana Whitfield", "team": "sales", "role": "VP Sales"},
            {"name": "Sam Okafor", "team": "marketing"},
        ],
        "marketing_commits": ["Every MQL carries the reason for the hand-off"],
        "sales_commits": ["Every rejected MQL gets a reason code"],
        "risks": ["Paid social costs €20k more a quarter – maybe"],
        "actions": [{"text": "Add fit fields to the form", "owner": "Sam", "due": "2026-04-01"}],
        "review_cadence": "monthly, first Tuesday",
        "sign_off": {"names": ["Dana Whitfield", "Sam Okafor"], "date": "2026-03-14"},
    },
}


def pdf_text(path: Path) -> tuple[list[str], str]:
    reader = PdfReader(path)
    pages = [page.extract_text() for page in reader.pages]
    return pages, re.sub(r"\s+", " ", "\n".join(pages))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Scenario]:
    folder = tmp_path_factory.mktemp("report")
    plan, alt = folder / "plan.toml", folder / "alt.toml"
    scenario = Scenario.model_validate(PLAN)
    plan.write_text(render_scenario(scenario))
    alt.write_text(render_scenario(scenario.model_copy(update={"name": "Higher threshold"})))
    out = folder / "report.pdf"
    status = cli.main(
        [
            "report",
            str(plan),
            "--compare",
            str(alt),
            "--pdf",
            str(out),
            "-n",
            "3",
            "--seed",
            "5",
            "--workers",
            "1",
            "--no-goal-seek",
        ]
    )
    assert status == 0
    return out, read_scenario(plan).scenario


def test_the_report_opens_and_has_every_section(report):
    path, _scenario = report
    assert path.read_bytes()[:5] == b"%PDF-"
    pages, text = pdf_text(path)
    assert len(pages) >= 4
    for title in ("Sales & marketing workshop report", "Q3 workshop plan", *SECTIONS):
        assert title in text, title
    for name in ("Dana Whitfield", "Sam Okafor", "Signed off by", "monthly, first Tuesday"):
        assert name in text
    assert "€20k more a quarter – maybe" in text  # the embedded font prints € and –
    assert "Q3 workshop plan versus Higher threshold" in text


def test_the_report_holds_the_definitions_every_target_and_the_hash(report):
    path, scenario = report
    _pages, text = pdf_text(path)
    for definition in words.definitions(scenario):
        assert definition.sentence in text, definition.title
    from sim.runner import run

    result = run(scenario, replications=3, seed=5, executor=InlineExecutor())
    for row in board_rows(result, scenario):
        assert words.target_goal(row.target, "EUR") in text
        assert row.probability_text in text
    assert "0% (0 of 3 replications)" in text
    assert "Unrealistic target" in text  # a 50% marketing-sourced share
    first, last = result.measured_days()
    assert (last - first).days == 7 * 10 - 1 and last.weekday() == 6  # to the last Sunday
    assert f"measured {result.measured_text()} (after a 2-week warm-up)" in text
    assert scenario.sha256() == result.scenario_sha256


def test_every_page_has_the_reproducibility_footer_and_its_number(report):
    path, scenario = report
    pages, _text = pdf_text(path)
    for number, page in enumerate(pages, start=1):
        flat = re.sub(r"\s+", " ", page)
        assert scenario.sha256() in flat.replace(" ", "") or scenario.sha256() in flat
        assert "seed 5, 3 replications" in flat
        assert f"Page {number} of {len(pages)}" in flat


def test_amber_and_red_targets_get_what_would_have_to_change(monkeypatch, tmp_path):
    from tests.sim.test_workshop import FakePlan

    monkeypatch.setattr(goal, "_plan", lambda: FakePlan(reached=True))
    scenario = Scenario.model_validate(PLAN)
    inputs = ReportInputs.simulate(
        scenario, replications=2, seed=5, executor=InlineExecutor(), lever="AEs"
    )
    assert sorted(inputs.answers) == [1, 2]  # the green target needs no change
    out = build_report(inputs, tmp_path / "r.pdf")
    _pages, text = pdf_text(out)
    assert "What would have to change: AEs of" in text
    assert "would make it 75% likely (3 of 4 replications)" in text


def test_a_bad_output_folder_is_refused_before_simulating(tmp_path, capsys):
    plan = tmp_path / "plan.toml"
    plan.write_text(render_scenario(Scenario.model_validate(PLAN)))
    status = cli.main(["report", str(plan), "--pdf", str(tmp_path / "nowhere" / "r.pdf")])
    assert status == 2
    assert "does not exist" in capsys.readouterr().err


def test_the_report_says_on_stderr_which_goal_seek_it_is_running(monkeypatch, tmp_path, capsys):
    from tests.sim.test_workshop import FakePlan

    monkeypatch.setattr(goal, "_plan", lambda: FakePlan(reached=True))
    plan = tmp_path / "plan.toml"
    plan.write_text(render_scenario(Scenario.model_validate(PLAN)))
    args = ["report", str(plan), "--pdf", str(tmp_path / "r.pdf"), "-n", "2", "--workers", "1"]
    assert cli.main([*args, "--lever", "AEs"]) == 0
    err = capsys.readouterr().err
    assert "2/2 replications" in err
    assert "goal seek 1 of 2 on AEs: Revenue at least" in err
    assert "goal seek 2 of 2 on AEs: Marketing-sourced revenue share at least 50%" in err
