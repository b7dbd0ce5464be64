"""Sales trust in marketing's leads (mechanism 6): the cry-wolf effect, and the cost of doubt.

About 90% of people respond to alarms at the rate the alarms have proven true (probability
matching) and about 10% respond to all or none (Bliss, Gilson & Deaton 1995). A rep's trust
moves toward the share of the MQLs they worked that proved good; low trust means fewer
follow-ups, later ones (MQLs pushed behind prospecting) and weaker ones (fewer attempts). Doubt
costs more when time is short: a rep with spare hours follows up some doubted MQLs anyway, a busy
one only what they trust (`decisions.follow_up_probability`). An MQL that carries the review's
evidence is judged on its own merit instead.

Each rep owns its numbers (style, starting trust); a decision about an MQL uses that visit's own
number for that rep, so no decision depends on how many were taken before it. An outcome moves
the rep's trust when the rep takes up the work that reveals it; the rep is busy until that work
ends, so their next decision sees it either way.
"""

from __future__ import annotations

import numpy as np

from sim.model import decisions, numbers
from sim.model.transforms import normal
from sim.scenario import Trust

MATCHER, FOLLOWS_ALL, FOLLOWS_NONE = 0, 1, 2
STYLE, LEVEL = 0, 1  # each rep's numbers: its style and its starting trust


class TeamTrust:
    """Trust of each rep, their response style, their slack, and the team's recent experience."""

    def __init__(self, cfg: Trust, n_reps: int, reps_key: int) -> None:
        self.cfg = cfg
        self.keys = numbers.derive(reps_key, np.arange(n_reps))
        u = numbers.uniforms(self.keys[:, None], np.array([STYLE, LEVEL])[None, :])
        self.style = np.where(
            u[:, 0] < cfg.share_follow_all,
            FOLLOWS_ALL,
            np.where(u[:, 0] < cfg.share_follow_all + cfg.share_follow_none, FOLLOWS_NONE, MATCHER),
        ).tolist()
        start = np.clip(cfg.initial_mean + cfg.initial_spread * normal(u[:, 1]), 0.0, 1.0)
        self.level: list[float] = start.tolist()
        self.slack: list[float] = [1.0] * n_reps  # share of last week's duty hours left over
        self._good = 0
        self._verdicts = 0

    def follow_up_probability(self, rep: int, merit: float | None) -> float:
        """Chance the rep follows an MQL up; `merit` is given when the MQL carries evidence."""
        style = self.style[rep]
        if style == FOLLOWS_ALL:
            base = 1.0
        elif style == FOLLOWS_NONE:
            base = 0.0
        else:
            base = decisions.matched_follow_up(
                self.level[rep], self.slack[rep], self.cfg.slack_weight
            )
        return decisions.with_evidence(base, merit, self.cfg.evidence_weight)

    def effort(self, rep: int) -> float:
        """How hard the rep works a followed-up MQL, in [0, 1] (scales the attempts made)."""
        return 1.0 if self.style[rep] == FOLLOWS_ALL else self.level[rep]

    def defers(self, rep: int, u: float) -> bool:
        """Whether a free rep puts this MQL behind a block of prospecting (`u`: the visit's own
        number for this rep)."""
        if self.style[rep] != MATCHER:
            return False
        return u < self.cfg.defer_weight * (1.0 - self.level[rep])

    def experience(self, rep: int, good: bool) -> None:
        """A worked MQL proved good or not: the rep's trust moves toward it."""
        level = self.level[rep]
        self.level[rep] = level + self.cfg.learning_rate * (float(good) - level)
        self._good += good
        self._verdicts += 1

    def weekly_exchange(self, busy_hours: list[float], duty_hours: float) -> None:
        """Reps talk: each moves toward the share of MQLs the whole team found good this week;
        each rep's slack for next week is the share of this week's duty hours not on MQLs."""
        if self._verdicts:
            share = self._good / self._verdicts
            w = self.cfg.team_influence
            self.level = [x + w * (share - x) for x in self.level]
        self._good = self._verdicts = 0
        self.slack = [max(0.0, 1.0 - h / duty_hours) if duty_hours > 0 else 0.0 for h in busy_hours]

    def mean(self) -> float:
        return float(np.mean(self.level))

    def spread(self) -> float:
        return float(np.std(self.level))

    def convinced_share(self) -> float:
        return float(np.mean(np.asarray(self.level) >= 0.5))
