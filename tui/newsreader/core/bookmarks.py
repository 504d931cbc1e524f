"""Bookmarks and reading state, kept in the user's folders through :mod:`newsreader.core.store`.

Bookmarks (``bookmarks.json`` in the user data folder) are keyed by the stable article id and
keep a snapshot of the article (title, date, source, last known path), so a bookmark whose
article is not loaded can still be listed and removed. Reading state (``reading.json`` in the
user state folder) maps article ids to when they were read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from newsreader.core.article import Article
from newsreader.core.paths import data_dir, state_dir
from newsreader.core.store import JsonStore, Loaded, StoreError

VERSION = 1
FIELDS = ("id", "title", "date", "source", "path", "created", "note", "tags")

__all__ = ["Bookmark", "BookmarkStore", "ReadingState", "StoreError"]


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass
class Bookmark:
    id: str
    title: str
    date: str | None = None
    source: str | None = None
    path: str | None = None
    created: str = field(default_factory=_now)
    note: str | None = None
    tags: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, article: Article, note: str | None = None, tags: list[str] | None = None) -> Bookmark:
        return cls(article.id, article.title, article.date.iso() if article.date else None, article.source,
                   article.path or None, note=note or None, tags=list(tags or []))

    def to_json(self) -> dict:
        return asdict(self)


def _valid_bookmark(value: object) -> dict | None:
    if not isinstance(value, dict) or not isinstance(value.get("title"), str):
        return None
    out = {"title": value["title"]}
    for key in ("date", "source", "path", "note"):
        v = value.get(key)
        if v is not None and not isinstance(v, str):
            return None
        out[key] = v
    created = value.get("created")
    out["created"] = created if isinstance(created, str) else _now()
    tags = value.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        return None
    out["tags"] = tags
    return out


def newest_first(marks: Iterable[Bookmark]) -> list[Bookmark]:
    """Bookmarks in the order they are listed everywhere: the newest first."""
    return sorted(marks, key=lambda b: (b.created, b.id), reverse=True)


class BookmarkStore:
    def __init__(self, path: Path | None = None):
        self.store = JsonStore(path or data_dir() / "bookmarks.json", "bookmarks", VERSION, _valid_bookmark,
                               "bookmarks")

    @property
    def path(self) -> Path:
        return self.store.path

    def load(self) -> tuple[list[Bookmark], Loaded]:
        loaded = self.store.load()
        return newest_first(Bookmark(id=k, **v) for k, v in loaded.entries.items()), loaded

    def add(self, bookmark: Bookmark) -> Loaded:
        """Add or update; an existing bookmark keeps its creation time, and its note and tags
        unless new ones are given."""
        def change(entries: dict[str, dict]) -> None:
            new = bookmark.to_json()
            new.pop("id")
            old = entries.get(bookmark.id)
            if old:
                new["created"] = old["created"]
                new["note"] = new["note"] if new["note"] is not None else old.get("note")
                new["tags"] = sorted(set(old.get("tags", [])) | set(new["tags"]))
            entries[bookmark.id] = new
        return self.store.update(change)

    def set_note(self, article_id: str, note: str | None) -> bool:
        """Set or clear the note of an existing bookmark."""
        found = []

        def change(entries: dict[str, dict]) -> None:
            if article_id in entries:
                entries[article_id]["note"] = note or None
                found.append(True)
        self.store.update(change)
        return bool(found)

    def remove(self, article_id: str) -> bool:
        removed = []

        def change(entries: dict[str, dict]) -> None:
            removed.append(entries.pop(article_id, None) is not None)
        self.store.update(change)
        return removed[0]

    def merge(self, bookmarks: list[Bookmark]) -> int:
        """Import: bookmarks not yet here are added; existing ones keep their fields and gain
        tags and a note they did not have. Returns how many were new."""
        added = []

        def change(entries: dict[str, dict]) -> None:
            for b in bookmarks:
                new = b.to_json()
                new.pop("id")
                old = entries.get(b.id)
                if old is None:
                    entries[b.id] = new
                    added.append(b.id)
                else:
                    old["tags"] = sorted(set(old.get("tags", [])) | set(new["tags"]))
                    if not old.get("note") and new.get("note"):
                        old["note"] = new["note"]
        self.store.update(change)
        return len(added)

    # --- export / import ----------------------------------------------------------------------

    @staticmethod
    def export(bookmarks: list[Bookmark], fmt: str) -> str:
        if fmt == "json":
            return json.dumps({"version": VERSION, "bookmarks": [b.to_json() for b in bookmarks]},
                              ensure_ascii=False, indent=1) + "\n"
        if fmt == "csv":
            buf = io.StringIO()
            writer = csv.writer(buf)
            writer.writerow(FIELDS)
            for b in bookmarks:
                writer.writerow([b.id, b.title, b.date or "", b.source or "", b.path or "", b.created,
                                 b.note or "", ";".join(b.tags)])
            return buf.getvalue()
        if fmt == "md":
            lines = ["# Bookmarks", ""]
            for b in bookmarks:
                meta = " · ".join(x for x in (b.date, b.source) if x)
                lines.append(f"- **{_md(b.title)}**" + (f" ({_md(meta)})" if meta else "") + f" `{b.id}`")
                if b.note:
                    lines.append(f"  - {_md(b.note)}")
                if b.tags:
                    lines.append(f"  - tags: {', '.join(_md(t) for t in b.tags)}")
            return "\n".join(lines) + "\n"
        raise ValueError(f"unknown format {fmt!r}: use md, json or csv")

    @staticmethod
    def parse_import(text: str) -> list[Bookmark]:
        """Bookmarks from a JSON export (or a bookmarks.json) or a CSV export."""
        stripped = text.lstrip()
        if stripped.startswith("{") or stripped.startswith("["):
            data = json.loads(text)
            items = data.get("bookmarks") if isinstance(data, dict) else data
            if isinstance(items, dict):  # a bookmarks.json itself: keyed by id
                items = [dict(v, id=k) for k, v in items.items() if isinstance(v, dict)]
            if not isinstance(items, list):
                raise ValueError("no list of bookmarks in the file")
        else:
            rows = list(csv.DictReader(io.StringIO(text)))
            if rows and not {"id", "title"} <= set(rows[0]):
                raise ValueError("CSV needs the columns id and title")
            items = [dict(r, tags=[t for t in (r.get("tags") or "").split(";") if t]) for r in rows]
            for item in items:
                for key in ("date", "source", "path", "note"):
                    item[key] = item.get(key) or None
        out = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
                continue
            clean = _valid_bookmark(item)
            if clean is not None:
                out.append(Bookmark(id=item["id"], **clean))
        return out


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("`", "'").replace("\n", " ")


def _valid_read(value: object) -> dict | None:
    return value if isinstance(value, dict) and isinstance(value.get("at"), str) else None


class ReadingState:
    """Which articles were read, and when (``reading.json`` in the user state folder)."""

    def __init__(self, path: Path | None = None):
        self.store = JsonStore(path or state_dir() / "reading.json", "read", VERSION, _valid_read, "reading state")

    def load(self) -> tuple[set[str], Loaded]:
        loaded = self.store.load()
        return set(loaded.entries), loaded

    def mark_read(self, article_id: str, read: bool = True) -> None:
        def change(entries: dict[str, dict]) -> None:
            if read:
                entries.setdefault(article_id, {"at": _now()})
            else:
                entries.pop(article_id, None)
        self.store.update(change)
