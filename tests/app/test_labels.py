"""The editor speaks a planner's words: plain labels and units on screen, the technical term in
the tooltip; targets show the metric's label and 'at least' / 'at most', never ids."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.editor.specs import spec_of
from app.main_window import MainWindow
from sim.metrics import METRICS
from sim.ranges import field
from sim.scenario import Brand, Deals, Sales, Target


def test_a_field_can_carry_a_plain_label_in_its_schema():
    info = field(0.5, "per week", "Carry-over.", label="Brand memory")
    assert info.json_schema_extra == {"unit": "per week", "label": "Brand memory"}
    assert field(1, "x", "doc").json_schema_extra == {"unit": "x"}


def test_a_technical_field_reads_in_plain_words_with_the_term_in_its_tooltip(window: MainWindow):
    spec = spec_of(Brand, "adstock_theta")
    assert spec.label == "Brand memory: share of last week's awareness kept"
    label = window.findChild(QLabel, "label_adstock_theta")
    assert label.text() == spec.label
    assert "Technical term: Adstock theta" in label.toolTip()
    assert "adstock_theta" in label.toolTip()


def test_labels_a_planner_does_not_speak_are_gone():
    jargon = {"Adstock theta", "Hill shape", "Half saturation", "Fit concentration"}
    shown = {spec_of(Brand, n).label for n in Brand.model_fields if spec_of(Brand, n)}
    assert not shown & jargon
    assert spec_of(Deals, "fit_effect").unit == "0 = no effect"
    assert "log-odds per unit fit" in spec_of(Deals, "fit_effect").tooltip()


def test_a_field_without_a_label_keeps_its_humanised_name():
    spec = spec_of(Sales, "queue_order")
    assert spec.label == "Queue order"
    assert spec.term == ""


def test_targets_show_the_metrics_label_and_at_least_not_ids(window: MainWindow):
    target = Target(metric="marketing_sourced_revenue_share", value=0.25)
    window.document.replace(window.scenario.model_copy(update={"targets": [target]}), "target")
    model = window.editor.panels["targets"].model
    columns = [s.name for s in model.specs]
    text = [model.data(model.index(0, c), Qt.ItemDataRole.DisplayRole) for c in range(len(columns))]
    cells = dict(zip(columns, text, strict=True))
    assert cells["metric"] == METRICS["marketing_sourced_revenue_share"].label
    assert cells["direction"] == "at least"
    assert "marketing_sourced_revenue_share" not in text
    assert "at_least" not in text


def test_choosing_at_most_in_the_targets_table_stores_at_most(window: MainWindow):
    target = Target(metric="revenue", value=1.0)
    window.document.replace(window.scenario.model_copy(update={"targets": [target]}), "target")
    panel = window.editor.panels["targets"]
    column = [s.name for s in panel.model.specs].index("direction")
    index = panel.model.index(0, column)
    delegate = panel.view.itemDelegate()
    combo = delegate.createEditor(panel.view.viewport(), None, index)
    delegate.setEditorData(combo, index)
    assert combo.currentText() == "at least"
    combo.setCurrentIndex(combo.findText("at most"))
    delegate.setModelData(combo, panel.model, index)
    assert window.scenario.targets[0].direction == "at_most"
