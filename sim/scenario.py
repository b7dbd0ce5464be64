"""The typed scenario: everything a file holds, with units, defaults and allowed ranges.

Defaults describe a mid-size B2B company with today's problem (the README's calibration
bands): volume targeting, a low MQL threshold, few reps who trust marketing's leads. Any numeric
field of the model may hold a distribution instead of a number (sim/ranges.py); structural settings
(seed, horizon, warm-up, replications, names) are plain numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from sim.metrics import METRICS
from sim.ranges import (
    AtLeastOne,
    CarryOver,
    HalfTo200,
    HorizonWeeks,
    HourOfDay,
    NonNegative,
    OneTo16,
    PlainShare,
    Positive,
    PositiveCount,
    Probability,
    ReplicationCount,
    SeedNumber,
    TenthTo10,
    UpTo2,
    UpTo3,
    UpTo7,
    UpTo20,
    UpTo200,
    UpTo500,
    UpTo520,
    UpToHalf,
    WarmupWeeks,
    WeeksInAYear,
    field,
)

SCHEMA_VERSION = 2
CURRENCY = r"^[A-Z]{3}$"
"""An ISO 4217 currency code: three capital letters (USD, EUR)."""
JUNK_TYPES = ("existing_customer", "outside_area", "product_not_offered", "student_competitor")


class Section(BaseModel):
    """A frozen, strict block of the scenario: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class JunkMix(Section):
    """Relative weights of the four kinds of junk lead ("targeting flubs": MASS Engines, "How
    Marketing Lead Generation Can Actually Hurt Sales")."""

    existing_customer: NonNegative = field(
        0.35, "weight", "Existing customers wanting support who filled in a sales form."
    )
    outside_area: NonNegative = field(0.2, "weight", "Contacts outside the service area.")
    product_not_offered: NonNegative = field(
        0.2, "weight", "People wanting a product the company does not offer."
    )
    student_competitor: NonNegative = field(
        0.25, "weight", "Students, job seekers and competitors downloading content."
    )


class Channel(Section):
    """A lead source: paid media bought by budget, or organic/partner volume that brand lifts."""

    name: str = Field("Paid search", min_length=1, max_length=60, description="Channel name.")
    source: Literal["marketing", "partner"] = Field(
        "marketing", description="Who gets sourcing credit for its leads (contribution)."
    )
    volume: Literal["budget", "organic"] = Field(
        "budget",
        description="budget: leads = weekly budget / CPL. organic: a weekly lead count that "
        "brand awareness lifts (direct/organic inbound, referrals).",
    )
    weekly_budget: NonNegative = field(
        0.0, "currency/week", "Media spend per week (budget channels)."
    )
    base_cpl: NonNegative = field(
        100.0,
        "currency/lead",
        "Cost per lead at middle targeting breadth and no brand awareness. For organic "
        "channels, a cost per lead such as a referral fee (0 if free).",
    )
    weekly_leads: NonNegative = field(
        0.0, "leads/week", "Organic channels: leads per week with no brand awareness."
    )
    awareness_lift: NonNegative = field(
        0.0,
        "x at full awareness",
        "Organic channels: extra volume at full awareness (1 = twice the leads).",
        label="Brand lift",
    )
    targeting_breadth: Probability = field(
        0.5,
        "0 narrow .. 1 broad",
        "How broadly the channel targets. Broader buys cheaper leads with lower ICP fit "
        "and more junk; narrower costs more per lead (MASS Engines).",
    )
    fit_mean: Probability = field(
        0.45,
        "0..1",
        "Average ICP fit (firmographic + demographic) at middle breadth.",
        label="ICP fit",
    )
    junk_share: Probability = field(
        0.25, "share of leads", "Share of junk leads at middle breadth (see junk_mix)."
    )
    junk_mix: JunkMix = Field(default_factory=JunkMix, description="Kinds of junk lead.")
    sales_ready_share: Probability = field(
        0.06,
        "share of leads",
        "Share of (non-junk) leads already in market when they arrive: 5-15% (Welsh, 'Sales "
        "Leads Vs Marketing Leads', 2017).",
        label="Sales-ready share",
    )
    authority_share: Probability = field(
        0.75,
        "share of leads",
        "Share of contacts who hold buying authority (title/role).",
        label="Decision-maker share",
    )

    @model_validator(mode="after")
    def _volume_inputs(self) -> Channel:
        if self.volume == "budget" and _central(self.base_cpl) <= 0:
            raise ValueError(f"channel '{self.name}': a budget channel needs base_cpl > 0")
        return self


