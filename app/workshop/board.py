"""The target board: each target as a sentence with its simulated distribution, the target line,
the probability of meeting it with its count ("12 of 40 replications"), coloured by the file's
thresholds, a warning for an unrealistic target, and for amber and red targets what would have to
change on the lever the room picks (goal seek, run by the workshop controller off the GUI thread).

`large=True` is the presentation's board: the same cards with fonts readable from the back of a
room (numbers 40 px, words 22 px) and charts drawn at a larger text size.
"""

from __future__ import annotations

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from sim.charts.targets import draw_target
from sim.results import RunResult
from sim.scenario import Scenario
from sim.workshop.board import COLOUR_WORDS, COLOURS, BoardRow, board_rows
from sim.workshop.goal import DEFAULT_LEVER, LEVER_NAMES, Answer

# chart_h: the charts' height; on the large board (fill 1) their least height, the cards share
# the page's height so that every target is in view without scrolling (nobody scrolls a room).
NORMAL = {
    "words": 14,
    "small": 13,
    "number": 26,
    "chart_dpi": 90,
    "chart_h": 170,
    "columns": 1,
    "fill": 0,
}
LARGE = {
    "words": 24,
    "small": 20,
    "number": 48,
    "chart_dpi": 170,
    "chart_h": 150,
    "columns": 2,
    "fill": 1,
}
LARGE_FOR_HEIGHT = 1000  # LARGE is sized for a 1600x1000 screen
SMALLEST_SCALE = 0.75
SCALED = ("words", "small", "number", "chart_dpi", "chart_h")
READABLE_PX = {"words": 18, "small": 18, "number": 24}  # the least a room reads, at any scale
STRETCH_ROW = 100  # below the cards: takes the height they leave, unless they fill the page
EMPTY = "Run the simulation (Ctrl+R) to see how likely each target is."
NO_TARGETS = "No targets yet: add the targets both teams sign up to (Definitions & targets)."


def large_sizes(screen_height: int) -> dict[str, int]:
    """LARGE, scaled down on a shorter screen: on a 1280x800 projector the full-size sentence
    and numbers left a card's chart too little height, and its axis labels were cut off."""
    scale = min(1.0, max(SMALLEST_SCALE, screen_height / LARGE_FOR_HEIGHT))
    return {
        key: max(round(v * scale), READABLE_PX.get(key, 0)) if key in SCALED else v
        for key, v in LARGE.items()
    }


