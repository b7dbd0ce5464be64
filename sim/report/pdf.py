"""The workshop report as a PDF (ReportLab): a cover, the agreed definitions and SLA in plain
words, what each side commits to, the channel assumptions, the targets with their owners,
probabilities and what would have to change, the funnel and its rates, the strategies compared,
the drivers of uncertainty, risks and actions, the review cadence; on every page a
reproducibility footer (seed, replications, the scenario's sha256, versions) and its number.

Text is set in DejaVu Sans (shipped with matplotlib, embedded in the PDF) so "€", "£" and "–"
print; charts are the same drawing functions the window uses (sim/charts), embedded as 220 dpi
images.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.figure import Figure
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from sim.charts import draw_chart, new_figure
from sim.charts.targets import draw_target_board
from sim.metrics import HEADLINE_RATES, METRICS
from sim.report.inputs import ReportInputs
from sim.scenario import Scenario
from sim.workshop import words
from sim.workshop.board import COLOUR_WORDS, COLOURS, board_rows

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
CHART_DPI = 220
PAGE_W, PAGE_H = A4
MARGIN = 1.8 * cm
TEXT_W = PAGE_W - 2 * MARGIN
SECTIONS = (
    "Agreed definitions and SLA",
    "What each side commits to",
    "Channel assumptions",
    "Targets",
    "Funnel and conversion rates",
    "Strategies compared",
    "Drivers of uncertainty",
    "Risks and actions",
    "Review cadence",
)
HEADER_BG = colors.HexColor("#e8eef3")
GRID = colors.HexColor("#b0bec5")


def _fonts() -> None:
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=8.5, leading=10.5),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=BOLD, fontSize=15, leading=19, spaceBefore=6, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3
        ),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=24, leading=30),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12, leading=16),
        "note": ParagraphStyle(
            "note", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#455a64")
        ),
    }


def build_report(inputs: ReportInputs, path: str | Path) -> Path:
    """Write the report to `path` (a PDF)."""
    _fonts()
    st = _styles()
    target = Path(path)
    story: list[Flowable] = []
    story += _cover(inputs, st)
    story.append(PageBreak())
    story += _definitions(inputs.scenario, st)
    story += _commitments(inputs.scenario, st)
    story += _channels(inputs.scenario, st)
    story += _targets(inputs, st)
    story += _funnel(inputs, st)
    story += _comparison(inputs, st)
    story += _drivers(inputs, st)
    story += _risks_and_actions(inputs.scenario, st)
    story += _cadence(inputs.scenario, st)
    doc = SimpleDocTemplate(
        str(target),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 0.9 * cm,
        title=f"Workshop report: {inputs.scenario.name}",
        author="Funnel Lab",
        subject=f"scenario sha256 {inputs.result.scenario_sha256}",
    )
    footer = _footer_lines(inputs)
    doc.build(story, canvasmaker=lambda *a, **k: _NumberedCanvas(*a, footer=footer, **k))
    return target


# -- page furniture -----------------------------------------------------------------------------


def _footer_lines(inputs: ReportInputs) -> tuple[str, str]:
    r = inputs.result
    v = r.versions
    versions = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in v.items())
    return (
        f"Reproduce: seed {r.seed}, {r.replications} replications, scenario sha256 "
        f"{r.scenario_sha256}",
        f"{versions} · made {inputs.created:%Y-%m-%d %H:%M}",
    )


class _NumberedCanvas(Canvas):
    """Draws the footer on each page once the page count is known ('Page 3 of 9')."""

    def __init__(self, *args: Any, footer: tuple[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._footer = footer

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        self.saveState()
        self.setStrokeColor(GRID)
        self.line(MARGIN, MARGIN + 0.55 * cm, PAGE_W - MARGIN, MARGIN + 0.55 * cm)
        self.setFont(FONT, 6.6)
        self.setFillColor(colors.HexColor("#37474f"))
        self.drawString(MARGIN, MARGIN + 0.2 * cm, self._footer[0])
        self.drawString(MARGIN, MARGIN - 0.1 * cm, self._footer[1])
        self.setFont(BOLD, 8)
        self.drawRightString(
            PAGE_W - MARGIN, MARGIN - 0.1 * cm, f"Page {self._pageNumber} of {total}"
        )
        self.restoreState()


# -- helpers ------------------------------------------------------------------------------------


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _table(
    rows: list[list[str]], widths: list[float], st: dict[str, ParagraphStyle], colours: Any = ()
) -> Table:
    """A table of wrapped text, its first row the header."""
    body = [[_p(c, st["head"]) for c in rows[0]]]
    body += [
        [c if isinstance(c, Flowable) else _p(str(c), st["cell"]) for c in r] for r in rows[1:]
    ]
    table = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    style += list(colours)
    table.setStyle(TableStyle(style))
    return table


def _chart(draw: Any, width_cm: float, height_cm: float) -> Image:
    """A chart from sim/charts as a 220 dpi image `width_cm` wide."""
    w_in, h_in = width_cm / 2.54, height_cm / 2.54
    fig: Figure = new_figure(int(w_in * CHART_DPI), int(h_in * CHART_DPI), CHART_DPI)
    draw(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=CHART_DPI, facecolor="white")
    buffer.seek(0)
    return Image(buffer, width=width_cm * cm, height=height_cm * cm)


def _section(title: str, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    return [CondPageBreak(5 * cm), _p(title, st["h1"])]


def _bullets(items: list[str], st: dict[str, ParagraphStyle], empty: str) -> list[Flowable]:
    if not items:
        return [_p(empty, st["note"])]
    return [Paragraph(f"•&nbsp;&nbsp;{escape(item)}", st["body"]) for item in items]


# -- sections -----------------------------------------------------------------------------------


def _cover(inputs: ReportInputs, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    s, a = inputs.scenario, inputs.scenario.agreement
    status = "Agreed" if a.status == "agreed" else "Draft"
    colour = COLOURS["green"] if a.status == "agreed" else COLOURS["amber"]
    out: list[Flowable] = [
        Spacer(1, 2.5 * cm),
        _p("Sales & marketing workshop report", st["subtitle"]),
        Spacer(1, 0.2 * cm),
        _p(s.name, st["title"]),
        Spacer(1, 0.3 * cm),
    ]
    if s.description:
        out.append(_p(s.description, st["subtitle"]))
    out += [
        Spacer(1, 0.6 * cm),
        Paragraph(
            f'Status: <font name="{BOLD}" color="{colour}">{status}</font>'
            + (f" · workshop on {a.date}" if a.date else ""),
            st["subtitle"],
        ),
        Spacer(1, 0.8 * cm),
    ]
    rows = [["Participant", "Team", "Role"]]
    rows += [[p.name, p.team.capitalize(), p.role or "—"] for p in a.participants]
    if a.participants:
        out.append(_table(rows, [6 * cm, 3.5 * cm, TEXT_W - 9.5 * cm], st))
    else:
        out.append(_p("No participants recorded yet ([agreement] participants).", st["note"]))
    out.append(Spacer(1, 0.6 * cm))
    if a.sign_off.names:
        when = f" on {a.sign_off.date}" if a.sign_off.date else ""
        signed = f"Signed off by {words._and(list(a.sign_off.names))}{when}."
        if a.status != "agreed":
            signed += " The scenario changed since: it is a draft again."
    else:
        signed = "Not signed off yet."
    out += [
        _p(signed, st["body"]),
        Spacer(1, 0.6 * cm),
        _p(
            f"Simulated plan: {inputs.result.replications} replications, measured "
            f"{inputs.result.measured_text()} (after a {inputs.result.warmup_weeks}-week "
            f"warm-up), currency {s.currency}.",
            st["body"],
        ),
    ]
    return out


def _definitions(s: Scenario, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    out = _section(SECTIONS[0], st)
    for sentence in words.definitions(s):
        out += [_p(sentence.title, st["h2"]), _p(sentence.sentence, st["body"])]
    d, sales = s.definitions, s.sales
    rows = [
        ["Criterion", "Agreed value", "In the file"],
        [
            "Score for an MQL",
            f"{words.number(d.mql_threshold)} points",
            "definitions.mql_threshold",
        ],
        ["Fit points an MQL needs", words.number(d.fit_minimum), "definitions.fit_minimum"],
        [
            "A demo request is an MQL",
            _yes(d.demo_request_is_mql),
            "definitions.demo_request_is_mql",
        ],
        ["A marketer reviews each MQL", _yes(d.review_step), "definitions.review_step"],
        ["SQL needs budget", _yes(d.sql_requires_budget), "definitions.sql_requires_budget"],
        [
            "SQL needs authority",
            _yes(d.sql_requires_authority),
            "definitions.sql_requires_authority",
        ],
        ["SQL needs need", _yes(d.sql_requires_need), "definitions.sql_requires_need"],
        ["SQL needs timing", _yes(d.sql_requires_timing), "definitions.sql_requires_timing"],
        ["Follow-up SLA", f"{words.number(d.sla_hours)} business hours", "definitions.sla_hours"],
        [
            "SLA for demo requests",
            f"{words.number(d.demo_request_sla_hours)} business hours",
            "definitions.demo_request_sla_hours",
        ],
        ["Contact attempts", words.number(sales.max_attempts), "sales.max_attempts"],
    ]
    out += [Spacer(1, 0.3 * cm), _table(rows, [6 * cm, 4.5 * cm, TEXT_W - 10.5 * cm], st)]
    return out


def _tint(hex_colour: str, strength: float = 0.22) -> colors.Color:
    """A light tint of a board colour, for a table cell behind dark text."""
    c = colors.HexColor(hex_colour)
    return colors.Color(*(1 - strength * (1 - v) for v in (c.red, c.green, c.blue)))


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _commitments(s: Scenario, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    a = s.agreement
    out = _section(SECTIONS[1], st)
    out += [_p("Marketing commits to", st["h2"])]
    out += _bullets(a.marketing_commits, st, "Nothing recorded ([agreement] marketing_commits).")
    out += [_p("Sales commits to", st["h2"])]
    out += _bullets(a.sales_commits, st, "Nothing recorded ([agreement] sales_commits).")
    return out


def _channels(s: Scenario, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    out = _section(SECTIONS[2], st)
    out.append(
        _p(
            "What the plan assumes of each lead source. Budget channels buy leads at their cost "
            "per lead; organic channels bring a weekly number that brand awareness lifts.",
            st["body"],
        )
    )
    rows = [
        ["Channel", "Volume", "Cost per lead", "ICP fit", "Junk share", "Ready to buy", "Targeting"]
    ]
    for c in s.channels:
        volume = (
            f"{words.money(words.central(c.weekly_budget), s.currency)}/week"
            if c.volume == "budget"
            else f"{words.number(c.weekly_leads)} leads/week ({c.source})"
        )
        rows.append(
            [
                c.name,
                volume,
                words.money(words.central(c.base_cpl), s.currency),
                words.percent(words.central(c.fit_mean), 0),
                words.percent(words.central(c.junk_share), 0),
                words.percent(words.central(c.sales_ready_share), 0),
                f"{words.central(c.targeting_breadth):.2f} (0 narrow, 1 broad)",
            ]
        )
    widths = [3.5, 3.5, 2.2, 1.5, 1.6, 2.0]
    widths_pt = [w * cm for w in widths] + [TEXT_W - sum(widths) * cm]
    out += [Spacer(1, 0.2 * cm), _table(rows, widths_pt, st)]
    return out


def _targets(inputs: ReportInputs, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    s, r = inputs.scenario, inputs.result
    a = s.agreement
    out = _section(SECTIONS[3], st)
    rows_ = board_rows(r, s)
    if not rows_:
        return [*out, _p("No targets were set ([[targets]] in the scenario file).", st["note"])]
    out.append(
        _p(
            f"How often the simulated plan meets each target across {r.replications} "
            f"replications: green from {words.percent(a.green_at, 0)}, amber from "
            f"{words.percent(a.amber_at, 0)}, red below.",
            st["body"],
        )
    )
    table = [["Target", "Owner", "Probability", "The plan gives"]]
    colours = []
    for i, row in enumerate(rows_, start=1):
        table.append(
            [
                words.target_goal(row.target, r.currency),
                words.OWNERS[row.target.owner],
                f"{words.percent(row.probability, 0)} ({row.count_text}) — "
                f"{COLOUR_WORDS[row.colour]}",
                row.mean_text,
            ]
        )
        colours.append(("BACKGROUND", (2, i), (2, i), _tint(COLOURS[row.colour])))
    widths = [5.4 * cm, 2.4 * cm, 3.6 * cm]
    out += [Spacer(1, 0.2 * cm), _table(table, [*widths, TEXT_W - sum(widths)], st, colours)]
    notes: list[Flowable] = []
    for i, row in enumerate(rows_):
        answer = inputs.answers.get(i)
        lines = []
        if row.warning:
            lines.append(f"Unrealistic target: {row.warning}")
        if answer is not None:
            lines.append(f"What would have to change: {answer.text}")
        elif row.colour != "green":
            lines.append(
                "What would have to change: not searched for this report (run it with "
                "--lever, or use the target board in the app)."
            )
        if lines:
            notes.append(_p(words.target_goal(row.target, r.currency), st["h2"]))
            notes += [_p(line, st["body"]) for line in lines]
    out += notes
    height = 6.2 * math.ceil(len(rows_) / 2) + 1.2
    out += [
        Spacer(1, 0.3 * cm),
        KeepTogether(
            [_chart(lambda fig: draw_target_board(fig, r, s), TEXT_W / cm, min(height, 22.0))]
        ),
    ]
    return out


VOLUME_AND_VALUE = (
    "leads",
    "mql",
    "sal",
    "sql",
    "won",
    "revenue",
    "pipeline",
    "days_to_mql",
    "speed_to_lead_hours",
    "sla_compliance",
    "cycle_days",
    "cac",
)


def _funnel(inputs: ReportInputs, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    r = inputs.result
    out = _section(SECTIONS[4], st)
    out.append(
        _p(
            "Volume, conversion, velocity and value together (Forrester's waterfall guidance). "
            "Rates follow marketing leads, each counted once at the furthest stage it reached.",
            st["body"],
        )
    )
    out.append(
        KeepTogether([_chart(lambda fig: draw_chart("funnel", fig, r, inputs.scenario), 17.4, 8.6)])
    )
    rows = [["Measure", "Mean", "P5 – P95 of outcomes"]]
    for name in (*HEADLINE_RATES, *VOLUME_AND_VALUE):
        summary = r.summary[name]
        rows.append(
            [
                METRICS[name].label,
                words.metric_value(name, summary.mean, r.currency),
                f"{words.metric_value(name, summary.p5, r.currency)} – "
                f"{words.metric_value(name, summary.p95, r.currency)}",
            ]
        )
    out += [Spacer(1, 0.2 * cm), _table(rows, [6.5 * cm, 4.5 * cm, TEXT_W - 11 * cm], st)]
    return out


def _comparison(inputs: ReportInputs, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    out = _section(SECTIONS[5], st)
    if not inputs.comparisons:
        return [
            *out,
            _p(
                "No alternatives were compared. Give them to the report "
                "(funnel-lab report FILE --compare ALT.toml ...) to see the paired table here.",
                st["note"],
            ),
        ]
    r = inputs.result
    out.append(
        _p(
            f"Each alternative ran on the same {r.replications} replication seeds as the plan "
            "(common random numbers): the difference is the alternative's figure minus the "
            "plan's, with a paired 95% interval (paired t; for a rate, the paired jackknife of "
            "the two ratios). 'Better' follows each measure's direction (higher for "
            "measures with none); ties are counted apart.",
            st["body"],
        )
    )
    for comparison in inputs.comparisons:
        rows = [["Measure", "Plan", "Alternative", "Difference (95% CI)", "Better / tied"]]
        for row in comparison.rows:
            diff = _signed(row.metric, row.difference, r.currency)
            low = _signed(row.metric, row.ci_low, r.currency)
            high = _signed(row.metric, row.ci_high, r.currency)
            rows.append(
                [
                    row.label,
                    words.metric_value(row.metric, row.base, r.currency),
                    words.metric_value(row.metric, row.alternative, r.currency),
                    f"{diff} ({low} to {high})",
                    f"{words.percent(row.better, 0)} / {words.percent(row.ties, 0)}",
                ]
            )
        widths = [4.6 * cm, 2.9 * cm, 2.9 * cm, 4.4 * cm]
        out += [
            _p(f"{comparison.base_name} versus {comparison.alternative_name}", st["h2"]),
            _table(rows, [*widths, TEXT_W - sum(widths)], st),
        ]
        verdicts = [row.verdict for row in comparison.rows if row.verdict]
        if verdicts:
            out.append(Spacer(1, 0.15 * cm))
            out += [Paragraph(f"•&nbsp;&nbsp;{escape(v)}", st["small"]) for v in verdicts]
    return out


def _signed(metric: str, value: float, currency: str) -> str:
    if not math.isfinite(value):
        return "n/a"
    text = words.metric_value(metric, abs(value), currency)
    if METRICS[metric].unit == "share":
        text = text.removesuffix("%") + " pts"
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def _drivers(inputs: ReportInputs, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    r = inputs.result
    out = _section(SECTIONS[6], st)
    if not r.drivers:
        return [
            *out,
            _p(
                "The plan has no uncertain inputs: every number is a single value, so the spread "
                "of outcomes is chance alone (process noise). Give the inputs the room is unsure "
                "of a range to see which of them matters most.",
                st["body"],
            ),
        ]
    if r.variance:
        rows = [["Measure", "Share of the spread from uncertain inputs"]]
        rows += [[METRICS[k].label, words.percent(v.input_share, 0)] for k, v in r.variance.items()]
        out += [_table(rows, [7 * cm, TEXT_W - 7 * cm], st), Spacer(1, 0.3 * cm)]
    out.append(
        KeepTogether(
            [
                _chart(
                    lambda fig: draw_chart("drivers", fig, r, inputs.scenario, kpi="revenue"),
                    17.4,
                    9.0,
                )
            ]
        )
    )
    return out


def _risks_and_actions(s: Scenario, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    a = s.agreement
    out = _section(SECTIONS[7], st)
    out += [_p("Risks", st["h2"]), *_bullets(a.risks, st, "No risks recorded.")]
    out.append(_p("Actions", st["h2"]))
    if a.actions:
        rows = [["Action", "Owner", "Due"]]
        rows += [[x.text, x.owner or "—", x.due or "—"] for x in a.actions]
        out.append(_table(rows, [TEXT_W - 7 * cm, 4.2 * cm, 2.8 * cm], st))
    else:
        out.append(_p("No actions recorded.", st["note"]))
    return out


def _cadence(s: Scenario, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    out = _section(SECTIONS[8], st)
    cadence = s.agreement.review_cadence
    text = (
        f"The teams review the targets and the funnel: {cadence}."
        if cadence
        else "No review cadence agreed yet ([agreement] review_cadence)."
    )
    return [*out, _p(text, st["body"] if cadence else st["note"])]