def _default_channels() -> list[Channel]:
    return [
        Channel(
            name="Paid search",
            weekly_budget=15000.0,
            base_cpl=150.0,
            targeting_breadth=0.6,
            fit_mean=0.45,
            junk_share=0.18,
            sales_ready_share=0.07,
        ),
        Channel(
            name="Paid social",
            weekly_budget=7500.0,
            base_cpl=110.0,
            targeting_breadth=0.85,
            fit_mean=0.35,
            junk_share=0.3,
            sales_ready_share=0.03,
            authority_share=0.6,
        ),
        Channel(
            name="Content syndication",
            weekly_budget=4300.0,
            base_cpl=80.0,
            targeting_breadth=0.8,
            fit_mean=0.4,
            junk_share=0.3,
            sales_ready_share=0.02,
            junk_mix=JunkMix(student_competitor=0.6, existing_customer=0.1),
        ),
        Channel(
            name="Events & webinars",
            weekly_budget=8000.0,
            base_cpl=200.0,
            targeting_breadth=0.4,
            fit_mean=0.5,
            junk_share=0.12,
            sales_ready_share=0.05,
            authority_share=0.8,
        ),
        Channel(
            name="Organic & direct",
            volume="organic",
            base_cpl=0.0,
            weekly_leads=60.0,
            awareness_lift=1.2,
            targeting_breadth=0.7,
            fit_mean=0.45,
            junk_share=0.35,
            sales_ready_share=0.08,
            junk_mix=JunkMix(existing_customer=0.6, outside_area=0.15),
        ),
        Channel(
            name="Partners & referrals",
            source="partner",
            volume="organic",
            base_cpl=150.0,
            weekly_leads=12.0,
            awareness_lift=0.5,
            targeting_breadth=0.2,
            fit_mean=0.62,
            junk_share=0.05,
            sales_ready_share=0.15,
            authority_share=0.85,
        ),
    ]


class Targeting(Section):
    """How targeting breadth trades volume for quality, for every budget channel."""

    cpl_ratio_narrow_to_broad: AtLeastOne = field(
        4.0,
        "x",
        "How many times more a lead costs at the narrowest targeting than the broadest.",
        label="Narrowest vs broadest: cost per lead",
    )
    fit_shift_narrow_to_broad: Probability = field(
        0.3,
        "fit points 0..1",
        "How much higher the average ICP fit is at narrowest targeting.",
        label="Fit gained by narrowest targeting",
    )
    junk_ratio_broad_to_narrow: AtLeastOne = field(
        4.0,
        "x",
        "How many times more junk the broadest targeting brings than the narrowest.",
        label="Broadest vs narrowest: junk",
    )


class Brand(Section):
    """Brand spend builds awareness (geometric adstock + Hill saturation), with a lag."""

    weekly_spend: NonNegative = field(
        6000.0, "currency/week", "Brand spend per week (not lead-generating media)."
    )
    prior_weekly_spend: NonNegative = field(
        6000.0,
        "currency/week",
        "Brand spend per week before the simulation starts; sets the starting awareness.",
        label="Weekly spend before the start",
    )
    adstock_theta: CarryOver = field(
        0.85,
        "per week",
        "Carry-over: share of last week's adstock that survives a week. Same meaning as in "
        "Robyn, PyMC-Marketing and Meridian, so a fitted value can be typed in.",
        label="Brand memory: share of last week's awareness kept",
    )
    hill_shape: TenthTo10 = field(
        1.5,
        "",
        "Hill curve shape (a): above 1, awareness builds slowly then saturates.",
        label="How slowly awareness builds at first",
    )
    half_saturation: Positive = field(
        60000.0,
        "currency (adstock)",
        "Adstock level at which awareness reaches half its maximum.",
        label="Brand stock for half of full awareness",
    )
    saturation: bool = Field(
        True, description="Pass adstock through the Hill curve (off: awareness stays at 0)."
    )
    lag_weeks: WeeksInAYear = field(
        6,
        "weeks",
        "Delay before awareness changes show in CPL, response and win rates.",
        label="Delay before brand shows",
    )
    cpl_reduction: Probability = field(
        0.3,
        "share at full awareness",
        "How much lower CPL is at full awareness.",
        label="Lower cost per lead",
    )
    response_lift: NonNegative = field(
        0.5,
        "x at full awareness",
        "Extra engagement with content at full awareness.",
        label="Engagement lift",
    )
    win_rate_lift: NonNegative = field(
        0.25,
        "x at full awareness",
        "Relative lift of win probability at full awareness.",
        label="Win-rate lift",
    )
    dark_funnel_touches: NonNegative = field(
        1.5,
        "touches/lead at full awareness",
        "Extra anonymous touches (ad views, organic visits) before a lead appears, at full "
        "awareness: the untracked 'dark funnel' (BCM, 'Marketing vs. Sales Leads', 2025).",
        label="Untracked touches (dark funnel)",
    )


