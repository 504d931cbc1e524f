"""The persistent search index: SQLite FTS5 in the user cache folder, one database per collection.

Layout (schema ``SCHEMA``):

- ``files``: every file seen, with its mtime and size, the article ids it held, or why it was
  skipped. A refresh parses only files that are new or whose mtime/size changed; files that are
  gone are dropped, and so are articles no file holds any more.
- ``docs``: one row per article: its metadata (a marshal'd tuple, fast to read back), its ISO
  date for ``date:`` filters and its entity names; ``bodies`` holds the texts, so a relaunch
  lists a large collection without reading them and needs no parsing.
- ``fts``: a contentless FTS5 table over folded text (``fold.index_text``: hyphenated compounds
  are also indexed joined) with the columns
  title, body, per, loc, org, misc, source.

A database that cannot be opened, is not ours or has another schema version is moved aside and
rebuilt; ``notices`` says so.

Search: each query word is expanded against the index vocabulary (kept in memory): the exact
folded word, prefix completions for the word still being typed, and words within a small edit
distance (``fold.max_edits``, optimal string alignment via rapidfuzz). Results are ranked by
FTS5's BM25 with column weights (title 4, entity names 2, body and source 1) in tiers: all words
near each other (within 12 words) first, then exact matches, then matches that needed a typo
correction.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import heapq
import json
import marshal
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.core.article import Article, ArticleDate, ner_texts, sort_articles
from newsreader.core.discover import Skipped, discover_stat
from newsreader.core.search.fold import find_terms, folded_text, index_text, max_edits

if TYPE_CHECKING:  # the query parser loads with the first search: listing articles needs none of it
    from newsreader.core.search.query import Query, Term

SCHEMA = 4
COLUMNS = ("title", "body", "per", "loc", "org", "misc", "source")
TEXT_COLUMNS = "{title body per loc org misc}"
WEIGHTS = (4.0, 1.0, 2.0, 2.0, 2.0, 2.0, 1.0)
TIER_BONUS = {"near": 2000.0, "exact": 1000.0, "fuzzy": 0.0}
MAX_COMPLETIONS = 30
MIN_PREFIX = 3          # a word being typed completes from its third letter on
MAX_FUZZY = 12
SNIPPET_CHARS = 180
ENTITY_TYPES = ("PER", "LOC", "ORG", "MISC")

Progress = Callable[[int, int, str], None]  # done, total, what


@dataclass
class Match:
    field: str   # "title", "snippet" or "body"
    start: int
    end: int

    def to_json(self) -> dict:
        return {"field": self.field, "start": self.start, "end": self.end}


@dataclass
class Hit:
    article: Article
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


def collection_key(paths: Sequence[str | os.PathLike]) -> str:
    roots = sorted(os.path.abspath(p) for p in paths)
    return hashlib.blake2b("\0".join(roots).encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()


def default_index_path(paths: Sequence[str | os.PathLike]) -> Path:
    from newsreader.core.paths import cache_dir

    return cache_dir() / "index" / f"{collection_key(paths)}.sqlite"


def _fts_values(a: Article, ents: dict) -> tuple[str, ...]:
    return (index_text(a.title), index_text(a.body),
            *(folded_text(" ; ".join(ents.get(t, []))) for t in ENTITY_TYPES),
            folded_text(a.source or ""))


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


def _unpack(blob: bytes, body: str, lazy: bool = False) -> Article:
    aid, title, date, source, author, url, kicker, redecoded, boilerplate, notices = marshal.loads(blob)
    return Article(id=aid, title=title, body=body,
                   date=ArticleDate(datetime.fromisoformat(date[0]), date[1], date[2]) if date else None,
                   source=source, author=author, url=url, kicker=kicker, redecoded=redecoded,
                   boilerplate=boilerplate, notices=notices, lazy=lazy)


def _phrase(words_: Iterable[str]) -> str:
    return '"' + " ".join(words_) + '"'


class SearchIndex:
    def __init__(self, path: Path | None):
        """``path=None``: an in-memory index (tests, one-off use)."""
        self.path = path
        self.notices: list[str] = []
        self._vocab: list[str] = []
        self._df: dict[str, int] = {}
        self._by_first: dict[tuple[int, str], list[str]] = {}
        self._by_second: dict[tuple[int, str], list[str]] = {}
        self._completion_cache: dict[str, list[str]] = {}
        self._fuzzy_cache: dict[str, list[str]] = {}
        # One connection, shared by the UI thread and workers: every use of it holds this lock;
        # parsing and entity recognition run outside it.
        self.lock = threading.RLock()
        self.db = self._open()

    # --- storage ------------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            return self._create(sqlite3.connect(":memory:", check_same_thread=False))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = None
        try:
            db = sqlite3.connect(self.path, check_same_thread=False)
            (version,) = db.execute("PRAGMA user_version").fetchone()
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            if version == SCHEMA and {"files", "docs", "bodies", "fts", "holds"} <= tables:
                db.execute("SELECT count(*) FROM docs").fetchone()
                return db
            if version == 0 and not tables:
                return self._create(db)
            reason = f"schema version {version}, this newsreader uses {SCHEMA}"
        except sqlite3.DatabaseError as exc:
            reason = str(exc)
        if db is not None:
            db.close()
        aside = self.path.with_name(f"{self.path.name}.old-{time.strftime('%Y%m%d-%H%M%S')}")
        self.path.replace(aside)
        self.notices.append(f"search index {self.path} was rebuilt ({reason}); the old file is {aside}")
        return self._create(sqlite3.connect(self.path, check_same_thread=False))

    @staticmethod
    def _create(db: sqlite3.Connection) -> sqlite3.Connection:
        db.executescript(f"""
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER,
                                              ids TEXT NOT NULL, reason TEXT);
            CREATE TABLE IF NOT EXISTS docs (rowid INTEGER PRIMARY KEY, article_id TEXT UNIQUE NOT NULL,
                                             date TEXT, meta BLOB NOT NULL, ents TEXT);
            CREATE TABLE IF NOT EXISTS bodies (rowid INTEGER PRIMARY KEY, body TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS docs_date ON docs(date);
            CREATE TABLE IF NOT EXISTS holds (article_id TEXT NOT NULL, path TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS holds_id ON holds(article_id);
            CREATE INDEX IF NOT EXISTS holds_path ON holds(path);
            CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5({", ".join(COLUMNS)}, content='',
                                                              tokenize='unicode61 remove_diacritics 0');
            CREATE VIRTUAL TABLE IF NOT EXISTS vocab USING fts5vocab(fts, 'row');
            PRAGMA user_version = {SCHEMA};
        """)
        db.commit()
        return db

    @_locked
    def close(self) -> None:
        self.db.close()

    @_locked
    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM docs").fetchone()[0]

    # --- building -----------------------------------------------------------------------------

    def refresh(self, paths: Sequence[str | os.PathLike], progress: Progress | None = None,
                batch: int = 500, on_batch: Callable[[], None] | None = None) -> RefreshReport:
        """Bring the index up to date with the files below ``paths``: parse only new or changed
        files, drop files that are gone and articles nobody holds any more. Entity names are added
        afterwards by :meth:`recognize_pending`, so the text is searchable at once. ``on_batch`` is
        called after each committed batch of files (a UI can list what is there so far)."""
        t0 = time.perf_counter()
        report = RefreshReport()
        with self.lock:
            known = {_fs_path(p): (m, s, reason) for p, m, s, reason in
                     self.db.execute("SELECT path, mtime_ns, size, reason FROM files")}
            have_ids = {r[0] for r in self.db.execute("SELECT article_id FROM docs")}
        todo: list[tuple[str, int, int]] = []
        seen: set[str] = set()
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
        gone = [p for p in known if p not in seen]
        with self.lock, self.db:
            self.db.executemany("DELETE FROM files WHERE path = ?", [(_db_path(p),) for p in gone])
            self.db.executemany("DELETE FROM holds WHERE path = ?", [(_db_path(p),) for p in gone])
        report.removed_files = len(gone)

        if todo:
            from newsreader.core.loader import LoadError, load_file  # the parsers load only when needed
        for start in range(0, len(todo), batch):
            chunk = todo[start:start + batch]
            new_articles: dict[str, Article] = {}
            rows = []
            for n, (key, mtime, size) in enumerate(chunk, start + 1):
                if progress:
                    progress(n, len(todo), key)
                try:
                    articles = load_file(Path(key))
                    reason = None
                except LoadError as exc:
                    articles, reason = [], str(exc)
                except Exception as exc:  # a parser bug must not stop indexing
                    articles, reason = [], f"could not be parsed ({type(exc).__name__}: {exc})"
                if reason:
                    report.skipped.append(Skipped(key, reason))
                report.parsed += 1
                ids = []
                for a in articles:
                    ids.append(a.id)
                    if a.id not in have_ids and a.id not in new_articles:
                        new_articles[a.id] = a
                rows.append((_db_path(key), mtime, size, json.dumps(ids), reason))
            with self.lock, self.db:  # files and their articles land together or not at all
                for a in new_articles.values():
                    cur = self.db.execute("INSERT INTO docs (article_id, date, meta, ents) VALUES (?, ?, ?, NULL)",
                                          (a.id, a.date.iso() if a.date else None, _pack(a)))
                    self.db.execute("INSERT INTO bodies VALUES (?, ?)", (cur.lastrowid, a.body))
                    self.db.execute(f"INSERT INTO fts (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                    (cur.lastrowid, *_fts_values(a, {})))
                    have_ids.add(a.id)
                self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", rows)
                self.db.executemany("DELETE FROM holds WHERE path = ?", [(r[0],) for r in rows])
                self.db.executemany("INSERT INTO holds VALUES (?, ?)",
                                    [(aid, r[0]) for r in rows for aid in dict.fromkeys(json.loads(r[3]))])
            report.added_articles += len(new_articles)
            if on_batch is not None:
                on_batch()
        with self.lock:
            report.removed_articles = self._drop_orphans()
            if report.parsed or report.removed_articles:
                self._invalidate_vocabulary()
        report.seconds = time.perf_counter() - t0
        return report

    @_locked
    def pending_entities(self) -> int:
        return self.db.execute("SELECT count(*) FROM docs WHERE ents IS NULL").fetchone()[0]

    def recognize_pending(self, recognizer, entity_cache=None, progress: Progress | None = None,
                          batch: int = 50) -> int:
        """Run the recognizer on articles that have no entity names yet and index the names
        (``per:``, ``loc:``, ``org:``, ``misc:``). Returns how many articles were done."""
        total = self.pending_entities()
        done = 0
        while True:
            with self.lock:
                rows = self.db.execute("SELECT d.rowid, d.meta, b.body FROM docs d JOIN bodies b ON b.rowid = d.rowid "
                                       "WHERE d.ents IS NULL LIMIT ?", (batch,)).fetchall()
            if not rows:
                break
            articles = [_unpack(m, b) for _, m, b in rows]
            ents = self._entities(articles, recognizer, entity_cache)
            with self.lock, self.db:
                for (rowid, _, _), a in zip(rows, articles):
                    e = ents.get(a.id, {})
                    self.db.execute(f"INSERT INTO fts (fts, rowid, {', '.join(COLUMNS)}) "
                                    "VALUES ('delete', ?, ?, ?, ?, ?, ?, ?, ?)", (rowid, *_fts_values(a, {})))
                    self.db.execute(f"INSERT INTO fts (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                    (rowid, *_fts_values(a, e)))
                    self.db.execute("UPDATE docs SET ents = ? WHERE rowid = ?", (json.dumps(e, ensure_ascii=False), rowid))
            done += len(rows)
            if progress:
                progress(done, total, "entities")
        if done:
            with self.lock:
                self._invalidate_vocabulary()
        return done

    def _entities(self, articles: list[Article], recognizer, entity_cache) -> dict[str, dict[str, list[str]]]:
        if recognizer is None or not articles:
            return {}
        from newsreader.core.ner.cache import EntityCache, recognize_all
        from newsreader.core.ner.link import link_article

        cache = entity_cache if entity_cache is not None else EntityCache(None)
        found = recognize_all(ner_texts(articles), recognizer, cache)
        known = getattr(recognizer, "is_known_base", None)
        out = {}
        for n, a in enumerate(articles):
            names: dict[str, set[str]] = {}
            for lm in link_article(found[2 * n] + found[2 * n + 1], known):
                names.setdefault(lm.mention.type, set()).update({lm.mention.text, lm.base})
            out[a.id] = {k: sorted(v) for k, v in names.items()}
        return out

    def _drop_orphans(self) -> int:
        orphans = self.db.execute("SELECT d.rowid, d.meta, b.body, d.ents FROM docs d JOIN bodies b ON b.rowid = d.rowid "
                                  "WHERE d.article_id NOT IN (SELECT article_id FROM holds)").fetchall()
        with self.db:
            for rowid, meta, body, ents in orphans:
                values = _fts_values(_unpack(meta, body), json.loads(ents) if ents else {})
                self.db.execute(f"INSERT INTO fts (fts, rowid, {', '.join(COLUMNS)}) "
                                "VALUES ('delete', ?, ?, ?, ?, ?, ?, ?, ?)", (rowid, *values))
                self.db.execute("DELETE FROM docs WHERE rowid = ?", (rowid,))
                self.db.execute("DELETE FROM bodies WHERE rowid = ?", (rowid,))
        return len(orphans)

    # --- reading ------------------------------------------------------------------------------

    @_locked
    def paths_of(self, article_id: str) -> list[str]:
        rows = self.db.execute("SELECT path FROM holds WHERE article_id = ? ORDER BY path", (article_id,))
        return [_fs_path(p) for (p,) in rows]

    @contextlib.contextmanager
    def _reader(self):
        """A connection for a long read. A file index gets a connection of its own (SQLite's WAL
        lets it read while another writes), so a long read does not hold the lock that the UI
        thread needs to show an article; an in-memory index reads under the lock."""
        if self.path is None:
            with self.lock:
                yield self.db
            return
        db = sqlite3.connect(self.path)
        try:
            yield db
        finally:
            db.close()

    def articles(self, bodies: bool = True) -> list[Article]:
        """Every article in the index, newest first, with the paths it was found at. With
        ``bodies=False`` the articles come without their text (``lazy``; see :meth:`fill`),
        which is what a fast start needs."""
        out = []
        sql = ("SELECT d.meta, b.body FROM docs d JOIN bodies b ON b.rowid = d.rowid" if bodies
               else "SELECT meta, '' FROM docs")
        with self._reader() as db:
            paths: dict[str, list[str]] = {}
            for aid, path in db.execute("SELECT article_id, path FROM holds ORDER BY path"):
                paths.setdefault(aid, []).append(_fs_path(path))
            for meta, body in db.execute(sql):
                a = _unpack(meta, body, lazy=not bodies)
                a.paths = paths.get(a.id, [])
                out.append(a)
        return sort_articles(out)

    @_locked
    def fill(self, article: Article) -> Article:
        """Load the text of an article listed with ``bodies=False``."""
        if article.lazy:
            row = self.db.execute("SELECT b.body FROM docs d JOIN bodies b ON b.rowid = d.rowid "
                                  "WHERE d.article_id = ?", (article.id,)).fetchone()
            if row is not None:
                article.body = row[0]
                article.lazy = False
        return article

    @_locked
    def entity_names(self, article_id: str) -> dict[str, list[str]]:
        row = self.db.execute("SELECT ents FROM docs WHERE article_id = ?", (article_id,)).fetchone()
        return json.loads(row[0]) if row and row[0] else {}

    # --- vocabulary ---------------------------------------------------------------------------

    def _load_vocabulary(self) -> None:
        with self._reader() as db:
            rows = db.execute("SELECT term, doc FROM vocab").fetchall()  # sorted by term
        self._vocab = [t for t, _ in rows]
        self._df = dict(rows)
        # candidates for typo matching, by length and by first and by second letter
        by_first: dict[tuple[int, str], list[str]] = {}
        by_second: dict[tuple[int, str], list[str]] = {}
        for t in self._vocab:
            by_first.setdefault((len(t), t[0]), []).append(t)
            if len(t) > 1:
                by_second.setdefault((len(t), t[1]), []).append(t)
        self._by_first, self._by_second = by_first, by_second
        self._completion_cache.clear()
        self._fuzzy_cache.clear()

    def _invalidate_vocabulary(self) -> None:
        self._vocab = []
        self._completion_cache.clear()
        self._fuzzy_cache.clear()

    def ensure_vocabulary(self) -> None:
        if not self._vocab:
            self._load_vocabulary()

    def completions(self, prefix: str) -> list[str]:
        """The most frequent index words that start with ``prefix`` (itself excluded)."""
        if len(prefix) < MIN_PREFIX:
            return []
        hit = self._completion_cache.get(prefix)
        if hit is None:
            lo = bisect.bisect_right(self._vocab, prefix)
            hi = bisect.bisect_left(self._vocab, prefix + "\U0010ffff")
            hit = heapq.nlargest(MAX_COMPLETIONS, self._vocab[lo:hi], key=self._df.__getitem__)
            self._completion_cache[prefix] = hit
        return hit

    def fuzzy(self, word: str) -> list[str]:
        """Index words within ``max_edits(word)`` edits (transpositions count once), best first.

        Candidates share the word's length give or take the edits, and its first or second letter
        in the first or second place: a typo in both of the first two letters is not corrected.
        """
        k = max_edits(word)
        if k == 0:
            return []
        hit = self._fuzzy_cache.get(word)
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
            ranked = sorted(found.items(), key=lambda kv: (kv[1], -self._df.get(kv[0], 0), kv[0]))
            hit = [c for c, _ in ranked[:MAX_FUZZY]]
            if len(self._fuzzy_cache) > 5000:
                self._fuzzy_cache.clear()
            self._fuzzy_cache[word] = hit
        return hit

    # --- searching ----------------------------------------------------------------------------

    @_locked
    def search(self, text: str, limit: int = 50, bookmarked: Iterable[str] = (),
               read: Iterable[str] = ()) -> SearchResult:
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
            self.ensure_vocabulary()
            result.hits, result.terms = self._run(query, limit, set(bookmarked), set(read))
        result.elapsed_ms = (time.perf_counter() - t0) * 1000
        return result

    def _expand(self, term: Term, last: bool, fuzzy: bool) -> list[str]:
        word = term.words[0]
        out = [word]
        if last:
            out += self.completions(word)
        if fuzzy:
            out += self.fuzzy(word)
        return list(dict.fromkeys(w for w in out if w in self._df or w == word))

    def _group(self, term: Term, words_: list[str]) -> str:
        if term.phrase:
            expr = _phrase(term.words)
        else:
            expr = "(" + " OR ".join(_phrase([w]) for w in words_) + ")"
        column = term.field if term.field else TEXT_COLUMNS
        return f"{column} : {expr}"

    def _run(self, q: Query, limit: int, bookmarked: set[str], read: set[str]):
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
        neg = " ".join(f"NOT {self._group(t, [t.words[0]] if not t.phrase else [])}" for t in negative)
        tiers: list[tuple[str, str | None]] = []
        if positive:
            # words typed in full, close together: NEAR needs plain phrases, so a word still
            # being typed joins with its completions outside the NEAR
            plain = [t for t in positive if not t.phrase and not t.field and t.words[0] in self._df]
            if len(plain) >= 2:
                others = [self._group(t, exact_words.get(id(t), [])) for t in positive if t not in plain]
                near = f"NEAR({' '.join(_phrase([t.words[0]]) for t in plain)}, 12)"
                tiers.append(("near", " AND ".join([near, *others]) + (" " + neg if neg else "")))
            exact = " AND ".join(self._group(t, exact_words.get(id(t), [])) for t in positive)
            tiers.append(("exact", exact + (" " + neg if neg else "")))
            if any(len(fuzzy_words[i]) > len(exact_words[i]) for i in fuzzy_words):
                fz = " AND ".join(self._group(t, fuzzy_words.get(id(t), [])) for t in positive)
                tiers.append(("fuzzy", fz + (" " + neg if neg else "")))
        else:
            tiers.append(("exact", None))  # filters only, or only exclusions
        where, params = self._filters(q, bookmarked, read)
        seen: dict[int, tuple[float, str]] = {}
        for tier, match in tiers:
            if len(seen) >= limit:
                break
            if match is None:
                sql = "SELECT d.rowid, 0.0 FROM docs d"
                conds = list(where)
                args = list(params)
                if negative:
                    neg_expr = " OR ".join(self._group(t, [t.words[0]] if not t.phrase else []) for t in negative)
                    conds.append("d.rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
                    args.append(neg_expr)
                sql += (" WHERE " + " AND ".join(conds) if conds else "") + " ORDER BY d.date DESC LIMIT ?"
                rows = self.db.execute(sql, [*args, limit]).fetchall()
            else:
                sql = (f"SELECT fts.rowid, bm25(fts, {', '.join(map(str, WEIGHTS))}) AS s FROM fts "
                       + ("JOIN docs d ON d.rowid = fts.rowid " if where else "")
                       + "WHERE fts MATCH ? " + "".join(f"AND {c} " for c in where)
                       + "ORDER BY s LIMIT ?")
                try:
                    rows = self.db.execute(sql, [match, *params, limit]).fetchall()
                except sqlite3.OperationalError as exc:  # should not happen: words are folded
                    from newsreader.core.search.query import QueryError

                    raise QueryError(f"the query could not be run ({exc})") from None
            for rowid, bm in rows:
                if rowid not in seen:
                    seen[rowid] = (TIER_BONUS[tier] - bm, tier)
        ranked = sorted(seen.items(), key=lambda kv: -kv[1][0])[:limit]
        if not ranked:
            return [], frozenset(matched)
        marks = ",".join("?" * len(ranked))
        articles = {rowid: _unpack(meta, body) for rowid, meta, body in self.db.execute(
            f"SELECT d.rowid, d.meta, b.body FROM docs d JOIN bodies b ON b.rowid = d.rowid WHERE d.rowid IN ({marks})",
            [r for r, _ in ranked])}
        paths: dict[str, list[str]] = {}
        for aid, path in self.db.execute(f"SELECT article_id, path FROM holds WHERE article_id IN ({marks}) "
                                         "ORDER BY path", [a.id for a in articles.values()]):
            paths.setdefault(aid, []).append(_fs_path(path))
        terms = frozenset(matched)
        hits = []
        for rowid, (score, tier) in ranked:
            article = articles[rowid]
            article.paths = paths.get(article.id, [])
            hits.append(self._hit(article, score, tier, terms))
        return hits, terms

    def _filters(self, q: Query, bookmarked: set[str], read: set[str]) -> tuple[list[str], list]:
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
        return where, params

    def _temp_ids(self, name: str, ids: set[str]) -> None:
        self.db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} (id TEXT PRIMARY KEY)")
        self.db.execute(f"DELETE FROM temp.{name}")
        self.db.executemany(f"INSERT OR IGNORE INTO temp.{name} VALUES (?)", [(i,) for i in ids])

    @staticmethod
    def _hit(article: Article, score: float, tier: str, terms: frozenset[str]) -> Hit:
        matches = [Match("title", s, e) for s, e in find_terms(article.title, terms)]
        body = article.body
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
        text = lead + snippet + ("…" if end < len(article.body) else "")
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
