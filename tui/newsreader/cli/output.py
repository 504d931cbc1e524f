"""What the CLI writes. Everything, argparse's help and errors included, goes through :func:`write`."""

from __future__ import annotations

import argparse
import sys


def write(text: str, err: bool = False, end: str = "\n") -> None:
    """Every string the CLI writes: control characters (escape sequences), bidi controls and
    undecodable bytes made visible (``textclean.visible``; tabs and line breaks stay)."""
    from newsreader.core.textclean import visible

    (sys.stderr if err else sys.stdout).write(visible(text, lines=True) + end)


def say(text: str) -> None:
    """A message on stderr: one line, ``newsreader: TEXT``."""
    from newsreader.core.textclean import visible

    write(f"newsreader: {visible(text)}", err=True)


def json_line(data: object) -> str:
    """One JSON line (``store.json_text``: control characters as ``\\u`` escapes)."""
    from newsreader.core.store import json_text

    return json_text(data)


class Parser(argparse.ArgumentParser):
    """argparse, whose help and error messages (which quote what was typed) go through write."""

    def _print_message(self, message: str, file=None) -> None:
        if message:
            try:
                write(message, err=file is sys.stderr, end="")
            except (AttributeError, OSError):  # no stream, or a closed one: as argparse does
                pass


def progress_bar(label: str):
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None
    import time

    last = [0.0]

    def show(done: int, total: int, _what: str = "") -> None:
        now = time.monotonic()
        if done != total and now - last[0] < 0.1:
            return
        last[0] = now
        width = 30
        filled = int(width * done / total) if total else width
        write(f"{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", err=True,
              end="\n" if done == total else "\r")
        sys.stderr.flush()

    return show
