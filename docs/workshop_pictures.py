"""The README's workshop pictures: the target board in the window, presentation mode, and the
report's first page, all from docs/examples/workshop.toml.

    Xvfb :99 -screen 0 1920x1080x24 &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb .venv/bin/python docs/workshop_pictures.py

(pdftoppm, from poppler-utils, turns the report's first page into a PNG.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
EXAMPLE = DOCS / "examples" / "workshop.toml"
REPLICATIONS = 20


def main() -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = tempfile.mkdtemp()
    os.environ["FUNNEL_LAB_RECOVERY_DIR"] = folder
    from app.main_window import MainWindow
    from app.run_controller import RunController
    from app.screenshot import run_and_wait, spin, wait_until
    from app.settings import AppSettings

    window = MainWindow(AppSettings(QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat)))
    window.resize(1600, 1000)
    controller = RunController(window)
    window.show()
    window.open_file(EXAMPLE)
    window.set_live(False)
    if not run_and_wait(controller, REPLICATIONS):
        return 1
    workshop = controller.workshop
    workshop.show_board()
    window.actions_["plain_words"].trigger()
    spin(800)
    window.grab().save(str(DOCS / "workshop-board.png"))
    workshop.enter_presentation()
    spin(1200)
    assert workshop.presentation is not None
    workshop.presentation.grab().save(str(DOCS / "workshop-presentation.png"))
    workshop.leave_presentation()
    pdf = Path(folder) / "report.pdf"
    workshop.export_report(pdf)
    wait_until(lambda: pdf.exists() and pdf.stat().st_size > 0, 120)
    spin(500)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "80",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(DOCS / "workshop-report-page1"),
        ],
        check=True,
    )
    controller.shutdown()
    window.document.undo_stack.setClean()
    window.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
