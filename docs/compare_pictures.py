"""The README's Compare & Plan pictures, at 1280x800 offscreen: the default scenario pinned as
the baseline, two more SDRs in the editor (the cards' deltas), the quality play and brand spend
at 0 compared with it (the Compare & Plan page, its cumulative revenue and brand charts). A
full run of the same 20 replications then draws the dashboard's charts.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/compare_pictures.py

Every run is the window's own: 20 live replications per scenario on the same seeds (a few
minutes on two cores).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
SCENARIOS = DOCS.parent / "scenarios"
SIZE = (1280, 800)
TIMEOUT_S = 900


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = tempfile.mkdtemp()
    os.environ["FUNNEL_LAB_RECOVERY_DIR"] = folder
    from app.main_window import MainWindow
    from app.run_controller import RunController
    from app.screenshot import run_and_wait, spin, wait_drawn, wait_until
    from app.settings import AppSettings

    window = MainWindow(AppSettings(QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat)))
    window.resize(*SIZE)
    window.set_live(False)
    controller = RunController(window)
    window.show()
    window.open_file(SCENARIOS / "default.toml")
    workspace, compare = controller.workspace, controller.compare

    def settled() -> bool:
        doc = workspace.run(workspace.document_id)
        document_done = doc is not None and doc.complete and controller.live is None
        return document_done and not workspace.incomplete() and not compare.jobs

    window.set_live(True)
    wait_until(settled, TIMEOUT_S)
    compare.pin_baseline()
    compare.compare_file(SCENARIOS / "quality-play.toml")
    compare.compare_brand_zero()
    sdrs = window.editor.field_editor(("sales", "sdr_count")).input
    sdrs.setValue(sdrs.value() + 2)
    spin(500)
    if not wait_until(settled, TIMEOUT_S):
        print("the runs did not finish in time", file=sys.stderr)
        return 1
    window.set_live(False)
    run_and_wait(controller, workspace.planned)  # the dashboard's charts draw full runs
    window.resize(*SIZE)
    compare.pages.setCurrentIndex(0)
    wait_drawn(controller)
    window.grab().save(str(DOCS / "compare-cards.png"))
    compare.show_page()
    for chart, name in (("cumulative_revenue", "compare-view"), ("brand_effect", "compare-brand")):
        if chart == "brand_effect":  # the chart gets the height, as after dragging the divider
            compare.page.set_table_height(0)
        compare.page.show_chart(chart)
        wait_until(compare.page.charts_drawn, 60)
        canvas = compare.page.canvases[chart]
        canvas.canvas.draw()
        spin(400)
        window.grab().save(str(DOCS / f"{name}.png"))
    controller.shutdown()
    window.document.undo_stack.setClean()
    window.close()
    del app
    print("wrote docs/compare-cards.png, docs/compare-view.png, docs/compare-brand.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
