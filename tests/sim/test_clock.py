"""The simulation clock: duty hours, weekends, a start date that is not a Monday, arrival rhythm.

Speed-to-lead and SLA compliance are measured on this clock, so an off-by-a-day weekend or a
shift that ends an hour late would move the headline numbers without any error showing.
"""

from __future__ import annotations

import math
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.clock import (
    HOURS_PER_DAY,
    HOURS_PER_WEEK,
    DutySchedule,
    arrival_profile,
    to_working_rhythm,
)
from sim.scenario import Scenario

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
NINE_TO_FIVE = dict(shift_start_hour=9.0, shift_hours=8.0)


def at(day: int, hour: float) -> float:
    """Simulation time of `hour` o'clock on day index `day` (day 0 = the start date)."""
    return day * HOURS_PER_DAY + hour


def on_duty_overlap(schedule: DutySchedule, t0: float, t1: float) -> float:
    """On-duty hours in [t0, t1], computed from the shift intervals directly (the reference)."""
    total = 0.0
    for day in range(math.floor(t0 / HOURS_PER_DAY) - 1, math.ceil(t1 / HOURS_PER_DAY) + 1):
        if (schedule.start_weekday + day) % 7 >= 5:
            continue
        start = at(day, schedule.shift_start_hour)
        end = start + schedule.shift_hours
        total += max(0.0, min(end, t1) - max(start, t0))
    return total


# ---- on_duty ------------------------------------------------------------------------------------


def test_on_duty_inside_the_shift_on_weekdays_only() -> None:
    s = DutySchedule(MON, **NINE_TO_FIVE)
    assert s.on_duty(at(MON, 9.0))  # the shift start is on duty
    assert s.on_duty(at(MON, 16.99))
    assert not s.on_duty(at(MON, 8.99))
    assert not s.on_duty(at(MON, 17.0))  # the shift end is not
    assert s.on_duty(at(FRI, 12.0))
    assert not s.on_duty(at(SAT, 12.0))
    assert not s.on_duty(at(SUN, 12.0))
    assert s.on_duty(at(7 + MON, 12.0))  # the next Monday


def test_on_duty_with_a_start_date_that_is_not_a_monday() -> None:
    """Start on a Thursday: day 2 is Saturday, day 4 is Monday."""
    s = DutySchedule(THU, **NINE_TO_FIVE)
    assert s.on_duty(at(0, 10.0))  # Thursday
    assert s.on_duty(at(1, 10.0))  # Friday
    assert not s.on_duty(at(2, 10.0))  # Saturday
    assert not s.on_duty(at(3, 10.0))  # Sunday
    assert s.on_duty(at(4, 10.0))  # Monday


def test_always_on_duty_ignores_weekends_and_nights() -> None:
    s = DutySchedule(MON, 9.0, 8.0, always=True)
    assert all(s.on_duty(h + 0.5) for h in range(int(2 * HOURS_PER_WEEK)))
    assert s.hours_on_duty_per_week() == HOURS_PER_WEEK


def test_hours_on_duty_per_week_match_the_on_duty_hours() -> None:
    s = DutySchedule(WED, 8.0, 9.5)
    assert s.hours_on_duty_per_week() == pytest.approx(5 * 9.5)
    assert on_duty_overlap(s, 0.0, HOURS_PER_WEEK) == pytest.approx(5 * 9.5)
    step = 0.25  # sample on_duty at quarter hours: 47.5 h = 190 quarter hours
    sampled = sum(s.on_duty(k * step) for k in range(int(HOURS_PER_WEEK / step))) * step
    assert sampled == pytest.approx(5 * 9.5)


def test_a_shift_that_crosses_midnight_is_refused() -> None:
    """Shifts end by midnight: the schedule and the scenario both refuse 20:00 + 8 h."""
    with pytest.raises(ValueError, match="midnight"):
        DutySchedule(MON, shift_start_hour=20.0, shift_hours=8.0)
    with pytest.raises(ValidationError, match="midnight"):
        Scenario.model_validate({"sales": {"workday_start_hour": 20, "workday_hours": 8}})


