"""The names of a collection, stored in its index: found once, linked once, read by everyone.

Per article (``docs.ents``, a zlib'd marshal blob; NULL while its names are still to be found): its
mentions as the recognizer found them (offsets into the title and into the text, type, text,
confidence), the article-level name each stands for (``link_article``: a genitive is its base,
a lone surname the one full name of the article that ends with it) and ``extra``, the folded
names its text does not contain as written (the search's ``names.extra`` column).

Across the collection:

- ``groups``: one per type and folded article-level name (``link.name_key``), with the entity it
  belongs to (``entity``, NULL until the names are resolved);
- ``forms``: for each group, how often each spelling was the article-level name (``bases``: the
  canonical name is chosen from these) and how often it was written so (``surfaces``: aliases);
- ``group_docs``: which articles have a group, how many times;
- ``entities``: the groups resolved into entities (``link.resolve``: spelling variants,
  genitives, lone surnames), with their canonical name and counts.

An article's names are added or taken away one article at a time (counts up and down, in the
write transaction of the article itself); the entities are then resolved again over the groups,
never over the mentions (``resolve``), and each article's row in the search's ``names`` table is
rewritten when the spellings of its entities changed: it holds every spelling of every entity of
the article, so ``per:"Wladimir Putin"`` finds each article the names panel lists under that name.
"""

from __future__ import annotations

import hashlib
import itertools
import marshal
import sqlite3
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsreader.core.ner.types import TYPES

if TYPE_CHECKING:
    from newsreader.core.ner.types import LinkedMention

