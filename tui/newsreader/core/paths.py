"""Every file newsreader writes in the user's directories goes through this module.

Locations come from platformdirs (``appauthor=False``), so tests redirect them with the XDG
variables on Linux. Writes are atomic: a temporary file in the same folder, flushed and fsynced,
then ``os.replace``, then the folder fsynced, so a crash leaves the old file or the new one. A
symlink is followed: its target is replaced, in the target's folder, and the link stays. The
user's files that are read whole (bookmarks, reading state, imports) are read with
:func:`read_regular`, which never waits on a FIFO or a device.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

import platformdirs

APP = "newsreader"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP, appauthor=False))


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file; anything else (a FIFO, a device, a folder) raises an OSError
    saying "not a regular file" at once: it is opened without blocking and checked before reading."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return fh.read()


def atomic_write(path: Path, data: bytes) -> None:
    path = Path(os.path.realpath(path))  # a link (into a synced folder, say) stays a link
    ensure(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # platforms that cannot open folders (Windows)
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
