"""Small JSON files that must never be lost: bookmarks and reading state.

Reading takes no lock and needs no write: every write replaces the file atomically
(``paths.atomic_write``: temporary file, fsync, ``os.replace``, fsync of the folder), so the file
on disk is always whole, and a read-only folder or a lock another newsreader holds never stops a
read (nor does a FIFO in the file's place: ``paths.read_regular``). Every change is a locked read-modify-write: take the file's lock (``filelock``: an OS lock
that a killed process releases; waiting at most :data:`LOCK_TIMEOUT` seconds), read the current
file, apply the change to what is there (so two running instances never overwrite each other's
work), write it atomically, release the lock. A change that cannot be made (the lock cannot be
created or is held too long, the folder is read-only or full) raises :class:`StoreError` with
one line: which file, what failed, and that nothing was changed.

A file that cannot be read, or holds entries with wrong fields, is never silently replaced: the
original is kept as ``NAME.corrupt-YYYYmmdd-HHMMSS``, the caller is told where it went, and the
file becomes the entries that could be read. That repair is a write: when reading it is done only
if the lock is free at once and the folder can be written; otherwise the file is left as it is,
the notice says so, and the next change repairs it. A file written by a newer newsreader (higher
``version``) is read as well as possible and never written to.

Every entry passes ``valid``, which cleans its text; an id (a key) must be printable text
(:func:`valid_id`). A symlinked file stays a link: writes and repairs go to its target.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.core.paths import atomic_write, read_regular
from newsreader.core.textclean import json_safe

LOCK_TIMEOUT = 30.0  # seconds a change waits for the lock another newsreader holds


class StoreError(Exception):
    """A file that cannot be read or changed; the message is one line for the user."""


@dataclass
class Loaded:
    entries: dict[str, dict]
    read_only: bool = False
    notices: list[str] = field(default_factory=list)


@dataclass
class _Found:
    """What one read of the file gave."""
    raw: bytes = b""
    entries: dict[str, dict] = field(default_factory=dict)
    version: int = 0
    damage: str = ""  # why the file as a whole could not be read ("" when it could)
    dropped: int = 0  # entries with wrong fields, left out


class _Failed(Exception):
    """A step of a write that failed; the message says which and why."""


def valid_id(key: object) -> bool:
    """An entry's id is printable text: one with control characters (escape sequences), line
    breaks, invisible or bidi characters was not written by newsreader, and its entry is not used."""
    return isinstance(key, str) and bool(key) and key.isprintable()


def loads(text: str) -> object:
    """``json.loads``, with nesting too deep for Python's parser a ``ValueError`` like any damage."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


