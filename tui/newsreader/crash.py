"""The log the reader writes when it hits a bug in itself: the traceback goes to a file in the
state folder and the terminal gets one line saying where (Textual would print a traceback with
the local variables of every frame, article texts included). No Textual import: ``main`` writes
one too when the app could not even start."""

from __future__ import annotations

import platform
import time
import traceback
from pathlib import Path

KEEP = 5  # logs kept, the newest: a crash at every start does not fill the folder


def write_crash_log(error: BaseException) -> Path | None:
    """Write the log and return its path, or None if it could not be written. Raises nothing."""
    from newsreader import __version__
    from newsreader.core.paths import atomic_write, state_dir

    cause = getattr(error, "error", None)  # Textual's WorkerFailed wraps the worker's error
    if not isinstance(cause, BaseException):
        cause = error
    text = (f"newsreader {__version__} crashed at {time.strftime('%Y-%m-%d %H:%M:%S %z')}\n"
            f"Python {platform.python_version()} on {platform.platform()}\n\n"
            + "".join(traceback.format_exception(cause)))
    folder = state_dir()
    path = folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}.log"
    try:
        atomic_write(path, text.encode("utf-8", "backslashreplace"))
        for old in sorted(folder.glob("crash-*.log"))[:-KEEP]:
            old.unlink(missing_ok=True)
    except Exception:  # a read-only or full state folder: the caller shows the traceback instead
        return None
    return path
