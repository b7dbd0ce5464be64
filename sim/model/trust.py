"""Sales trust in marketing's leads (mechanism 6): the cry-wolf effect.

About 90% of people respond to alarms at the rate the alarms have proven true (probability
matching) and about 10% respond to all or none (Bliss, Gilson & Deaton 1995). A rep's trust
moves toward the share of the MQLs they worked that proved good; low trust means fewer follow-ups
(probability matching), later ones (MQLs pushed behind prospecting) and weaker ones (fewer
attempts). An MQL that carries the review's evidence is judged on its own merit instead.
"""

from __future__ import annotations

import numpy as np

from sim.scenario import Trust

MATCHER, FOLLOWS_ALL, FOLLOWS_NONE = 0, 1, 2


class TeamTrust:
    """Trust of each rep, their response style, and the team's recent experience."""

    def __init__(self, cfg: Trust, n_reps: int, rng: np.random.Generator) -> None:
        self.cfg = cfg
        self.rng = rng
        u = rng.random(n_reps)
        self.style = np.where(
            u < cfg.share_follow_all,
            FOLLOWS_ALL,
            np.where(u < cfg.share_follow_all + cfg.share_follow_none, FOLLOWS_NONE, MATCHER),
        )
        self.level = np.clip(rng.normal(cfg.initial_mean, cfg.initial_spread, n_reps), 0.0, 1.0)
        self._good = 0
        self._verdicts = 0

    def follow_up_probability(self, rep: int, merit: float | None) -> float:
        """Chance the rep follows an MQL up; `merit` is given when the MQL carries evidence."""
        style = self.style[rep]
        base = 1.0 if style == FOLLOWS_ALL else 0.0 if style == FOLLOWS_NONE else self.level[rep]
        if merit is None:
            return float(base)
        w = self.cfg.evidence_weight
        return float(w * merit + (1 - w) * base)

    def effort(self, rep: int) -> float:
        """How hard the rep works a followed-up MQL, in [0, 1] (scales the attempts made)."""
        style = self.style[rep]
        return 1.0 if style == FOLLOWS_ALL else float(self.level[rep])

    def defers(self, rep: int) -> bool:
        """Whether a free rep puts the MQL queue behind a block of prospecting this time."""
        if self.style[rep] != MATCHER:
            return False
        return bool(self.rng.random() < self.cfg.defer_weight * (1.0 - self.level[rep]))

    def experience(self, rep: int, good: bool) -> None:
        """A worked MQL proved good (accepted) or not: the rep's trust moves toward it."""
        self.level[rep] += self.cfg.learning_rate * (float(good) - self.level[rep])
        self._good += int(good)
        self._verdicts += 1

    def weekly_exchange(self) -> None:
        """Reps talk: each moves toward the share of MQLs the whole team found good this week."""
        if self._verdicts:
            share = self._good / self._verdicts
            self.level += self.cfg.team_influence * (share - self.level)
        self._good = self._verdicts = 0

    def convinced_share(self) -> float:
        return float(np.mean(self.level >= 0.5))
