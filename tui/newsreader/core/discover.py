"""Which files a set of user paths stands for: recursive, hidden entries ignored, loops survived."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file (or folder) that gave no article, and why, in words a user understands."""

    path: str
    reason: str


def _hidden(name: str) -> bool:
    return name.startswith(".")


def discover(paths: Iterable[str | os.PathLike[str]], skipped: list[Skipped]) -> Iterator[Path]:
    """Yield every regular file below ``paths`` in a stable (sorted) order (see
    :func:`discover_stat`)."""
    for path, _ in discover_stat(paths, skipped):
        yield Path(path)


def discover_stat(paths: Iterable[str | os.PathLike[str]],
                  skipped: list[Skipped]) -> Iterator[tuple[str, os.stat_result]]:
    """Yield every regular file below ``paths`` (as a string) in a stable (sorted) order, with its
    stat; strings rather than Paths because a refresh of many files spends its time here.

    Hidden files and folders below a given folder are ignored (a path the user names explicitly
    is always taken). Each real folder is entered once, so symlink loops end. Problems are
    appended to ``skipped`` instead of raised.
    """
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[tuple[int, int]] = set()

    def walk_dir(folder: str) -> Iterator[tuple[str, os.stat_result]]:
        try:
            st = os.stat(folder)
        except OSError as exc:
            skipped.append(Skipped(str(folder), f"cannot open folder: {exc.strerror or exc}"))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            return  # a symlink loop or a folder named twice
        seen_dirs.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(Skipped(str(folder), f"cannot list folder: {exc.strerror or exc}"))
            return
        for entry in entries:
            if _hidden(entry.name):
                continue
            path = entry.path
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                yield from walk_dir(path)
            else:
                yield from take_file(path)

    def take_file(path: str) -> Iterator[tuple[str, os.stat_result]]:
        try:
            st = os.stat(path)
        except OSError as exc:
            skipped.append(Skipped(str(path), f"cannot read: {exc.strerror or exc}"))
            return
        if not stat.S_ISREG(st.st_mode):
            skipped.append(Skipped(str(path), "not a regular file"))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen_files:
            return
        seen_files.add(key)
        yield path, st

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from walk_dir(str(path))
        elif path.exists():
            yield from take_file(str(path))
        else:
            skipped.append(Skipped(str(path), "no such file or folder"))