class Buyers(Section):
    """The latent buying state of each lead's account: most leads are not ready to buy."""

    fit_concentration: HalfTo200 = field(
        5.0,
        "",
        "How tightly ICP fit clusters around a channel's mean (beta concentration).",
        label="How alike leads' fit is",
    )
    weeks_to_in_market: Positive = field(
        60.0,
        "weeks",
        "Mean time until a not-yet-ready account starts buying, without nurture. Buying cycles "
        "take weeks to months (BCM, 2025).",
        label="Time until an account starts buying",
    )
    in_market_weeks: Positive = field(
        14.0,
        "weeks",
        "Mean time an account stays in market before buying elsewhere or stopping.",
        label="Time an account stays in market",
    )
    engaged_weeks: Positive = field(
        30.0,
        "weeks",
        "Mean time a lead keeps engaging before going cold (unsubscribes, leaves).",
        label="Time a lead keeps engaging",
    )
    self_engagements_per_week: NonNegative = field(
        0.08,
        "engagements/week",
        "Engagements a lead makes on its own while not in market.",
        label="Engagements on its own",
    )
    in_market_engagement_factor: AtLeastOne = field(
        8.0,
        "x",
        "How much more an in-market buyer engages (B2B buyers consume 13-17 "
        "assets: 'Why Sales Shuns B2B Marketing Qualified Leads').",
        label="Engagement when buying",
    )
    demo_requests_per_in_market_week: NonNegative = field(
        0.06,
        "requests/week",
        "Rate at which an in-market buyer asks for a demo or a call.",
        label="Demo requests while buying",
    )
    ready_hand_raise_share: Probability = field(
        0.35,
        "share of sales-ready leads",
        "Share of leads already in market who arrive by asking for a demo or a call.",
        label="Ready leads who ask for a demo",
    )
    junk_hand_raise_share: Probability = field(
        0.2,
        "share of junk leads",
        "Share of junk leads who submit a contact/demo form (support requests, job seekers).",
        label="Junk leads who fill in a demo form",
    )
    budget_share: Probability = field(
        0.9,
        "share",
        "Share of average-fit accounts with budget; rises with fit.",
        label="Accounts with budget",
    )
    need_fit_minimum: Probability = field(
        0.2,
        "fit 0..1",
        "Accounts below this ICP fit have no real need for the product.",
        label="Least fit with a real need",
    )


class EngagementKind(Section):
    """A kind of engagement: how often it occurs and the behaviour points it scores."""

    share: NonNegative = field(
        1.0, "weight", "Relative frequency of this engagement.", label="How often"
    )
    points: UpTo200 = field(5.0, "points", "Behaviour points it scores.")
    intent_factor: UpTo20 = field(
        1.0,
        "x",
        "How much likelier it is from an in-market buyer (pricing pages: high).",
        label="Likelier if buying",
    )


class Scoring(Section):
    """Lead scoring: observed fit points plus decaying behaviour points ("Why Sales Shuns B2B
    Marketing Qualified Leads")."""

    fit_points_max: UpTo200 = field(
        40.0,
        "points",
        "Points for a perfect ICP fit (industry, size, revenue, geography, title/role).",
        label="Points for a perfect fit",
    )
    fit_data_noise: Probability = field(
        0.15,
        "sd of fit",
        "Data-quality noise: how wrongly the CRM sees a lead's fit.",
        label="CRM error in fit",
    )
    decay_half_life_weeks: Positive = field(
        4.0,
        "weeks",
        "Behaviour points halve after this long (recency decay).",
        label="Behaviour points halve after",
    )
    form_fill: EngagementKind = Field(
        default_factory=lambda: EngagementKind(share=0.12, points=10, intent_factor=1.5)
    )
    content_download: EngagementKind = Field(
        default_factory=lambda: EngagementKind(share=0.22, points=6, intent_factor=1.0)
    )
    webinar_registered: EngagementKind = Field(
        default_factory=lambda: EngagementKind(share=0.08, points=3, intent_factor=1.0)
    )
    webinar_attended: EngagementKind = Field(
        default_factory=lambda: EngagementKind(share=0.05, points=12, intent_factor=1.5)
    )
    pricing_page: EngagementKind = Field(
        default_factory=lambda: EngagementKind(share=0.05, points=15, intent_factor=5.0)
    )
    product_page: EngagementKind = Field(
        default_factory=lambda: EngagementKind(share=0.13, points=5, intent_factor=2.0)
    )
    dwell_visit: EngagementKind = Field(
        default_factory=lambda: EngagementKind(share=0.2, points=2, intent_factor=1.0),
        description="A web visit past the dwell-time rule (30 s, 'Why Sales Shuns B2B MQLs').",
    )
    email_click: EngagementKind = Field(
        default_factory=lambda: EngagementKind(share=0.15, points=1, intent_factor=1.0)
    )


ENGAGEMENT_KINDS = (
    "form_fill",
    "content_download",
    "webinar_registered",
    "webinar_attended",
    "pricing_page",
    "product_page",
    "dwell_visit",
    "email_click",
)