ENTITY_TYPES = TYPES  # the recognizers' types, in the search's column order
BLOB_VERSION = 1

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS groups (id INTEGER PRIMARY KEY, type TEXT NOT NULL, key TEXT NOT NULL,"
    " entity INTEGER, UNIQUE (type, key))",
    "CREATE INDEX IF NOT EXISTS groups_entity ON groups(entity)",
    "CREATE TABLE IF NOT EXISTS forms (grp INTEGER NOT NULL, text TEXT NOT NULL, bases INTEGER NOT NULL,"
    " surfaces INTEGER NOT NULL, PRIMARY KEY (grp, text)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS group_docs (grp INTEGER NOT NULL, doc INTEGER NOT NULL, n INTEGER NOT NULL,"
    " PRIMARY KEY (grp, doc)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS group_docs_doc ON group_docs(doc)",
    "CREATE TABLE IF NOT EXISTS entities (id INTEGER PRIMARY KEY, type TEXT NOT NULL, canonical TEXT NOT NULL,"
    " articles INTEGER NOT NULL, mentions INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS entities_name ON entities(type, canonical)",
    "CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
TABLES = {"groups", "forms", "group_docs", "entities", "info"}


@dataclass(frozen=True)
class StoredEntity:
    """One entity of the collection, as the entity list shows it (its articles: :func:`articles_of`)."""

    id: int
    type: str
    canonical: str
    article_count: int
    mentions: int


# --- one article's names ------------------------------------------------------------------------

def pack(title: list[LinkedMention], body: list[LinkedMention], extra: Iterable[str]) -> bytes:
    def rows(linked: list[LinkedMention]) -> list[tuple]:
        return [(lm.mention.start, lm.mention.end, lm.mention.text, lm.mention.type, lm.mention.confidence,
                 lm.base) for lm in linked]

    return zlib.compress(marshal.dumps((BLOB_VERSION, rows(title), rows(body), sorted(extra))), 6)


def unpack(blob: bytes) -> tuple[list[LinkedMention], list[LinkedMention], list[str]]:
    """The article's mentions (title, text) and its extra names; ValueError when the blob is not
    one newsreader wrote."""
    try:
        # compressed (a third of the room), or as the first stored names were written
        version, title, body, extra = marshal.loads(zlib.decompress(blob) if blob[:1] == b"x" else blob)
    except (EOFError, ValueError, TypeError, zlib.error) as exc:
        raise ValueError(f"an article's stored names cannot be read ({exc})") from None
    if version != BLOB_VERSION or type(title) is not list or type(body) is not list or type(extra) is not list:
        raise ValueError("an article's stored names are not in the form newsreader writes")

    from newsreader.core.ner.types import LinkedMention, Mention

    def linked(rows: list) -> list[LinkedMention]:
        out = []
        for row in rows:
            if not (type(row) is tuple and len(row) == 6 and type(row[0]) is int and type(row[1]) is int
                    and type(row[2]) is str and row[3] in ENTITY_TYPES and type(row[5]) is str):
                raise ValueError("an article's stored names are not in the form newsreader writes")
            start, end, text, kind, confidence, base = row
            out.append(LinkedMention(Mention(start, end, text, kind, confidence), base, base))
        return out

    if not all(type(x) is str for x in extra):
        raise ValueError("an article's stored names are not in the form newsreader writes")
    return linked(title), linked(body), extra


def _group_counts(linked: Iterable[LinkedMention]) -> dict[tuple[str, str], list]:
    """(type, key) → [mentions, the base spellings, the written spellings] in one article, each
    spelling with its count."""
    from newsreader.core.ner.link import name_key

    out: dict[tuple[str, str], list] = {}
    for lm in linked:
        g = (lm.mention.type, name_key(lm.base))
        if not g[1]:
            continue
        entry = out.get(g)
        if entry is None:
            entry = out[g] = [0, {}, {}]
        entry[0] += 1
        bases, surfaces = entry[1], entry[2]
        bases[lm.base] = bases.get(lm.base, 0) + 1
        surfaces[lm.mention.text] = surfaces.get(lm.mention.text, 0) + 1
    return out


def add(db: sqlite3.Connection, rowid: int, title: list[LinkedMention], body: list[LinkedMention],
        extra: Iterable[str]) -> None:
    """Store an article's names (in the caller's write transaction): its blob and its share of
    the groups. The entities are out of date until :func:`resolve`."""
    add_many(db, [(rowid, title, body, extra)])


_ADD_FORM = ("INSERT INTO forms (grp, text, bases, surfaces) VALUES (?, ?, ?, ?) ON CONFLICT (grp, text) "
             "DO UPDATE SET bases = bases + excluded.bases, surfaces = surfaces + excluded.surfaces")


def add_many(db: sqlite3.Connection, items: list[tuple[int, list[LinkedMention], list[LinkedMention], Iterable[str]]]) -> None:
    """:func:`add` for each (rowid, title, body, extra), a statement for all of them at a time."""
    if not items:
        return
    db.executemany("UPDATE docs SET ents = ? WHERE rowid = ?", ((pack(t, b, e), rowid) for rowid, t, b, e in items))
    counts = [(rowid, _group_counts(t + b)) for rowid, t, b, _ in items]
    keys = sorted({g for _, c in counts for g in c})
    db.executemany("INSERT OR IGNORE INTO groups (type, key) VALUES (?, ?)", keys)
    ids = _group_ids(db, keys)
    db.executemany("INSERT INTO group_docs (grp, doc, n) VALUES (?, ?, ?)",
                   ((ids[g], rowid, n) for rowid, c in counts for g, (n, _, _) in c.items()))
    db.executemany(_ADD_FORM, ((ids[g], text, bases.get(text, 0), surfaces.get(text, 0)) for _, c in counts
                               for g, (_, bases, surfaces) in c.items() for text in bases.keys() | surfaces.keys()))
    set_info(db, "resolved", "0")


def _group_ids(db: sqlite3.Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The ids of the groups (type, key), which exist: a statement per type and a few hundred keys
    (``type = ? AND key IN (...)`` is looked up in the unique index; row values are not)."""
    by_type: dict[str, list[str]] = {}
    for kind, key in keys:
        by_type.setdefault(kind, []).append(key)
    out: dict[tuple[str, str], int] = {}
    for kind, names in by_type.items():
        for at in range(0, len(names), 500):
            chunk = names[at:at + 500]
            for gid, key in db.execute(f"SELECT id, key FROM groups WHERE type = ? AND key IN ({', '.join('?' * len(chunk))})",
                                       (kind, *chunk)):
                out[kind, key] = gid
    return out


def remove(db: sqlite3.Connection, rowid: int) -> None:
    """Take an article's names out of the groups (in the caller's write transaction); its blob
    and the signature of its search row become NULL (the row is the caller's). A blob that cannot be read leaves counts that cannot be taken back: the groups
    are then made again from every article (:func:`regroup`)."""
    row = db.execute("SELECT ents FROM docs WHERE rowid = ?", (rowid,)).fetchone()
    if row is None or row[0] is None:
        return
    db.execute("UPDATE docs SET ents = NULL, nsig = NULL WHERE rowid = ?", (rowid,))
    try:
        title, body, _ = unpack(row[0])
    except ValueError:
        regroup(db)
        return
    for (kind, key), (_, bases, surfaces) in _group_counts(title + body).items():
        found = db.execute("SELECT id FROM groups WHERE type = ? AND key = ?", (kind, key)).fetchone()
        if found is None:
            continue
        (grp,) = found
        db.execute("DELETE FROM group_docs WHERE grp = ? AND doc = ?", (grp, rowid))
        for text in bases.keys() | surfaces.keys():
            db.execute("UPDATE forms SET bases = bases - ?, surfaces = surfaces - ? WHERE grp = ? AND text = ?",
                       (bases.get(text, 0), surfaces.get(text, 0), grp, text))
        db.execute("DELETE FROM forms WHERE grp = ? AND bases <= 0 AND surfaces <= 0", (grp,))
        if db.execute("SELECT 1 FROM group_docs WHERE grp = ? LIMIT 1", (grp,)).fetchone() is None:
            db.execute("DELETE FROM forms WHERE grp = ?", (grp,))
            db.execute("DELETE FROM groups WHERE id = ?", (grp,))
    set_info(db, "resolved", "0")


def _clear(db: sqlite3.Connection) -> None:
    """No groups and no entities (what the articles' blobs say is made again, or found again)."""
    for table in ("groups", "forms", "group_docs", "entities"):
        db.execute(f"DELETE FROM {table}")


def regroup(db: sqlite3.Connection) -> None:
    """Make the groups again from every article's blob; an article whose blob cannot be read is
    to be recognised again (NULL)."""
    _clear(db)
    for rowid, blob in db.execute("SELECT rowid, ents FROM docs WHERE ents IS NOT NULL").fetchall():
        try:
            title, body, extra = unpack(blob)
        except ValueError:
            db.execute("UPDATE docs SET ents = NULL WHERE rowid = ?", (rowid,))
            continue
        add(db, rowid, title, body, extra)
    set_info(db, "resolved", "0")


def forget_all(db: sqlite3.Connection) -> None:
    """Every article's names are to be found again (another recognizer, say)."""
    _clear(db)
    db.execute("UPDATE docs SET ents = NULL, nsig = NULL")
    db.execute("DELETE FROM names")
    set_info(db, "resolved", "0")


# --- the collection's entities ------------------------------------------------------------------

def resolved(db: sqlite3.Connection) -> bool:
    return get_info(db, "resolved") != "0"


def resolve(db: sqlite3.Connection, write_names: Callable[[int, dict[str, list[str]], list[str]], None],
            check: Callable[[], None] = lambda: None) -> int:
    """Resolve the groups into entities (in the caller's write transaction) and rewrite the
    search's names row of every article whose entities' spellings changed (``write_names(rowid,
    names by type, extra)``). Returns how many rows were rewritten. ``check`` is called between
    the steps (it raises to stop)."""
    from newsreader.core.ner.link import resolve as resolve_groups

    groups = {gid: (kind, key) for gid, kind, key in db.execute("SELECT id, type, key FROM groups")}
    bases: dict[int, Counter] = defaultdict(Counter)
    spellings: dict[int, set[str]] = defaultdict(set)
    for gid, text, n in db.execute("SELECT grp, text, bases FROM forms"):
        if n > 0:
            bases[gid][text] = n
        spellings[gid].add(text)
    check()
    counts = {g: bases.get(gid) or Counter({g[1]: 1}) for gid, g in groups.items()}
    root_of, canonical = resolve_groups(counts)
    check()
    entity_ids: dict[tuple[str, str], int] = {}
    entity_of: dict[int, int] = {}
    names_of: dict[int, tuple[str, set[str]]] = {}  # entity → (type, every spelling)
    for gid, g in groups.items():
        root = root_of[g]
        eid = entity_ids.setdefault(root, len(entity_ids) + 1)
        entity_of[gid] = eid
        kind, names = names_of.setdefault(eid, (g[0], {canonical[root]}))
        names |= spellings.get(gid, set())
    db.execute("DELETE FROM entities")
    db.executemany("UPDATE groups SET entity = ? WHERE id = ?", ((eid, gid) for gid, eid in entity_of.items()))
    db.executemany("INSERT INTO entities (id, type, canonical, articles, mentions) VALUES (?, ?, ?, 0, 0)",
                   ((eid, root[0], canonical[root]) for root, eid in entity_ids.items()))
    db.execute("UPDATE entities SET (articles, mentions) = (SELECT count(DISTINCT d.doc), sum(d.n) FROM group_docs d "
               "JOIN groups g ON g.id = d.grp WHERE g.entity = entities.id)")
    check()
    signatures = dict(db.execute("SELECT rowid, nsig FROM docs WHERE ents IS NOT NULL"))
    rewritten = 0

    def update(doc: int, eids: Iterable[int]) -> None:
        nonlocal rewritten
        names: dict[str, set[str]] = {}
        for eid in eids:
            kind, spelled = names_of[eid]
            names.setdefault(kind, set()).update(spelled)
        row = {kind: sorted(v) for kind, v in sorted(names.items())}
        new = hashlib.blake2b(repr(row).encode(), digest_size=8).digest()
        if new != signatures.pop(doc, None):
            (blob,) = db.execute("SELECT ents FROM docs WHERE rowid = ?", (doc,)).fetchone()
            write_names(doc, row, unpack(blob)[2])
            db.execute("UPDATE docs SET nsig = ? WHERE rowid = ?", (new, doc))
            rewritten += 1

    # one article at a time (the rows come by article): the collection's pairs are never all in memory
    rows = db.execute("SELECT doc, grp FROM group_docs ORDER BY doc")
    for doc, pairs in itertools.groupby(rows, key=lambda row: row[0]):
        if doc in signatures:
            update(doc, {entity_of[grp] for _, grp in pairs})
    for doc in list(signatures):  # the articles without a name
        update(doc, ())
    set_info(db, "resolved", "1")
    return rewritten


def article_entities(db: sqlite3.Connection, article_id: str) -> tuple[list[LinkedMention], list[LinkedMention]] | None:
    """One article's mentions with the canonical name of each (its base while the names are not
    resolved yet); None while its names are still to be found."""
    row = db.execute("SELECT rowid, ents FROM docs WHERE article_id = ?", (article_id,)).fetchone()
    if row is None or row[1] is None:
        return None
    rowid, blob = row
    title, body, _ = unpack(blob)
    # by the spelling of the base (each is in one group of its type): no folding, no linker to load
    canonical = {(kind, base): name for kind, base, name in db.execute(
        "SELECT g.type, f.text, e.canonical FROM group_docs d JOIN groups g ON g.id = d.grp "
        "JOIN forms f ON f.grp = g.id AND f.bases > 0 JOIN entities e ON e.id = g.entity WHERE d.doc = ?", (rowid,))}
    for lm in title + body:
        lm.canonical = canonical.get((lm.mention.type, lm.base), lm.base)
    return title, body


def entity_list(db: sqlite3.Connection) -> list[StoredEntity]:
    """Every entity, most widespread first."""
    return [StoredEntity(*row) for row in db.execute(
        "SELECT id, type, canonical, articles, mentions FROM entities ORDER BY articles DESC, mentions DESC, "
        "canonical")]


def find(db: sqlite3.Connection, kind: str, canonical: str) -> int | None:
    row = db.execute("SELECT id FROM entities WHERE type = ? AND canonical = ? ORDER BY articles DESC LIMIT 1",
                     (kind, canonical)).fetchone()
    return row[0] if row else None


def articles_of(db: sqlite3.Connection, entity_id: int) -> list[str]:
    """The ids of the articles that mention the entity."""
    return [aid for (aid,) in db.execute(
        "SELECT DISTINCT docs.article_id FROM groups g JOIN group_docs d ON d.grp = g.id "
        "JOIN docs ON docs.rowid = d.doc WHERE g.entity = ? ORDER BY docs.article_id", (entity_id,))]


def aliases_of(db: sqlite3.Connection, entity_id: int) -> Counter:
    """How often each spelling of the entity was written."""
    out: Counter = Counter()
    for text, n in db.execute("SELECT f.text, f.surfaces FROM forms f JOIN groups g ON g.id = f.grp "
                              "WHERE g.entity = ? AND f.surfaces > 0", (entity_id,)):
        out[text] += n
    return out


def get_info(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM info WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_info(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT INTO info (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
               (key, value))


def recognizer_version(db: sqlite3.Connection) -> str | None:
    return get_info(db, "recognizer")


def set_recognizer_version(db: sqlite3.Connection, version: str) -> None:
    set_info(db, "recognizer", version)
