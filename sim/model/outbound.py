"""Outbound prospecting (mechanism 5): sales sources its own SQLs from a finite universe.

The hours reps do not spend on MQLs or deals go to prospecting. Each prospecting hour reaches
`accounts_per_prospecting_hour` target accounts picked at random from the universe of
`target_accounts`; a reached account that was worked within the last `account_rest_weeks` yields
nothing, so returns per hour fall as the universe is worked and more reps saturate instead of
scaling. A fresh account turns into a conversation with chance outbound_sqls_per_hour /
accounts_per_prospecting_hour, and the conversation is an SQL if it meets the agreed BANT items
(the same rule as for MQLs). AE hours count at their own, lower, yield. When the SQLs waiting for
an AE exceed `ae_backlog_limit` per AE, prospecting stops: SDRs cannot book more meetings than
AEs can take.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from sim.clock import HOURS_PER_WEEK
from sim.model import decisions, numbers, transforms
from sim.model.numbers import Lead
from sim.scenario import Scenario

REACHED, TALKED = 0, 1  # each outbound week's numbers: accounts reached, conversations
OUTBOUND_FIELDS = (Lead.CREATED, Lead.FIT, Lead.BUDGET, Lead.AUTHORITY, Lead.IN_MARKET)


@dataclass
class SourcedLeads:
    """The conversations of one week that met the definition: sales-sourced SQLs to be."""

    key: np.ndarray
    created: np.ndarray
    fit: np.ndarray
    need: np.ndarray
    budget: np.ndarray
    authority: np.ndarray
    in_market: np.ndarray
    missing_bant: np.ndarray

    def __len__(self) -> int:
        return len(self.key)


class Prospecting:
    def __init__(self, s: Scenario, root: int) -> None:
        self.s = s
        sales = s.sales
        self.week_keys = numbers.derive(
            numbers.child(root, "outbound"), np.arange(s.simulation.weeks)
        )
        self.universe = int(sales.target_accounts)
        self.rest = deque([0] * max(math.ceil(sales.account_rest_weeks), 0))
        self.per_hour = sales.accounts_per_prospecting_hour
        self.conversion = min(sales.outbound_sqls_per_hour / self.per_hour, 1.0)
        self.worked = 0  # accounts reached fresh in the last week worked
        self.ae_yield = (
            sales.ae_outbound_sqls_per_hour / sales.outbound_sqls_per_hour
            if sales.outbound_sqls_per_hour > 0
            else 0.0
        )

    def available(self) -> int:
        """Accounts that may be worked now (not resting)."""
        return max(self.universe - sum(self.rest), 0)

    def week(self, week: int, sdr_hours: float, ae_hours: float) -> SourcedLeads:
        """Work the universe for a week of prospecting hours; the SQLs appear next week."""
        u = numbers.uniforms(self.week_keys[week], np.array([REACHED, TALKED]))
        available = self.available()
        hours = sdr_hours + self.ae_yield * ae_hours
        hit = 1.0 - math.exp(-hours * self.per_hour / self.universe) if self.universe else 0.0
        worked = transforms.binomial(float(u[0]), available, hit)
        self.worked = worked
        if self.rest:
            self.rest.popleft()
            self.rest.append(worked)
        talked = transforms.binomial(float(u[1]), worked, self.conversion)
        return self._conversations(week, talked)

    def _conversations(self, week: int, n: int) -> SourcedLeads:
        s, sales = self.s, self.s.sales
        key = numbers.derive(self.week_keys[week], np.arange(n) + 2)
        u = numbers.lead_fields(key, OUTBOUND_FIELDS)
        created = (week + 1 + u[Lead.CREATED]) * HOURS_PER_WEEK
        fit = transforms.logit_normal(
            u[Lead.FIT], np.full(n, sales.outbound_fit_mean), s.buyers.fit_concentration
        )
        need = fit >= s.buyers.need_fit_minimum
        budget = u[Lead.BUDGET] < sales.outbound_budget_share
        authority = u[Lead.AUTHORITY] < sales.outbound_authority_share
        in_market = u[Lead.IN_MARKET] < sales.outbound_in_market_share
        verdicts = [
            decisions.qualification(s.definitions, *flags)
            for flags in zip(
                need.tolist(), budget.tolist(), authority.tolist(), in_market.tolist(), strict=True
            )
        ]
        ok = np.array([v == decisions.SQL for v, _ in verdicts], bool)
        missing = np.array([m for _, m in verdicts], np.int8)
        order = np.argsort(created[ok], kind="stable")
        pick = np.nonzero(ok)[0][order]
        return SourcedLeads(
            key=key[pick],
            created=created[pick],
            fit=fit[pick],
            need=need[pick],
            budget=budget[pick],
            authority=authority[pick],
            in_market=in_market[pick],
            missing_bant=missing[pick],
        )
