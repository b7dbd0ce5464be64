"""The `funnel-lab` entry point: a sub-command goes to the command line, a scenario file (or
nothing) opens the window, anything else is refused with a hint (exit 2), as is a window wanted
where there is no display.

`funnel-lab run FILE` must work on a server without a display, so Qt is imported only once we know
a window is wanted.
"""

from __future__ import annotations

import difflib
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

DEFAULT_SUBCOMMANDS = frozenset({"run", "validate", "schema", "metrics"})
CLI_OPTIONS = frozenset({"-h", "--help", "-V", "--version"})
EXIT_USAGE = 2  # as sim/cli.py: the user asked for something that cannot be done


def cli_subcommands() -> frozenset[str]:
    """The command line's sub-commands, as sim.cli declares them (or the known four)."""
    try:
        from sim import cli
    except ImportError:
        return DEFAULT_SUBCOMMANDS
    return frozenset(getattr(cli, "SUBCOMMANDS", DEFAULT_SUBCOMMANDS))


def wants_cli(args: Sequence[str]) -> bool:
    """A sub-command or an option (argparse answers unknown options with its usage)."""
    return bool(args) and (args[0].startswith("-") or args[0] in cli_subcommands())


def command_names() -> list[str]:
    """The sub-commands in the order a newcomer needs them: run first."""
    return sorted(cli_subcommands(), key=lambda name: (name != "run", name))


def looks_like_path(arg: str) -> bool:
    return arg.lower().endswith(".toml") or "/" in arg or os.sep in arg


def bad_first_argument(args: Sequence[str]) -> str | None:
    """Why the first argument can be neither a scenario to open nor a sub-command, if it can't."""
    if not args or Path(args[0]).exists():
        return None
    word = args[0]
    if looks_like_path(word):
        return f"no such file: {word}"
    commands = command_names()
    close = difflib.get_close_matches(word, commands, n=1, cutoff=0.6)
    if close:
        return f"unknown command '{word}' (did you mean {close[0]}?)"
    return (
        f"unknown command '{word}': the commands are {', '.join(commands)}; "
        "funnel-lab FILE opens a scenario in the window"
    )


def display_problem() -> str | None:
    """One line saying why no window can open here (no display, missing libraries), or None.

    Checked before Qt is imported: without a display Qt aborts the process with its own
    "could not load the Qt platform plugin" text, which names no way out.
    """
    from app import qt_check

    if not qt_check.needs_display():
        return None
    commands = "|".join(command_names())
    if not qt_check.has_display():
        return (
            "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set); "
            f"`funnel-lab {commands} ...` need none"
        )
    missing = qt_check.missing_packages() if not os.environ.get("WAYLAND_DISPLAY") else []
    if missing:
        return (
            "Qt cannot open a window: this machine lacks system libraries; install them with "
            f"`sudo apt-get install -y {' '.join(missing)}`"
        )
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """funnel-lab [FILE] opens the window; funnel-lab SUB-COMMAND ... runs the command line."""
    args = list(sys.argv[1:] if argv is None else argv[1:])
    if wants_cli(args):
        from sim import cli

        return int(cli.main(args) or 0)
    problem = bad_first_argument(args) or display_problem()
    if problem:
        print(f"funnel-lab: {problem}", file=sys.stderr)
        return EXIT_USAGE
    return open_window(args[0] if args else None)


def open_window(path: str | None) -> int:
    """Start Qt, show the window on `path` (or the default scenario) and run the event loop."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import sim
    from app.dialogs import unattended  # a smoke test: run, maybe edit, quit (smoke_test)
    from app.main_window import MainWindow
    from app.run_controller import RunController
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
    if unattended():
        QTimer.singleShot(0, lambda: smoke_test(app, window, controller))
    code = app.exec()
    close_down(app, window, controller)
    return code


def smoke_test(app, window, controller) -> None:
    """An unattended run for tests. FUNNEL_LAB_SMOKE=PNG: run, save a screenshot of the window,
    quit. FUNNEL_LAB_SMOKE_EDIT=FILE: run, edit the MQL threshold as a planner does (a live run
    and the estimate start), save the scenario to FILE and quit by closing the window. Status 1
    if the run gave no result or the file could not be saved.
    """
    from app.dialogs import SMOKE_EDIT_ENV, SMOKE_ENV
    from app.run_controller import SETTLE_MS
    from app.screenshot import capture, run_and_wait, spin

    shot, edited = os.environ.get(SMOKE_ENV), os.environ.get(SMOKE_EDIT_ENV)
    window.set_live(False)  # the full run below comes first
    ran = capture(window, controller, Path(shot)) if shot else run_and_wait(controller)
    if not ran or not edited:
        app.exit(0 if ran else 1)
        return
    window.set_live(True)
    threshold = window.editor.field_editor(("definitions", "mql_threshold"))
    threshold.input.setValue(window.scenario.definitions.mql_threshold + 5)
    spin(SETTLE_MS + 100)
    window.autosave()
    if not window.save_as(edited):
        app.exit(1)
        return
    # Closed: status 0, and the loop ends even if some other top-level window were still open;
    # refused: status 1. An unattended run never waits for a window nobody will close.
    app.exit(0 if window.close() else 1)


def close_down(app, window, controller) -> None:
    """Tear down in order while Qt is still up: jobs, then the window's widgets, then the worker
    processes (left to atexit, they would stop after the QApplication is gone)."""
    from PySide6.QtCore import QEvent

    from app.workers import shutdown_pools

    executor = controller.executor
    controller.shutdown()
    window.deleteLater()  # the controller and the dashboard are its children
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    shutdown_pools(executor)


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
