"""Long work that can be asked to stop, and that gives way to the screen: the collection's
refresh and name finding.

Work in a thread calls a check often (every file, every batch); the check raises
:class:`Stopped` once the work was asked to stop, and whoever started the work catches it. A
recognizer in a child process is stopped by ending the child (``ProcessRecognizer.stop``).

The same checks let a key go first (:class:`GiveWay`): Python runs one thread at a time, so a
worker busy in Python halves the speed of the thread that draws the screen, and a key that
comes then waits twice as long for its frame.
"""

from __future__ import annotations

import threading
import time


class Stopped(Exception):
    """The work was asked to stop (the user quit, or the same work started again)."""


class GiveWay:
    """Between two small steps, work threads call :meth:`wait`: it returns at once unless the
    screen said it is busy with the user's input (:meth:`busy`), and then sleeps (Python's lock
    free for the screen) until the screen says it is done (:meth:`done`), at most ``span``
    seconds after the last :meth:`busy` (``done`` of an earlier input does not end a later one's).
    Keys held down still leave the work the time between their frames."""

    def __init__(self, span: float = 0.1) -> None:
        self.span = span
        self._until = 0.0
        self._input = 0
        self._free = threading.Event()
        self._free.set()

    @property
    def is_busy(self) -> bool:
        return not self._free.is_set() and time.monotonic() < self._until

    def busy(self) -> int:
        """The screen has input to handle; returns what to give :meth:`done` for it."""
        self._input += 1
        self._until = time.monotonic() + self.span
        self._free.clear()
        return self._input

    def done(self, token: int) -> None:
        if token == self._input:
            self._free.set()

    def wait(self) -> None:
        while not self._free.is_set():
            left = self._until - time.monotonic()
            if left <= 0:
                return
            self._free.wait(left)
