"""The persistent search index: SQLite FTS5 in the user cache folder, one database per collection.

Layout (schema ``SCHEMA``):

- ``files``: every file seen, with its mtime and size, the article ids it held, or why it was
  skipped. A refresh parses only files that are new or whose mtime/size changed; files that are
  gone are dropped, and so are articles no file holds any more. An article a changed file still
  holds (same title and text, so the same id) gets that file's metadata and text.
- ``docs``: one row per article: its metadata (a marshal'd tuple, fast to read back), its ISO
  date for ``date:`` filters and its entity names; ``bodies`` holds the texts (zlib'd UTF-8, a
  long one as plain text), so a relaunch lists a large collection without reading them and
  needs no parsing.
- ``fts``: a contentless FTS5 table over folded text (``fold.index_text``: hyphenated compounds
  are also indexed joined) with the columns title, body, source. It is written once per text:
  names never touch it.
- ``names``: an FTS5 table (it keeps its own copy, so a row is deleted by its rowid alone) with
  an article's folded entity names, same rowid as ``docs``: columns per, loc, org, misc, and
  ``extra``, the names the text does not contain as written (a genitive's base, ``Russland``
  for ``Russlands``; a name linked to a longer one). A plain word that is only in the names is
  found through ``extra``, so a search reads the names table only for those few, for ``per:``
  and the like, and for the names' share of the score.

Faults (``newsreader.core.dbfile``): a database that cannot be opened, is not ours, has another
schema version, or turns out damaged when it is read (a bad page, wrong columns, a row that
does not decode) is moved aside once and rebuilt from the files of the last refresh; a
database another program has locked is waited for. Every write is one ``BEGIN IMMEDIATE``
transaction that looks again at what is stored, so two processes can index one collection at
the same time. ``notices`` (and ``on_notice``, when set) say what happened, one line each.

Search: each query word is expanded against the index vocabulary (kept in memory, the words of
both tables): the exact folded word, prefix completions for the word still being typed, and
words within a small edit distance (``fold.max_edits``, optimal string alignment via rapidfuzz).
A plain word matches in the title, the text or the names. Results are ranked by FTS5's BM25
over the text with column weights (title 4, body and source 1), plus a bonus for each plain
word that is one of the article's names (``NAME_BONUS``; ``per:``-like terms alone rank by
BM25 over the names, each kind weighing 2), in tiers: all words near each other (within 12
words of the text) first, then exact matches, then matches that needed a typo correction. A
hit's snippet comes from the first ``SNIPPET_BYTES`` of its text, so a search costs the same
whatever the size of the articles it finds.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import heapq
import json
import marshal
import math
import os
import re
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.core.article import Article, ArticleDate, ArticleRows, ner_texts, pieces, sort_articles
from newsreader.core.dbfile import (BUSY_TIMEOUT, POLL, NotOurs, is_damage, move_aside, reason,
                                    retry_busy)
from newsreader.core.discover import Skipped, discover_stat
from newsreader.core.search import names as stored_names
from newsreader.core.search.fold import WORD, find_terms, folded_text, index_text, max_edits

if TYPE_CHECKING:  # the query parser loads with the first search: listing articles needs none of it
    from newsreader.core.search.query import Query, Term

# 7: credits and captions are found in the whole text, not only its lead (articles stored by
# schema 6 keep the old boilerplate spans until their files are read again: so all are)
SCHEMA = 7
COLUMNS = ("title", "body", "source")                    # fts
NAME_COLUMNS = ("per", "loc", "org", "misc", "extra")    # names
TEXT_COLUMNS = "{title body}"
NAME_FIELDS = "{per loc org misc}"
WEIGHTS = (4.0, 1.0, 1.0)
NAME_WEIGHTS = (2.0, 2.0, 2.0, 2.0, 0.0)  # per:-like terms alone; extra repeats the other columns
# A plain word among an article's names adds NAME_BONUS × its IDF (as FTS5 computes it) to the
# text's BM25: about what a name column of weight 2 added to the one BM25 score of text and names
# before names had a table of their own (the value ranks the 10kGNAD articles closest to that),
# without a BM25 over the names, which made a keystroke a quarter slower at 10,000 articles.
NAME_BONUS = 0.3
TIER_BONUS = {"near": 2000.0, "exact": 1000.0, "fuzzy": 0.0}
MAX_COMPLETIONS = 30
MIN_PREFIX = 3          # a word being typed completes from its third letter on
MAX_FUZZY = 12
SNIPPET_CHARS = 180
SNIPPET_BYTES = 100_000  # a snippet is taken from this much of the start of a text
POOL = 4  # idle read connections kept (SearchIndex._reading)
FIRST_BATCH = 20  # files in the first write of a refresh (the first listing of a cold open)
OPTIMIZE_AFTER = 1000  # articles added or gone since the last optimize (see SearchIndex.optimize)
PAUSE_ROWS = 1000  # rows of a listing between two calls of its ``pause``
BATCH_CHARS = 32 * 2**20  # a batch of files is written when its texts reach this size
ENTITY_TYPES = stored_names.ENTITY_TYPES
TABLES = {"files", "docs", "bodies", "fts", "names", "holds"} | stored_names.TABLES
_SHADOWS = ("fts_", "names_")  # FTS5 keeps its data in tables named after it (fts_data, …); and names_vocab
# run with NULLs these do nothing (see _run_large)
_INSERT_FTS = f"INSERT INTO fts (rowid, {', '.join(COLUMNS)}) SELECT ?1, ?2, ?3, ?4 WHERE ?1 IS NOT NULL"
_DELETE_FTS = (f"INSERT INTO fts (fts, rowid, {', '.join(COLUMNS)}) SELECT 'delete', ?1, ?2, ?3, ?4 "
               "WHERE ?1 IS NOT NULL")
LARGE = 2**20  # characters: a text this long goes to SQLite in pieces (_write_text, _run_large)
_INSERT_NAMES = f"INSERT INTO names (rowid, {', '.join(NAME_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)"
_BM25 = f"bm25(fts, {', '.join(map(str, WEIGHTS))})"
_BM25_NAMES = f"bm25(names, {', '.join(map(str, NAME_WEIGHTS))})"
_TOKENIZE = "tokenize='unicode61 remove_diacritics 0'"
_CREATE = (
    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER,"
    " ids TEXT NOT NULL, reason TEXT)",
    "CREATE TABLE IF NOT EXISTS docs (rowid INTEGER PRIMARY KEY, article_id TEXT UNIQUE NOT NULL,"
    " date TEXT, meta BLOB NOT NULL, ents BLOB, nsig BLOB)",
    "CREATE TABLE IF NOT EXISTS bodies (rowid INTEGER PRIMARY KEY, body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS docs_date ON docs(date)",
    # the articles whose names are still to be found: a few rows, not a scan of every article's
    "CREATE INDEX IF NOT EXISTS docs_pending ON docs(rowid) WHERE ents IS NULL",
    "CREATE TABLE IF NOT EXISTS holds (article_id TEXT NOT NULL, path TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS holds_id ON holds(article_id)",
    "CREATE INDEX IF NOT EXISTS holds_path ON holds(path)",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5({', '.join(COLUMNS)}, content='', {_TOKENIZE})",
    "CREATE VIRTUAL TABLE IF NOT EXISTS vocab USING fts5vocab(fts, 'row')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS names USING fts5({', '.join(NAME_COLUMNS)}, {_TOKENIZE})",
    "CREATE VIRTUAL TABLE IF NOT EXISTS names_vocab USING fts5vocab(names, 'col')",
    *stored_names.SCHEMA,
    f"PRAGMA user_version = {SCHEMA}",
)

_INDEXES = {m.group(1) for s in _CREATE for m in [re.match(r"CREATE INDEX IF NOT EXISTS (\w+)", s)] if m}

Progress = Callable[[int, int, str], None]  # done, total, what


@dataclass(eq=False, repr=False)
class Listing:
    """Every article of an index at one moment (:meth:`SearchIndex.listing`): sorted newest
    first, by id, and a stamp of each one's stored row (which the next listing compares)."""

    articles: ArticleRows
    by_id: dict[str, Article]
    stamps: dict[str, int]


@dataclass
class Match:
    field: str   # "title", "snippet" or "body"
    start: int
    end: int

    def to_json(self) -> dict:
        return {"field": self.field, "start": self.start, "end": self.end}


@dataclass
class Hit:
    article: Article  # without its text (``lazy``; SearchIndex.fill loads it)
    score: float
    tier: str
    snippet: str
    matches: list[Match]

    def to_json(self) -> dict:
        a = self.article
        return {"id": a.id, "title": a.title, "date": a.date.iso() if a.date else None,
                "score": round(self.score, 3), "tier": self.tier, "snippet": self.snippet,
                "matches": [m.to_json() for m in self.matches], "path": a.path}


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    error: str | None = None
    terms: frozenset[str] = frozenset()  # every folded word that counted as a match
    elapsed_ms: float = 0.0


@dataclass
class RefreshReport:
    files: int = 0
    parsed: int = 0
    unchanged: int = 0
    removed_files: int = 0
    added_articles: int = 0
    removed_articles: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0


