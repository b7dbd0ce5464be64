"""The room's part of the agreement: who is there, what each side commits to, risks, actions,
the review cadence, the sign-off and the board's colours. Lists are typed one item a line
(participants and actions with ' | ' between their parts), and Apply makes it one undo step."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app.document import ScenarioDocument
from sim.errors import ScenarioError
from sim.scenario import Agreement, Scenario

LIST_FIELDS = ("marketing_commits", "sales_commits", "risks")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _parts(line: str, n: int) -> list[str]:
    parts = [p.strip() for p in line.split("|")]
    return (parts + [""] * n)[:n]


class AgreementForm(QWidget):
    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementForm")
        self.document = document
        self.date = QLineEdit()
        self.date.setPlaceholderText("2026-03-14")
        self.cadence = QLineEdit()
        self.cadence.setPlaceholderText("monthly, first Tuesday")
        self.participants = QPlainTextEdit()
        self.participants.setPlaceholderText("Dana Whitfield | sales | VP Sales")
        self.lists = {name: QPlainTextEdit() for name in LIST_FIELDS}
        self.actions = QPlainTextEdit()
        self.actions.setPlaceholderText("Add the fit fields to the form | Sam | 2026-04-01")
        self.signed = QLineEdit()
        self.signed.setPlaceholderText("Dana Whitfield, Sam Okafor")
        self.signed_on = QLineEdit()
        self.signed_on.setPlaceholderText("2026-03-14")
        self.green = QDoubleSpinBox()
        self.amber = QDoubleSpinBox()
        for box in (self.green, self.amber):
            box.setRange(0.0, 1.0)
            box.setSingleStep(0.05)
        for edit in (self.participants, self.actions, *self.lists.values()):
            edit.setFixedHeight(64)
        self.apply = QPushButton("Apply")
        self.apply.setObjectName("applyAgreement")
        self.apply.clicked.connect(self.commit)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        form = QFormLayout(self)
        form.addRow("Workshop date", self.date)
        form.addRow("Participants\n(name | team | role)", self.participants)
        form.addRow("Marketing commits to", self.lists["marketing_commits"])
        form.addRow("Sales commits to", self.lists["sales_commits"])
        form.addRow("Risks", self.lists["risks"])
        form.addRow("Actions\n(text | owner | due)", self.actions)
        form.addRow("Review cadence", self.cadence)
        form.addRow("Signed off by", self.signed)
        form.addRow("Signed on", self.signed_on)
        form.addRow("Board green from", self.green)
        form.addRow("Board amber from", self.amber)
        form.addRow(self.message, self.apply)
        document.changed.connect(self.refresh)
        self.refresh(document.scenario)

    def refresh(self, scenario: Scenario) -> None:
        a = scenario.agreement
        self.date.setText(a.date)
        self.cadence.setText(a.review_cadence)
        self.participants.setPlainText(
            "\n".join(f"{p.name} | {p.team} | {p.role}".rstrip(" |") for p in a.participants)
        )
        for name, edit in self.lists.items():
            edit.setPlainText("\n".join(getattr(a, name)))
        self.actions.setPlainText(
            "\n".join(f"{x.text} | {x.owner} | {x.due}".rstrip(" |") for x in a.actions)
        )
        self.signed.setText(", ".join(a.sign_off.names))
        self.signed_on.setText(a.sign_off.date)
        self.green.setValue(a.green_at)
        self.amber.setValue(a.amber_at)
        self.message.clear()

    def agreement(self) -> Agreement:
        """The agreement as typed (raises ScenarioError-like ValueError if it is not valid)."""
        current = self.document.scenario.agreement
        participants = []
        for line in _lines(self.participants.toPlainText()):
            name, team, role = _parts(line, 3)
            participants.append({"name": name, "team": team or "marketing", "role": role})
        actions = []
        for line in _lines(self.actions.toPlainText()):
            text, owner, due = _parts(line, 3)
            actions.append({"text": text, "owner": owner, "due": due})
        data = {
            **current.model_dump(),
            "date": self.date.text().strip(),
            "review_cadence": self.cadence.text().strip(),
            "participants": participants,
            "actions": actions,
            **{name: _lines(edit.toPlainText()) for name, edit in self.lists.items()},
            "sign_off": {
                "names": [n.strip() for n in self.signed.text().split(",") if n.strip()],
                "date": self.signed_on.text().strip(),
            },
            "green_at": self.green.value(),
            "amber_at": self.amber.value(),
        }
        return Agreement.model_validate(data)

    def commit(self) -> bool:
        try:
            new = self.agreement()
        except ValueError as error:
            first = str(error).splitlines()
            self.message.setText(first[-1] if first else str(error))
            return False
        s = self.document.scenario
        try:
            self.document.replace(s.model_copy(update={"agreement": new}), "Edit the agreement")
        except ScenarioError as error:
            self.message.setText(str(error))
            return False
        return True
