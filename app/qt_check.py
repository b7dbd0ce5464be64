"""Check, before opening the window, that Qt's platform plugin can load on this machine.

On a fresh Debian/Ubuntu machine Qt's xcb plugin needs system libraries that pip cannot bring;
without them Qt prints the cryptic "could not load the Qt platform plugin". This prints the one
command that fixes it instead.
"""

from __future__ import annotations

import ctypes.util
import os
import sys

XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-image": "libxcb-image0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-shape": "libxcb-shape0",
    "xcb-xkb": "libxcb-xkb1",
    "EGL": "libegl1",
    "GL": "libgl1",
    "fontconfig": "libfontconfig1",
    "dbus-1": "libdbus-1-3",
}


def missing_packages() -> list[str]:
    """Debian package names of the xcb libraries this machine lacks (empty off Linux)."""
    if not sys.platform.startswith("linux"):
        return []
    return [pkg for lib, pkg in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None]


HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc")


def needs_display() -> bool:
    """True where Qt needs a desktop session: Linux and the BSDs, unless told to draw offscreen."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(HEADLESS_PLATFORMS):
        return False
    return not sys.platform.startswith(("win", "darwin", "cygwin"))


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main() -> int:
    if not needs_display():
        return 0
    missing = missing_packages()
    if missing:
        print(
            "Qt cannot open a window: this machine lacks system libraries pip cannot install.\n"
            "Fix it with:\n\n"
            f"    sudo apt-get install -y {' '.join(missing)}\n",
            file=sys.stderr,
        )
        return 1
    if not has_display():
        print(
            "No display found (DISPLAY is not set). Run from a desktop session, or under Xvfb:\n\n"
            "    Xvfb :99 & DISPLAY=:99 make run\n",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