class JsonStore:
    """``{"version": V, KEY: {id: {…}, …}}`` in one file."""

    def __init__(self, path: Path, key: str, version: int, valid: Callable[[object], dict | None], label: str,
                 legacy: Callable[[dict], dict[str, object]] | None = None):
        self.path = Path(path)
        self.key = key
        self.version = version
        self.valid = valid  # returns a clean entry, or None for an unusable one
        self.label = label
        # the entries of a file from before it had a version (format 0), if there was such a format
        self.legacy = legacy
        self.lock_path = Path(str(self.path) + ".lock")  # beside the file (beside the link, for a link)

    # --- reading ------------------------------------------------------------------------------

    def load(self) -> Loaded:
        """The entries, read without the lock; a damaged file is repaired if that can be done
        without waiting (see the module)."""
        found = self._read()
        if not self._needs_repair(found):
            return self._loaded(found, "")
        try:
            with self._locked(timeout=0):
                found = self._read()  # again: another newsreader may have repaired it meanwhile
                return self._loaded(found, self._repair(found))
        except _Failed as exc:
            return self._loaded(found, f"the file was left as it is ({exc})")

    def _read(self) -> _Found:
        try:
            raw = read_regular(self.path)
        except FileNotFoundError:
            return _Found()
        except OSError as exc:
            raise StoreError(f"{self.label} file {self.path} cannot be read: {exc.strerror or exc}") from None
        try:
            data = loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError(f"expected an object, found {type(data).__name__}")
            version = data.get("version")
            if version is None and self.legacy is not None:
                version, data = 0, {self.key: self.legacy(data)}
            if not isinstance(version, int) or isinstance(version, bool):
                raise ValueError("no version number")
            items = data.get(self.key)
            if not isinstance(items, dict):
                raise ValueError(f"'{self.key}' is not an object")
        except (UnicodeDecodeError, ValueError) as exc:
            return _Found(raw, self._salvage(raw), damage=_short(exc))
        found = _Found(raw, version=version)
        for key, value in items.items():
            clean = self.valid(value) if valid_id(key) else None
            if clean is None:
                found.dropped += 1
            else:
                found.entries[key] = clean
        return found

    def _needs_repair(self, found: _Found) -> bool:
        return bool(found.damage) or (found.dropped > 0 and found.version <= self.version)

    def _loaded(self, found: _Found, repair: str) -> Loaded:
        """The entries and the notices for the user; ``repair`` says what was done about damage."""
        loaded = Loaded(found.entries, read_only=found.version > self.version)
        where = f"{self.label} file {self.path}"
        if found.damage:
            loaded.notices.append(f"{where} could not be read ({found.damage}); {repair}; "
                                  f"{len(found.entries)} {self.label} recovered")
            return loaded
        if loaded.read_only:
            loaded.notices.append(f"{where} was written by a newer newsreader (format {found.version}, this one "
                                  f"knows {self.version}); it is read but not changed")
        if found.dropped:
            ignored = f"{where}: {found.dropped} entries with wrong fields were ignored"
            loaded.notices.append(f"{ignored} (they stay in the file)" if loaded.read_only else f"{ignored}; {repair}")
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
            except (ValueError, RecursionError):
                break
            clean = self.valid(value) if valid_id(key) else None
            if clean is not None:
                out[key] = clean
        return out

    def _repair(self, found: _Found) -> str:
        """Keep the original as ``NAME.corrupt-…`` and make the file what could be read of it: a
        copy and an atomic replace, so a failure at any step leaves the original in place (a file
        with nothing to keep is renamed, never replaced by an empty one). Under the lock."""
        if not self._needs_repair(found):
            return ""
        target = Path(os.path.realpath(self.path))  # a symlink's target is what is damaged
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = target.with_name(f"{target.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = target.with_name(f"{target.name}.corrupt-{stamp}-{n}")
        if found.entries:
            atomic_write(aside, found.raw)
            self._write(found.entries)
        else:
            target.replace(aside)
        return f"{'moved' if found.damage else 'the original file was moved'} to {aside}"

    # --- writing ------------------------------------------------------------------------------

    @contextmanager
    def _locked(self, timeout: float | None = None) -> Iterator[None]:
        """The file's lock, held while the block runs; what fails (the lock, a write: any OSError)
        comes out as :class:`_Failed` saying what it was."""
        from filelock import FileLock, Timeout  # imported when a change is made: reading needs neither

        wait = LOCK_TIMEOUT if timeout is None else timeout
        lock = FileLock(str(self.lock_path), timeout=wait)
        try:
            lock.acquire()
        except Timeout:
            raise _Failed(f"another newsreader holds its lock {self.lock_path}"
                          + (f" (waited {wait:g} s)" if wait else "")) from None
        except OSError as exc:
            raise _Failed(f"its lock file {self.lock_path} cannot be created: {exc.strerror or exc}") from None
        try:
            yield
        except OSError as exc:
            raise _Failed(exc.strerror or str(exc)) from None
        finally:
            lock.release()

    def update(self, change: Callable[[dict[str, dict]], None]) -> Loaded:
        """Apply ``change`` to the current entries and write them, all under the lock. Raises
        :class:`StoreError` when the change cannot be made (the file is then as it was)."""
        try:
            with self._locked():
                found = self._read()
                loaded = self._loaded(found, self._repair(found))
                if loaded.read_only:
                    raise StoreError(loaded.notices[0])
                change(loaded.entries)
                self._write(loaded.entries)
                return loaded
        except _Failed as exc:
            raise StoreError(f"cannot save {self.label} file {self.path}: {exc}; nothing was changed") from None

    def _write(self, entries: dict[str, dict]) -> None:
        """One entry a line, sorted by id: a file a person can read and diff, written by the C
        encoder (``indent`` makes ``json`` use its Python one: 5 s for 100,000 bookmarks)."""
        encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
        lines = [f"{encode(key)}: {encode(entries[key])}" for key in sorted(entries)]
        head = f'{{"version": {self.version}, {json.dumps(self.key)}: {{'
        text = head + ("\n" + ",\n".join(lines) + "\n" if lines else "") + "}}\n"
        atomic_write(self.path, json_safe(text).encode("utf-8"))


def json_text(data: object, **options) -> str:
    """JSON with its text as it is (``ensure_ascii=False``), except what a terminal acts on or
    UTF-8 cannot carry: ``json`` escapes C0 controls itself, and ``textclean.json_safe`` DEL, C1
    and bidi controls and lone surrogates (file names that are not UTF-8). Still the same JSON."""
    return json_safe(json.dumps(data, ensure_ascii=False, **options))


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 120 else text[:117] + "…"
