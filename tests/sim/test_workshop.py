"""Workshop mode without Qt: board colours and counts, definitions and targets in plain words,
the agreement reopening when its terms change, what changed between two versions (and
`funnel-lab diff`), and the adapters to goal seek and to the paired comparison."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import pytest

from sim import cli
from sim.files import render_scenario
from sim.runner import InlineExecutor, run
from sim.scenario import Scenario, Target
from sim.workshop import agreement, board, goal, words
from sim.workshop.compare import NotPaired, compare_results
from sim.workshop.diff import diff_scenarios, format_changes

TINY = {"simulation": {"weeks": 12, "warmup_weeks": 2}}
CERTAIN = {"metric": "leads", "direction": "at_least", "value": 1, "owner": "marketing"}
IMPOSSIBLE = {"metric": "revenue", "direction": "at_least", "value": 1e12, "owner": "sales"}
EVEN = {"metric": "mql", "direction": "at_most", "value": 0, "owner": "shared"}


def tiny(**sections) -> Scenario:
    return Scenario.model_validate({**TINY, **sections})


@pytest.fixture(scope="module")
def boarded() -> tuple[Scenario, object]:
    scenario = tiny(targets=[CERTAIN, IMPOSSIBLE, EVEN])
    return scenario, run(scenario, replications=3, seed=11, executor=InlineExecutor())


def test_the_board_colours_a_near_certain_target_green_and_a_near_impossible_one_red(boarded):
    scenario, result = boarded
    rows = board.board_rows(result, scenario)
    assert [r.colour for r in rows] == ["green", "red", "red"]
    assert [r.hits for r in rows] == [3, 0, 0]
    assert rows[0].probability_text == "100% (3 of 3 replications)"
    assert rows[1].probability_text == "0% (0 of 3 replications)"  # a count, never a bare 0%
    assert len(rows[0].values) == 3 and all(math.isfinite(v) for v in rows[0].values)


def test_the_files_thresholds_decide_the_colours():
    loose = Scenario().agreement.model_copy(update={"green_at": 0.5, "amber_at": 0.2})
    assert [board.colour_of(p, loose) for p in (0.6, 0.5, 0.3, 0.2, 0.1)] == [
        "green",
        "green",
        "amber",
        "amber",
        "red",
    ]
    with pytest.raises(ValueError, match="amber_at"):
        Scenario.model_validate({"agreement": {"green_at": 0.3, "amber_at": 0.6}})


def test_a_marketing_share_above_35_percent_is_flagged_unrealistic():
    high = Target(metric="marketing_sourced_revenue_share", value=0.5, owner="marketing")
    fair = Target(metric="marketing_sourced_revenue_share", value=0.25, owner="marketing")
    assert "10–35%" in board.realism_warning(high)
    assert board.realism_warning(fair) == ""


def test_definitions_and_targets_read_as_sentences():
    s = tiny(
        definitions={"mql_threshold": 65, "fit_minimum": 16, "sla_hours": 4},
        sales={"max_attempts": 5},
    )
    mql, review, _sal, sql, sla = words.definitions(s)
    assert mql.sentence == (
        "A lead becomes an MQL when its score reaches 65 points and its fit earns at least 16 "
        "of 40 fit points (40% ICP fit), or when it asks for a demo."
    )
    assert sla.sentence.startswith(
        "Sales follows up every MQL within 4 business hours (4 for demo requests), with up to 5 "
        "contact attempts"
    )
    assert "Monday to Friday, 9:00 to 17:00" in sla.sentence
    assert sql.sentence == (
        "An accepted lead is an SQL when it has budget, authority and need (BANT); timing is "
        "not required."
    )
    assert ("definitions", "mql_threshold") in [slot.path for slot in mql.slots]
    assert "without a marketer's review" in review.sentence
    target = Target(metric="marketing_sourced_revenue_share", value=0.25, owner="marketing")
    assert words.target_sentence(target, "USD") == (
        "Marketing-sourced revenue share at least 25% over the measurement window — owner: "
        "Marketing"
    )
    quarter = Target(metric="revenue", period="2027-Q2", value=12e6)
    assert words.target_goal(quarter, "EUR") == "Revenue at least EUR 12M in 2027 Q2"


def test_editing_an_agreed_definition_or_target_reopens_the_agreement():
    agreed = tiny(agreement={"status": "agreed"}, targets=[CERTAIN])
    stricter = agreed.model_copy(
        update={"definitions": agreed.definitions.model_copy(update={"mql_threshold": 70.0})}
    )
    reopened = agreement.reopened(agreed, stricter)
    assert reopened is not None and reopened.agreement.status == "draft"
    assert reopened.definitions.mql_threshold == 70.0
    fewer = agreed.model_copy(update={"targets": []})
    assert agreement.reopened(agreed, fewer).agreement.status == "draft"
    # Other parameters, and a draft, are not the agreement's business.
    brand = agreed.brand.model_copy(update={"weekly_spend": 1})
    richer = agreed.model_copy(update={"brand": brand})
    assert agreement.reopened(agreed, richer) is None
    draft = agreement.with_status(agreed, "draft")
    assert agreement.reopened(draft, agreement.with_status(stricter, "draft")) is None


def test_the_agreement_round_trips_through_a_file():
    s = tiny(
        agreement={
            "status": "agreed",
            "date": "2026-03-14",
            "participants": [{"name": "Dana", "team": "sales", "role": "VP Sales"}],
            "actions": [{"text": "Add fit fields", "owner": "Sam", "due": "2026-04-01"}],
            "risks": ["Paid social CPL rises 20% in Q3"],
            "sign_off": {"names": ["Dana", "Sam"], "date": "2026-03-14"},
        }
    )
    from sim.files import parse_scenario

    assert parse_scenario(render_scenario(s)).scenario == s
    with pytest.raises(ValueError, match="2026-03-14"):
        tiny(agreement={"date": "14 March"})


def version_pair() -> tuple[Scenario, Scenario]:
    old = tiny(targets=[CERTAIN, IMPOSSIBLE])
    data = old.model_dump(mode="json", by_alias=True)
    data["definitions"]["mql_threshold"] = 65
    data["channels"][1]["weekly_budget"] = 9000
    data["channels"][2]["name"] = "Webinars"
    data["targets"][1]["value"] = 2e12
    data["targets"][0]["owner"] = "shared"
    data["brand"]["weekly_spend"] = 1000
    data["agreement"]["status"] = "agreed"
    return old, Scenario.model_validate(data)


def test_what_changed_lists_every_field_and_matches_channels_by_name():
    old, new = version_pair()
    changes = diff_scenarios(old, new)
    by_path = {c.path: c for c in changes}
    assert by_path["definitions.mql_threshold"].old == "50"
    assert by_path["definitions.mql_threshold"].new == "65"
    assert by_path['channels["Paid social"].weekly_budget'].new == "9000"
    assert by_path['channels["Content syndication"]'].new == "removed"
    assert by_path['channels["Webinars"]'].new == "added"
    assert by_path["targets[1].value"].new == "at least USD 2,000,000M"
    assert by_path["targets[0].owner"].new == "Shared (both teams)"
    assert by_path["brand.weekly_spend"].new == "1000"
    assert by_path["agreement.status"].new == "agreed"
    assert [c.group for c in changes][:1] == ["Definitions"]  # definitions first
    assert len(changes) == 8
    assert diff_scenarios(old, old) == []


def test_a_channel_named_with_digits_is_named_not_read_as_a_position():
    old = tiny()
    data = old.model_dump(mode="json", by_alias=True)
    data["channels"][1]["name"] = "2024"
    old = Scenario.model_validate(data)
    data["channels"][1]["weekly_budget"] = 9000
    (change,) = diff_scenarios(old, Scenario.model_validate(data))
    assert change.path == 'channels["2024"].weekly_budget'
    assert change.label.startswith("2024: ")


def test_funnel_lab_diff_prints_the_same_list_and_exits_like_diff(tmp_path: Path, capsys):
    old, new = version_pair()
    a, b = tmp_path / "q1.toml", tmp_path / "q2.toml"
    a.write_text(render_scenario(old))
    b.write_text(render_scenario(new))
    assert cli.main(["diff", str(a), str(a)]) == 0
    assert "No differences." in capsys.readouterr().out
    assert cli.main(["diff", str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert format_changes(diff_scenarios(old, new)) in out
    assert "MQL threshold: 50 → 65" in out
    bad = tmp_path / "bad.toml"
    bad.write_text("schema_version = 2\n[sales]\nsdr_count = -1\n")
    assert cli.main(["diff", str(a), str(bad)]) == 2
    assert "sdr_count" in capsys.readouterr().err
    assert cli.main(["diff", str(a), str(tmp_path / "missing.toml")]) == 2


class FakePlan:
    """sim.plan.goal_seek's contract, answering from a table."""

    LEVERS: ClassVar[dict[str, str]] = {name: f"path of {name}" for name in goal.LEVER_NAMES}

    class TargetSpec:
        @staticmethod
        def from_target(target: Target) -> object:
            return ("spec", target.metric)

    def __init__(self, reached: bool) -> None:
        self.reached = reached
        self.calls: list[tuple] = []

    def goal_seek(self, scenario, target, lever_path, **options):
        self.calls.append((target, lever_path, options))
        p = SimpleNamespace(value=0.75 if self.reached else 0.1, hits=3 if self.reached else 0)
        p.replications = 4
        binding = None if self.reached else SimpleNamespace(name="AEs", probability_if_relaxed=0.6)
        return SimpleNamespace(
            reached=self.reached,
            answer=62400.0 if self.reached else None,
            probability=p,
            binding_constraint=binding,
            searched="smallest",
            low=4080.0,
            high=408000.0,
        )


