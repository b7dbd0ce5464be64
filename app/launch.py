"""The `funnel-lab` entry point: a sub-command goes to the command line, anything else opens the
window.

`funnel-lab run FILE` must work on a server without a display, so Qt is imported only once we know
a window is wanted.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

DEFAULT_SUBCOMMANDS = frozenset({"run", "validate", "schema", "metrics"})
CLI_OPTIONS = frozenset({"-h", "--help", "-V", "--version"})


def cli_subcommands() -> frozenset[str]:
    """The command line's sub-commands, as sim.cli declares them (or the known four)."""
    try:
        from sim import cli
    except ImportError:
        return DEFAULT_SUBCOMMANDS
    return frozenset(getattr(cli, "SUBCOMMANDS", DEFAULT_SUBCOMMANDS))


def wants_cli(args: Sequence[str]) -> bool:
    return bool(args) and (args[0] in CLI_OPTIONS or args[0] in cli_subcommands())


def main(argv: Sequence[str] | None = None) -> int:
    """funnel-lab [FILE] opens the window; funnel-lab SUB-COMMAND ... runs the command line."""
    args = list(sys.argv[1:] if argv is None else argv[1:])
    if wants_cli(args):
        from sim import cli

        return int(cli.main(args) or 0)
    return open_window(args[0] if args else None)


def open_window(path: str | None) -> int:
    """Start Qt, show the window on `path` (or the default scenario) and run the event loop."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import sim
    from app.dialogs import SMOKE_ENV  # a PNG path: run the scenario, save a screenshot, quit
    from app.main_window import MainWindow
    from app.run_controller import RunController
    from app.screenshot import capture
    from app.settings import APPLICATION, ORGANISATION

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(sim.__version__)
    window = MainWindow()
    controller = RunController(window)
    window.show()
    window.start(path)
    quit_on_signals(app)
    smoke = os.environ.get(SMOKE_ENV)
    if smoke:
        QTimer.singleShot(0, lambda: app.exit(0 if capture(window, controller, Path(smoke)) else 1))
    code = app.exec()
    controller.shutdown()
    return code


def quit_on_signals(app) -> None:
    """Ctrl-C or a kill (SIGTERM) closes the window normally, so the worker processes exit too.

    Qt's event loop does not run Python's signal handlers; a light timer lets them in.
    """
    from PySide6.QtCore import QTimer

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


if __name__ == "__main__":
    sys.exit(main())
