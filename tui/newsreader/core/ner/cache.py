"""Entities are computed once per article text and recognizer version, and kept in SQLite in
the user cache folder; relaunching does not run the recognizer on unchanged articles.

A cache that cannot be opened or read is a cache: it is moved aside and rebuilt, and ``notice``
says so.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from newsreader.core.ner.types import Mention, Recognizer

SCHEMA = 1


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class EntityCache:
    def __init__(self, path: Path | None):
        """``path=None`` keeps nothing (an in-memory cache)."""
        self.path = path
        self.notice: str | None = None
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            return self._init(sqlite3.connect(":memory:"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(self.path)
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version not in (0, SCHEMA):
                raise sqlite3.DatabaseError(f"schema {version}, expected {SCHEMA}")
            return self._init(db)
        except sqlite3.DatabaseError as exc:
            try:
                db.close()
            except Exception:
                pass
            aside = self.path.with_name(f"{self.path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
            self.path.replace(aside)
            self.notice = f"entity cache {self.path} could not be read ({exc}); moved to {aside} and rebuilt"
            return self._init(sqlite3.connect(self.path))

    @staticmethod
    def _init(db: sqlite3.Connection) -> sqlite3.Connection:
        db.execute("CREATE TABLE IF NOT EXISTS mentions (key TEXT NOT NULL, model TEXT NOT NULL,"
                   " data TEXT NOT NULL, PRIMARY KEY (key, model))")
        db.execute(f"PRAGMA user_version = {SCHEMA}")
        db.commit()
        return db

    def get(self, keys: list[str], model: str) -> dict[str, list[Mention]]:
        out: dict[str, list[Mention]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for key, data in self._db.execute(
                    f"SELECT key, data FROM mentions WHERE model = ? AND key IN ({marks})", [model, *chunk]):
                out[key] = [Mention(*row) for row in json.loads(data)]
        return out

    def put(self, items: dict[str, list[Mention]], model: str) -> None:
        rows = [(key, model, json.dumps([[m.start, m.end, m.text, m.type, m.confidence] for m in ms],
                                        ensure_ascii=False)) for key, ms in items.items()]
        with self._db:  # one transaction: all or nothing
            self._db.executemany("INSERT OR REPLACE INTO mentions VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        self._db.close()


def recognize_all(texts: Iterable[str], recognizer: Recognizer, cache: EntityCache,
                  progress: Callable[[int, int], None] | None = None, batch: int = 200) -> list[list[Mention]]:
    """Mentions for every text, from the cache where possible. Returns them in input order."""
    texts = list(texts)
    keys = [text_key(t) for t in texts]
    found = cache.get(sorted(set(keys)), recognizer.version)
    todo = list({k: i for i, k in enumerate(keys) if k not in found}.values())  # each text once
    many = getattr(recognizer, "recognize_many", None)
    for start in range(0, len(todo), batch):
        chunk = todo[start:start + batch]
        if many is not None:  # a recognizer in another process takes a batch at a time
            results = many([texts[i] for i in chunk])
        else:
            results = [recognizer.recognize(texts[i]) for i in chunk]
        pending = {keys[i]: r for i, r in zip(chunk, results)}
        found.update(pending)
        cache.put(pending, recognizer.version)
        if progress:
            progress(start + len(chunk), len(todo))
    return [found[k] for k in keys]