def test_what_would_have_to_change_words_the_goal_seek_answer(monkeypatch):
    s = tiny(targets=[IMPOSSIBLE])
    fake = FakePlan(reached=True)
    monkeypatch.setattr(goal, "_plan", lambda: fake)
    answer = goal.what_would_have_to_change(s, s.targets[0], replications=4, seed=3)
    now = goal.current_value(s, goal.DEFAULT_LEVER)
    assert answer.reached and answer.value == 62400.0
    assert answer.text == (
        f"Total marketing budget of USD 62,400 a week (now USD {now:,.0f} a week) would make it "
        "75% likely (3 of 4 replications)."
    )
    _spec, path, options = fake.calls[0]
    assert path == "path of Total marketing budget" and options["probability"] == 0.7
    monkeypatch.setattr(goal, "_plan", lambda: FakePlan(reached=False))
    stuck = goal.what_would_have_to_change(s, s.targets[0], "SDRs")
    assert not stuck.reached
    assert "SDRs alone cannot make it 70% likely" in stuck.text and "AEs binds" in stuck.text


def test_without_the_planning_tools_the_adapter_says_so(monkeypatch):
    monkeypatch.setattr(goal, "_plan", lambda: None)
    s = tiny(targets=[IMPOSSIBLE])
    answer = goal.what_would_have_to_change(s, s.targets[0])
    assert not answer.available and answer.text == goal.UNAVAILABLE


