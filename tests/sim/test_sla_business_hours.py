"""The follow-up SLA counts business hours (the SDRs' duty schedule), demo requests have their
own SLA, and version-1 files migrate keeping what they meant."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.clock import HOURS_PER_DAY, DutySchedule
from sim.files import parse_scenario, render_scenario
from sim.model.recorder import Recorder
from sim.runner import InlineExecutor, run
from sim.scenario import SCHEMA_VERSION, Scenario

MON, FRI, SAT = 0, 4, 5
NINE_TO_FIVE = DutySchedule(MON, 9.0, 8.0)
V1_FILE = Path(__file__).parent / "data" / "annotated-v1.toml"


def at(day: int, hour: float) -> float:
    return day * HOURS_PER_DAY + hour


def overlap_reference(schedule: DutySchedule, t0: float, t1: float) -> float:
    """On-duty hours in [t0, t1], summed shift by shift."""
    total = 0.0
    for day in range(math.floor(t0 / HOURS_PER_DAY) - 1, math.ceil(t1 / HOURS_PER_DAY) + 1):
        if (schedule.start_weekday + day) % 7 >= 5:
            continue
        start = at(day, schedule.shift_start_hour)
        total += max(0.0, min(start + schedule.shift_hours, t1) - max(start, t0))
    return total


def test_a_friday_evening_lead_called_on_monday_morning_waited_minutes():
    waited = NINE_TO_FIVE.business_hours_between(
        np.array([at(FRI, 20.0), at(MON, 10.0), at(MON, 16.0)]),
        np.array([at(7, 9.0 + 5 / 60), at(MON, 12.5), at(1, 10.0)]),
    )
    np.testing.assert_allclose(waited, [5 / 60, 2.5, 2.0])


def test_always_on_duty_counts_every_hour():
    always = DutySchedule(MON, 0.0, 24.0, always=True)
    np.testing.assert_allclose(always.business_hours_between(np.array([3.0]), [50.0]), [47.0])


@settings(max_examples=200, deadline=None)
@given(
    weekday=st.integers(0, 6),
    start_hour=st.integers(0, 14),
    hours=st.floats(1.0, 10.0),
    t0=st.floats(-500.0, 2000.0),
    span=st.floats(0.0, 400.0),
)
def test_business_hours_match_the_shifts_one_by_one(weekday, start_hour, hours, t0, span):
    schedule = DutySchedule(weekday, float(start_hour), hours)
    got = schedule.business_hours_between(np.array([t0]), np.array([t0 + span]))[0]
    assert got == pytest.approx(overlap_reference(schedule, t0, t0 + span), abs=1e-6)


def test_sla_compliance_counts_business_hours_and_the_demo_request_sla():
    rec = Recorder(weeks=2, sla_hours=4.0, demo_sla_hours=1.0, schedule=NINE_TO_FIVE)
    # MQL Friday 20:00, called Monday 11:00: 63 wall-clock hours, 2 business hours.
    friday = at(FRI, 20.0)
    rec.first_attempts.add((at(7, 11.0), at(7, 11.0) - friday))
    rec.first_demo.append(False)
    # The same wait for a demo request breaches its 1-hour SLA.
    rec.first_attempts.add((at(7, 11.0), at(7, 11.0) - friday))
    rec.first_demo.append(True)
    # Monday 9:00 to 15:00: 6 business hours, over the 4-hour SLA.
    rec.first_attempts.add((at(MON, 15.0), 6.0))
    rec.first_demo.append(False)
    rec.flush()
    assert rec.series["first_attempts"].sum() == 3
    assert rec.series["within_sla"].tolist() == [0.0, 1.0]
    assert not rec.first_demo  # the journal is emptied with the attempts


def test_a_tight_demo_request_sla_lowers_compliance_and_nothing_else():
    base = Scenario.model_validate(
        {
            "simulation": {"weeks": 14, "warmup_weeks": 2},
            "sales": {"sdr_count": 1},
            "definitions": {"sla_hours": 200.0, "demo_request_sla_hours": 200.0},
        }
    )
    tight = base.model_copy(
        update={"definitions": base.definitions.model_copy(update={"demo_request_sla_hours": 0.1})}
    )
    a, b = (run(s, replications=2, seed=5, executor=InlineExecutor()) for s in (base, tight))
    assert b.summary["sla_compliance"].mean < a.summary["sla_compliance"].mean
    assert b.summary["sql"].mean == a.summary["sql"].mean  # the SLA is a measure, not a cause


def test_a_version_1_file_keeps_its_sla_for_demo_requests_and_saves_as_version_2():
    text = V1_FILE.read_text(encoding="utf-8")
    assert "schema_version = 1" in text
    loaded = parse_scenario(text)
    d = loaded.scenario.definitions
    assert loaded.scenario.schema_version == SCHEMA_VERSION == 2
    assert d.sla_hours == 24.0 and d.demo_request_sla_hours == 24.0
    saved = render_scenario(loaded.scenario, loaded.document)
    assert "schema_version = 2\n" in saved and "demo_request_sla_hours = 24" in saved
    assert "mql_threshold = 45  # raised from 35" in saved  # comments survive the upgrade
    assert parse_scenario(saved).scenario == loaded.scenario


def test_a_version_1_file_with_its_own_sla_gives_demo_requests_the_same():
    loaded = parse_scenario("schema_version = 1\n[definitions]\nsla_hours = 8\n")
    assert loaded.scenario.definitions.demo_request_sla_hours == 8.0
    assert Scenario().definitions.demo_request_sla_hours == 4.0  # new files: 4 business hours


def test_compliance_rises_with_the_follow_up_sla_until_every_call_made_is_inside_it():
    """The SLA is the yardstick: a looser one never lowers compliance. Once it is longer than
    the calls that are made take to come, compliance is the share of MQLs followed up at all
    (ignored MQLs breach any SLA), so from there only follow-up (trust) moves it."""

    def compliance(hours: float) -> float:
        scenario = Scenario.model_validate(
            {
                "simulation": {"weeks": 14, "warmup_weeks": 2},
                "sales": {"sdr_count": 1},
                "definitions": {"sla_hours": hours, "demo_request_sla_hours": hours},
            }
        )
        return (
            run(scenario, replications=2, seed=5, executor=InlineExecutor())
            .summary["sla_compliance"]
            .mean
        )

    values = [compliance(hours) for hours in (0.1, 1.0, 8.0, 200.0)]
    assert values == sorted(values) and values[0] < values[-1], values
    assert values[-1] < 1.0  # some MQLs are never followed up: no SLA makes them compliant
