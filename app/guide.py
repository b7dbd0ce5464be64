"""Help > User guide: a short guide in the window, in a planner's words.

What each view answers, comparing plans (a pinned baseline, paired differences), the planning
dialogs, the workshop tools, what "90% of outcomes" means next to the confidence interval of the
mean, the instant estimate and Live.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

TITLE = "Funnel Lab user guide"

GUIDE_HTML = """
<h2>Funnel Lab in five minutes</h2>
<p>A scenario is your plan: where leads come from and what they cost, how leads are scored and
nurtured, how many reps sales has and how much they trust marketing's leads, and the definitions
and targets both teams agree to. Funnel Lab plays that plan out lead by lead, week by week, many
times over with different luck, and shows what usually happens and how far it can swing.</p>

<h3>Editing the plan</h3>
<p>The sections on the left hold every setting. Hover over a name for what it means and the
values it accepts. The <b>range</b> button next to a number makes it a range (you are not sure
of the value): each run then draws it anew. Edits undo with Ctrl+Z.</p>

<h3>The instant estimate and Live</h3>
<p>The small <i>estimate</i> under a card changes as soon as you edit. It is a quick formula
that follows average leads through the funnel, with no luck and no queues: a guide to the
direction, not a result. With <b>Live</b> on (toolbar), a quick run of 20 replications starts
once you stop editing and the cards fill as it runs. <b>Run</b> (Ctrl+R) runs the scenario's
full number of replications and draws the charts; until then each chart says so.</p>

<h3>What each view answers</h3>
<ul>
<li><b>The cards</b>: the headline numbers — revenue, won deals, MQLs, SQLs, cost per lead,
CAC, marketing's share of revenue and of pipeline. The big figure is the average of all runs.</li>
<li><b>Funnel</b>: how many leads reach each stage and what share moves on. Where does it
leak?</li>
<li><b>Weekly volumes</b>: when do effects show; is the funnel steady or still filling?</li>
<li><b>Spend, cost per lead and brand</b>: what the budget buys, and how brand builds, fades
and lowers the cost of a lead.</li>
<li><b>Sales capacity, SLA and trust</b>: do MQLs wait for a rep; is the follow-up promise
kept; does sales trust marketing's leads?</li>
<li><b>Why MQLs are rejected and deals lost</b>: what should marketing fix first?</li>
<li><b>Attribution by channel</b>: the revenue each source gets credit for under the usual
credit rules.</li>
<li><b>What drives the uncertainty</b>: which uncertain input moves the result most, and how
much of the spread is just chance. Which guess is worth pinning down?</li>
<li><b>Targets</b>: how likely the plan is to meet each target (below).</li>
</ul>

<h3>"90% of outcomes" and the confidence interval of the mean</h3>
<p>Under each card's average is a range marked <b>90% of outcomes</b>: in 9 runs out of 10 the
result fell inside it. It answers "what might this quarter really look like?" and does not
shrink with more runs: the world stays uncertain.</p>
<p>The <b>confidence interval of the mean</b> (hover over a card) answers another question: how
precisely the runs pin down the <i>average</i>. It narrows as you add replications. Use it to
tell whether two plans differ on average; use the 90% range to judge the risk of a bad quarter.
Do not read one as the other.</p>

<h3>Comparing plans</h3>
<ol>
<li><b>Compare &gt; Pin as baseline</b> (Ctrl+Shift+B) freezes the plan as it is now. Every
card then shows its <b>paired difference</b> to the baseline with its 95% interval ("vs
baseline +USD 4.1M, +2.3M to +5.9M"): green when better, red when worse, grey when the interval
includes 0 (no clear difference). Both run on the same seeds, run for run, so a difference comes
from the plan, not from luck.</li>
<li><b>Compare with…</b> adds a scenario file (or a shipped one), <b>a variant</b> of this
scenario (a copy in an editor window of its own, run again on every edit) or <b>Brand spend at
0</b> (what the brand spend buys).</li>
<li>The <b>Compare &amp; Plan</b> page (Ctrl+Shift+P) shows a column per plan with its
average, its paired difference and interval, and charts of cumulative revenue (and when quality
pays back), the funnel by plan, where sales' time went, and brand.</li>
<li><b>Sweep…</b> tries one dial over a range; <b>Sensitivity…</b> shows which inputs move a
result most; <b>Goal seek…</b> finds the value of a lever that meets a target with the chance
you ask for. Each runs with a progress bar and Cancel.</li>
</ol>

<h3>Workshop: agreeing definitions and targets</h3>
<ul>
<li><b>View &gt; Definitions and targets in plain words</b> (Ctrl+Shift+D): "A lead becomes an
MQL when its score reaches 50 points…", with the numbers editable in the sentence, and the room's
agreement (participants, commitments, sign-off). Editing an agreed definition turns the
agreement back to draft, and says so.</li>
<li><b>Target board</b> (Ctrl+B): each target as a sentence, how likely the plan is to meet it
("18 of 20 replications"), green, amber or red; <b>What would have to change?</b> finds the
value of a lever that would make it likely.</li>
<li><b>What changed</b> (Ctrl+Shift+C): the plan beside the version last agreed, the saved
file or another file, field by field.</li>
<li><b>Presentation</b> (F11): full screen, large type, one view at a time — target board,
funnel, strategies compared, drivers. Page Down / Page Up turn the pages; Esc leaves.</li>
<li><b>File &gt; Export Report…</b>: a PDF of the last full run for everyone to take away.</li>
</ul>

<h3>Files</h3>
<p>A scenario is a plain text file (TOML) you can share, diff and keep in version control;
your comments in it survive saving. Unsaved work is autosaved every minute and offered back if
Funnel Lab ever ends without saving. A file that cannot be read is not opened and not changed;
the window says what it shows instead. <b>Export</b> saves results as CSV or JSON and charts as
pictures.</p>
"""


class UserGuide(QDialog):
    """The guide in a window of its own that can stay open beside the editor."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("userGuide")
        self.setWindowTitle(TITLE)
        self.setModal(False)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(GUIDE_HTML)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(640, 720)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
