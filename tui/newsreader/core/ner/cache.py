"""Entities are computed once per article text and recognizer version, and kept in SQLite in
the user cache folder; relaunching does not run the recognizer on unchanged articles.

A cache that cannot be opened or read (not a database, a damaged page, wrong columns, rows that
are not mentions) is a cache: it is moved aside once and rebuilt, and a notice says so
(``notices``; ``new_notices`` hands each one out once). A cache another program has locked is
waited for (``newsreader.core.dbfile``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from newsreader.core.dbfile import BUSY_TIMEOUT, POLL, NotOurs, is_damage, move_aside, reason, retry_busy
from newsreader.core.ner.types import TYPES, Mention, Recognizer

SCHEMA = 1
_CREATE = ("CREATE TABLE IF NOT EXISTS mentions (key TEXT NOT NULL, model TEXT NOT NULL,"
           " data TEXT NOT NULL, PRIMARY KEY (key, model))")


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _mentions(data: str | bytes) -> list[Mention]:
    """The mentions stored as ``data`` (JSON, compressed as :meth:`EntityCache.put` writes it, or
    as text as the first caches held it); ValueError when they are not what it writes (a damaged
    row)."""
    if type(data) is bytes:
        try:
            data = zlib.decompress(data)
        except zlib.error as exc:
            raise ValueError(f"stored mentions cannot be read ({exc})") from None
    out = []
    for row in json.loads(data):
        start, end, text, kind, confidence = row
        if not (type(start) is int and type(end) is int and 0 <= start <= end and type(text) is str
                and kind in TYPES and type(confidence) in (int, float)):
            raise ValueError("a stored mention is not in the form newsreader writes")
        out.append(Mention(start, end, text, kind, float(confidence)))
    return out


class EntityCache:
    def __init__(self, path: Path | None, busy_timeout: float = BUSY_TIMEOUT,
                 on_notice: Callable[[str], None] | None = None):
        """``path=None`` keeps nothing (an in-memory cache). ``busy_timeout`` and ``on_notice``
        as for :class:`~newsreader.core.search.index.SearchIndex`."""
        self.path = path
        self.busy_timeout = busy_timeout
        self.on_notice = on_notice
        self.notices: list[str] = []
        self._told = 0
        self._db = self._open()

    @property
    def notice(self) -> str | None:
        """The latest notice."""
        return self.notices[-1] if self.notices else None

    def new_notices(self) -> list[str]:
        """The notices not handed out before."""
        out = self.notices[self._told:]
        self._told = len(self.notices)
        return out

    def _notice(self, text: str) -> None:
        self.notices.append(text)
        if self.on_notice is not None:  # said now: not handed out again
            self.on_notice(text)
            self._told = len(self.notices)

    def _say_busy(self) -> None:
        self._notice(f"entity cache {self.path} is locked by another program (another newsreader?); waiting for it")

    def _retry(self, attempt):
        return retry_busy(attempt, self.busy_timeout, self._say_busy)

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            db = sqlite3.connect(":memory:", isolation_level=None)
            db.execute(_CREATE)
            return db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._retry(self._open_file)
        except Exception as exc:
            if not is_damage(exc):
                raise
            return self._replace(exc)

    def _open_file(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=POLL, isolation_level=None)
        try:
            if not self._ready(db):  # new: made under the write lock (another process may be at it)
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("BEGIN IMMEDIATE")
                if not self._ready(db):
                    db.execute(_CREATE)
                    db.execute(f"PRAGMA user_version = {SCHEMA}")
                db.execute("COMMIT")
            return db
        except BaseException:
            db.close()
            raise

    @staticmethod
    def _ready(db: sqlite3.Connection) -> bool:
        (version,) = db.execute("PRAGMA user_version").fetchone()
        if version not in (0, SCHEMA):
            raise NotOurs(f"schema {version}, expected {SCHEMA}")
        return version == SCHEMA and db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'mentions'").fetchone() is not None

    def _replace(self, exc: BaseException) -> sqlite3.Connection:
        """Move the damaged cache aside and start an empty one."""
        aside = move_aside(self.path, "broken")
        self._notice(f"entity cache {self.path} could not be read ({reason(exc)}); moved to {aside} and rebuilt")
        return self._retry(self._open_file)

    def recover(self, exc: BaseException) -> None:
        """After ``exc`` (raised while reading or writing): a damaged cache is moved aside and
        rebuilt; anything else is raised again."""
        if self.path is None or not is_damage(exc):
            raise exc
        self._db.close()
        self._db = self._replace(exc)

    def get(self, keys: list[str], model: str) -> dict[str, list[Mention]]:
        """The cached mentions of the texts ``keys``; none when the cache turns out damaged (it is
        then rebuilt, and the texts are recognised again)."""
        try:
            return self._retry(lambda: self._get(keys, model))
        except Exception as exc:
            self.recover(exc)
            return {}

    def _get(self, keys: list[str], model: str) -> dict[str, list[Mention]]:
        out: dict[str, list[Mention]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for key, data in self._db.execute(
                    f"SELECT key, data FROM mentions WHERE model = ? AND key IN ({marks})", [model, *chunk]):
                out[key] = _mentions(data)
        return out

    def put(self, items: dict[str, list[Mention]], model: str) -> None:
        rows = [(key, model, zlib.compress(json.dumps([[m.start, m.end, m.text, m.type, m.confidence] for m in ms],
                                                      ensure_ascii=False).encode("utf-8"), 6))
                for key, ms in items.items()]
        try:
            self._retry(lambda: self._put(rows))
        except Exception as exc:
            self.recover(exc)
            self._retry(lambda: self._put(rows))

    def _put(self, rows: list[tuple[str, str, bytes]]) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:  # one transaction: all or nothing (and all again when the commit found the file busy)
            self._db.executemany("INSERT OR REPLACE INTO mentions VALUES (?, ?, ?)", rows)
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._db.close()


def recognize_all(texts: Iterable[str], recognizer: Recognizer, cache: EntityCache,
                  progress: Callable[[int, int], None] | None = None, batch: int = 200) -> list[list[Mention]]:
    """Mentions for every text, from the cache where possible. Returns them in input order."""
    from newsreader.core.ner.process import recognize_batches

    texts = list(texts)
    keys = [text_key(t) for t in texts]
    found = cache.get(sorted(set(keys)), recognizer.version)
    if any(m.end > len(t) for k, t in zip(keys, texts) for m in found.get(k, ())):
        cache.recover(ValueError("a stored mention lies outside its text"))
        found = {}
    todo = list({k: i for i, k in enumerate(keys) if k not in found}.values())  # each text once
    if hasattr(recognizer, "submit"):  # recognizers in other processes: a batch for each, at least
        batch = max(1, min(batch, -(-len(todo) // recognizer.children)))
    chunks = (todo[start:start + batch] for start in range(0, len(todo), batch))
    done = 0  # a recognizer in other processes is sent the next batches before this one is stored
    for chunk, results in recognize_batches(recognizer, chunks, lambda chunk: [texts[i] for i in chunk]):
        pending = {keys[i]: r for i, r in zip(chunk, results)}
        found.update(pending)
        cache.put(pending, recognizer.version)
        done += len(chunk)
        if progress:
            progress(done, len(todo))
    return [found[k] for k in keys]
