"""Outbound prospecting (mechanism 5): sales sources its own SQLs from a finite universe.

The hours reps do not spend on MQLs or deals go to prospecting. Each prospecting hour reaches
`accounts_per_prospecting_hour` target accounts picked at random from the universe of
`target_accounts`; a reached account that was worked within the last `account_rest_weeks` yields
nothing, so returns per hour fall as the universe is worked and more reps saturate instead of
scaling. A fresh account turns into a conversation with chance outbound_sqls_per_hour /
accounts_per_prospecting_hour, and the conversation is an SQL if it meets the agreed BANT items
(the same rule as for MQLs). An AE's spare hour counts as ae_outbound_sqls_per_hour /
outbound_sqls_per_hour of an SDR's: it uses up accounts in proportion to what it yields.
Reps book no more meetings than the AEs can take: each week they prospect only the hours whose
conversations fit in the line up to `ae_backlog_limit` waiting SQLs per AE, and the rest of their
prospecting time is idle. The cut is gradual (hours in proportion to the room left), so adding
SDRs beyond what AEs can absorb adds idle time, not a queue that sours every waiting SQL.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from sim.clock import HOURS_PER_WEEK
from sim.model import decisions, numbers, transforms
from sim.model.deals import deal_terms
from sim.model.numbers import Lead
from sim.scenario import Scenario

REACHED, TALKED = 0, 1  # each outbound week's numbers: accounts reached, conversations
OUTBOUND_FIELDS = (Lead.CREATED, Lead.FIT, Lead.BUDGET, Lead.AUTHORITY, Lead.IN_MARKET)


@dataclass
class SourcedLeads:  # also iterated as its columns, in this order
    """The conversations of one week that met the definition: sales-sourced SQLs to be."""

    key: np.ndarray
    created: np.ndarray
    fit: np.ndarray
    in_market: np.ndarray
    missing_bant: np.ndarray
    win_u: np.ndarray  # the deal's terms (deals.deal_terms), drawn with the rest
    amount: np.ndarray
    cycle_hours: np.ndarray

    def __len__(self) -> int:
        return len(self.key)

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter(
            (
                self.key,
                self.created,
                self.fit,
                self.in_market,
                self.missing_bant,
                self.win_u,
                self.amount,
                self.cycle_hours,
            )
        )


BLOCK = 64  # conversations per week whose numbers are drawn up front, for all weeks at once


class Prospecting:
    def __init__(self, s: Scenario, root: int) -> None:
        self.s = s
        sales = s.sales
        weeks = s.simulation.weeks
        self.week_keys = numbers.derive(numbers.child(root, "outbound"), np.arange(weeks))
        self.week_u = numbers.uniforms(self.week_keys[:, None], np.array([REACHED, TALKED]))
        self.universe = int(sales.target_accounts)
        self.rest = deque([0] * max(math.ceil(sales.account_rest_weeks), 0))
        self.conversion, self.sdr_weight, self.ae_weight = decisions.prospecting_weights(sales)
        self.worked = 0  # accounts reached fresh in the last week worked
        # the missing BANT items of an SQL by its case (decisions.qualification_case), -1 for a
        # conversation that is not one
        self._missing_by_code = np.array(
            [
                m if v == decisions.SQL else -1
                for v, m in decisions.qualification_table(s.definitions)
            ],
            np.int8,
        )
        self._drawn = self._candidates(
            np.repeat(np.arange(weeks), BLOCK), np.tile(np.arange(BLOCK), weeks)
        )

    def available(self) -> int:
        """Accounts that may be worked now (not resting)."""
        return max(self.universe - sum(self.rest), 0)

    def week(self, week: int, sdr_hours: float, ae_hours: float) -> SourcedLeads:
        """Work the universe for a week of prospecting hours; the SQLs appear next week."""
        available = self.available()
        hours = self.sdr_weight * sdr_hours + self.ae_weight * ae_hours
        hit = decisions.reach_probability(self.s.sales, hours)
        worked = transforms.binomial(float(self.week_u[week, 0]), available, hit)
        self.worked = worked
        if self.rest:
            self.rest.popleft()
            self.rest.append(worked)
        talked = transforms.binomial(float(self.week_u[week, 1]), worked, self.conversion)
        return self._conversations(week, talked)

    def _conversations(self, week: int, n: int) -> SourcedLeads:
        """The week's first n conversations (drawn up front; more, rarely, when needed), and of
        them the ones that meet the definition, in the order they appear."""
        if n <= BLOCK:
            rows = slice(week * BLOCK, week * BLOCK + n)
            chosen = SourcedLeads(*(column[rows] for column in self._drawn))
        else:
            chosen = self._candidates(np.full(n, week), np.arange(n))
        ok = chosen.missing_bant >= 0
        order = np.argsort(chosen.created[ok], kind="stable")
        pick = np.nonzero(ok)[0][order]
        return SourcedLeads(*(column[pick] for column in chosen))

    def _candidates(self, weeks: np.ndarray, index: np.ndarray) -> SourcedLeads:
        """Conversation `index` of each week in `weeks`: its numbers and its BANT verdict
        (missing_bant -1: not an SQL by the agreed definition)."""
        s, sales = self.s, self.s.sales
        key = numbers.derive(self.week_keys[weeks], index + 2)
        u = numbers.lead_fields(key, OUTBOUND_FIELDS)
        created = (weeks + 1 + u[Lead.CREATED]) * HOURS_PER_WEEK
        fit = transforms.logit_normal(
            u[Lead.FIT], np.full(len(key), sales.outbound_fit_mean), s.buyers.fit_concentration
        )
        need = decisions.has_need(s.buyers, fit)
        budget = u[Lead.BUDGET] < sales.outbound_budget_share
        authority = u[Lead.AUTHORITY] < sales.outbound_authority_share
        in_market = u[Lead.IN_MARKET] < sales.outbound_in_market_share
        missing = self._missing_by_code[
            decisions.qualification_case(need, budget, authority, in_market)
        ]
        terms = deal_terms(s.deals, key, fit)
        return SourcedLeads(key, created, fit, in_market, missing, *terms)
