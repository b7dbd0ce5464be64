"""Where the sales team's time went: SDR hours on junk MQLs, on real MQLs, in discovery
meetings, prospecting, and idle because the AE backlog paused prospecting; AE hours on
opportunities and prospecting; and the AE backlog (SQLs waiting for an AE). The breakdown that
explains *why* a plan wins (DOMAIN.md mechanism 5: junk takes reps' time from prospecting).

Per week of the measurement window, averaged over replications, from the weekly series the
replications ship (`sim.plan.batch.TIME_USE_SERIES`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from sim.results import Summary, period_weeks
from sim.runner import ReplicationSummary
from sim.scenario import Scenario

# (key, what it is): SDR duty hours split into these five parts, in this order
SDR_PARTS = (
    ("junk_mqls", "Junk MQLs"),
    ("real_mqls", "Real MQLs (calls, triage)"),
    ("meetings", "Discovery meetings"),
    ("prospecting", "Prospecting"),
    ("idle", "Idle (backlog paused prospecting)"),
)
AE_PARTS = (("opportunities", "Open opportunities"), ("prospecting", "Prospecting (outbound)"))


@dataclass(frozen=True)
class TimeUse:
    """Hours a week (mean over the measurement window) per activity, each a Summary over
    replications; `ae_backlog` is the mean number of SQLs waiting for an AE at week end."""

    sdr: dict[str, Summary]
    sdr_duty: Summary
    ae: dict[str, Summary]
    ae_duty: Summary
    ae_backlog: Summary

    def to_json(self) -> dict:
        return {
            "hours_per_week": {
                "sdr": {k: asdict(v) for k, v in self.sdr.items()},
                "sdr_on_duty": asdict(self.sdr_duty),
                "ae": {k: asdict(v) for k, v in self.ae.items()},
                "ae_on_duty": asdict(self.ae_duty),
            },
            "ae_backlog_sqls": asdict(self.ae_backlog),
        }


def time_use(summaries: Sequence[ReplicationSummary], scenario: Scenario) -> TimeUse:
    """The breakdown from replications that carry the `TIME_USE_SERIES`."""
    weeks = period_weeks(scenario, "horizon")

    def per_week(name: str) -> np.ndarray:
        return np.array([float(np.mean(s.series[name][weeks])) for s in summaries])

    duty, mql, junk = per_week("sdr_hours"), per_week("sdr_mql_hours"), per_week("sdr_junk_hours")
    meeting, idle = per_week("sdr_meeting_hours"), per_week("sdr_idle_hours")
    sdr_prospecting = np.maximum(duty - mql - idle, 0.0)
    ae_duty, ae_opp = per_week("ae_hours"), per_week("ae_opportunity_hours")
    ae_prospecting = np.maximum(per_week("outbound_hours") - sdr_prospecting, 0.0)
    parts = {
        "junk_mqls": junk,
        "real_mqls": np.maximum(mql - junk - meeting, 0.0),
        "meetings": meeting,
        "prospecting": sdr_prospecting,
        "idle": idle,
    }
    count = (0.0, float("inf"))
    return TimeUse(
        sdr={k: Summary.of(v, count) for k, v in parts.items()},
        sdr_duty=Summary.of(duty, count),
        ae={
            "opportunities": Summary.of(ae_opp, count),
            "prospecting": Summary.of(ae_prospecting, count),
        },
        ae_duty=Summary.of(ae_duty, count),
        ae_backlog=Summary.of(per_week("sql_queue"), count),
    )
