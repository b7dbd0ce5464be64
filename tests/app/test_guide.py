"""Help > User guide opens a short guide in the window, in plain words."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from app.main_window import MainWindow


def test_help_user_guide_opens_the_guide(window: MainWindow, qtbot):
    action = window.actions_["guide"]
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert action in help_menu.actions()
    assert action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    action.trigger()
    guide = window.guide
    assert guide is not None
    qtbot.waitExposed(guide)
    assert guide.isVisible()
    assert guide.windowTitle() == "Funnel Lab user guide"
    text = guide.browser.toPlainText()
    for topic in (
        "What each view answers",
        "90% of outcomes",
        "confidence interval of the mean",
        "The instant estimate",
        "Comparing plans",
    ):
        assert topic in text


def test_the_guide_covers_comparing_and_the_workshop_tools(window: MainWindow):
    """It told users to Save As a copy and compare cards by eye."""
    window.show_guide()
    text = window.guide.browser.toPlainText()
    for topic in (
        "Pin as baseline (Ctrl+Shift+B)",
        "paired difference",
        "Compare & Plan",
        "Brand spend at 0",
        "Sweep…",
        "Target board (Ctrl+B)",
        "Presentation (F11)",
        "Esc leaves",
        "Export Report",
        "Live",
    ):
        assert topic in text
    assert "Save As" not in text


def test_the_guide_opens_once_however_often_it_is_asked_for(window: MainWindow):
    window.show_guide()
    first = window.guide
    window.show_guide()
    assert window.guide is first