class Nurture(Section):
    """Nurture programme: cadence and relevance drive engagement and readiness (BCM, "Marketing vs.
    Sales Leads", 2025; Welsh, "Sales Leads Vs Marketing Leads", 2017)."""

    touches_per_week: UpTo7 = field(
        0.5, "touches/week", "Nurture emails/content sent to each lead in nurture per week."
    )
    content_relevance: Probability = field(
        0.35, "0..1", "How relevant the content is to the lead's persona and stage."
    )
    response_per_touch: Probability = field(
        0.25,
        "engagements/touch",
        "Engagements per touch at perfect relevance.",
        label="Engagements per touch",
    )
    readiness_speedup: NonNegative = field(
        1.0,
        "x at full relevance and 1 touch/week",
        "How much nurture speeds the move into market (educating, building the case).",
        label="Speeds buying readiness",
    )
    weekly_cost: NonNegative = field(
        2000.0, "currency/week", "Fixed cost of running the nurture programme (content, tools)."
    )
    cost_per_touch: NonNegative = field(
        0.05,
        "currency/touch",
        "Cost of each nurture touch sent to a lead in nurture: a higher cadence costs more.",
    )


class Trust(Section):
    """Sales trust in marketing's leads: the cry-wolf effect (Bliss, Gilson & Deaton 1995)."""

    initial_mean: Probability = field(
        0.3,
        "0..1",
        "Starting trust, the team average. Only 7% of reps think MQLs are good (MASS Engines).",
        label="Starting trust",
    )
    initial_spread: UpToHalf = field(
        0.14, "sd", "Spread of starting trust across reps.", label="Spread of starting trust"
    )
    learning_rate: Probability = field(
        0.03,
        "per worked MQL",
        "How far one worked MQL's outcome moves a rep's trust.",
        label="Trust moved by each worked MQL",
    )
    team_influence: Probability = field(
        0.1,
        "per week",
        "How far each rep's trust moves weekly toward the team's experience.",
        label="Pull toward the team's view",
    )
    share_follow_all: Probability = field(
        0.05,
        "share of reps",
        "Reps who follow up every MQL whatever its record.",
        label="Reps who follow up every MQL",
    )
    share_follow_none: Probability = field(
        0.05,
        "share of reps",
        "Reps who ignore every MQL whatever its record.",
        label="Reps who ignore every MQL",
    )
    defer_weight: Probability = field(
        0.2,
        "0..1",
        "How strongly low trust pushes MQL follow-up behind outbound work (later follow-up).",
        label="Low trust delays follow-up",
    )
    evidence_weight: Probability = field(
        0.8,
        "0..1",
        "For an MQL that carries the review's evidence: how much the rep judges it on its own "
        "merit instead of at their discounted rate.",
        label="Weight of the review's evidence",
    )
    slack_weight: Probability = field(
        0.25,
        "0..1",
        "How much spare time makes a doubting rep follow MQLs up anyway. Follow-up = trust + "
        "(1 - trust) x weight x slack, where slack is the share of last week's duty hours the "
        "rep did not spend on MQLs: with limited hours in a day reps qualify fewer MQLs (seed "
        "000).",
        label="Spare time makes doubters follow up",
    )


