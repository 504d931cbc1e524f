"""The SQLite files newsreader keeps in the user cache folder (the search index, the entity
cache), and how a fault in one is told apart and handled:

- **busy**: another program holds a lock (a second newsreader indexing the same collection).
  Not a fault: newsreader waits, says so once when the wait is long, and tries again. A busy
  file is never moved aside.
- **damaged**: the file is not a database, a page or a row is not what was written (SQLite's
  corrupt and not-a-database errors, missing tables or columns, a value that does not decode).
  It is a cache: it is moved aside (one such copy is kept per file) and rebuilt.
- anything else (a full disk, a read-only folder) is passed on to the caller.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

BUSY_TIMEOUT = 5.0  # seconds of waiting for another program's lock before newsreader says so
POLL = 0.05         # SQLite's own wait per try: a thread lock around a try is freed between tries

# What reading back a value that is not what was written raises (marshal, json, tuple unpacking,
# datetime): a damaged row. MemoryError too: a damaged length field asks for gigabytes.
DECODE_ERRORS = (ValueError, TypeError, EOFError, KeyError, IndexError, AttributeError, OverflowError,
                 MemoryError, RecursionError)
_DAMAGE_CODES = {sqlite3.SQLITE_ERROR, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_MISMATCH}


class NotOurs(Exception):
    """A database that newsreader did not write in this form (another schema version)."""


def _code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF  # the primary code of an extended one


def is_busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and _code(exc) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def is_damage(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        return _code(exc) in _DAMAGE_CODES
    return isinstance(exc, (NotOurs, *DECODE_ERRORS))


def reason(exc: BaseException) -> str:
    """What is wrong, in a few words, on one line."""
    text = str(exc) if isinstance(exc, (sqlite3.Error, NotOurs)) else f"damaged data: {str(exc) or type(exc).__name__}"
    return " ".join(text.split())


def retry_busy(attempt: Callable[[], T], timeout: float, waiting: Callable[[], None]) -> T:
    """``attempt()`` until it does not fail with a busy database; ``waiting()`` is called once,
    when the lock has been waited for ``timeout`` seconds."""
    start = time.monotonic()
    told = False
    while True:
        try:
            return attempt()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
        if not told and time.monotonic() - start >= timeout:
            told = True
            waiting()
        time.sleep(POLL)


def move_aside(path: Path, tag: str) -> Path:
    """Rename the damaged database ``path`` to ``NAME.TAG-YYYYmmdd-HHMMSS`` (its write-ahead log
    goes with it; its shared-memory file is removed, so the new file starts clean). Older copies
    of the same file are removed first: one is kept."""
    for old in path.parent.iterdir():
        if old.name.startswith((f"{path.name}.old-", f"{path.name}.broken-")):
            old.unlink(missing_ok=True)
    aside = path.with_name(f"{path.name}.{tag}-{time.strftime('%Y%m%d-%H%M%S')}")
    path.replace(aside)
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        wal.replace(aside.with_name(aside.name + "-wal"))
    path.with_name(path.name + "-shm").unlink(missing_ok=True)
    return aside