def test_paired_comparison_pairs_replications_and_refuses_unpaired_runs(boarded):
    scenario, base = boarded
    more = scenario.model_copy(
        update={"brand": scenario.brand.model_copy(update={"weekly_spend": 0.0})}
    )
    alt = run(more, replications=3, seed=11, executor=InlineExecutor())
    table = compare_results(base, alt)
    spend = next(r for r in table.rows if r.metric == "revenue")
    assert spend.difference == pytest.approx(spend.alternative - spend.base)
    assert spend.ci_low <= spend.difference <= spend.ci_high
    other = run(more, replications=3, seed=12, executor=InlineExecutor())
    with pytest.raises(NotPaired):
        compare_results(base, other)


def test_the_planning_tools_goal_seek_answers_through_the_adapter():
    s = tiny(targets=[{"metric": "mql", "value": 800, "owner": "marketing"}])
    answer = goal.what_would_have_to_change(
        s, s.targets[0], replications=2, seed=3, executor=InlineExecutor()
    )
    assert answer.available and answer.reached
    assert answer.value is not None and answer.value > answer.current  # more budget, more MQLs
    assert answer.text.startswith("Total marketing budget of USD ")


def test_a_range_on_the_board_writes_both_ends_with_the_same_decimals():
    assert words.metric_range("marketing_sourced_revenue_share", 0.25, 0.322, "USD") == (
        "25.0% to 32.2%"
    )
    assert words.metric_range("revenue", 12.7e6, 15.09e6, "USD") == "USD 12.70M to USD 15.09M"
    assert words.metric_range("revenue", 12e6, 15e6, "USD") == "USD 12M to USD 15M"
    assert words.metric_range("sql", 300, 412, "USD") == "300 SQLs to 412 SQLs"
