"""Bookmarks and reading state, kept in the user's folders through :mod:`newsreader.core.store`.

Bookmarks (``bookmarks.json`` in the user data folder) are keyed by the stable article id and
keep a snapshot of the article (title, date, source, last known path), so a bookmark whose
article is not loaded can still be listed and removed. Reading state (``reading.json`` in the
user state folder) maps article ids to when they were read. Every text read from these files or
from an import passes ``textclean.clean_text``, like article text (escape sequences and control
characters removed); an entry whose id is not printable text is not used (``store.valid_id``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from newsreader.core.article import Article
from newsreader.core.paths import data_dir, read_regular, state_dir
from newsreader.core.store import JsonStore, Loaded, StoreError, json_text, loads, valid_id
from newsreader.core.textclean import clean_text

VERSION = 1
FIELDS = ("id", "title", "date", "source", "path", "created", "note", "tags")

__all__ = ["Bookmark", "BookmarkStore", "MarkChange", "ReadingState", "StoreError"]


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
    """The bookmark's fields, their text cleaned, or None when one has the wrong type."""
    if not isinstance(value, dict) or not isinstance(value.get("title"), str):
        return None
    out = {"title": clean_text(value["title"])}
    for key in ("date", "source", "path", "note"):
        v = value.get(key)
        if v is not None and not isinstance(v, str):
            return None
        out[key] = (clean_text(v) or None) if v is not None else None
    created = value.get("created")
    out["created"] = clean_text(created) if isinstance(created, str) else _now()
    tags = value.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        return None
    out["tags"] = [t for t in map(clean_text, tags) if t]
    return out


def newest_first(marks: Iterable[Bookmark]) -> list[Bookmark]:
    """Bookmarks in the order they are listed everywhere: the newest first."""
    return sorted(marks, key=lambda b: (b.created, b.id), reverse=True)


@dataclass(frozen=True)
class MarkChange:
    """A change of the list of bookmarks (newest first) as the reader shows it: ``bookmark``
    inserted at ``row`` (``added`` 1), removed from it (-1) or replaced there (0); or, with
    ``marks``, a whole new list (``present``: the ids of the articles that are loaded)."""

    row: int = -1
    added: int = 0
    bookmark: Bookmark | None = None
    marks: list[Bookmark] | None = None
    present: frozenset[str] = frozenset()


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
            return json_text({"version": VERSION, "bookmarks": [b.to_json() for b in bookmarks]}, indent=1) + "\n"
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
    def read_import(path: Path) -> tuple[list[Bookmark], int]:
        """:meth:`parse_import` of a file, which must be a regular file (a FIFO or a device is
        refused, never waited on) of UTF-8 text. Raises ValueError saying why it cannot be read."""
        try:
            data = read_regular(path)
        except OSError as exc:
            raise ValueError(exc.strerror or str(exc)) from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"not UTF-8 text (byte {exc.start:,})") from None
        return BookmarkStore.parse_import(text)

    @staticmethod
    def parse_import(text: str) -> tuple[list[Bookmark], int]:
        """Bookmarks from a JSON export (or a bookmarks.json) or a CSV export, with or without a
        byte-order mark, and how many of its entries were skipped (not bookmarks: no id or title,
        wrong fields). Raises ValueError saying why a text is not an export."""
        text = text.removeprefix("\ufeff")
        stripped = text.lstrip()
        if not stripped:
            raise ValueError("the file is empty")
        if stripped[0] in "{[":
            data = loads(text)
            items = data.get("bookmarks") if isinstance(data, dict) else data
            if isinstance(items, dict):  # a bookmarks.json itself: keyed by id
                items = [dict(v, id=k) if isinstance(v, dict) else v for k, v in items.items()]
            if not isinstance(items, list):
                raise ValueError("not a bookmarks export: it has no list of bookmarks")
        else:
            try:
                reader = csv.DictReader(io.StringIO(text))
                if not {"id", "title"} <= set(reader.fieldnames or ()):
                    raise ValueError("not a bookmarks export: neither JSON nor CSV with the columns id and title")
                items = [dict(r, tags=[t for t in (r.get("tags") or "").split(";") if t]) for r in reader]
            except csv.Error as exc:
                raise ValueError(f"CSV: {exc}") from None
            for item in items:
                for key in ("date", "source", "path", "note"):
                    item[key] = item.get(key) or None
        out = []
        for item in items:
            clean = _valid_bookmark(item) if isinstance(item, dict) and valid_id(item.get("id")) else None
            if clean is not None:
                out.append(Bookmark(id=item["id"], **clean))
        if items and not out:
            raise ValueError(f"not a bookmarks export: none of its {len(items):,} entries has an id and a title")
        return out, len(items) - len(out)


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("`", "'").replace("\n", " ")


def _valid_read(value: object) -> dict | None:
    if not isinstance(value, dict) or not isinstance(value.get("at"), str):
        return None
    return dict(value, at=clean_text(value["at"]))


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
