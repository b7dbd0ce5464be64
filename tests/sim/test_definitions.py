"""The agreed definitions are the model's parameters (DOMAIN.md mechanism 12): dropping Need from
the SQL definition lets poor-fit accounts through as SQLs, which then win less often.

Paired replications on common random numbers; each direction is asserted beyond 3 SE of the
paired difference.
"""

from __future__ import annotations

import itertools

import numpy as np
from stats_checks import Z, paired_metrics, records, small

from sim.model.codes import REASON
from sim.model.decisions import qualification, qualification_case, qualification_table
from sim.results import period_weeks
from sim.scenario import Definitions


def test_dropping_need_from_the_sql_definition_qualifies_poor_fit() -> None:
    """Without Need in the definition, more accepted leads qualify (SAL -> SQL and marketing
    SQLs up), none is disqualified as a poor fit, and the deals won per deal closed fall (the
    poor-fit SQLs miss a BANT item and fit badly). Would fail if the flag were ignored (tried:
    qualification always requiring need)."""
    strict = small()
    loose = small(definitions={"sql_requires_need": False})
    d = paired_metrics(strict, loose, ["rate_sal_to_sql", "sql_marketing", "win_rate"], n=6)
    for metric, sign in (("rate_sal_to_sql", 1), ("sql_marketing", 1), ("win_rate", -1)):
        mean, se = d[metric]
        assert sign * mean > Z * se, f"{metric}: paired diff {mean:.4g} (SE {se:.3g})"
    window = period_weeks(strict, "horizon")
    (r_strict,) = records(strict, 1)
    (r_loose,) = records(loose, 1)
    assert r_strict.reasons[window, REASON["poor_fit"]].sum() > 10
    assert r_loose.reasons[:, REASON["poor_fit"]].sum() == 0


def test_the_qualification_table_gives_each_case_the_rules_verdict() -> None:
    """The engine's discovery calls and the outbound conversations look their verdict up by
    case; every case (and every definition's flags) gives what `qualification` says, for flags
    and for boolean arrays alike."""
    for required in itertools.product((False, True), repeat=4):
        d = Definitions(
            sql_requires_need=required[0],
            sql_requires_budget=required[1],
            sql_requires_authority=required[2],
            sql_requires_timing=required[3],
        )
        table = qualification_table(d)
        cases = list(itertools.product((False, True), repeat=4))
        for flags in cases:
            assert table[qualification_case(*flags)] == qualification(d, *flags)
        columns = [np.array(column) for column in zip(*cases, strict=True)]
        assert qualification_case(*columns).tolist() == list(range(16))