# ---- next_shift_start ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (at(MON, 3.0), at(MON, 9.0)),  # early morning: today's shift
        (at(MON, 9.0), at(TUE, 9.0)),  # strictly after: at the start, the next day's
        (at(MON, 12.0), at(TUE, 9.0)),
        (at(THU, 23.5), at(FRI, 9.0)),
        (at(FRI, 19.0), at(7 + MON, 9.0)),  # Friday evening: Monday
        (at(SAT, 8.0), at(7 + MON, 9.0)),
        (at(SUN, 10.0), at(7 + MON, 9.0)),
    ],
)
def test_next_shift_start_from_monday_start(t: float, expected: float) -> None:
    assert DutySchedule(MON, **NINE_TO_FIVE).next_shift_start(t) == pytest.approx(expected)


def test_next_shift_start_with_a_saturday_start_date() -> None:
    """Day 0 is a Saturday: the first shift is day 2 (Monday) at 09:00, hour 57."""
    s = DutySchedule(SAT, **NINE_TO_FIVE)
    assert s.next_shift_start(0.0) == pytest.approx(at(2, 9.0))
    assert s.next_shift_start(at(1, 20.0)) == pytest.approx(at(2, 9.0))
    assert s.next_shift_start(at(6, 19.0)) == pytest.approx(at(9, 9.0))  # Friday -> Monday


@given(
    start_weekday=st.integers(0, 6),
    start_hour=st.integers(0, 12),
    t=st.floats(0.0, 20 * HOURS_PER_WEEK),
)
def test_next_shift_start_is_the_first_on_duty_moment_after_t(
    start_weekday: int, start_hour: int, t: float
) -> None:
    """Property: it is later than t, on duty, at the shift hour, at most 3 days + 1 shift away,
    and no earlier shift start lies between t and it."""
    s = DutySchedule(start_weekday, float(start_hour), 8.0)
    nxt = s.next_shift_start(t)
    assert nxt > t
    assert s.on_duty(nxt)
    assert nxt % HOURS_PER_DAY == pytest.approx(start_hour)
    assert nxt - t <= 3 * HOURS_PER_DAY + HOURS_PER_DAY
    earlier = nxt - HOURS_PER_DAY
    while earlier > t:
        assert not s._workday(math.floor(earlier / HOURS_PER_DAY))
        earlier -= HOURS_PER_DAY


# ---- after_working_hours ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("t", "work", "expected"),
    [
        (at(MON, 10.0), 2.0, at(MON, 12.0)),  # fits in the shift
        (at(MON, 10.0), 7.0, at(MON, 17.0)),  # ends exactly at the shift end
        (at(MON, 16.0), 3.0, at(TUE, 11.0)),  # 1 h today, 2 h tomorrow
        (at(MON, 7.0), 1.0, at(MON, 10.0)),  # before the shift: starts at 09:00
        (at(FRI, 16.0), 3.0, at(7 + MON, 11.0)),  # over the weekend
        (at(SAT, 12.0), 1.0, at(7 + MON, 10.0)),
        (at(MON, 9.0), 20.0, at(WED, 13.0)),  # 8 + 8 + 4
        (at(THU, 9.0), 24.0, at(7 + MON, 17.0)),  # Thu, Fri, Mon
    ],
)
def test_after_working_hours(t: float, work: float, expected: float) -> None:
    assert DutySchedule(MON, **NINE_TO_FIVE).after_working_hours(t, work) == pytest.approx(expected)


def test_after_working_hours_around_the_clock_is_plain_addition() -> None:
    s = DutySchedule(MON, 9.0, 8.0, always=True)
    assert s.after_working_hours(at(SAT, 3.0), 50.0) == at(SAT, 3.0) + 50.0


@settings(max_examples=200)
@given(
    start_weekday=st.integers(0, 6),
    start_hour=st.integers(0, 14),
    quarter_hours=st.integers(4, 40),
    t=st.floats(0.0, 10 * HOURS_PER_WEEK),
    work=st.floats(0.01, 100.0),
)
def test_after_working_hours_spends_exactly_the_work_on_duty(
    start_weekday: int, start_hour: int, quarter_hours: int, t: float, work: float
) -> None:
    """Property: the on-duty time between t and the answer is the work, and the answer is the
    earliest such time (it falls inside or at the end of a shift, never in off-duty time).

    Shift lengths are whole quarter hours (exact in binary); other lengths can hang the engine,
    see the next test.
    """
    s = DutySchedule(start_weekday, float(start_hour), quarter_hours / 4)
    done = s.after_working_hours(t, work)
    assert done >= t + work - 1e-9
    assert on_duty_overlap(s, t, done) == pytest.approx(work, abs=1e-6)
    assert s.on_duty(done - 1e-6)


