"""Long work that can be asked to stop: the collection's refresh and name finding.

Work in a thread calls a check often (every file, every batch); the check raises
:class:`Stopped` once the work was asked to stop, and whoever started the work catches it. A
recognizer in a child process is stopped by ending the child (``ProcessRecognizer.stop``).
"""

from __future__ import annotations


class Stopped(Exception):
    """The work was asked to stop (the user quit, or the same work started again)."""
