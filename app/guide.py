"""Help > User guide: a short guide in the window, in a planner's words.

What each view answers, how to compare two plans, what "90% of outcomes" means next to the
confidence interval of the mean, and what the instant estimate is.
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
<p>The sections on the left hold every setting. Hover over a name for what it means, its
technical term and the values it accepts. The <b>range</b> button next to a number turns it into
a range (you are not sure of the value): each run then draws it anew. Edits undo with Ctrl+Z.</p>

<h3>What each view answers</h3>
<ul>
<li><b>The cards</b> (top right): the headline numbers of the plan — revenue, won deals,
MQLs, SQLs, the cost of winning a deal (CAC) and marketing's share of revenue and of pipeline.
The big figure is the average over all runs.</li>
<li><b>Funnel</b>: how many marketing leads reach each stage, and what share moves on at each
step. Where does the funnel leak?</li>
<li><b>Weekly volumes</b>: leads, MQLs, SQLs and wins week by week. When do effects show, and
is the funnel steady or still filling up?</li>
<li><b>Spend, cost per lead and brand</b>: what the media budget buys, and how brand awareness
builds, fades and lowers the cost of a lead over time.</li>
<li><b>Sales capacity, SLA and trust</b>: how long MQLs wait for a rep, how often the follow-up
promise is kept, and how far sales trusts marketing's leads. Are reps swamped or idle?</li>
<li><b>Why MQLs are rejected and deals lost</b>: the reasons sales gives when it turns a lead
down, and why deals are lost. What should marketing fix first?</li>
<li><b>Attribution by channel</b>: how much revenue each lead source gets credit for under the
usual credit rules (first touch, last touch, shared), and which channels touch deals at all.</li>
<li><b>What drives the uncertainty</b>: which of your uncertain inputs move the result most,
and how much of the spread is just chance. Which guess is worth pinning down?</li>
</ul>

<h3>"90% of outcomes" and the confidence interval of the mean</h3>
<p>Under each card's average is a range marked <b>90% of outcomes</b>: in 9 runs out of 10 the
result fell inside it. It is the honest answer to "what might this quarter really look like?"
and it does not shrink with more runs, because the world stays uncertain.</p>
<p>The <b>confidence interval of the mean</b> (hover over a card) answers another question: how
precisely the runs pin down the <i>average</i>. It narrows as you add replications. Use it to
tell whether two plans really differ on average; use the 90% range to judge the risk of a
bad quarter. Do not read one as the other.</p>

<h3>The instant estimate</h3>
<p>The small <i>estimate</i> under a card appears as soon as you change something. It comes
from a quick formula that follows average leads through the funnel, with no randomness and no
queues, so it is a guide to direction, not a result. The simulation's figures replace it: with
<b>Live</b> on, a quick run of 20 replications starts once you stop editing; <b>Run</b>
(Ctrl+R) runs the scenario's full number of replications and draws the charts.</p>

<h3>Comparing two plans</h3>
<ol>
<li>Save your plan, then <b>File &gt; Save As</b> a copy and change one thing in it (a higher
MQL threshold, the review step, two more reps). The shipped <i>volume-play</i> and
<i>quality-play</i> scenarios are such a pair.</li>
<li>Keep the same <b>seed</b> and number of replications (Simulation section) in both: each
plan then meets the same luck, run for run, so a difference comes from the plan, not from
chance.</li>
<li>Run each (you can open each in a window of its own) and compare the cards. A difference
larger than the confidence intervals of the two means is real; the 90% ranges tell you how
often the better plan could still have a worse quarter.</li>
<li>Write down the <b>targets</b> both teams sign up to (Definitions &amp; targets): they
travel with the file, and <code>funnel-lab run FILE</code> prints how likely the plan is to meet
each one.</li>
</ol>

<h3>Files</h3>
<p>A scenario is a plain text file (TOML) you can share, diff and keep in version control;
your own comments in it survive saving. Unsaved work is autosaved every minute and offered back
if Funnel Lab ever ends without saving. <b>Export</b> saves results as CSV or JSON and charts as
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
