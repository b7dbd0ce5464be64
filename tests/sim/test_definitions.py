"""The agreed definitions are the model's parameters (DOMAIN.md mechanism 12): dropping Need from
the SQL definition lets poor-fit accounts through as SQLs, which then win less often.

Paired replications on common random numbers; each direction is asserted beyond 3 SE of the
paired difference.
"""

from __future__ import annotations

from stats_checks import Z, paired_metrics, records, small

from sim.model.codes import REASON
from sim.results import period_weeks


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
