"""Sales trust in marketing's leads (mechanism 6): the cry-wolf effect, and the cost of doubt.

About 90% of people respond to alarms at the rate the alarms have proven true (probability
matching) and about 10% respond to all or none (Bliss, Gilson & Deaton 1995). A rep's trust
moves toward the share of the MQLs they worked that proved good; low trust means fewer
follow-ups, later ones (MQLs pushed behind prospecting) and weaker ones (fewer attempts). Doubt
costs more when time is short: a rep with spare hours follows up some doubted MQLs anyway, a busy
one only what they trust (`decisions.follow_up_probability`). An MQL that carries the review's
evidence is judged on its own merit instead.

Each rep owns its numbers (style, starting trust, its choice to prospect in each half hour) and
each MQL visit its own (follow it up or not), so no decision depends on how many were taken
before it.
An outcome moves the rep's trust when the rep takes up the work that reveals it; the rep is busy
until that work ends, so their next decision sees it either way.
"""

from __future__ import annotations

import math

import numpy as np

from sim.model import decisions, numbers
from sim.model.decisions import FOLLOWS_ALL, FOLLOWS_NONE, MATCHER
from sim.model.transforms import normal
from sim.scenario import Trust

STYLE, LEVEL, DEFER = 0, 1, 1 << 20  # each rep's numbers: style, starting trust, defer slots
DEFER_CHUNK = 512  # prospecting blocks whose defer numbers are drawn at once, for every rep


class TeamTrust:
    """Trust of each rep, their response style, their slack, and the team's recent experience."""

    def __init__(self, cfg: Trust, n_reps: int, reps_key: int, block_hours: float) -> None:
        self.cfg = cfg
        self.keys = numbers.derive(reps_key, np.arange(n_reps))
        self.block_hours = block_hours
        self._chunk = -1  # the run of DEFER_CHUNK blocks whose numbers are in _chunk_u
        self._chunk_u: list[list[float]] = []  # per rep, per block of the run
        u = numbers.uniforms(self.keys[:, None], np.array([STYLE, LEVEL])[None, :])
        self.style = np.where(
            u[:, 0] < cfg.share_follow_all,
            FOLLOWS_ALL,
            np.where(u[:, 0] < cfg.share_follow_all + cfg.share_follow_none, FOLLOWS_NONE, MATCHER),
        ).tolist()
        start = np.clip(cfg.initial_mean + cfg.initial_spread * normal(u[:, 1]), 0.0, 1.0)
        self.level: list[float] = start.tolist()
        self.slack: list[float] = [1.0] * n_reps  # share of last week's duty hours left over
        self.base_follow = [0.0] * n_reps  # each rep's follow-up chance now, without evidence
        self.defer_chance = [0.0] * n_reps  # ... and chance to prospect first (matchers only)
        self._update_follow()
        self._good = 0
        self._verdicts = 0

    def follow_up_probability(self, rep: int, merit: float | None) -> float:
        """Chance the rep follows an MQL up; `merit` is given when the MQL carries evidence."""
        if merit is None:
            return self.base_follow[rep]
        return decisions.with_evidence(self.base_follow[rep], merit, self.cfg.evidence_weight)

    def _update_follow(self, rep: int | None = None) -> None:
        """Keep each rep's follow-up and defer chances current as trust and slack move (they are
        read for every MQL, and change only when those do)."""
        reps = range(len(self.level)) if rep is None else (rep,)
        for r in reps:
            self.base_follow[r] = decisions.style_follow_up(
                self.style[r], self.level[r], self.slack[r], self.cfg.slack_weight
            )
            self.defer_chance[r] = decisions.defer_probability(self.cfg.defer_weight, self.level[r])

    def effort(self, rep: int, evidence: bool) -> float:
        """How hard the rep works a followed-up MQL, in [0, 1] (scales the attempts made)."""
        return decisions.effort(self.style[rep], self.level[rep], evidence)

    def defers(self, rep: int, now: float) -> bool:
        """Whether a free rep puts the MQL queue behind a block of prospecting now. The number
        belongs to the rep and the half hour (one prospecting block), so the same rep free at the
        same moment decides alike in every scenario, and decides afresh in the next block."""
        if self.style[rep] != MATCHER:
            return False
        chunk, block = divmod(int(now / self.block_hours), DEFER_CHUNK)
        if chunk != self._chunk:  # the numbers of the next run of blocks, in one numpy batch
            self._chunk = chunk
            index = DEFER + chunk * DEFER_CHUNK + np.arange(DEFER_CHUNK)
            self._chunk_u = numbers.uniforms(self.keys[:, None], index[None, :]).tolist()
        return self._chunk_u[rep][block] < self.defer_chance[rep]

    def experience(self, rep: int, good: bool) -> None:
        """A worked MQL proved good or not: the rep's trust moves toward it."""
        level = self.level[rep]
        level += self.cfg.learning_rate * (good - level)
        self.level[rep] = level
        self._good += good
        self._verdicts += 1
        if self.style[rep] == MATCHER:
            self.base_follow[rep] = decisions.matched_follow_up(
                level, self.slack[rep], self.cfg.slack_weight
            )
            self.defer_chance[rep] = decisions.defer_probability(self.cfg.defer_weight, level)

    def weekly_exchange(self, busy_hours: list[float], duty_hours: float) -> None:
        """Reps talk: each moves toward the share of MQLs the whole team found good this week;
        each rep's slack for next week is the share of this week's duty hours not on MQLs."""
        if self._verdicts:
            share = self._good / self._verdicts
            w = self.cfg.team_influence
            self.level = [x + w * (share - x) for x in self.level]
        self._good = self._verdicts = 0
        self.slack = [decisions.slack(h, duty_hours) for h in busy_hours]
        self._update_follow()

    # The week's levels, in plain Python: numpy costs ~10 us a call on a list of a few reps.

    def mean(self) -> float:
        return math.fsum(self.level) / len(self.level)

    def spread(self) -> float:
        """Population standard deviation (as numpy's std)."""
        m = self.mean()
        return math.sqrt(math.fsum((x - m) ** 2 for x in self.level) / len(self.level))

    def convinced_share(self) -> float:
        return sum(x >= 0.5 for x in self.level) / len(self.level)