def _locked(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.lock:
            return method(self, *args, **kwargs)
    return wrapper


def _reads(method):
    """A read that does not need the thread lock: the method gets a connection of the pool
    (``SearchIndex._reading``) as its first argument after ``self``."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._reading() as db:
            return method(self, db, *args, **kwargs)
    return wrapper


def _recovering(method):
    """A public method that reads the database: while another program locks it, wait (one notice);
    when it is damaged, move it aside, rebuild it (``SearchIndex._rebuild``) and run again."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        generation = self._generation
        try:
            return retry_busy(lambda: method(self, *args, **kwargs), self.busy_timeout, self._say_busy)
        except Exception as exc:
            if self.path is None or getattr(self._local, "rebuilding", False) or not is_damage(exc):
                raise
            self._rebuild(exc, generation)
        return retry_busy(lambda: method(self, *args, **kwargs), self.busy_timeout, self._say_busy)
    return wrapper


def collection_key(paths: Sequence[str | os.PathLike]) -> str:
    roots = sorted(os.path.abspath(p) for p in paths)
    return hashlib.blake2b("\0".join(roots).encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()


def default_index_path(paths: Sequence[str | os.PathLike]) -> Path:
    from newsreader.core.paths import cache_dir

    return cache_dir() / "index" / f"{collection_key(paths)}.sqlite"


def _fts_values(a: Article) -> tuple[str, str, str]:
    return index_text(a.title), index_text(a.body), folded_text(a.source or "")


@functools.lru_cache(maxsize=1 << 16)
def _folded_name(name: str) -> str:
    """``folded_text`` of a name (names come again and again)."""
    return folded_text(name)


def _name_values(names: dict[str, list[str]], extra: Iterable[str]) -> tuple[str, ...]:
    return (*(folded_text(" ; ".join(names.get(t, []))) for t in ENTITY_TYPES), " ; ".join(extra))


def _pack(a: Article) -> bytes:
    """An article's metadata as a marshal'd tuple: several times faster to read back than JSON,
    which is what a start on a large collection waits for."""
    d = a.date
    date = (d.value.isoformat(), d.precision, d.inferred) if d else None
    return marshal.dumps((a.id, a.title, date, a.source, a.author, a.url, a.kicker, a.redecoded,
                          [tuple(b) for b in a.boilerplate], list(a.notices)))


_UNDECODABLE = "\ufffe"  # a noncharacter: never the start of a real file name


def _db_path(path: str) -> str:
    """A file name as SQLite can store it. Names that are not valid UTF-8 reach Python with
    surrogate escapes, which SQLite refuses: those are stored as a marked hex string."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return _UNDECODABLE + path.encode("utf-8", "surrogateescape").hex()


def _fs_path(stored: str) -> str:
    if stored.startswith(_UNDECODABLE):
        return bytes.fromhex(stored[1:]).decode("utf-8", "surrogateescape")
    return stored


_OPTIONAL = (str, type(None))
_PRECISIONS = ("month", "day", "minute")


def _unpack(blob: bytes, body: str, lazy: bool = False) -> Article:
    """The article stored as ``blob`` and ``body``; ValueError when they are not what ``_pack``
    wrote (a damaged row), so that nothing of the wrong type reaches the screen."""
    aid, title, date, source, author, url, kicker, redecoded, boilerplate, notices = marshal.loads(blob)
    if not (type(aid) is str and type(title) is str and type(body) is str and type(redecoded) is bool
            and all(isinstance(v, _OPTIONAL) for v in (source, author, url, kicker))
            and type(notices) is list and all(type(n) is str for n in notices)
            and type(boilerplate) is list and all(type(s) is int and type(e) is int for s, e in boilerplate)
            and (date is None or (type(date) is tuple and date[1] in _PRECISIONS and type(date[2]) is bool))):
        raise ValueError("an article's stored metadata is not in the form newsreader writes")
    # a listing of 50,000 articles holds every one: their dates (frozen) are shared, and so is
    # the empty list of the many without boilerplate or notices (nothing changes a stored article's)
    return Article(id=aid, title=title, body=body, date=_date(*date) if date else None,
                   source=source, author=author, url=url, kicker=kicker, redecoded=redecoded,
                   boilerplate=boilerplate or _NONE, notices=notices or _NONE, lazy=lazy)


_NONE: list = []


@functools.lru_cache(maxsize=1 << 14)
def _date(value: str, precision: str, inferred: bool) -> ArticleDate:
    return ArticleDate(datetime.fromisoformat(value), precision, inferred)


def _no_pause() -> None:
    """What ``pause`` is when nobody waits for the work (see :meth:`SearchIndex.refresh`)."""


def _all_paths(db: sqlite3.Connection, pause: Callable[[], None] = _no_pause) -> dict[str, tuple[str, ...]]:
    """The paths every article was found at, in order, by article id. Tuples: a listing makes
    one for every article (while a folder is read, every few seconds), and Python's collector
    stops tracking a tuple of strings the first time it sees one; lists lived long enough to be
    moved to its oldest generation, where they hastened the next full collection."""
    paths: dict[str, tuple[str, ...]] = {}
    for n, (aid, path) in enumerate(db.execute("SELECT article_id, path FROM holds ORDER BY path")):
        if not n % PAUSE_ROWS:
            pause()
        found = paths.get(aid)
        paths[aid] = (_fs_path(path),) if found is None else (*found, _fs_path(path))
    return paths


def _paths_of(db: sqlite3.Connection, article_ids: list[str]) -> dict[str, list[str]]:
    """The paths each of these articles was found at, in order."""
    marks = ",".join("?" * len(article_ids))
    paths: dict[str, list[str]] = {}
    for aid, path in db.execute(f"SELECT article_id, path FROM holds WHERE article_id IN ({marks}) ORDER BY path",
                                article_ids):
        paths.setdefault(aid, []).append(_fs_path(path))
    return paths


def _drop_names(db: sqlite3.Connection, rowid: int) -> None:
    """An article's names out of the store and its row out of the search's names table (in a
    write transaction): they are found again, or the article goes."""
    stored_names.remove(db, rowid)
    db.execute("DELETE FROM names WHERE rowid = ?", (rowid,))


def _run_large(db: sqlite3.Connection, sql: str, args: tuple) -> None:
    """``db.execute(sql, args)`` where a value may be a long text. sqlite3 keeps a statement it
    has run with the values last bound to it (SQLite's own copy of them) until it runs it
    again; so a statement that had a long value is run again at once with NULLs, which the
    statements given here take as nothing to do."""
    db.execute(sql, args)
    if any(isinstance(v, (str, bytes)) and len(v) > LARGE for v in args):
        db.execute(sql, (None,) * len(args))


def _write_text(db: sqlite3.Connection, rowid: int, text: str, new: bool) -> None:
    """Store ``text`` as the text of ``rowid`` (a new row, or in place of its text): compressed
    UTF-8 (a blob, half the room of the text), or, for a long text, UTF-8 text written a piece at
    a time through SQLite's blob I/O into room made for it: no copy of it as bytes is made, in
    Python or in SQLite. :func:`_stored_text` reads either."""
    if len(text) <= LARGE:
        data = zlib.compress(text.encode("utf-8"), 6)
        if new:
            db.execute("INSERT INTO bodies VALUES (?, ?)", (rowid, data))
        else:
            db.execute("UPDATE bodies SET body = ? WHERE rowid = ?", (data, rowid))
        return
    size = sum(len(piece.encode("utf-8")) for piece in pieces(text))
    if new:
        db.execute("INSERT INTO bodies VALUES (?, CAST(zeroblob(?) AS TEXT))", (rowid, size))
    else:
        db.execute("UPDATE bodies SET body = CAST(zeroblob(?) AS TEXT) WHERE rowid = ?", (size, rowid))
    with db.blobopen("bodies", "body", rowid) as blob:
        for piece in pieces(text):
            blob.write(piece.encode("utf-8"))


def _stored_text(value: object) -> str:
    """A text as ``bodies`` holds it (compressed UTF-8, or text); ValueError when it is neither
    (a damaged row), so that nothing of the wrong type reaches the screen."""
    if type(value) is str:
        return value
    if type(value) is not bytes:
        raise ValueError("an article's stored text is not text")
    return _inflate(value).decode("utf-8")  # a UnicodeDecodeError is a ValueError


def _inflate(data: bytes) -> bytes:
    try:
        return zlib.decompress(data)
    except zlib.error as exc:
        raise ValueError(f"an article's stored text cannot be read ({exc})") from None


def _compressed(db: sqlite3.Connection, rowid: int) -> bytes | None:
    """The stored text of ``rowid`` when it is compressed (not a long text), else None."""
    row = db.execute("SELECT CASE WHEN typeof(body) = 'blob' THEN body END FROM bodies WHERE rowid = ?",
                     (rowid,)).fetchone()
    return None if row is None else row[0]


def _same_text(db: sqlite3.Connection, rowid: int, text: str) -> bool:
    """Whether the stored text of ``rowid`` is ``text``; a long one compared a piece at a time."""
    data = _compressed(db, rowid)
    if data is not None:
        return len(text) <= LARGE and _stored_text(data) == text
    with db.blobopen("bodies", "body", rowid, readonly=True) as blob:
        if len(blob) < len(text):  # UTF-8 takes at least a byte a character
            return False
        for piece in pieces(text):
            data = piece.encode("utf-8")
            if blob.read(len(data)) != data:
                return False
        return blob.tell() == len(blob)


def _phrase(words_: Iterable[str]) -> str:
    return '"' + " ".join(words_) + '"'


def _written(text: str, m) -> bool:
    """Whether mention ``m`` is whole words of ``text``, as found there: then its folded words
    are in the text's index entry."""
    return (text[m.start:m.end] == m.text and m.text != ""
            and (m.start == 0 or not WORD.match(text, m.start - 1))
            and (m.end >= len(text) or not WORD.match(text, m.end)))


@dataclass(frozen=True)
class _Cond:
    """One term of a query as the two tables see it: an FTS5 expression on ``fts`` (``text``),
    where it counts in ``names`` (``names``), and for a plain word (``plain``) where it is
    found only in the names (``extra``; None when no article has it so). A plain word has
    ``text`` and ``names``, ``source:`` only ``text``, ``per:`` and the like only ``names``."""
    text: str | None = None
    names: str | None = None
    extra: str | None = None
    plain: bool = False
    bonus: float = 0.0  # a plain word: what it adds to the score of an article that has it as a name
    cost: int = 0       # how many articles its words are in: how long FTS5 takes to look for it


def _named_expr(columns: str, term: Term, words_: list[str], known: set[str]) -> str | None:
    if term.phrase:
        return f"{columns} : {_phrase(term.words)}" if all(w in known for w in term.words) else None
    kept = [w for w in words_ if w in known]
    return f"{columns} : (" + " OR ".join(_phrase([w]) for w in kept) + ")" if kept else None


def _exclusions(negs: list[_Cond]) -> tuple[list[str], list[str]]:
    """What a left-out term is looked for in: the text, and the names (a plain word: only
    where it is not in the text, for the rest is in the text's entry)."""
    named = [c.extra if c.plain else c.names for c in negs]
    return [c.text for c in negs if c.text], [e for e in named if e]


class Vocabulary:
    """The index's words, as read at one moment (``read``): how many articles have each (``df``),
    sorted (``words``, for completions) and by length and first and second letter (for typo
    matching); which are some article's names (``named``) and which some article has only in
    its names (``extra``). Never changed once read: searches in several threads share it."""

    def __init__(self, words: list[str], df: dict[str, int], extra: set[str], named: set[str],
                 docs: int, changes: int) -> None:
        self.words, self.df, self.extra, self.named, self.docs = words, df, extra, named, docs
        self.changes = changes  # SearchIndex._vocab_changes when it was read
        by_first: dict[tuple[int, str], list[str]] = {}
        by_second: dict[tuple[int, str], list[str]] = {}
        for t in words:
            by_first.setdefault((len(t), t[0]), []).append(t)
            if len(t) > 1:
                by_second.setdefault((len(t), t[1]), []).append(t)
        self._by_first, self._by_second = by_first, by_second
        self._completions: dict[str, list[str]] = {}
        self._fuzzy: dict[str, list[str]] = {}

    @classmethod
    def read(cls, db: sqlite3.Connection, changes: int) -> Vocabulary:
        rows = db.execute("SELECT term, doc FROM vocab").fetchall()  # sorted by term
        named_rows = db.execute("SELECT term, col, doc FROM names_vocab").fetchall()
        (docs,) = db.execute("SELECT count(*) FROM docs").fetchone()
        # the names' words: those in the text are in ``vocab`` already; the others (``extra``)
        # add the articles that have them only in their names
        df = dict(rows)
        extra: dict[str, int] = {}
        named: dict[str, int] = {}
        for term, col, doc in named_rows:
            if col == "extra":
                extra[term] = doc
            else:
                named[term] = max(doc, named.get(term, 0))
        new = sorted(t for t in named.keys() | extra.keys() if t not in df)
        for term, doc in extra.items():
            if term in df:
                df[term] += doc
        for term in new:
            df[term] = extra.get(term, named.get(term, 0))
        words = [t for t, _ in rows]
        if new:
            words = list(heapq.merge(words, new))
        return cls(words, df, set(extra), named.keys() | extra.keys(), docs, changes)

    def completions(self, prefix: str) -> list[str]:
        """The most frequent words that start with ``prefix`` (itself excluded)."""
        if len(prefix) < MIN_PREFIX:
            return []
        hit = self._completions.get(prefix)
        if hit is None:
            lo = bisect.bisect_right(self.words, prefix)
            hi = bisect.bisect_left(self.words, prefix + "\U0010ffff")
            hit = heapq.nlargest(MAX_COMPLETIONS, self.words[lo:hi], key=self.df.__getitem__)
            self._completions[prefix] = hit
        return hit

    def fuzzy(self, word: str) -> list[str]:
        """Words within ``max_edits(word)`` edits (transpositions count once), best first.

        Candidates share the word's length give or take the edits, and its first or second letter
        in the first or second place: a typo in both of the first two letters is not corrected.
        """
        k = max_edits(word)
        if k == 0:
            return []
        hit = self._fuzzy.get(word)
        if hit is None:
            from rapidfuzz import process
            from rapidfuzz.distance import OSA

            found: dict[str, int] = {}
            letters = set(word[:2])
            for n in range(len(word) - k, len(word) + k + 1):
                for c in letters:
                    for bucket in (self._by_first.get((n, c)), self._by_second.get((n, c))):
                        if not bucket:
                            continue
                        for choice, dist, _ in process.extract(word, bucket, scorer=OSA.distance,
                                                               score_cutoff=k, limit=None):
                            if choice != word:
                                found[choice] = dist
            ranked = sorted(found.items(), key=lambda kv: (kv[1], -self.df.get(kv[0], 0), kv[0]))
            hit = [c for c, _ in ranked[:MAX_FUZZY]]
            if len(self._fuzzy) > 5000:
                self._fuzzy.clear()
            self._fuzzy[word] = hit
        return hit


class SearchIndex:
    def __init__(self, path: Path | None, busy_timeout: float = BUSY_TIMEOUT,
                 on_notice: Callable[[str], None] | None = None):
        """``path=None``: an in-memory index (tests, one-off use). ``busy_timeout``: how long a
        lock of another program is waited for before a notice says so (the wait goes on).
        ``on_notice`` is called with each notice as it happens (they are also kept in ``notices``)."""
        self.path = path
        self.busy_timeout = busy_timeout
        self.on_notice = on_notice
        self.notices: list[str] = []
        self._vocab: Vocabulary | None = None
        self._vocab_changes = 0                 # writes that changed the words so far
        self._vocab_lock = threading.Lock()     # one thread reads the vocabulary; searches wait for it
        self._paths: list[str] | None = None  # of the last refresh: what a rebuild reads again
        self._names_from: tuple | None = None  # recognizer and cache of the last recognize_pending
        self._generation = 0                   # rebuilds so far
        self._local = threading.local()        # .rebuilding: this thread is refilling a rebuilt index
        # One connection for writes, shared by the threads that write: every use of it holds this
        # lock; parsing and entity recognition run outside it. Reads (showing an article, a
        # search) take a connection of a pool instead (``_reading``) and never wait for this lock:
        # WAL shows them the index as of the last commit.
        self.lock = threading.RLock()
        self._stored = threading.Condition()  # notified with each batch of files stored (``_stores``)
        self._stores = 0
        self._pool: list[tuple[int, sqlite3.Connection]] = []  # (generation, idle connection)
        self._pool_lock = threading.Lock()  # held only to take or give back a connection
        self.db = self._open()

    # --- storage ------------------------------------------------------------------------------

    def _notice(self, text: str) -> None:
        text = " ".join(text.split())
        self.notices.append(text)
        if self.on_notice is not None:
            self.on_notice(text)

    def _say_busy(self) -> None:
        self._notice(f"search index {self.path} is locked by another program (another newsreader?); "
                     "waiting for it")

    def _connect(self, path: Path | str) -> sqlite3.Connection:
        # autocommit: every write is an explicit BEGIN IMMEDIATE … COMMIT (see _write)
        return sqlite3.connect(path, timeout=POLL, check_same_thread=False, isolation_level=None)

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            db = self._connect(":memory:")
            for statement in _CREATE:
                db.execute(statement)
            return db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return retry_busy(self._open_file, self.busy_timeout, self._say_busy)
        except Exception as exc:
            if not is_damage(exc):
                raise
            aside = move_aside(self.path, "old")
            self._notice(f"search index {self.path} was rebuilt ({reason(exc)}); the old file is {aside}")
        return retry_busy(self._open_file, self.busy_timeout, self._say_busy)

    def _open_file(self) -> sqlite3.Connection:
        """The index at ``self.path``, created when it is new. Another newsreader may be creating
        it at this moment: what a first look finds missing is looked at again under the write
        lock, and the tables are made there (IF NOT EXISTS) in one transaction."""
        db = self._connect(self.path)
        try:
            if self._complete(db):
                return db
            if not self._tables(db):  # a new file: the space FTS5's merges free can be given back
                db.execute("PRAGMA auto_vacuum = INCREMENTAL")
            db.execute("PRAGMA journal_mode = WAL")  # outside a transaction; kept in the file
            db.execute("BEGIN IMMEDIATE")
            if not self._complete(db):
                (version,) = db.execute("PRAGMA user_version").fetchone()
                if version not in (0, SCHEMA) or not self._tables(db) <= TABLES | {"vocab"}:
                    raise NotOurs(f"schema version {version}, this newsreader uses {SCHEMA}")
                for statement in _CREATE:
                    db.execute(statement)
            db.execute("COMMIT")
            return db
        except BaseException:
            db.close()
            raise

    @staticmethod
    def _tables(db: sqlite3.Connection) -> set[str]:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
                if not r[0].startswith(_SHADOWS)}

    def _complete(self, db: sqlite3.Connection) -> bool:
        """Whether the index has all it should (an index of this version made before one of its
        indexes was added gets it: the missing parts are made, IF NOT EXISTS)."""
        (version,) = db.execute("PRAGMA user_version").fetchone()
        if version != SCHEMA or not TABLES <= self._tables(db):
            return False
        if not _INDEXES <= {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}:
            return False
        db.execute("SELECT count(*) FROM docs").fetchone()
        return True

    def _rebuild(self, exc: BaseException, generation: int) -> None:
        """The index turned out damaged while it was read: move it aside, start a new one and
        fill it from the files of the last refresh (and names of the last recognition)."""
        with self.lock:
            if self._generation != generation:
                return  # another thread has rebuilt it meanwhile
            self._generation += 1
            self.db.close()
            aside = move_aside(self.path, "old")
            self._notice(f"search index {self.path} was rebuilt ({reason(exc)}); the old file is {aside}")
            self.db = self._open()
            self._invalidate_vocabulary()
        if self._paths is None:
            return
        self._local.rebuilding = True
        try:
            self.refresh(self._paths)
            if self._names_from is not None:
                self.recognize_pending(*self._names_from)
        finally:
            self._local.rebuilding = False

    @contextlib.contextmanager
    def _write(self):
        """One write transaction, under the thread lock. ``BEGIN IMMEDIATE`` takes SQLite's write
        lock at once, so another process that writes waits for it instead of failing halfway;
        while another process holds it, this one waits (with the thread lock free)."""
        retry_busy(self._begin, self.busy_timeout, self._say_busy)
        try:
            yield self.db
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        finally:
            self.lock.release()

    @contextlib.contextmanager
    def _long_write(self):
        """A write transaction that may take seconds: on a connection of its own, so the thread
        lock stays free and the UI thread goes on reading (SQLite's WAL shows it the index as it
        was until the commit). An in-memory index has one connection: the usual :meth:`_write`."""
        if self.path is None:
            with self._write() as db:
                yield db
            return
        db = self._connect(self.path)
        try:
            def begin() -> None:
                db.execute("BEGIN IMMEDIATE")

            retry_busy(begin, self.busy_timeout, self._say_busy)
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        finally:
            db.close()

    def _begin(self) -> None:
        self.lock.acquire()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.lock.release()
            raise

    @_locked
    def close(self) -> None:
        self.db.close()
        with self._pool_lock:
            pool, self._pool = self._pool, []
        for _, db in pool:
            db.close()

    @contextlib.contextmanager
    def _reading(self):
        """A connection to read on, without the thread lock: a file index lends one of its pool
        (opened when none is idle), in a read transaction (one snapshot of the index for all
        the reads it makes), and takes it back afterwards; a connection of the index before a
        rebuild is closed, not reused. An in-memory index has one connection: read under the lock."""
        if self.path is None:
            with self.lock:
                yield self.db
            return
        generation = self._generation
        with self._pool_lock:
            while self._pool:
                made, db = self._pool.pop()
                if made == generation:
                    break
                db.close()
            else:
                db = None
        if db is None:
            db = self._connect(self.path)
        try:
            db.execute("BEGIN")
            yield db
        except BaseException:
            db.close()
            raise
        if db.in_transaction:
            db.execute("COMMIT")
        with self._pool_lock:
            if generation == self._generation and len(self._pool) < POOL:
                self._pool.append((generation, db))
                return
        db.close()

    @_recovering
    @_reads
    def __len__(self, db: sqlite3.Connection) -> int:
        return db.execute("SELECT count(*) FROM docs").fetchone()[0]

    # --- building -----------------------------------------------------------------------------

    @_recovering
    def refresh(self, paths: Sequence[str | os.PathLike], progress: Progress | None = None,
                batch: int = 500, on_batch: Callable[[], None] | None = None,
                pause: Callable[[], None] = _no_pause) -> RefreshReport:
        """Bring the index up to date with the files below ``paths``: parse only new or changed
        files, drop files that are gone and articles nobody holds any more. Entity names are added
        afterwards by :meth:`recognize_pending`, so the text is searchable at once. ``on_batch`` is
        called after each committed batch of files (a UI can list what is there so far); ``pause``
        between two articles of a batch as they are written (``stopping.GiveWay.wait``: a batch
        folds and indexes hundreds of texts)."""
        t0 = time.perf_counter()
        # as absolute paths: the same folder opened from another working folder is the same files
        paths = self._paths = [os.path.abspath(p) for p in paths]
        report = RefreshReport()
        with self.lock:
            known = {_fs_path(p): (m, s, why) for p, m, s, why in
                     self.db.execute("SELECT path, mtime_ns, size, reason FROM files")}
        written: set[str] = set()  # the first file of this refresh that holds an article gives its values
        parsed: list[tuple[str, int, int, list[Article], str | None]] = []
        chars = 0

        def parse(key: str, mtime: int, size: int) -> None:
            nonlocal chars
            from newsreader.core.loader import LoadError, load_file  # the parsers load only when needed

            try:
                articles = load_file(Path(key))
                why = None
            except LoadError as exc:
                articles, why = [], str(exc)
            except Exception as exc:  # a parser bug must not stop indexing
                articles, why = [], f"could not be parsed ({type(exc).__name__}: {exc})"
            if why:
                report.skipped.append(Skipped(key, why))
            report.parsed += 1
            parsed.append((key, mtime, size, articles, why))
            chars += sum(len(a.body) for a in articles)

        def store() -> None:
            nonlocal parsed, chars
            report.added_articles += self._store(parsed, written, pause)
            parsed, chars = [], 0
            if on_batch is not None:
                on_batch()

        todo: list[tuple[str, int, int]] = []
        seen: set[str] = set()
        early = 0  # files parsed and stored while the folder is still being walked
        for key, st in discover_stat(paths, report.skipped):
            seen.add(key)
            report.files += 1
            old = known.get(key)
            if old and old[0] == st.st_mtime_ns and old[1] == st.st_size:
                report.unchanged += 1
                if old[2]:
                    report.skipped.append(Skipped(key, old[2]))
                continue
            todo.append((key, st.st_mtime_ns, st.st_size))
            if len(todo) == min(batch, FIRST_BATCH):
                # the first batch goes in at once: a reader lists it while the folder is walked on
                for item in todo:
                    parse(*item)
                store()
                early = len(todo)
        gone = [(_db_path(p),) for p in known if p not in seen]
        if gone:
            with self._write() as db:
                db.executemany("DELETE FROM files WHERE path = ?", gone)
                db.executemany("DELETE FROM holds WHERE path = ?", gone)
        report.removed_files = len(gone)

        for n, (key, mtime, size) in enumerate(todo[early:], early + 1):
            if progress:
                progress(n, len(todo), key)
            parse(key, mtime, size)
            # the first batch is small (the walk may have had too few for it)
            if len(parsed) >= (batch if written else min(batch, FIRST_BATCH)) or chars >= BATCH_CHARS or n == len(todo):
                store()
        report.removed_articles = self._drop_orphans()
        if report.parsed or report.removed_articles:
            with self.lock:
                self._invalidate_vocabulary()
        report.seconds = time.perf_counter() - t0
        return report

    def _store(self, parsed: list[tuple[str, int, int, list[Article], str | None]], written: set[str],
               pause: Callable[[], None] = _no_pause) -> int:
        """Write a batch of parsed files and their articles in one transaction; returns how many
        articles are new."""
        added = 0
        rows = []
        with self._write() as db:  # files and their articles land together or not at all
            for key, mtime, size, articles, why in parsed:
                for a in articles:
                    if a.id not in written:
                        pause()
                        written.add(a.id)
                        added += self._put(db, a)
                ids = list(dict.fromkeys(a.id for a in articles))
                rows.append((_db_path(key), mtime, size, json.dumps([a.id for a in articles]), why, ids))
            db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", [r[:5] for r in rows])
            db.executemany("DELETE FROM holds WHERE path = ?", [(r[0],) for r in rows])
            db.executemany("INSERT INTO holds VALUES (?, ?)", [(aid, r[0]) for r in rows for aid in r[5]])
        with self._stored:  # a name finder following the refresh (recognize_pending's ``more``) goes on
            self._stores += 1
            self._stored.notify_all()
        return added

    @staticmethod
    def _put(db: sqlite3.Connection, a: Article) -> int:
        """Store ``a`` (in a write transaction): a new row, or the stored row brought up to date
        when its metadata or text changed (another date, source or author in the file; the
        same text with other case or spacing, which keeps the id). Returns 1 for a new row.

        The text goes to SQLite as UTF-8 (``_write_text``: a str would take three times its size
        on the way and keep a UTF-8 copy of itself); it is let go (``a.body`` becomes empty) once
        it is folded, before its index entry is written, which takes FTS5 several times the
        text's size: a refresh needs only the ids of what it parsed. Its names row is left alone
        unless the text changed."""
        meta = _pack(a)
        date = a.date.iso() if a.date else None
        row = db.execute("SELECT rowid, meta FROM docs WHERE article_id = ?", (a.id,)).fetchone()
        if row is None:
            rowid = db.execute("INSERT INTO docs (article_id, date, meta, ents) VALUES (?, ?, ?, NULL)",
                               (a.id, date, meta)).lastrowid
            _write_text(db, rowid, a.body, new=True)
            values = _fts_values(a)
            a.body = ""
            _run_large(db, _INSERT_FTS, (rowid, *values))
            return 1
        rowid, old_meta = row
        same_text = _same_text(db, rowid, a.body)
        if same_text and marshal.loads(old_meta) == marshal.loads(meta):
            return 0
        if same_text:  # other metadata: the index entry changes only with the title or the source
            old = _unpack(old_meta, "")
            if old.title != a.title:  # the names' offsets in the title are out of date: found again
                _drop_names(db, rowid)
            if (old.title, folded_text(old.source or "")) != (a.title, folded_text(a.source or "")):
                body = index_text(a.body)
                a.body = ""
                _run_large(db, _DELETE_FTS, (rowid, index_text(old.title), body, folded_text(old.source or "")))
                _run_large(db, _INSERT_FTS, (rowid, index_text(a.title), body, folded_text(a.source or "")))
                del body
            db.execute("UPDATE docs SET date = ?, meta = ? WHERE rowid = ?", (date, meta, rowid))
            a.body = ""
            return 0
        # the same id with another text (case, spacing): its names are found again
        (old_body,) = db.execute("SELECT body FROM bodies WHERE rowid = ?", (rowid,)).fetchone()
        _run_large(db, _DELETE_FTS, (rowid, *_fts_values(_unpack(old_meta, _stored_text(old_body)))))
        del old_body
        _write_text(db, rowid, a.body, new=False)
        _drop_names(db, rowid)
        db.execute("UPDATE docs SET date = ?, meta = ? WHERE rowid = ?", (date, meta, rowid))
        values = _fts_values(a)
        a.body = ""
        _run_large(db, _INSERT_FTS, (rowid, *values))
        return 0

    @_recovering
    @_reads
    def pending_entities(self, db: sqlite3.Connection) -> int:
        return db.execute("SELECT count(*) FROM docs WHERE ents IS NULL").fetchone()[0]

    @_recovering
    def recognize_pending(self, recognizer, entity_cache=None, progress: Progress | None = None,
                          batch: int = 50, more: Callable[[], bool] | None = None,
                          pause: Callable[[], None] = _no_pause) -> int:
        """Find the names of the articles that have none yet and store them (``names.add``: the
        article's mentions and its share of the collection's groups; its search row from its own
        names until they are resolved), then resolve the collection's entities
        (:meth:`resolve_names`). A recognizer of another version than the stored names' has them
        all found again, once. While ``more()`` is true, articles are still being added (a
        :meth:`refresh` in another thread): those come in turn, and the names are resolved once
        it is false and every article has its names; the total the progress gives grows with
        them. ``pause`` is called before each article's names are linked and before each batch
        is stored (as in :meth:`refresh`). Returns how many articles were done."""
        self._names_from = (recognizer, entity_cache)
        self._check_recognizer(getattr(recognizer, "version", "") if recognizer is not None else "")
        total = self.pending_entities()
        done = 0
        for rows, articles, found in self._pending_batches(recognizer, entity_cache, batch, more, pause):
            pause()
            with self._write() as db:
                wanted = [rowid for rowid, _, _ in rows]
                pending = set(db.execute(  # not those done meanwhile (another process), nor another article now
                    f"SELECT rowid, article_id FROM docs WHERE ents IS NULL AND rowid IN ({', '.join('?' * len(wanted))})",
                    wanted))
                empty = ([], [], [], {})
                items = [(rowid, *found.get(a.id, empty)) for (rowid, _, _), a in zip(rows, articles)
                         if (rowid, a.id) in pending]
                stored_names.add_many(db, [(rowid, title, body, extra) for rowid, title, body, extra, _ in items])
                self._write_many_names(db, [(rowid, own, extra) for rowid, _, _, extra, own in items])
            done += len(rows)
            del rows, articles, found
            if more is not None:
                total = done + self.pending_entities()
            if progress:
                progress(done, max(done, total), "entities")
        if done:
            with self.lock:
                self._invalidate_vocabulary()
        self.resolve_names()
        return done

    def _pending_batches(self, recognizer, entity_cache, batch: int, more: Callable[[], bool] | None = None,
                         pause: Callable[[], None] = _no_pause):
        """The articles still without names, ``batch`` at a time, each batch with its names found
        (through the cache). A recognizer in other processes is sent the next batches before the
        caller has stored this one (``process.recognize_batches``): it never waits for the writes.
        ``more``: see :meth:`recognize_pending`."""
        from newsreader.core.article import MAX_NER_CHARS

        def read():
            last = 0
            following = more is not None
            while True:
                with self._stored:
                    stores = self._stores
                coming = following and more()  # asked first: then a false means every row is in
                with self.lock:  # names are found in the start of a text: that is all that is read here
                    rows = self.db.execute(
                        "SELECT d.rowid, d.meta, CASE WHEN typeof(b.body) = 'blob' THEN b.body "
                        "ELSE substr(b.body, 1, ?) END FROM docs d JOIN bodies b ON b.rowid = d.rowid "
                        "WHERE d.ents IS NULL AND d.rowid > ? ORDER BY d.rowid LIMIT ?",
                        (MAX_NER_CHARS, last, batch)).fetchall()
                if not rows:
                    if coming:  # the next rows are on their way: what was sent is stored, then wait for them
                        yield None
                        with self._stored:
                            self._stored.wait_for(lambda: self._stores != stores, timeout=0.5)
                        continue
                    if following:  # once more from the start: a row the refresh changed behind
                        following, last = False, 0  # the last one read (its names dropped) is done too
                        continue
                    return
                last = rows[-1][0]
                yield rows, [_unpack(m, _stored_text(b)[:MAX_NER_CHARS]) for _, m, b in rows]

        if recognizer is None:
            for item in read():
                if item is not None:
                    yield *item, {}
            return
        from newsreader.core.ner.cache import EntityCache, text_key
        from newsreader.core.ner.process import recognize_batches

        cache = entity_cache if entity_cache is not None else EntityCache(None)
        version = recognizer.version

        def prepared():
            for item in read():
                if item is None:  # none for now
                    yield None
                    continue
                rows, articles = item
                texts = ner_texts(articles)
                keys = [text_key(t) for t in texts]
                known = cache.get(sorted(set(keys)), version)
                if any(m.end > len(t) for k, t in zip(keys, texts) for m in known.get(k, ())):
                    cache.recover(ValueError("a stored mention lies outside its text"))
                    known = {}
                todo = list({k: i for i, k in enumerate(keys) if k not in known}.values())  # each text once
                yield rows, articles, texts, keys, known, todo

        for (rows, articles, texts, keys, known, todo), results in recognize_batches(
                recognizer, prepared(), lambda b: [b[2][i] for i in b[5]]):
            fresh = {keys[i]: r for i, r in zip(todo, results)}
            cache.put(fresh, version)
            known.update(fresh)
            for notice in cache.new_notices():
                self._notice(notice)
            yield rows, articles, self._linked(articles, texts, [known[k] for k in keys], recognizer, pause)

    def _check_recognizer(self, version: str) -> None:
        with self.lock:
            if stored_names.recognizer_version(self.db) == version:
                return
        with self._write() as db:
            stored = stored_names.recognizer_version(db)  # again: another process may have seen to it
            if stored != version:
                if stored is not None:
                    stored_names.forget_all(db)
                stored_names.set_recognizer_version(db, version)
        with self.lock:
            self._invalidate_vocabulary()

    @staticmethod
    def _write_names(db: sqlite3.Connection, rowid: int, names: dict[str, list[str]], extra: list[str]) -> None:
        SearchIndex._write_many_names(db, [(rowid, names, extra)])

    @staticmethod
    def _write_many_names(db: sqlite3.Connection, rows: list[tuple[int, dict[str, list[str]], list[str]]]) -> None:
        """The search's names row of each (rowid, names by kind, extra); none for an article without names."""
        db.executemany("DELETE FROM names WHERE rowid = ?", ((rowid,) for rowid, _, _ in rows))  # none is kept without ents
        db.executemany(_INSERT_NAMES, ((rowid, *_name_values(names, extra)) for rowid, names, extra in rows if names))

    @_recovering
    def optimize(self) -> bool:
        """Merge the search tables' segments into one (FTS5's ``optimize``) and give the space
        back to the file system, when at least :data:`OPTIMIZE_AFTER` articles came or went since
        the last time: a large build leaves many segments, which every search reads and which take
        room. Run after the names are in (it takes a few seconds for 10,000 articles, on a
        connection of its own: searches go on meanwhile). Returns whether it ran."""
        with self.lock:
            (docs,) = self.db.execute("SELECT count(*) FROM docs").fetchone()
            last = int(stored_names.get_info(self.db, "optimized") or 0)
        if abs(docs - last) < OPTIMIZE_AFTER:
            return False
        with self._long_write() as db:
            db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
            db.execute("INSERT INTO names (names) VALUES ('optimize')")
            stored_names.set_info(db, "optimized", str(docs))
        if self.path is not None:  # the pages freed (an older file keeps them), and the log into the file
            db = self._connect(self.path)
            try:
                # executescript steps the pragma to its end; execute() frees a single page
                retry_busy(lambda: db.executescript("PRAGMA incremental_vacuum;"), self.busy_timeout, self._say_busy)
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                db.close()
        return True

    @_recovering
    def resolve_names(self) -> int:
        """Resolve the collection's entities if its names changed since they last were, and
        rewrite the search row of each article whose entities' spellings changed (every spelling
        of an entity is in the row of each article that has it). Returns how many rows changed."""
        with self.lock:
            if stored_names.resolved(self.db):
                return 0
        with self._long_write() as db:
            changed = stored_names.resolve(db, lambda rowid, names, extra: self._write_names(db, rowid, names, extra))
        with self.lock:
            self._invalidate_vocabulary()
        return changed

    @staticmethod
    def _linked(articles: list[Article], texts: list[str], found: list, recognizer,
                pause: Callable[[], None] = _no_pause
                ) -> dict[str, tuple[list, list, list[str], dict[str, list[str]]]]:
        """Each article's linked mentions (title, text), the folded names its text does not
        contain as written (see ``names.extra``), and its own names by kind (the forms and base
        names of its mentions). ``found``: the mentions of ``texts`` (``ner_texts``). ``pause``
        before each article (see :meth:`recognize_pending`)."""
        from newsreader.core.ner.link import link_article

        known = getattr(recognizer, "is_known_base", None)
        out = {}
        for n, a in enumerate(articles):
            pause()
            seen = {_folded_name(m.text) for i in (2 * n, 2 * n + 1) for m in found[i] if _written(texts[i], m)}
            linked = link_article(found[2 * n] + found[2 * n + 1], known)
            names: dict[str, set[str]] = {}
            for lm in linked:
                names.setdefault(lm.mention.type, set()).update({lm.mention.text, lm.base})
            extra = {f for v in names.values() for f in map(_folded_name, v)} - seen - {""}
            k = len(found[2 * n])
            out[a.id] = (linked[:k], linked[k:], sorted(extra), {kind: sorted(v) for kind, v in names.items()})
        return out

    def _drop_orphans(self) -> int:
        find = "SELECT rowid FROM docs WHERE article_id NOT IN (SELECT article_id FROM holds)"
        with self.lock:
            if self.db.execute(find + " LIMIT 1").fetchone() is None:
                return 0  # no write: nothing to wait for, and a read-only folder is no error
        with self._write() as db:
            orphans = [r for (r,) in db.execute(find).fetchall()]
            for rowid in orphans:  # one at a time: a text may be large
                meta, body = db.execute("SELECT d.meta, b.body FROM docs d JOIN bodies b "
                                        "ON b.rowid = d.rowid WHERE d.rowid = ?", (rowid,)).fetchone()
                values = _fts_values(_unpack(meta, _stored_text(body)))
                del body
                _run_large(db, _DELETE_FTS, (rowid, *values))
                del values
                _drop_names(db, rowid)
                db.execute("DELETE FROM docs WHERE rowid = ?", (rowid,))
                db.execute("DELETE FROM bodies WHERE rowid = ?", (rowid,))
        return len(orphans)

    # --- reading ------------------------------------------------------------------------------

    @_recovering
    @_reads
    def paths_of(self, db: sqlite3.Connection, article_id: str) -> list[str]:
        rows = db.execute("SELECT path FROM holds WHERE article_id = ? ORDER BY path", (article_id,))
        return [_fs_path(p) for (p,) in rows]

    @_recovering
    @_reads
    def articles(self, db: sqlite3.Connection, bodies: bool = True) -> list[Article]:
        """Every article in the index, newest first, with the paths it was found at. With
        ``bodies=False`` the articles come without their text (``lazy``; see :meth:`fill`),
        which is what a fast start needs."""
        out = []
        sql = ("SELECT d.meta, b.body FROM docs d JOIN bodies b ON b.rowid = d.rowid" if bodies
               else "SELECT meta, '' FROM docs")
        paths = _all_paths(db)
        for meta, body in db.execute(sql):
            a = _unpack(meta, _stored_text(body), lazy=not bodies)
            a.paths = list(paths.get(a.id, ()))
            out.append(a)
        return sort_articles(out)

    @_recovering
    @_reads
    def listing(self, db: sqlite3.Connection, previous: Listing | None = None,
                pause: Callable[[], None] = _no_pause) -> Listing:
        """:meth:`articles` without their texts, as a :class:`Listing`; the articles of
        ``previous`` (an earlier listing of this index) whose rows have not changed are taken
        again, the same objects: a reader that held it and takes this one frees next to nothing
        (50,000 articles made afresh took 0.4 s here and their freeing 12-19 ms on the screen's
        thread). In the order of :meth:`articles`. ``pause`` is called every :data:`PAUSE_ROWS`
        rows (as in :meth:`refresh`: 50,000 articles take a quarter of a second)."""
        paths = _all_paths(db, pause)
        old, old_stamps = (previous.by_id, previous.stamps) if previous is not None else ({}, {})
        by_id: dict[str, Article] = {}
        stamps: dict[str, int] = {}
        fresh: list[Article] = []
        for n, (aid, meta) in enumerate(db.execute("SELECT article_id, meta FROM docs")):
            if not n % PAUSE_ROWS:
                pause()
            stamp = stamps[aid] = hash(meta)
            a = old.get(aid)
            if a is None or old_stamps.get(aid) != stamp:
                a = _unpack(meta, "", lazy=True)
                fresh.append(a)
            found = paths.get(aid, ())
            if tuple(a.paths) != found:
                a.paths = list(found)
            by_id[aid] = a
        # those listed before first, in their order: sorting them again takes little
        kept = [a for a in previous.articles if by_id.get(a.id) is a] if previous is not None else []
        return Listing(sort_articles(kept + fresh), by_id, stamps)

    @_recovering
    @_reads
    def first_articles(self, db: sqlite3.Connection, n: int, newest_first: bool = True) -> list[Article]:
        """The first ``n`` or so articles of :meth:`articles` in that order, without their
        texts: a first screen of a large collection, before all of it is read (50,000 articles
        take a second or more). Taken by the stored date (its ISO text sorts as the list does,
        all but ties between a day and a time of that day: twice as many are read), undated
        ones last."""
        order = "DESC" if newest_first else "ASC"
        rows = db.execute(f"SELECT meta FROM docs WHERE date IS NOT NULL ORDER BY date {order} LIMIT ?",
                          (2 * n,)).fetchall()
        if len(rows) < n:  # (the undated by path come with the whole list)
            rows += db.execute("SELECT meta FROM docs WHERE date IS NULL LIMIT ?", (n,)).fetchall()
        out = [_unpack(meta, "", lazy=True) for (meta,) in rows]
        paths = _paths_of(db, [a.id for a in out])
        for a in out:
            a.paths = paths.get(a.id, [])
        return sort_articles(out, newest_first)[:n]

    @_recovering
    @_reads
    def fill(self, db: sqlite3.Connection, article: Article) -> Article:
        """Load the text of an article listed with ``bodies=False``."""
        if article.lazy:
            row = db.execute("SELECT b.body FROM docs d JOIN bodies b ON b.rowid = d.rowid "
                             "WHERE d.article_id = ?", (article.id,)).fetchone()
            if row is not None:
                article.body = _stored_text(row[0])
                article.lazy = False
        return article

    @_recovering
    @_reads
    def article_names(self, db: sqlite3.Connection, article_id: str):
        """The names found in one article (``ArticleEntities``: mentions with their canonical
        names), or None while they are still to be found."""
        from newsreader.core.ner.types import ArticleEntities

        found = stored_names.article_entities(db, article_id)
        return None if found is None else ArticleEntities(*found)

    @_recovering
    @_reads
    def names_resolved(self, db: sqlite3.Connection) -> bool:
        """Every article's names are found and the collection's entities are up to date."""
        if db.execute("SELECT 1 FROM docs WHERE ents IS NULL LIMIT 1").fetchone() is not None:
            return False
        return stored_names.resolved(db)

    @_recovering
    @_reads
    def entities(self, db: sqlite3.Connection) -> list[stored_names.StoredEntity]:
        """The collection's entities, most widespread first."""
        return stored_names.entity_list(db)

    @_recovering
    @_reads
    def entity_articles(self, db: sqlite3.Connection, kind: str, canonical: str) -> list[str]:
        """The ids of the articles that mention the entity of that type and name."""
        eid = stored_names.find(db, kind, canonical)
        return [] if eid is None else stored_names.articles_of(db, eid)

    @_recovering
    @_reads
    def entity_article_ids(self, db: sqlite3.Connection, entity_id: int) -> list[str]:
        return stored_names.articles_of(db, entity_id)

    @_recovering
    @_reads
    def entity_aliases(self, db: sqlite3.Connection, entity_id: int):
        """How often each spelling of the entity was written (a Counter)."""
        return stored_names.aliases_of(db, entity_id)

    # --- vocabulary ---------------------------------------------------------------------------

    def _vocabulary(self) -> Vocabulary:
        """The index's words as of the last write that changed them: read again (by one thread,
        on a connection of the pool; other searches wait for it) when one did. A write during the
        reading leaves it to be read again by the next search."""
        vocab = self._vocab
        if vocab is not None and vocab.changes == self._vocab_changes:
            return vocab
        with self._vocab_lock:
            vocab = self._vocab
            if vocab is None or vocab.changes != self._vocab_changes:
                changes = self._vocab_changes
                with self._reading() as db:
                    vocab = Vocabulary.read(db, changes)
                self._vocab = vocab
        return vocab

    def _invalidate_vocabulary(self) -> None:
        self._vocab_changes += 1

    @_recovering
    def ensure_vocabulary(self) -> None:
        self._vocabulary()

    def completions(self, prefix: str) -> list[str]:
        """The most frequent index words that start with ``prefix`` (itself excluded)."""
        return self._vocabulary().completions(prefix)

    def fuzzy(self, word: str) -> list[str]:
        """Index words within ``max_edits(word)`` edits, best first (``Vocabulary.fuzzy``)."""
        return self._vocabulary().fuzzy(word)

    # --- searching ----------------------------------------------------------------------------

    @_recovering
    def search(self, text: str, limit: int = 50, bookmarked: Iterable[str] = (),
               read: Iterable[str] = (), within: Iterable[str] | None = None) -> SearchResult:
        """Ranked hits for the query ``text``; with ``within``, only among those article ids (the
        reader's other filters)."""
        from newsreader.core.search.query import QueryError, parse_query

        t0 = time.perf_counter()
        result = SearchResult(text)
        try:
            query = parse_query(text)
        except QueryError as exc:
            result.error = str(exc)
            result.elapsed_ms = (time.perf_counter() - t0) * 1000
            return result
        if not query.empty:
            vocab = self._vocabulary()
            with self._reading() as db:
                result.hits, result.terms = _Search(db, vocab).run(query, limit, set(bookmarked), set(read),
                                                                   None if within is None else set(within))
        result.elapsed_ms = (time.perf_counter() - t0) * 1000
        return result


class _Search:
    """One search: its connection (``SearchIndex._reading``) and the vocabulary it expands words with."""

    def __init__(self, db: sqlite3.Connection, vocab: Vocabulary) -> None:
        self.db, self.vocab = db, vocab

    def _expand(self, term: Term, last: bool, fuzzy: bool) -> list[str]:
        word = term.words[0]
        out = [word]
        if last:
            out += self.vocab.completions(word)
        if fuzzy:
            out += self.vocab.fuzzy(word)
        return list(dict.fromkeys(w for w in out if w in self.vocab.df or w == word))

    def _cond(self, term: Term, words_: list[str]) -> _Cond:
        """``term`` (expanded to ``words_``) as the two tables see it. A plain word is looked for
        in the names only with those of its words that some article has there (the vocabulary
        says which): the others would find nothing and count nothing."""
        expr = _phrase(term.words) if term.phrase else "(" + " OR ".join(_phrase([w]) for w in words_) + ")"
        cost = sum(self.vocab.df.get(w, 0) for w in (term.words if term.phrase else words_))
        if term.field == "source":
            return _Cond(text=f"source : {expr}", cost=cost)
        if term.field:
            return _Cond(names=f"{term.field} : {expr}")
        named = _named_expr(NAME_FIELDS, term, words_, self.vocab.named)
        bonus = 0.0
        if named:  # the IDF of its most frequent word (FTS5's formula), over the text and the names
            n = max(self.vocab.df.get(w, 0) for w in (term.words if term.phrase else words_))
            bonus = NAME_BONUS * max(math.log((self.vocab.docs - n + 0.5) / (n + 0.5)), 1e-6)
        return _Cond(f"{TEXT_COLUMNS} : {expr}", named, _named_expr("extra", term, words_, self.vocab.extra),
                     plain=True, bonus=bonus, cost=cost)

    def run(self, q: Query, limit: int, bookmarked: set[str], read: set[str], within: set[str] | None = None):
        positive = q.positive
        negative = [t for t in q.terms if t.negated]
        last = positive[-1] if q.prefix_last and positive else None
        if last is not None and len(last.words[0]) < MIN_PREFIX and len(positive) > 1:
            # one or two letters after other words: the word is still being typed and would
            # match half the collection; search with the words before it
            positive = positive[:-1]
            last = None
        matched: set[str] = set()
        exact_words = {id(t): self._expand(t, t is last, False) for t in positive if not t.phrase}
        fuzzy_words = {id(t): self._expand(t, t is last, True) for t in positive if not t.phrase}
        for t in positive:
            matched.update(fuzzy_words.get(id(t), t.words))
        negs = [self._cond(t, [t.words[0]] if not t.phrase else []) for t in negative]
        tiers: list[tuple[str, list[_Cond] | None]] = []
        if positive:
            # words typed in full, close together in the text: NEAR needs plain phrases, so a
            # word still being typed joins with its completions outside the NEAR
            plain = [t for t in positive if not t.phrase and not t.field and t.words[0] in self.vocab.df]
            if len(plain) >= 2:
                others = [self._cond(t, exact_words.get(id(t), [])) for t in positive if t not in plain]
                near = _Cond(text=f"NEAR({' '.join(_phrase([t.words[0]]) for t in plain)}, 12)")
                tiers.append(("near", [near, *others]))
            tiers.append(("exact", [self._cond(t, exact_words.get(id(t), [])) for t in positive]))
            if any(len(fuzzy_words[i]) > len(exact_words[i]) for i in fuzzy_words):
                tiers.append(("fuzzy", [self._cond(t, fuzzy_words.get(id(t), [])) for t in positive]))
        else:
            tiers.append(("exact", None))  # filters only, or only exclusions
        where, params = self._filters(q, bookmarked, read, within)
        seen: dict[int, tuple[float, str]] = {}
        for tier, conds in tiers:
            if len(seen) >= limit:
                break
            if conds is None:
                rows = self._unranked(negs, where, params, limit)
            else:
                rows = self._ranked(conds, negs, where, params, limit)
                if tier != "near":  # nearness is measured on the text
                    rows += self._only_named(conds, negs, where, params)
            for rowid, bm in rows:
                if rowid not in seen:
                    seen[rowid] = (TIER_BONUS[tier] - bm, tier)
        ranked = sorted(seen.items(), key=lambda kv: -kv[1][0])[:limit]
        if not ranked:
            return [], frozenset(matched)
        marks = ",".join("?" * len(ranked))
        articles = {rowid: _unpack(meta, "", lazy=True) for rowid, meta in self.db.execute(
            f"SELECT rowid, meta FROM docs WHERE rowid IN ({marks})", [r for r, _ in ranked])}
        paths = _paths_of(self.db, [a.id for a in articles.values()])
        terms = frozenset(matched)
        hits = []
        for rowid, (score, tier) in ranked:
            article = articles[rowid]
            article.paths = paths.get(article.id, [])
            hits.append(self._hit(article, self._text_start(rowid), score, tier, terms))
        return hits, terms

    def _query(self, sql: str, args: Sequence) -> list[tuple]:
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.OperationalError as exc:  # should not happen: words are folded
            if "syntax error" not in str(exc):
                raise  # not the query: the index (see _recovering)
            from newsreader.core.search.query import QueryError

            raise QueryError(f"the query could not be run ({exc})") from None

    def _unranked(self, negs: list[_Cond], where: list[str], params: list, limit: int) -> list[tuple]:
        """Filters only, or only exclusions: the newest articles that pass."""
        conds, args = list(where), list(params)
        not_text, not_names = _exclusions(negs)
        if not_text:
            conds.append("d.rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            args.append(" OR ".join(not_text))
        if not_names:
            conds.append("d.rowid NOT IN (SELECT rowid FROM names WHERE names MATCH ?)")
            args.append(" OR ".join(not_names))
        sql = "SELECT d.rowid, 0.0 FROM docs d" + (" WHERE " + " AND ".join(conds) if conds else "")
        return self._query(sql + " ORDER BY d.date DESC LIMIT ?", [*args, limit])

    def _ranked(self, conds: list[_Cond], negs: list[_Cond], where: list[str], params: list,
                limit: int) -> list[tuple]:
        """The best ``limit`` articles whose text has every plain word (and the names every
        ``per:``-like term): (rowid, BM25 of the text less the bonus of each plain word that is
        one of its names; BM25 of the names for ``per:``-like terms alone)."""
        text = [c.text for c in conds if c.text]
        named = [c.names for c in conds if not c.text]
        not_text, not_names = _exclusions(negs)
        if not text:  # per:, loc:, … only: the names table alone
            table, match = "names", " AND ".join(named) + "".join(f" NOT {e}" for e in not_names)
            score, checks = _BM25_NAMES, []
            if not_text:
                checks.append(("+names.rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)",
                               " OR ".join(not_text)))
            args = []
        else:
            table, match = "fts", " AND ".join(text) + "".join(f" NOT {e}" for e in not_text)
            score, checks = _BM25, []
            if named:
                checks.append(("+fts.rowid IN (SELECT rowid FROM names WHERE names MATCH ?)", " AND ".join(named)))
            if not_names:
                checks.append(("+fts.rowid NOT IN (SELECT rowid FROM names WHERE names MATCH ?)",
                               " OR ".join(not_names)))
            bonus = [c for c in conds if c.bonus]  # plain words that are some article's names
            score += "".join(f" - CASE WHEN fts.rowid IN (SELECT rowid FROM names WHERE names MATCH ?) "
                             f"THEN {c.bonus!r} ELSE 0.0 END" for c in bonus)
            args = [c.names for c in bonus]
        sql = (f"SELECT {table}.rowid, {score} AS s FROM {table} "
               + (f"JOIN docs d ON d.rowid = {table}.rowid " if where else "")
               + f"WHERE {table} MATCH ? " + "".join(f"AND {c} " for c in where)
               + "".join(f"AND {c} " for c, _ in checks) + "ORDER BY s LIMIT ?")
        return self._query(sql, [*args, match, *params, *(a for _, a in checks), limit])

    def _only_named(self, conds: list[_Cond], negs: list[_Cond], where: list[str], params: list) -> list[tuple]:
        """The articles that match only because a plain word is one of their names and not in
        their text (``names.extra``: a genitive's base), with their scores as in :meth:`_ranked`.
        They are few: each plain word's candidates come from ``extra``, and each group of them
        (by which words they have only as names) is checked for the other words in the text."""
        plain = [c for c in conds if c.extra]
        if not plain:
            return []
        sets = [{r for (r,) in self._query("SELECT rowid FROM names WHERE names MATCH ?", [c.extra])} for c in plain]
        candidates = set().union(*sets)
        if not candidates:
            return []
        not_text, not_names = _exclusions(negs)
        named = [c.names for c in conds if not c.text]
        if named:  # per:, loc:, …
            candidates &= self._in("names", " AND ".join(named), candidates).keys()
        if not_names and candidates:
            candidates -= self._in("names", " OR ".join(not_names), candidates).keys()
        if where and candidates:
            ids = ",".join(map(str, sorted(candidates)))
            candidates = {r for (r,) in self.db.execute(
                f"SELECT d.rowid FROM docs d WHERE d.rowid IN ({ids}) AND " + " AND ".join(where), params)}
        if not candidates:
            return []
        groups: dict[tuple[int, ...], list[int]] = {}
        for rowid in sorted(candidates):
            groups.setdefault(tuple(i for i, s in enumerate(sets) if rowid in s), []).append(rowid)
        text_only = [c for c in conds if c.text and not c.extra]  # source:, words no article has only as names
        scores: dict[int, float] = {}
        for key, ids in groups.items():
            need = sorted([c for i, c in enumerate(plain) if i not in key] + text_only, key=lambda c: c.cost)
            for c in need[:-1]:  # the other words must be in the text: the rare ones are looked for first
                ids = sorted(self._in("fts", c.text, ids))
                if not ids:
                    break
            if need and ids:  # and all of them, for their share of the score
                scores.update(self._in("fts", " AND ".join(c.text for c in need)
                                       + "".join(f" NOT {e}" for e in not_text), ids, _BM25))
            elif not need:
                found = dict.fromkeys(ids, 0.0)
                if not_text:
                    for rowid in self._in("fts", " OR ".join(not_text), ids):
                        found.pop(rowid, None)
                scores.update(found)
        for c in conds:
            if c.bonus and scores:
                for rowid in self._in("names", c.names, scores):
                    scores[rowid] -= c.bonus
        return list(scores.items())

    def _in(self, table: str, match: str, ids: Iterable[int], score: str | None = None) -> dict[int, float]:
        """{rowid: score} of the articles among ``ids`` that ``match`` in ``table``. The match
        is run whole and its rows are checked against ``ids`` (``+rowid``): a lookup by rowid
        is a query of its own in FTS5 (about a millisecond each), and BM25 would count every
        word's articles again for each of them."""
        marks = ",".join(map(str, sorted(ids)))
        return dict(self._query(f"SELECT {table}.rowid, {score or '0.0'} FROM {table} WHERE {table} MATCH ? "
                                f"AND +{table}.rowid IN ({marks})", [match]))

    def _text_start(self, rowid: int) -> tuple[str, bool]:
        """The first ``SNIPPET_BYTES`` of a text, and whether there is more: a long text is read
        as a blob, so a 60 MB text costs no more than a short one (which is kept compressed)."""
        compressed = _compressed(self.db, rowid)
        if compressed is not None:
            data = _inflate(compressed)
            more = len(data) > SNIPPET_BYTES
            return data[:SNIPPET_BYTES].decode("utf-8", "ignore" if more else "strict"), more
        with self.db.blobopen("bodies", "body", rowid, readonly=True) as blob:
            data = blob.read(SNIPPET_BYTES)
            more = len(blob) > len(data)
        return data.decode("utf-8", "ignore" if more else "strict"), more  # a cut character is dropped

    def _filters(self, q: Query, bookmarked: set[str], read: set[str],
                 within: set[str] | None = None) -> tuple[list[str], list]:
        where: list[str] = []
        params: list = []
        if q.date_from:
            where.append("d.date >= ?")
            params.append(q.date_from)
        if q.date_to:
            where.append("d.date < ?")
            params.append(q.date_to)
        if "bookmarked" in q.flags:
            self._temp_ids("bookmarked", bookmarked)
            where.append("d.article_id IN (SELECT id FROM temp.bookmarked)")
        if "unread" in q.flags:
            self._temp_ids("read", read)
            where.append("d.article_id NOT IN (SELECT id FROM temp.read)")
        if within is not None:
            self._temp_ids("within", within)
            where.append("d.article_id IN (SELECT id FROM temp.within)")
        return where, params

    def _temp_ids(self, name: str, ids: set[str]) -> None:
        self.db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} (id TEXT PRIMARY KEY)")
        self.db.execute(f"DELETE FROM temp.{name}")
        self.db.executemany(f"INSERT OR IGNORE INTO temp.{name} VALUES (?)", [(i,) for i in ids])

    @staticmethod
    def _hit(article: Article, start: tuple[str, bool], score: float, tier: str, terms: frozenset[str]) -> Hit:
        """A hit with its snippet: around the first match in the start of the text ``start``
        (its text and whether more follows), else the text's beginning."""
        matches = [Match("title", s, e) for s, e in find_terms(article.title, terms)]
        body, more = start
        found = find_terms(body, terms)
        first = next(found, None)
        snippet, offset, end = _snippet(body, first[0] if first else 0)
        lead = "…" if offset > 0 else ""
        spans = [first] if first else []
        for s, e in found:  # the rest, only as far as the snippet reaches
            if s >= end:
                break
            spans.append((s, e))
        for s, e in spans:
            if s >= offset and e <= end:
                matches.append(Match("snippet", s - offset + len(lead), e - offset + len(lead)))
        text = lead + snippet + ("…" if end < len(body) or more else "")
        return Hit(article, score, tier, text, matches)


def _snippet(body: str, at: int) -> tuple[str, int, int]:
    """About SNIPPET_CHARS of ``body`` around offset ``at``, cut at spaces; newlines become spaces
    (one for one, so offsets hold)."""
    start = max(0, at - SNIPPET_CHARS // 3)
    if start > 0:
        space = body.find(" ", start, at)
        start = space + 1 if space >= 0 else start
    end = min(len(body), start + SNIPPET_CHARS)
    if end < len(body):
        space = body.rfind(" ", max(at + 1, start + 1), end)
        end = space if space > at else end
    return body[start:end].replace("\n", " ").replace("\r", " "), start, end


def match_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the matched words occur in ``text`` (for highlighting in the reader)."""
    return list(find_terms(text, frozenset(terms)))
