"""The simulation clock: hours from the scenario's start date, weeks, work shifts and arrivals.

Leads arrive at any hour with a weekday, daytime-heavy profile; reps work business hours, so a
lead arriving on Friday evening really waits until Monday morning.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

HOURS_PER_DAY = 24.0
HOURS_PER_WEEK = 168.0


def arrival_profile(start_weekday: int, pattern: str = "business_week") -> np.ndarray:
    """Relative arrival weight of each hour of a simulated week (hour 0 = start date, 00:00).

    business_week: web inquiries peak in working hours on weekdays, tail off in the evening and
    are rare at night and at weekends (about a third of the weekday level). flat: every hour
    alike (a 24/7 flow).
    """
    if pattern == "flat":
        return np.full(168, 1.0 / 168)
    day_shape = np.full(24, 0.08)
    day_shape[6:8] = 0.35
    day_shape[8:18] = 1.0
    day_shape[18:22] = 0.35
    weights = np.empty(168)
    for d in range(7):
        weekday = (start_weekday + d) % 7
        weights[d * 24 : (d + 1) * 24] = day_shape * (0.3 if weekday >= 5 else 1.0)
    return weights / weights.sum()


def to_working_rhythm(hours: np.ndarray, profile: np.ndarray) -> np.ndarray:
    """Map uniformly spread times onto the weekly hourly profile, keeping their order.

    Within each week the map is monotone (the profile's inverse CDF), so a lead's touches stay
    sorted while most of them move into weekday working hours, as people's activity does.
    """
    knots = np.concatenate(([0.0], np.cumsum(profile))) * HOURS_PER_WEEK
    week_start = np.floor(hours / HOURS_PER_WEEK) * HOURS_PER_WEEK
    within = hours - week_start
    return week_start + np.interp(within, knots, np.arange(169.0))


@dataclass(frozen=True)
class DutySchedule:
    """When reps (and the marketing reviewer) work: business hours Monday-Friday, or always."""

    start_weekday: int
    shift_start_hour: float
    shift_hours: float
    always: bool = False

    def __post_init__(self) -> None:
        if not self.always and self.shift_start_hour + self.shift_hours > HOURS_PER_DAY:
            raise ValueError("a working day must end by midnight (shift start + hours <= 24)")

    @classmethod
    def for_scenario(cls, start_date: dt.date, start_hour: int, hours: float, always: bool):
        return cls(start_date.weekday(), float(start_hour), float(hours), always)

    def _day_and_hour(self, t: float) -> tuple[int, float]:
        day = math.floor(t / HOURS_PER_DAY)
        return day, t - day * HOURS_PER_DAY

    def _workday(self, day: int) -> bool:
        return (self.start_weekday + day) % 7 < 5

    def on_duty(self, t: float) -> bool:
        if self.always:
            return True
        day, hour = self._day_and_hour(t)
        end = self.shift_start_hour + self.shift_hours
        return self._workday(day) and self.shift_start_hour <= hour < end

    def next_shift_start(self, t: float) -> float:
        """The first shift start strictly after t (a weekday at the shift's start hour)."""
        day, hour = self._day_and_hour(t)
        if hour >= self.shift_start_hour:
            day += 1
        while not self._workday(day):
            day += 1
        return day * HOURS_PER_DAY + self.shift_start_hour

    def next_on_duty(self, t: np.ndarray) -> np.ndarray:
        """For each time: itself if on duty, else the next shift start (vectorised
        on_duty / next_shift_start: when an idle rep would start a job submitted then)."""
        t = np.asarray(t, dtype=float)
        if self.always:
            return t
        start = self.shift_start_hour
        day = np.floor(t / HOURS_PER_DAY)
        hour = t - HOURS_PER_DAY * day
        workday = (self.start_weekday + day) % 7 < 5
        on = workday & (hour >= start) & (hour < start + self.shift_hours)
        nxt = day + (hour >= start)
        for _ in range(7):
            nxt = nxt + ((self.start_weekday + nxt) % 7 >= 5)
        return np.where(on, t, nxt * HOURS_PER_DAY + start)

    def duty_hours_before(self, t: np.ndarray) -> np.ndarray:
        """On-duty hours from hour 0 to each time (vectorised; negative times count back)."""
        t = np.asarray(t, dtype=float)
        if self.always:
            return t
        day = np.floor(t / HOURS_PER_DAY)
        weeks, rest = np.divmod(day, 7)
        weekday = (self.start_weekday + np.arange(7)) % 7 < 5
        workdays_before = np.concatenate(([0], np.cumsum(weekday)))  # in the week's first k days
        full_days = weeks * 5 + workdays_before[rest.astype(int)]
        today = np.clip(t - day * HOURS_PER_DAY - self.shift_start_hour, 0.0, self.shift_hours)
        return full_days * self.shift_hours + np.where(weekday[rest.astype(int)], today, 0.0)

    def business_hours_between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """On-duty hours between each start and end (0 where end is not after start): how long
        a lead waited by the clock a follow-up SLA in business hours counts."""
        elapsed = self.duty_hours_before(end) - self.duty_hours_before(start)
        return np.maximum(elapsed, 0.0)

    def hours_on_duty_per_week(self) -> float:
        return HOURS_PER_WEEK if self.always else 5 * self.shift_hours

    def after_working_hours(self, t: float, work: float) -> float:
        """The time at which `work` hours of on-duty time starting at t are done."""
        if self.always:
            return t + work
        while True:
            if not self.on_duty(t):
                t = self.next_shift_start(t)
            day, hour = self._day_and_hour(t)
            left_today = self.shift_start_hour + self.shift_hours - hour
            if left_today <= 1e-9:  # rounding left us at the shift's very end: next shift
                t = self.next_shift_start(t)
                continue
            if work <= left_today:
                return t + work
            work -= left_today
            t = day * HOURS_PER_DAY + self.shift_start_hour + self.shift_hours