def font(px: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(px)
    f.setBold(bold)
    return f


class TargetCard(QFrame):
    """One target on the board."""

    def __init__(self, row: BoardRow, currency: str, sizes: dict[str, int]) -> None:
        super().__init__()
        self.row = row
        colour = COLOURS[row.colour]
        self.setObjectName(f"target_{row.colour}")
        self.setStyleSheet(
            f"#target_{row.colour} {{ border: 1px solid #cfd8dc; border-left: 8px solid {colour};"
            " background: white; }"
        )
        self.sentence = QLabel(row.sentence)
        self.sentence.setObjectName("targetSentence")
        self.sentence.setWordWrap(True)
        self.sentence.setFont(font(sizes["words"], bold=True))
        self.sentence.setStyleSheet("color: #111111; border: none;")
        self.probability = QLabel(f"{round(100 * row.probability)}%")
        self.probability.setObjectName("targetProbability")
        self.probability.setFont(font(sizes["number"], bold=True))
        self.probability.setStyleSheet(f"color: {colour}; border: none;")
        self.probability.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.count = QLabel(f"{row.count_text} · {COLOUR_WORDS[row.colour]}")
        self.count.setObjectName("targetCount")
        self.count.setFont(font(sizes["small"], bold=True))
        self.count.setStyleSheet("color: #111111; border: none;")
        self.gives = self._line(f"The plan gives {row.mean_text}.", sizes["small"], "targetGives")
        self.warning = self._line(
            f"⚠ Unrealistic target: {row.warning}" if row.warning else "",
            sizes["small"],
            "targetWarning",
            "#8a4b00",
        )
        self.warning.setVisible(bool(row.warning))
        self.change = self._line("", sizes["small"], "targetChange", "#0d47a1")
        self.change.hide()
        figure = Figure(dpi=sizes["chart_dpi"], layout="constrained")
        self.canvas = FigureCanvasQTAgg(figure)
        if sizes["fill"]:  # its size hint (the figure's last size) would grow it at each draw
            self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
            self.canvas.setMinimumHeight(sizes["chart_h"])
        else:
            self.canvas.setFixedHeight(sizes["chart_h"])
        draw_target(figure.add_subplot(), row, currency, heading=False)
        grid = QGridLayout(self)
        grid.setContentsMargins(14, 8, 10, 8)
        # The count has a line of its own: beside the probability it took the sentence's width.
        grid.addWidget(self.sentence, 0, 0)
        grid.addWidget(self.probability, 0, 1)
        for row, label in enumerate((self.count, self.gives, self.warning, self.change), 1):
            grid.addWidget(label, row, 0, 1, 2)
        grid.addWidget(self.canvas, 5, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setRowStretch(5, 1)

    def _line(self, text: str, px: int, name: str, colour: str = "#263238") -> QLabel:
        label = QLabel(text)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setFont(font(px))
        label.setStyleSheet(f"color: {colour}; border: none;")
        return label

    def show_answer(self, answer: Answer | None) -> None:
        if answer is None:
            self.change.hide()
            return
        self.change.setText(f"What would have to change: {answer.text}")
        self.change.show()


class TargetBoard(QWidget):
    """The board of the last full run; `seek_requested(lever)` asks for goal seek."""

    seek_requested = Signal(str)
    title = "Targets"

    def __init__(self, large: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("targetBoard")
        screen = self.screen() or QGuiApplication.primaryScreen()
        self.sizes = large_sizes(screen.availableGeometry().height()) if large else NORMAL
        self.result: RunResult | None = None
        self.scenario: Scenario | None = None
        self.cards: list[TargetCard] = []
        self.answers: dict[int, Answer] = {}
        self.lever = QComboBox()
        self.lever.setObjectName("leverChoice")
        self.lever.addItems(LEVER_NAMES)
        self.lever.setCurrentText(DEFAULT_LEVER)
        self.seek = QPushButton("What would have to change?")
        self.seek.setObjectName("seekButton")
        self.seek.setToolTip(
            "Goal seek for every amber or red target: the value of the chosen lever that makes "
            "it as likely as the board's green threshold (several simulations per target)."
        )
        self.seek.clicked.connect(lambda: self.seek_requested.emit(self.lever.currentText()))
        self.seek.setEnabled(False)
        self.status = QLabel()
        self.status.setObjectName("seekStatus")
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Lever:"))
        controls.addWidget(self.lever)
        controls.addWidget(self.seek)
        controls.addWidget(self.status, 1)
        self.placeholder = QLabel(EMPTY)
        self.placeholder.setObjectName("boardPlaceholder")
        self.placeholder.setFont(font(self.sizes["words"]))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.body = QWidget()
        self.cards_layout = QGridLayout(self.body)
        self.cards_layout.addWidget(self.placeholder, 0, 0, 1, self.sizes["columns"])
        self.cards_layout.setRowStretch(STRETCH_ROW, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.controls = QWidget()
        self.controls.setLayout(controls)
        self.controls.setVisible(not large)
        layout.addWidget(self.controls)
        layout.addWidget(scroll, 1)

    def show_result(self, result: RunResult, scenario: Scenario) -> None:
        """Cards for a run's targets (answers of an earlier run are dropped)."""
        self.result, self.scenario = result, scenario
        self.answers = {}
        for card in self.cards:
            self.cards_layout.removeWidget(card)
            card.deleteLater()
        rows = board_rows(result, scenario)
        self.cards = [TargetCard(row, result.currency, self.sizes) for row in rows]
        columns = self.sizes["columns"]
        for i, card in enumerate(self.cards):
            self.cards_layout.addWidget(card, 1 + i // columns, i % columns)
        used = -(-len(rows) // columns)  # rows of cards
        for row in range(1, STRETCH_ROW):
            self.cards_layout.setRowStretch(row, self.sizes["fill"] if row <= used else 0)
        self.cards_layout.setRowStretch(STRETCH_ROW, 0 if used and self.sizes["fill"] else 1)
        self.placeholder.setText(NO_TARGETS)
        self.placeholder.setVisible(not rows)
        self.seek.setEnabled(any(r.colour != "green" for r in rows))
        self.status.clear()

    def clear(self) -> None:
        """No board (another file was opened: these targets were not its)."""
        self.result = self.scenario = None
        self.answers = {}
        for card in self.cards:
            self.cards_layout.removeWidget(card)
            card.deleteLater()
        self.cards = []
        self.placeholder.setText(EMPTY)
        self.placeholder.show()
        self.seek.setEnabled(False)
        self.status.clear()

    def needs_change(self) -> list[int]:
        """Indexes of the amber and red targets."""
        return [i for i, card in enumerate(self.cards) if card.row.colour != "green"]

    def show_answers(self, answers: dict[int, Answer]) -> None:
        self.answers = dict(answers)
        for i, card in enumerate(self.cards):
            card.show_answer(self.answers.get(i))

    def set_seeking(self, text: str, busy: bool) -> None:
        self.status.setText(text)
        self.seek.setEnabled(not busy and bool(self.needs_change()))