class Sales(Section):
    """Sales capacity and speed: SDRs work MQLs, AEs work opportunities (mechanism 5)."""

    sdr_count: PositiveCount = field(
        8, "reps", "Sales development reps working MQLs.", label="SDRs"
    )
    ae_count: PositiveCount = field(
        10, "reps", "Account executives working opportunities.", label="AEs"
    )
    workday_start_hour: HourOfDay = field(
        9, "hour", "When the working day starts (Monday to Friday).", label="Working day starts at"
    )
    workday_hours: OneTo16 = field(
        8.0, "hours/day", "Working hours per day, Monday to Friday.", label="Working hours per day"
    )
    always_on_duty: bool = Field(
        False, description="Reps cover every hour of the week (for queue validation)."
    )
    queue_order: Literal["fifo", "score"] = Field(
        "fifo", description="Order in which MQLs are worked: first in, or highest score first."
    )
    max_attempts: PositiveCount = field(
        4, "attempts", "Contact attempts per MQL at full trust.", label="Contact attempts per MQL"
    )
    attempt_spacing_hours: NonNegative = field(
        24.0, "hours", "Wait between contact attempts.", label="Wait between attempts"
    )
    attempt_hours: Positive = field(
        0.2, "hours", "Rep time per contact attempt.", label="Time per attempt"
    )
    handling_times: Literal["fixed", "exponential"] = Field(
        "exponential",
        description="Whether call and attempt times vary around their means (exponential) or not.",
    )
    discovery_hours: Positive = field(
        0.75, "hours", "Rep time per discovery/qualification call.", label="Time per discovery call"
    )
    glance_hours: NonNegative = field(
        0.05,
        "hours",
        "Rep time to look at an MQL and decide not to follow up.",
        label="Time to glance at an MQL and skip it",
    )
    contact_rate: Probability = field(
        0.95,
        "probability",
        "Chance an immediate first attempt reaches an interested lead.",
        label="Reach on an immediate call",
    )
    contact_rate_not_in_market: Probability = field(
        0.6,
        "x",
        "Relative responsiveness of a lead that is not in market.",
        label="Responsiveness when not buying",
    )
    speed_fast_half_life_hours: Positive = field(
        0.75,
        "hours",
        "Speed to lead: the contact chance falls by half every this many hours at first...",
        label="Contact chance halves every",
    )
    speed_slow_share: Probability = field(
        0.15,
        "share",
        "...except this share of it, which fades slowly (leads still interested).",
        label="Share of it that fades slowly",
    )
    speed_slow_half_life_hours: Positive = field(
        12.0,
        "hours",
        "Half-life of the slowly fading share of the contact chance.",
        label="…and that share halves every",
    )
    outbound_block_hours: Positive = field(
        0.5,
        "hours",
        "Length of an outbound prospecting block a rep does instead of an MQL.",
        label="Prospecting block",
    )
    outbound_sqls_per_hour: NonNegative = field(
        0.28,
        "SQLs/hour",
        "Sales-sourced SQLs that an SDR's prospecting hour produces.",
        label="SQLs per SDR prospecting hour",
    )
    outbound_fit_mean: Probability = field(
        0.6, "0..1", "ICP fit of sales-prospected accounts.", label="Fit of prospected accounts"
    )
    outbound_in_market_share: Probability = field(
        1.0,
        "share",
        "Share of sales-prospected SQLs whose account is in market (timing).",
        label="Prospected SQLs in market",
    )
    outbound_budget_share: Probability = field(
        1.0,
        "share",
        "Share of sales-prospected accounts with budget (BANT).",
        label="Prospected accounts with budget",
    )
    outbound_authority_share: Probability = field(
        1.0,
        "share",
        "Share of sales-prospected contacts with buying authority (BANT).",
        label="Prospected contacts with authority",
    )
    target_accounts: PositiveCount = field(
        40000,
        "accounts",
        "Target accounts outbound prospecting can work: the ideal-customer universe is finite.",
    )
    account_rest_weeks: UpTo520 = field(
        26.0,
        "weeks",
        "A worked account rests this long before prospecting can work it again, so returns per "
        "prospecting hour fall as the universe is worked.",
        label="A worked account rests for",
    )
    accounts_per_prospecting_hour: Positive = field(
        2.0,
        "accounts/hour",
        "Target accounts one prospecting hour reaches (calls, emails, research). A reached "
        "account that is resting yields nothing.",
    )
    ae_backlog_limit: NonNegative = field(
        10.0,
        "SQLs per AE",
        "Reps book no more meetings than fill the AEs' line to this many waiting SQLs per AE: "
        "prospecting hours beyond that are idle (they keep working MQLs).",
        label="SQLs waiting per AE that pause prospecting",
    )
    sql_max_wait_days: Positive = field(
        42.0,
        "days",
        "An SQL that waits longer than this for an AE goes cold: lost, 'went cold waiting for "
        "sales'.",
        label="An SQL goes cold after waiting",
    )
    ae_max_open_opportunities: PositiveCount = field(
        100,
        "opportunities",
        "Opportunities one AE can work at once; further SQLs wait.",
        label="Most open opportunities per AE",
    )
    ae_hours_per_opportunity_week: NonNegative = field(
        0.35,
        "hours/week",
        "AE time one open opportunity takes each week.",
        label="AE time per open opportunity",
    )
    ae_outbound_sqls_per_hour: NonNegative = field(
        0.03,
        "SQLs/hour",
        "Sales-sourced SQLs that an AE's spare hour of prospecting produces.",
        label="SQLs per AE prospecting hour",
    )
    rep_cost_per_week: NonNegative = field(
        2500.0, "currency/week", "Loaded cost of one rep per week (for CAC).", label="Cost of a rep"
    )


class Review(Section):
    """Optional human review before hand-off: costs time, filters junk, attaches evidence."""

    catch_junk: Probability = field(
        0.8, "share", "Share of junk MQLs the reviewer stops.", label="Junk MQLs stopped"
    )
    catch_poor_fit: Probability = field(
        0.4,
        "share",
        "Share of poor-fit (no need) MQLs the reviewer stops.",
        label="Poor-fit MQLs stopped",
    )
    delay_hours: NonNegative = field(
        3.0,
        "business hours",
        "Fixed turnaround after the reviewer checks an MQL, before it reaches sales (on top of "
        "any wait for the reviewer).",
        label="Turnaround after the check",
    )
    cost_per_review: NonNegative = field(4.0, "currency/MQL", "Marketing cost of one review.")
    reviewer_hours_per_week: NonNegative = field(
        20.0,
        "hours/week",
        "Reviewer time available each week (business hours): reviews beyond it queue, so a "
        "review backlog delays hand-offs.",
        label="Reviewer hours per week",
    )
    minutes_per_review: NonNegative = field(
        6.0,
        "minutes",
        "Reviewer time to check one MQL and write the reason for the hand-off.",
        label="Time per review",
    )
    attach_evidence: bool = Field(
        True,
        description="The reviewer attaches the evidence behind the hand-off, so the rep can "
        "judge the lead on its own merit.",
    )