class Hang(Exception):
    """Raised by the alarm when a call that should take microseconds runs for seconds."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Turn a hang into a failure (SIGALRM; pytest and xdist run tests in the main thread)."""

    def alarm(_signum: int, _frame: object) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs SIGALRM")
def test_after_working_hours_terminates_for_a_shift_length_not_exact_in_binary() -> None:
    s = DutySchedule(SAT, 9.0, 3.4280804238748326)
    with time_limit(2.0):
        done = s.after_working_hours(300.42808042387486, 61.0)
    assert on_duty_overlap(s, 300.42808042387486, done) == pytest.approx(61.0)


# ---- arrival rhythm -----------------------------------------------------------------------------


@pytest.mark.parametrize("start_weekday", range(7))
def test_arrival_profile_is_a_distribution_over_the_hours_of_a_week(start_weekday: int) -> None:
    p = arrival_profile(start_weekday)
    assert p.shape == (168,)
    assert (p > 0).all()
    assert p.sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("start_weekday", range(7))
def test_arrival_profile_follows_the_calendar(start_weekday: int) -> None:
    """Weekday midday is busiest, weekend midday lighter, nights lightest; a later start date
    is the same calendar week rotated."""
    p = arrival_profile(start_weekday).reshape(7, 24)
    weekday = [d for d in range(7) if (start_weekday + d) % 7 < 5]
    weekend = [d for d in range(7) if (start_weekday + d) % 7 >= 5]
    assert len(weekday) == 5 and len(weekend) == 2
    assert p[weekday, 12].min() > p[weekend, 12].max() > p[weekday, 3].max()
    monday_based = arrival_profile(MON)
    np.testing.assert_allclose(
        arrival_profile(start_weekday), np.roll(monday_based, -24 * start_weekday)
    )


def test_to_working_rhythm_preserves_order_and_stays_in_the_same_week() -> None:
    rng = np.random.default_rng(7)
    hours = np.sort(rng.uniform(0.0, 10 * HOURS_PER_WEEK, 50_000))
    mapped = to_working_rhythm(hours, arrival_profile(WED))
    assert np.all(np.diff(mapped) >= 0)  # order kept (ties only where the input had them)
    np.testing.assert_array_equal(
        np.floor(mapped / HOURS_PER_WEEK), np.floor(hours / HOURS_PER_WEEK)
    )


@pytest.mark.parametrize("start_weekday", [MON, THU])
def test_to_working_rhythm_moves_most_mass_into_weekday_daytime(start_weekday: int) -> None:
    """Uniform times come out distributed by the profile: each hour of the week holds its
    profile share (within 4 binomial SE), and weekday 08:00-18:00 holds most of the mass, where
    it held 50/168 = 30% before."""
    n = 200_000
    profile = arrival_profile(start_weekday)
    rng = np.random.default_rng(11)
    hours = rng.uniform(0.0, 4 * HOURS_PER_WEEK, n)
    mapped = to_working_rhythm(hours, profile)
    hour_of_week = np.floor(mapped % HOURS_PER_WEEK).astype(int)
    share = np.bincount(hour_of_week, minlength=168) / n
    se = np.sqrt(profile * (1 - profile) / n)
    assert np.all(np.abs(share - profile) <= 4 * se + 1e-12)

    day = hour_of_week // 24
    clock = hour_of_week % 24
    weekday_daytime = ((start_weekday + day) % 7 < 5) & (clock >= 8) & (clock < 18)
    uniform_daytime = ((start_weekday + np.floor(hours % HOURS_PER_WEEK / 24)) % 7 < 5) & (
        (hours % 24 >= 8) & (hours % 24 < 18)
    )
    assert uniform_daytime.mean() == pytest.approx(50 / 168, abs=0.01)
    assert weekday_daytime.mean() > 0.6
