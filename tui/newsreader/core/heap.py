"""Giving the C heap's free memory back to the system (glibc's ``malloc_trim``; elsewhere nothing).

Freed memory stays with the process until trimmed: a process that made and dropped large
temporary structures (a batch of tagging arrays, the listing or vocabulary of 50,000 articles)
would otherwise keep their size for as long as it runs.
"""

from __future__ import annotations

from collections.abc import Callable


def trimmer() -> Callable[[], None]:
    """A function that trims the heap (a no-op where there is no ``malloc_trim``)."""
    try:
        import ctypes

        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError, ImportError):
        return lambda: None
    return lambda: trim(0) and None