class Deals(Section):
    """Opportunities: cycle time, win probability and deal size (mechanism 8)."""

    win_rate: Probability = field(
        0.31, "probability", "Win probability of an average SQL (fit 0.5, in market, BANT)."
    )
    fit_effect: NonNegative = field(
        1.2,
        "log-odds per unit fit",
        "How much more often well-fitting accounts win.",
        label="Win advantage of a good fit",
    )
    not_in_market_factor: Probability = field(
        0.35,
        "x",
        "Relative win chance of an account that is not in market.",
        label="Win chance when not buying",
    )
    missing_bant_factor: Probability = field(
        0.6,
        "x per item",
        "Relative win chance for each BANT item that does not hold.",
        label="Win chance per missing BANT item",
    )
    wait_decay_weeks: Positive = field(
        6.0,
        "weeks",
        "An SQL waiting for an AE loses half its win chance after this long.",
        label="Win chance halves after waiting",
    )
    lost_to_competitor_share: Probability = field(
        0.6,
        "share of losses",
        "Of deals lost while in market, the share lost to a competitor (the rest on price).",
        label="Losses to a competitor",
    )
    cycle_weeks: Positive = field(
        10.0,
        "weeks (median)",
        "Median time from opportunity to close: weeks to months.",
        label="Sales cycle",
    )
    cycle_spread: UpTo2 = field(
        0.5, "log sd", "Spread of cycle times.", label="Spread of sales cycles"
    )
    deal_size: Positive = field(30000.0, "currency (median)", "Median deal size at fit 0.5.")
    deal_size_spread: UpTo3 = field(
        0.6, "log sd", "Spread of deal sizes.", label="Spread of deal sizes"
    )
    fit_size_effect: NonNegative = field(
        0.8,
        "log size per unit fit",
        "How much larger well-fitting accounts' deals are.",
        label="Bigger deals from a good fit",
    )


class Learning(Section):
    """Optional: marketing learns from rejection reasons and cuts junk (mechanism 7)."""

    enabled: bool = Field(
        False,
        description="Marketing narrows the targeting of its paid channels from the rejection "
        "reasons sales gives.",
    )
    rate: Probability = field(
        0.3,
        "per review",
        "Monthly: breadth falls by this share of the channel's junk-rejection rate.",
        label="Targeting narrowed per monthly review",
    )
    floor: Probability = field(
        0.3,
        "x",
        "Targeting narrows to at most this fraction of its starting breadth (narrower targeting "
        "costs more per lead: the same trade-off as the targeting settings).",
        label="Narrowest targeting allowed",
    )


class Attribution(Section):
    """Credit models' settings (mechanism 11)."""

    anonymous_touches: NonNegative = field(
        1.2,
        "touches/lead",
        "Mean anonymous touches (ad clicks, visits) before a lead is created.",
        label="Untracked touches before a lead",
    )
    anonymous_lookback_days: Positive = field(
        30.0,
        "days",
        "How long before a lead's creation its anonymous touches happen.",
        label="Untracked touches happen within",
    )
    time_decay_half_life_days: Positive = field(
        7.0,
        "days",
        "Time-decay model: a touch this much older gets half the credit.",
        label="Time-decay: credit halves after",
    )


class Definitions(Section):
    """The lead definitions both teams agree to: these ARE the model's parameters (mech. 12)."""

    mql_threshold: UpTo500 = field(
        50.0, "points", "Score (fit + behaviour) at which a lead becomes an MQL."
    )
    fit_minimum: UpTo200 = field(
        0.0,
        "fit points",
        "Minimum observed fit points for an MQL (0 = no minimum).",
        label="Fit points an MQL needs",
    )
    demo_request_is_mql: bool = Field(True, description="A demo request is an immediate MQL.")
    review_step: bool = Field(False, description="A marketer reviews each MQL before hand-off.")
    sla_hours: Positive = field(
        8.0,
        "business hours",
        "Agreed time from the MQL moment to the first contact attempt, counted in the SDRs' "
        "working hours (a lead that arrives on Friday evening and is called at 9:05 on Monday "
        "waited 5 business minutes).",
        label="Follow-up SLA",
    )
    demo_request_sla_hours: Positive = field(
        4.0,
        "business hours",
        "The follow-up SLA of an MQL that asked for a demo or a call (often shorter), in the "
        "same working hours.",
        label="Follow-up SLA for demo requests",
    )
    sql_requires_budget: bool = Field(True, description="SQL needs Budget (BANT).")
    sql_requires_authority: bool = Field(True, description="SQL needs Authority (BANT).")
    sql_requires_need: bool = Field(True, description="SQL needs Need (BANT).")
    sql_requires_timing: bool = Field(False, description="SQL needs Timing (BANT).")


