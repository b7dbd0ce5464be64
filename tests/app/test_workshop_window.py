"""Workshop mode in the window: the plain-words panel edits the model (and undo restores it),
editing an agreed scenario reopens it and What changed shows what moved, the target board's
colours and goal seek, presentation mode (entering, page keys, large fonts, leaving) and File >
Export Report.

Runs go through the real spawn process pool on a tiny scenario, as in test_run.py."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QScrollArea

import sim.runner as runner
from app.run_controller import RunController
from app.workshop.changes import AGREED, WhatChangedDialog
from app.workshop.presentation import CHART_DPI
from app.workshop.words_panel import DefinitionsPanel
from sim.charts.axes import NOTE_PT
from sim.scenario import Scenario
from sim.workshop import agreement, goal

WAIT_MS = 30_000
TINY = {"simulation": {"weeks": 12, "warmup_weeks": 2, "replications": 3}}
TARGETS = [
    {"metric": "leads", "direction": "at_least", "value": 1, "owner": "marketing"},
    {"metric": "revenue", "direction": "at_least", "value": 1e12, "owner": "sales"},
]


def tiny(**sections: Any) -> Scenario:
    return Scenario.model_validate({**TINY, **sections})


@pytest.fixture
def controller(window) -> Any:
    window.set_live(False)
    window.document.load(tiny(targets=TARGETS, agreement={"status": "agreed"}), None, None)
    made = RunController(window, runner.shared_pool(2))
    yield made
    made.shutdown()


def full_run(qtbot: Any, controller: RunController) -> None:
    with qtbot.waitSignal(controller.full_ended, timeout=WAIT_MS):
        controller.window.actions_["run"].trigger()


def test_a_plain_words_edit_changes_the_parameter_and_undo_restores_it(qtbot, window):
    window.document.load(tiny(), None, None)
    panel = DefinitionsPanel(window.document)
    qtbot.addWidget(panel)
    editor = panel.editor_for(("definitions", "mql_threshold"))
    editor.input.setValue(65.0)
    assert window.scenario.definitions.mql_threshold == 65.0
    assert "score reaches 65 points" in panel.sentences["mql"].text()
    # The generated editor's form shows the same value: one source.
    assert window.editor.field_editor(("definitions", "mql_threshold")).input.value() == 65.0
    panel.editor_for(("definitions", "review_step")).input.setChecked(True)
    assert window.scenario.definitions.review_step
    window.document.undo_stack.undo()
    window.document.undo_stack.undo()
    assert window.scenario.definitions.mql_threshold == 50.0
    assert not window.scenario.definitions.review_step
    assert (
        editor.input.value() == 50.0 and "score reaches 50 points" in panel.sentences["mql"].text()
    )


def test_editing_an_agreed_definition_reopens_it_and_what_changed_shows_it(qtbot, window):
    agreed = tiny(agreement={"status": "agreed"}, targets=TARGETS)
    window.document.load(agreed, None, None)
    panel = DefinitionsPanel(window.document)
    qtbot.addWidget(panel)
    panel.editor_for(("sales", "max_attempts")).input.setValue(6)
    assert window.scenario.agreement.status == "draft"
    assert window.scenario.sales.max_attempts == 6
    assert panel.banner.isVisibleTo(panel) and "back to draft" in panel.banner.text()
    dialog = WhatChangedDialog(window.scenario, agreed, agreed)
    qtbot.addWidget(dialog)
    assert dialog.source.currentText() == AGREED
    rows = dialog.table.rows_text()
    assert ("Definitions",) in rows
    assert ("Contact attempts per MQL", "4", "6", "sales.max_attempts") in rows
    assert any(r[0] == "Status" and r[1:3] == ("agreed", "draft") for r in rows)
    window.document.undo_stack.undo()  # one step: the value and the status
    assert window.scenario == agreed


def test_the_board_colours_targets_and_says_how_often(qtbot, window, controller):
    full_run(qtbot, controller)
    workshop = controller.workshop
    workshop.show_board()
    qtbot.waitUntil(lambda: len(workshop.board.cards) == 2, timeout=WAIT_MS)
    certain, impossible = workshop.board.cards
    assert certain.row.colour == "green" and impossible.row.colour == "red"
    assert certain.probability.text() == "100%"
    assert impossible.count.text().startswith("0 of 3 replications")
    assert workshop.board.needs_change() == [1]


def test_goal_seek_from_the_board_says_what_would_have_to_change(
    qtbot, window, controller, monkeypatch
):
    from tests.sim.test_workshop import FakePlan

    monkeypatch.setattr(goal, "_plan", lambda: FakePlan(reached=True))
    full_run(qtbot, controller)
    controller.workshop.show_board()  # View > Target board (Ctrl+B)
    board = controller.workshop.board
    board.lever.setCurrentText("SDRs")
    board.seek.click()
    card = board.cards[1]
    qtbot.waitUntil(lambda: card.change.isVisibleTo(board), timeout=WAIT_MS)
    assert card.change.text().startswith("What would have to change: SDRs of")
    assert not board.cards[0].change.isVisibleTo(board)  # green: nothing to change


def fonts_px(widget: Any) -> list[int]:
    labels = widget.findChildren(QLabel)
    return [x.font().pixelSize() for x in labels if x.text() and x.isVisibleTo(widget)]


def test_presentation_mode_is_full_screen_large_and_leaves_with_esc(qtbot, window, controller):
    full_run(qtbot, controller)
    window.resize(1920, 1080)
    window.actions_["presentation"].trigger()  # F11 / View > Presentation
    shown = controller.workshop.presentation
    assert window.is_presenting() and shown is not None
    assert window.isFullScreen()
    assert not window.editor.isVisible() and not window.menuBar().isVisible()
    assert not window.statusBar().isVisible()
    card = shown.board.cards[0]
    assert card.probability.font().pixelSize() >= 24  # numbers
    assert card.count.font().pixelSize() >= 18 and card.sentence.font().pixelSize() >= 18
    assert min(fonts_px(shown)) >= 18  # every label of the presentation
    assert shown.page_number.font().pixelSize() >= 24
    assert NOTE_PT * CHART_DPI / 72 >= 24  # the charts' smallest text, in pixels
    assert shown.funnel.figure.dpi >= CHART_DPI
    assert shown.current() == 0
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    QTest.keyClick(shown, Qt.Key.Key_PageDown)
    assert shown.current() == 1 and shown.page_number.text() == "2 / 4"
    assert shown.funnel.result is controller.dashboard.result  # redrawn at the large size
    QTest.keyClick(shown, Qt.Key.Key_PageUp)
    assert shown.current() == 0
    QTest.keyClick(shown, Qt.Key.Key_Escape)
    assert not window.is_presenting()
    assert window.editor.isVisible() and window.menuBar().isVisible()
    assert not window.isFullScreen()
    assert window.actions_["cancel"].shortcuts()  # Esc belongs to Cancel run again
    assert not window.actions_["presentation"].isChecked()


def test_export_report_writes_the_pdf_of_the_last_run(qtbot, window, controller, tmp_path):
    full_run(qtbot, controller)
    out = tmp_path / "workshop.pdf"
    assert controller.workshop.export_report(out)
    deadline = time.monotonic() + WAIT_MS / 1000
    qtbot.waitUntil(lambda: out.exists() and out.stat().st_size > 0, timeout=WAIT_MS)
    assert time.monotonic() < deadline
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Agreed definitions and SLA" in text
    assert window.scenario.sha256() in text.replace("\n", "")


def test_the_report_needs_a_current_run(qtbot, window, controller, boxes):
    assert not controller.workshop.export_report(Path("never.pdf"))
    assert boxes.of_kind("critical")[0][1] == "No report yet"
    assert agreement.is_agreed(window.scenario)


def test_every_presentation_page_draws_when_turned_to(qtbot, window, controller):
    """A hidden page of the stack had no size to draw at: the chart pages stayed white."""
    full_run(qtbot, controller)
    window.actions_["presentation"].trigger()
    shown = controller.workshop.presentation
    for chart in (shown.funnel, shown.drivers):
        assert not chart.figure.axes  # not drawn while hidden
        shown.show_page(shown.pages.indexOf(chart))
        qtbot.waitUntil(lambda c=chart: bool(c.figure.axes), timeout=WAIT_MS)
        assert chart.figure.axes[0].get_title() or chart.figure.texts  # its heading is drawn
        assert chart.canvas.isVisible()


def presented_at_1280x800(
    qtbot: Any, window: Any, controller: RunController, scenario: Scenario
) -> Any:
    """A full run of `scenario` (four targets) shown in a 1280x800 presentation."""
    from app.workshop.presentation import Presentation

    window.document.load(scenario, None, None)
    full_run(qtbot, controller)
    shown = Presentation()
    qtbot.addWidget(shown)
    shown.resize(1280, 800)
    shown.show()
    shown.show_result(controller.dashboard.result, scenario, [])
    qtbot.waitUntil(lambda: len(shown.board.cards) == 4, timeout=WAIT_MS)
    return shown


def test_the_presentation_board_shows_every_target_without_scrolling(qtbot, window, controller):
    """At 1280x800 the board's lower targets were cut off: the cards share the page's height."""
    shown = presented_at_1280x800(qtbot, window, controller, tiny(targets=TARGETS * 2))
    scroll = shown.board.findChild(QScrollArea)
    qtbot.waitUntil(shown.board.cards[-1].isVisible, timeout=WAIT_MS)
    qtbot.wait(100)  # laid out
    assert scroll.verticalScrollBar().maximum() == 0, scroll.widget().height()


def test_on_a_short_screen_the_presentation_cards_keep_their_chart_labels_whole(
    qtbot, window, controller
):
    """On a 1280x800 projector the full-size fonts left each card's chart so little height that
    its "Replications" label and the first card's x-axis label were cut off. The large sizes
    scale with the screen's height (never below 3/4, nor labels below 18 px), and every label
    lies inside its chart."""
    from app.workshop.board import LARGE, large_sizes

    assert large_sizes(1000) == LARGE and large_sizes(1200) == LARGE
    assert large_sizes(800)["words"] == round(LARGE["words"] * 0.8)
    assert large_sizes(800)["chart_dpi"] == round(LARGE["chart_dpi"] * 0.8)
    assert large_sizes(400)["number"] == round(LARGE["number"] * 0.75)
    assert large_sizes(400)["small"] == 18  # never below what a room reads
    long_goal = {"metric": "marketing_sourced_revenue_share", "direction": "at_least"}
    long_goal |= {"value": 0.2, "owner": "marketing"}  # its sentence takes four lines
    four = tiny(targets=[*TARGETS, long_goal, TARGETS[0]])
    shown = presented_at_1280x800(qtbot, window, controller, four)
    qtbot.wait(200)  # laid out
    for card in shown.board.cards:
        figure = card.canvas.figure
        card.canvas.draw()
        inside = figure.bbox.padded(1)
        ax = figure.axes[0]
        for label in (ax.xaxis.label, ax.yaxis.label):
            box = label.get_window_extent()
            assert inside.contains(box.x0, box.y0) and inside.contains(box.x1, box.y1), (
                card.sentence.text(),
                label.get_text(),
                box,
                figure.bbox,
            )
