"""Small integer codes for lead states, stages, sources, touch kinds and reasons.

Leads live in numpy columns, so their categories are integers; these names say what each means.
"""

from __future__ import annotations

from sim.scenario import ENGAGEMENT_KINDS, JUNK_TYPES


class State:
    """Where a lead is right now: every lead is in exactly one state at any time.

    Plain int constants (not an Enum): they are read in the per-MQL hot path.
    """

    NURTURE = 0  # engaging with marketing (or gone cold: see `cold_time`)
    REVIEW = 1  # MQL being reviewed by marketing before hand-off
    SALES = 2  # MQL with the SDRs: queued, being worked or between attempts
    SQL_WAIT = 3  # SQL waiting for an AE to open the opportunity
    OPPORTUNITY = 4
    WON = 5
    LOST = 6
    DISQUALIFIED = 7
    COLD = 8  # an SQL that went cold waiting for an AE
    NAMES = (
        "nurture",
        "review",
        "sales",
        "sql_wait",
        "opportunity",
        "won",
        "lost",
        "disqualified",
        "cold",
    )


class Stage:
    """The furthest stage a lead reached (each lead counted once, at its furthest stage)."""

    LEAD = 0
    MQL = 1
    HANDED = 2
    SAL = 3
    SQL = 4
    OPPORTUNITY = 5
    WON = 6


class Source:
    MARKETING = 0
    PARTNER = 1
    SALES = 2


# Touch kinds: 0 anonymous (before the lead exists), 1 lead creation by a form, 2.. engagement
# kinds in ENGAGEMENT_KINDS order, then demo requests (mid-life or as the creating touch).
ANONYMOUS = 0
CREATION = 1
FIRST_ENGAGEMENT = 2
DEMO = FIRST_ENGAGEMENT + len(ENGAGEMENT_KINDS)
CREATION_DEMO = DEMO + 1
TOUCH_KIND_NAMES = ("anonymous", "creation", *ENGAGEMENT_KINDS, "demo_request", "creation_demo")

# Rejection and loss reasons, recorded for every MQL that does not become an SQL and every loss.
REASONS = (
    "ignored",
    "unresponsive",
    *JUNK_TYPES,
    "poor_fit",
    "no_budget",
    "no_authority",
    "timing",
    "review_junk",
    "review_poor_fit",
)
REASON = {name: i for i, name in enumerate(REASONS)}
JUNK_REASON = {i + 1: REASON[name] for i, name in enumerate(JUNK_TYPES)}  # junk_type -> reason
LOSS_REASONS = ("no_decision", "competitor", "price", "stalled_waiting", "went_cold")
LOSS = {name: i for i, name in enumerate(LOSS_REASONS)}