class Target(Section):
    """A target both teams sign up to: a metric, a period, a direction and a value."""

    metric: str = Field(description="A metric name from the registry (funnel-lab metrics).")
    period: str = Field(
        "horizon",
        description="'horizon' (the measurement window) or a calendar quarter like '2027-Q2'.",
    )
    direction: Literal["at_least", "at_most"] = "at_least"
    value: float = Field(description="The target value, in the metric's unit.", allow_inf_nan=False)
    owner: Literal["marketing", "sales", "shared"] = "shared"

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, name: str) -> str:
        if name not in METRICS:
            from difflib import get_close_matches

            close = get_close_matches(name, list(METRICS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ValueError(f"unknown metric '{name}'{hint}")
        return name

    @field_validator("period")
    @classmethod
    def _period_form(cls, period: str) -> str:
        if period == "horizon":
            return period
        try:
            year, quarter = period.split("-Q")
            if not (1900 < int(year) < 3000 and 1 <= int(quarter) <= 4):
                raise ValueError
        except ValueError:
            raise ValueError(
                f"period must be 'horizon' or a quarter like '2027-Q2', got '{period}'"
            ) from None
        return period


def _date_text(value: object) -> object:
    """A date as 'YYYY-MM-DD' text (a TOML date is accepted too), or '' for none yet."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise ValueError(f"a date is written like 2026-03-14, got '{value}'") from None
    return value


DateText = Annotated[str, BeforeValidator(_date_text), Field(max_length=10)]
Team = Literal["marketing", "sales", "other"]


class Participant(Section):
    """Someone in the room: their name, their team and (optionally) their role."""

    name: str = Field(min_length=1, max_length=80, description="Their name.")
    team: Team = Field("marketing", description="marketing, sales or other.")
    role: str = Field("", max_length=80, description='Their role, e.g. "VP Sales".')


class SignOff(Section):
    """Who signed the agreement for their team, and when."""

    names: list[str] = Field(default_factory=list, max_length=20, description="Who signed.")
    date: DateText = Field("", description="When they signed (YYYY-MM-DD).")


class Action(Section):
    """Something someone will do after the workshop, by a date."""

    text: str = Field(min_length=1, max_length=300, description="What will be done.")
    owner: str = Field("", max_length=80, description="Who does it.")
    due: DateText = Field("", description="By when (YYYY-MM-DD).")


class Agreement(Section):
    """What only the room decides: who agreed, what each side owes the other, risks, actions,
    the review cadence and the target board's colours. The definitions and targets it agrees
    to are the scenario's own [definitions] and [[targets]] (one source, no copies)."""

    status: Literal["draft", "agreed"] = Field(
        "draft",
        description="draft while the room is still deciding; agreed once both teams signed. "
        "Editing a definition or a target of an agreed scenario turns it back to draft.",
    )
    date: DateText = Field("", description="The workshop's date (YYYY-MM-DD).")
    participants: list[Participant] = Field(default_factory=list, max_length=40)
    marketing_commits: list[str] = Field(
        default_factory=list, max_length=20, description="What marketing owes sales."
    )
    sales_commits: list[str] = Field(
        default_factory=list, max_length=20, description="What sales owes marketing."
    )
    risks: list[str] = Field(default_factory=list, max_length=30, description="Known risks.")
    actions: list[Action] = Field(default_factory=list, max_length=40)
    review_cadence: str = Field(
        "", max_length=200, description='When the teams review the numbers, e.g. "monthly".'
    )
    sign_off: SignOff = Field(default_factory=SignOff)
    green_at: PlainShare = field(
        0.7,
        "probability",
        "The target board shows a target green when the plan meets it at least this often.",
        label="Green from",
    )
    amber_at: PlainShare = field(
        0.3,
        "probability",
        "...amber from this probability, red below it.",
        label="Amber from",
    )

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> Agreement:
        if self.amber_at > self.green_at:
            raise ValueError(
                f"agreement.amber_at ({self.amber_at:g}) must not be above agreement.green_at "
                f"({self.green_at:g})"
            )
        return self


class Simulation(Section):
    """How long to simulate and how many times (structural: plain numbers only)."""

    weeks: HorizonWeeks = field(
        104, "weeks", "Simulated weeks, warm-up included.", label="Weeks simulated"
    )
    warmup_weeks: WarmupWeeks = field(
        26, "weeks", "Weeks simulated before measuring, so queues and trust settle."
    )
    replications: ReplicationCount = field(
        40, "runs", "Monte Carlo replications for a full run.", label="Replications (runs)"
    )
    seed: SeedNumber = field(
        20261125,
        "",
        "Random seed: same scenario + same seed = the same numbers.",
        label="Random seed",
    )
    arrival_pattern: Literal["business_week", "flat"] = Field(
        "business_week",
        description="business_week: leads arrive mostly in weekday working hours (people's "
        "rhythm); flat: at any hour alike (24/7 flows, queue validation).",
    )


class BudgetChange(Section):
    """A dated budget: from the simulated week that contains `from`, the channel (or "brand" for
    brand spend) spends `weekly_budget` a week; a later entry for the same channel replaces it."""

    # the file key is `from`; Python cannot name an attribute that, so plain data (model_dump)
    # and the file speak `from` and code reads `from_`
    model_config = ConfigDict(
        validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )

    from_: dt.date = Field(alias="from", description="First day of the new budget.")
    channel: str = Field(
        min_length=1, description='A budget channel\'s name, or "brand" for brand spend.'
    )
    weekly_budget: NonNegative = field(0.0, "currency/week", "The new spend per week.")


BRAND = "brand"


class Scenario(Section):
    """A complete plan: channels, brand, scoring, sales, definitions, targets and run settings."""

    schema_version: int = Field(SCHEMA_VERSION, description="File format version.")
    name: str = Field("Untitled scenario", min_length=1, max_length=120)
    description: str = Field("", max_length=5000)
    start_date: dt.date = Field(
        dt.date(2026, 1, 5), description="First day simulated; results read in its quarters."
    )
    currency: str = Field(
        "USD", description="ISO 4217 currency code.", json_schema_extra={"pattern": CURRENCY}
    )
    simulation: Simulation = Field(default_factory=Simulation)
    channels: list[Channel] = Field(default_factory=_default_channels, min_length=1, max_length=40)
    targeting: Targeting = Field(default_factory=Targeting)
    brand: Brand = Field(default_factory=Brand)
    buyers: Buyers = Field(default_factory=Buyers)
    scoring: Scoring = Field(default_factory=Scoring)
    nurture: Nurture = Field(default_factory=Nurture)
    sales: Sales = Field(default_factory=Sales)
    trust: Trust = Field(default_factory=Trust)
    review: Review = Field(default_factory=Review)
    deals: Deals = Field(default_factory=Deals)
    learning: Learning = Field(default_factory=Learning)
    attribution: Attribution = Field(default_factory=Attribution)
    definitions: Definitions = Field(default_factory=Definitions)
    targets: list[Target] = Field(default_factory=list, max_length=50)
    agreement: Agreement = Field(default_factory=Agreement)
    budget_changes: list[BudgetChange] = Field(default_factory=list, max_length=500)

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if not re.fullmatch(CURRENCY, value):
            raise ValueError("must be a three-letter ISO 4217 code such as USD or EUR")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        sales = self.sales
        if sales.workday_start_hour + _central(sales.workday_hours) > 24:
            raise ValueError(
                "sales.workday_start_hour + sales.workday_hours must end the working day by "
                f"midnight (24), got {sales.workday_start_hour} + {sales.workday_hours}"
            )
        if self.simulation.warmup_weeks >= self.simulation.weeks:
            raise ValueError(
                f"simulation.warmup_weeks ({self.simulation.warmup_weeks}) must be less than "
                f"simulation.weeks ({self.simulation.weeks})"
            )
        _unique_channel_names(self.channels)
        budget_channels = {c.name for c in self.channels if c.volume == "budget"}
        for i, change in enumerate(self.budget_changes):
            if change.channel != BRAND and change.channel not in budget_channels:
                known = ", ".join(f'"{n}"' for n in [*sorted(budget_channels), BRAND])
                raise ValueError(
                    f'budget_changes[{i}].channel: "{change.channel}" is not a budget channel '
                    f"of this scenario; use one of {known}"
                )
        return self

    def sha256(self) -> str:
        """A stable hash of the scenario's content: results carry it to say what they belong to."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _unique_channel_names(channels: list[Channel]) -> None:
    """Refuse a repeated channel name at the row that repeats it (`channels[3].name`), naming
    the row it repeats, so the file's reader finds both; a model-wide error would say only
    "(file)"."""
    first: dict[str, int] = {}
    errors: list[InitErrorDetails] = []
    for i, channel in enumerate(channels):
        if channel.name in first:
            errors.append(
                {
                    "type": PydanticCustomError(
                        "channel_name_repeated",
                        "channel names must be unique; channels[{row}] already has this name",
                        {"row": first[channel.name]},
                    ),
                    "loc": ("channels", i, "name"),
                    "input": channel.name,
                }
            )
        first.setdefault(channel.name, i)
    if errors:
        raise ValidationError.from_exception_data("Scenario", errors)


def _central(value: float | object) -> float:
    """A field's central value (a distribution's median) for checks made before sampling."""
    median = getattr(value, "median", None)
    return float(median()) if callable(median) else float(value)  # type: ignore[arg-type]
