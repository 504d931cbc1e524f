"""Small JSON files that must never be lost: bookmarks and reading state.

Every change is a locked read-modify-write: take the file's lock (``filelock``: an OS lock that
a killed process releases), read the current file, apply the change to what is there (so two
running instances never overwrite each other's work), write it atomically (``paths.atomic_write``:
temporary file, fsync, ``os.replace``, fsync of the folder), release the lock.

A file that cannot be read is never silently replaced: it is moved aside to
``NAME.corrupt-YYYYmmdd-HHMMSS``, the caller is told where it went, and whatever entries could be
recovered from it are kept. A file written by a newer newsreader (higher ``version``) is read as
well as possible and never written to.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock

from newsreader.core.paths import atomic_write


class StoreError(Exception):
    pass


@dataclass
class Loaded:
    entries: dict[str, dict]
    read_only: bool = False
    notices: list[str] = field(default_factory=list)


class JsonStore:
    """``{"version": V, KEY: {id: {…}, …}}`` in one file."""

    def __init__(self, path: Path, key: str, version: int, valid: Callable[[object], dict | None], label: str):
        self.path = Path(path)
        self.key = key
        self.version = version
        self.valid = valid  # returns a clean entry, or None for an unusable one
        self.label = label
        self.lock = FileLock(str(self.path) + ".lock", timeout=30)

    # --- reading ------------------------------------------------------------------------------

    def load(self) -> Loaded:
        """The entries, moving a corrupt file aside (under the lock) if needed."""
        with self.lock:
            return self._read(move_corrupt=True)

    def _read(self, move_corrupt: bool) -> Loaded:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Loaded({})
        except OSError as exc:
            raise StoreError(f"{self.label} file {self.path} cannot be read: {exc.strerror or exc}") from None
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError(f"expected an object, found {type(data).__name__}")
            version = data.get("version")
            if not isinstance(version, int) or isinstance(version, bool):
                raise ValueError("no version number")
            items = data.get(self.key)
            if not isinstance(items, dict):
                raise ValueError(f"'{self.key}' is not an object")
        except (UnicodeDecodeError, ValueError) as exc:
            recovered = self._salvage(raw)
            notice = f"{self.label} file {self.path} could not be read ({_short(exc)})"
            if move_corrupt:
                aside = self._move_aside()
                notice += f"; moved to {aside}"
                if recovered:  # the recovered entries become the file, so the next change keeps them
                    self._write(recovered)
            notice += f"; {len(recovered)} {self.label} recovered"
            return Loaded(recovered, notices=[notice])
        entries, dropped = {}, 0
        for key, value in items.items():
            clean = self.valid(value) if isinstance(key, str) else None
            if clean is None:
                dropped += 1
            else:
                entries[key] = clean
        loaded = Loaded(entries)
        if version > self.version:
            loaded.read_only = True
            loaded.notices.append(f"{self.label} file {self.path} was written by a newer newsreader (format "
                                  f"{version}, this one knows {self.version}); it is read but not changed")
        if dropped:
            loaded.notices.append(f"{self.label} file {self.path}: {dropped} entries with wrong fields were "
                                  "ignored (they stay in the file until the next change)")
            if not loaded.read_only and move_corrupt:
                # keep a copy of the original before the next write drops them
                aside = self._copy_aside(raw)
                loaded.notices[-1] = (f"{self.label} file {self.path}: {dropped} entries with wrong fields were "
                                      f"ignored; the original file was copied to {aside}")
        return loaded

    def _salvage(self, raw: bytes) -> dict[str, dict]:
        """Entries that are still whole in a damaged file (truncated at the end, say)."""
        text = raw.decode("utf-8", errors="replace")
        start = text.find(f'"{self.key}"')
        if start < 0:
            return {}
        brace = text.find("{", start + len(self.key) + 2)
        if brace < 0:
            return {}
        dec = json.JSONDecoder()
        out: dict[str, dict] = {}
        i = brace + 1
        while i < len(text):
            while i < len(text) and text[i] in " \t\r\n,":
                i += 1
            try:
                key, i = dec.raw_decode(text, i)
                while i < len(text) and text[i] in " \t\r\n:":
                    i += 1
                value, i = dec.raw_decode(text, i)
            except ValueError:
                break
            clean = self.valid(value) if isinstance(key, str) else None
            if clean is not None:
                out[key] = clean
        return out

    def _aside_name(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        return aside

    def _move_aside(self) -> Path:
        aside = self._aside_name()
        self.path.replace(aside)
        return aside

    def _copy_aside(self, raw: bytes) -> Path:
        aside = self._aside_name()
        atomic_write(aside, raw)
        return aside

    # --- writing ------------------------------------------------------------------------------

    def update(self, change: Callable[[dict[str, dict]], None]) -> Loaded:
        """Apply ``change`` to the current entries and write them, all under the lock."""
        with self.lock:
            loaded = self._read(move_corrupt=True)
            if loaded.read_only:
                raise StoreError(loaded.notices[0])
            change(loaded.entries)
            self._write(loaded.entries)
            return loaded

    def _write(self, entries: dict[str, dict]) -> None:
        data = {"version": self.version, self.key: entries}
        atomic_write(self.path, (json_text(data, indent=1, sort_keys=True) + "\n").encode("utf-8"))


def json_text(data: object, **options) -> str:
    """JSON with its text as it is (``ensure_ascii=False``), unless it holds a lone surrogate (a
    file name that is not UTF-8), which UTF-8 cannot carry: then all of it with ``\\u`` escapes."""
    text = json.dumps(data, ensure_ascii=False, **options)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, ensure_ascii=True, **options)
    return text


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 120 else text[:117] + "…"
