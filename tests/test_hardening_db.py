"""Issue 18, the collection databases: the search index and the entity cache with a second
writer, damage inside them, another program's lock, changed metadata, one 60 MB article, and
a library's warning while a file is parsed. Most run the real command line in a subprocess."""

from __future__ import annotations

import json
import marshal
import os
import random
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from newsreader.core.ner.cache import EntityCache, recognize_all
from newsreader.core.ner.types import Mention
from newsreader.core.search import index as index_module
from newsreader.core.search.index import SearchIndex, default_index_path

REPO = Path(__file__).resolve().parent.parent


def cli(*args: object, timeout: float = 180) -> subprocess.CompletedProcess:
    """The command line in a subprocess (it inherits the test's XDG folders)."""
    return subprocess.run([sys.executable, "-m", "newsreader", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def word(n: int) -> str:
    """A word of its own for article ``n`` (letters only, far from every German word)."""
    letters = ""
    while True:
        n, r = divmod(n, 26)
        letters += chr(ord("a") + r)
        if not n:
            break
    return f"Quixo{letters}trum"


def title(n: int) -> str:
    return f"Bericht {n} über {word(n)}"


def write_collection(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"a{i:03d}.txt").write_text(
            f"{title(i)}\n\nDer Rat in Berlin spricht über {word(i)} und den Haushalt. Angela Merkel kam auch.\n",
            encoding="utf-8")
    return folder


def index_file(folder: Path) -> Path:
    return default_index_path([str(folder)])


def cache_file() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "newsreader" / "entities.sqlite"


def aside_copies(path: Path) -> list[Path]:
    return sorted(p for p in path.parent.iterdir()
                  if p.name.startswith((f"{path.name}.old-", f"{path.name}.broken-")) and not p.name.endswith("-wal"))


def overwrite_pages(path: Path, table: str) -> int:
    """Write random bytes over every page of ``table`` (by dbstat), as a bad disk or a stray
    write would: the file still opens, the damage is inside. Returns how many pages."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    pages = [p for (p,) in db.execute("SELECT pageno FROM dbstat WHERE name = ?", (table,)) if p > 1]
    db.close()
    rng = random.Random(18)
    with path.open("r+b") as fh:
        for page in pages:
            fh.seek((page - 1) * page_size)
            fh.write(bytes(rng.randrange(256) for _ in range(page_size)))
    return len(pages)


def damage(path: Path, sql: str, *args) -> None:
    db = sqlite3.connect(path)
    db.executescript(sql) if not args else db.execute(sql, args)
    db.commit()
    db.close()


# --- 2: two processes indexing one new collection ---------------------------------------------------

def test_h02_two_indexers_started_at_once_on_a_new_collection_both_succeed_and_the_index_is_complete(tmp_path):
    n = 150
    for round_ in range(3):  # the race is between opening, creating and the first inserts: try it a few times
        folder = write_collection(tmp_path / f"c{round_}", n)
        procs = [subprocess.Popen([sys.executable, "-m", "newsreader", "index", str(folder)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [(p, *p.communicate(timeout=180)) for p in procs]
        for proc, _, err in results:
            assert proc.returncode == 0 and "Traceback" not in err, err
        path = index_file(folder)
        assert aside_copies(path) == []  # nobody moved the other's new index aside
        index = SearchIndex(path)
        assert len(index) == n and index.pending_entities() == 0
        for i in range(n):
            assert index.search(word(i)).hits[0].article.title == title(i)
        assert len(index.search("loc:berlin", limit=500).hits) == n  # the names went in once, whole
        assert index.db.execute("SELECT count(*) FROM names").fetchone() == (n,)  # one row each
        index.db.execute("INSERT INTO fts (fts) VALUES ('integrity-check')")
        index.db.execute("INSERT INTO names (names) VALUES ('integrity-check')")
        index.close()


# --- 3: damage inside the index or the entity cache --------------------------------------------------

INDEX_DAMAGE = {
    "a page overwritten": lambda path: overwrite_pages(path, "fts_data"),
    "a page of the names overwritten": lambda path: overwrite_pages(path, "names_data"),
    "wrong columns": lambda path: damage(path, "DROP TABLE docs; CREATE TABLE docs (rowid INTEGER PRIMARY KEY, "
                                               "article_id TEXT UNIQUE NOT NULL, other TEXT);"),
    "a meta blob that is not marshal": lambda path: damage(path, "UPDATE docs SET meta = x'00ff00ff'"),
    "a meta blob of the wrong shape": lambda path: damage(path, "UPDATE docs SET meta = ?", marshal.dumps((1, 2, 3))),
    "a meta blob of the wrong types": lambda path: damage(
        path, "UPDATE docs SET meta = ?", marshal.dumps(("x", 5, None, None, None, None, None, False, [], []))),
}


@pytest.mark.parametrize("kind", INDEX_DAMAGE)
def test_h03_search_on_a_damaged_index_moves_it_aside_once_rebuilds_and_finds(tmp_path, kind):
    folder = write_collection(tmp_path / "c", 12)
    assert cli("index", folder).returncode == 0
    path = index_file(folder)
    INDEX_DAMAGE[kind](path)
    out = cli("search", word(7), folder)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert title(7) in out.stdout.splitlines()[0]
    said = [line for line in out.stderr.splitlines() if "search index" in line]
    (aside,) = aside_copies(path)
    assert len(said) == 1 and said[0].startswith(f"newsreader: search index {path} was rebuilt (")
    assert said[0].endswith(f"); the old file is {aside}")
    again = cli("search", word(3), folder)  # the rebuilt index is whole: nothing more to say
    assert again.returncode == 0 and "search index" not in again.stderr and title(3) in again.stdout


ROW_DAMAGE = {
    **INDEX_DAMAGE,
    "names that are not names": lambda path: damage(path, """UPDATE docs SET ents = '{"PER": 5}'"""),
    "mentions of the wrong shape": lambda path: damage(path, "UPDATE docs SET ents = ?",
                                                       marshal.dumps((1, [(0, 3, "Rat", "XYZ", 1.0, "Rat")], [], []))),
    "a text that is not text": lambda path: damage(path, "UPDATE bodies SET body = x'ff00'"),
    "a path that is not text": lambda path: damage(path, "UPDATE holds SET path = x'00'"),
}


@pytest.mark.parametrize("kind", ROW_DAMAGE)
def test_h03_every_read_of_a_damaged_index_recovers_with_one_notice(tmp_path, kind):
    folder = write_collection(tmp_path / "c", 12)
    path = tmp_path / "index.sqlite"
    index = SearchIndex(path)
    index.refresh([folder])
    index.recognize_pending(None)  # names: {} for each, so that every row has them
    index.close()
    ROW_DAMAGE[kind](path)

    index = SearchIndex(path)  # what a launch of the reader does, in its order
    listed = index.articles(bodies=False)
    index.refresh([folder])
    index.ensure_vocabulary()
    for article in index.articles(bodies=False) + listed:
        assert index.fill(article).body.startswith("Der Rat in Berlin")
        names = index.article_names(article.id)  # after a rebuild, still to be found (None)
        assert names is None or names.title == names.body == []
        assert [Path(p).name for p in index.paths_of(article.id)] == [f"a{int(article.title.split()[1]):03d}.txt"]
    assert [h.article.title for h in index.search(word(5)).hits[:1]] == [title(5)]
    assert len(index) == 12
    index.recognize_pending(None)  # as the reader does next: every article has its names again
    assert all(index.article_names(a.id) is not None for a in listed)
    (notice,) = index.notices
    assert notice.startswith(f"search index {path} was rebuilt (") and notice.endswith(f"the old file is {aside_copies(path)[0]}")
    index.close()


CACHE_DAMAGE = {
    "a page overwritten": lambda path: overwrite_pages(path, "mentions"),
    "wrong columns": lambda path: damage(path, "DROP TABLE mentions; CREATE TABLE mentions (key TEXT, other TEXT);"),
    "rows that are not JSON": lambda path: damage(path, "UPDATE mentions SET data = 'kaputt'"),
    "rows of the wrong shape": lambda path: damage(path, "UPDATE mentions SET data = '[[1, 2]]'"),
    "rows of an unknown type": lambda path: damage(path, """UPDATE mentions SET data = '[[0, 3, "Der", "BOGUS", 1.0]]'"""),
    "rows outside their text": lambda path: damage(path, """UPDATE mentions SET data = '[[0, 900, "Der", "PER", 1.0]]'"""),
}


@pytest.mark.parametrize("kind", CACHE_DAMAGE)
def test_h03_entities_with_a_damaged_entity_cache_moves_it_aside_once_and_gives_the_same_names(tmp_path, kind):
    folder = write_collection(tmp_path / "c", 8)
    first = cli("entities", folder, "--json")
    assert first.returncode == 0 and cache_file().exists()
    CACHE_DAMAGE[kind](cache_file())
    for stored in index_file(folder).parent.glob(index_file(folder).name + "*"):
        stored.unlink()  # the names are stored in the index: without it they are found again, from the cache
    out = cli("entities", folder, "--json")
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert out.stdout == first.stdout
    said = [line for line in out.stderr.splitlines() if "entity cache" in line]
    (aside,) = aside_copies(cache_file())
    assert len(said) == 1 and said[0].startswith(f"newsreader: entity cache {cache_file()} could not be read (")
    assert said[0].endswith(f"; moved to {aside} and rebuilt")
    for stored in index_file(folder).parent.glob(index_file(folder).name + "*"):
        stored.unlink()
    assert cli("entities", folder, "--json").stderr.count("entity cache") == 0  # rebuilt: said once


@pytest.mark.parametrize("kind", CACHE_DAMAGE)
def test_h03_a_damaged_entity_cache_is_rebuilt_while_it_is_read(tmp_path, kind):
    class Recognizer:
        version = "test:1"
        calls = 0

        def recognize(self, text):
            self.calls += 1
            return [Mention(0, 3, text[:3], "LOC")]

    path = tmp_path / "entities.sqlite"
    texts = [f"Ort {i} liegt am Fluss" for i in range(20)]
    recognize_all(texts, Recognizer(), EntityCache(path))
    CACHE_DAMAGE[kind](path)
    cache = EntityCache(path)
    rec = Recognizer()
    assert recognize_all(texts, rec, cache) == [[Mention(0, 3, "Ort", "LOC")]] * 20
    assert rec.calls == 20  # recognised again: nothing of the damaged cache is trusted
    (notice,) = cache.notices
    assert notice == cache.notice and "moved to" in notice and str(path) in notice
    again = Recognizer()
    recognize_all(texts, again, EntityCache(path))
    assert again.calls == 0  # the rebuilt cache holds them


# --- 4: a locked database is busy, not broken --------------------------------------------------------

class Locker:
    """Another program's lock on ``path``, held until ``release`` is set (by the code under test
    saying that it waits), then let go from another thread."""

    def __init__(self, path: Path, exclusive: bool):
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if exclusive:  # nobody may even read
            self.db.execute("PRAGMA locking_mode = EXCLUSIVE")
            self.db.execute("BEGIN EXCLUSIVE")
            self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        else:  # nobody may write
            self.db.execute("BEGIN IMMEDIATE")
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)
        self.thread.start()

    def _hold(self) -> None:
        self.release.wait(60)
        self.db.rollback()
        self.db.close()


def test_h04_an_index_locked_by_another_program_is_waited_for_with_one_notice_not_moved_aside(tmp_path):
    folder = write_collection(tmp_path / "c", 5)
    path = tmp_path / "index.sqlite"
    built = SearchIndex(path)
    built.refresh([folder])
    built.close()  # a connection left to the garbage collector would keep its share of the file
    locker = Locker(path, exclusive=True)
    notices = []

    def told(text):
        notices.append(text)
        locker.release.set()

    index = SearchIndex(path, busy_timeout=0.2, on_notice=told)
    locker.thread.join(10)
    assert notices == [f"search index {path} is locked by another program (another newsreader?); waiting for it"]
    assert aside_copies(path) == [] and len(index) == 5
    assert index.search(word(2)).hits[0].article.title == title(2)


def test_h04_a_refresh_that_must_write_waits_for_another_writer(tmp_path):
    folder = write_collection(tmp_path / "c", 5)
    path = tmp_path / "index.sqlite"
    index = SearchIndex(path)
    index.refresh([folder])
    index.busy_timeout = 0.2
    (folder / "neu.txt").write_text(f"{title(40)}\n\nNeu über {word(40)}.\n", encoding="utf-8")
    locker = Locker(path, exclusive=False)
    notices = []
    index.on_notice = lambda text: (notices.append(text), locker.release.set())
    report = index.refresh([folder])
    assert report.added_articles == 1 and len(notices) == 1 and "waiting for it" in notices[0]
    assert index.search(word(40)).hits[0].article.title == title(40)
    assert aside_copies(path) == []


def test_h04_the_cli_says_it_waits_for_a_locked_index_and_goes_on_when_it_is_free(tmp_path):
    folder = write_collection(tmp_path / "c", 5)
    assert cli("index", folder).returncode == 0
    path = index_file(folder)
    locker = Locker(path, exclusive=True)
    proc = subprocess.Popen([sys.executable, "-m", "newsreader", "search", word(1), str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, proc.kill)  # not a wait: the test goes on as the lines come
    watchdog.daemon = True
    watchdog.start()
    lines = []
    for line in proc.stderr:  # newsreader waits the default 5 s before it says so
        lines.append(line)
        if "waiting for it" in line:
            locker.release.set()
            break
    out, err = proc.communicate(timeout=60)
    watchdog.cancel()
    assert lines and lines[-1].rstrip("\n") == (f"newsreader: search index {path} is locked by another program "
                                                "(another newsreader?); waiting for it"), lines
    assert proc.returncode == 0 and title(1) in out and "Traceback" not in err
    assert aside_copies(path) == []


def test_h04_a_cache_locked_by_another_program_is_waited_for_not_moved_aside(tmp_path):
    path = tmp_path / "entities.sqlite"
    built = EntityCache(path)
    built.put({"k": [Mention(0, 3, "Ort", "LOC")]}, "m")
    built.close()
    locker = Locker(path, exclusive=True)
    notices = []
    cache = EntityCache(path, busy_timeout=0.2, on_notice=lambda text: (notices.append(text), locker.release.set()))
    assert cache.get(["k"], "m") == {"k": [Mention(0, 3, "Ort", "LOC")]}
    assert len(notices) == 1 and "is locked by another program" in notices[0] and aside_copies(path) == []


def test_h04_only_one_moved_aside_copy_is_kept_per_file(tmp_path):
    index_path, cache_path = tmp_path / "index.sqlite", tmp_path / "entities.sqlite"
    for path in (index_path, cache_path):
        for stale in (".old-20240101-000000", ".old-20240101-000000-wal", ".broken-20240102-000000"):
            (tmp_path / (path.name + stale)).write_bytes(b"an older copy")
        path.write_bytes(b"not a database " * 300)
    SearchIndex(index_path).close()
    EntityCache(cache_path).close()
    for path in (index_path, cache_path):
        copies = [p for p in tmp_path.iterdir() if p.name.startswith(path.name + ".")]
        assert len(copies) == 1 and copies[0].read_bytes().startswith(b"not a database"), copies
    (tmp_path / "other.sqlite.old-20240101-000000").write_bytes(b"another file's copy")
    index_path.write_bytes(b"damaged again " * 300)
    SearchIndex(index_path).close()
    assert len([p for p in tmp_path.iterdir() if p.name.startswith("index.sqlite.")]) == 1
    assert (tmp_path / "other.sqlite.old-20240101-000000").exists()


# --- 11: changed metadata reaches the index ------------------------------------------------------------

def write_front_matter(path: Path, date: str, source: str, author: str, body: str) -> None:
    mtime = path.stat().st_mtime_ns if path.exists() else None
    path.write_text(f"---\ntitle: Zebrafische im Zoo\ndate: {date}\nsource: {source}\nauthor: {author}\n---\n{body}\n",
                    encoding="utf-8")
    if mtime is not None:  # a new mtime even on a coarse clock
        os.utime(path, ns=(mtime + 10**9, mtime + 10**9))


def test_h11_a_changed_date_source_author_or_text_of_a_known_article_reaches_the_index(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    article = folder / "zoo.md"
    write_front_matter(article, "2024-01-15", "Alpha", "Anna Alt", "Der Zoo zeigt Zebrafische.")
    assert cli("index", folder).returncode == 0
    assert cli("search", "zebrafische date:2025", folder).returncode == 1

    write_front_matter(article, "2025-03-02", "Beta", "Bert Baum", "Der Zoo zeigt ZEBRAFISCHE.")  # same id
    listed = json.loads(cli("list", folder, "--json").stdout)
    found = cli("search", "zebrafische date:2025", folder, "--json")
    assert found.returncode == 0, found.stderr
    assert [json.loads(line)["date"] for line in found.stdout.splitlines()] == [listed["date"]] == ["2025-03-02"]
    assert cli("search", "zebrafische source:beta", folder).returncode == 0
    assert cli("search", "zebrafische source:alpha", folder).returncode == 1

    index = SearchIndex(index_file(folder))
    (a,) = index.articles()
    assert (a.id, a.date.iso(), a.source, a.author, a.body) == (listed["id"], "2025-03-02", "Beta", "Bert Baum",
                                                                "Der Zoo zeigt ZEBRAFISCHE.")
    index.close()


# --- 13: one 60 MB article ---------------------------------------------------------------------------

def test_h13_a_search_reads_only_the_start_of_a_long_text_for_its_snippet(tmp_path, monkeypatch):
    body = ("Der Haushalt der Stadt wird beraten. " + "Der Rat tagt lange über vieles. " * 40_000
            + "Am Ende steht ein Zebrastreifen.")
    (tmp_path / "lang.txt").write_text(f"Ein langer Bericht\n\n{body}\n", encoding="utf-8")
    index = SearchIndex(None)
    index.refresh([tmp_path])
    scanned = []
    real = index_module.find_terms
    monkeypatch.setattr(index_module, "find_terms", lambda text, terms: (scanned.append(len(text)), real(text, terms))[1])
    for query, snippet in (("haushalt", "Der Haushalt der Stadt wird beraten."), ("zebrastreifen", "Der Haushalt")):
        (hit,) = index.search(query).hits
        assert hit.snippet.startswith(snippet) and hit.snippet.endswith("…") and hit.article.lazy
    assert scanned and max(scanned) <= 100_000  # SNIPPET_BYTES, not the 1.3 MB of the text
    assert len(index.fill(hit.article).body) == len(body)


MEASURE = """
import resource, sys
from pathlib import Path
import newsreader.core.formats, newsreader.core.loader, newsreader.core.search.index as I
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
index = I.SearchIndex(Path(sys.argv[2]))
index.refresh([sys.argv[1]])
index.recognize_pending(None)  # names are stored apart: the text is not folded or indexed again
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) * 1024, len(index))
"""


def test_h13_indexing_a_60_mb_article_takes_a_few_times_its_size_in_memory(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from bench_search import write_long_article
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    (tmp_path / "c").mkdir()
    size = write_long_article(tmp_path / "c" / "lang.txt", 60).stat().st_size
    out = subprocess.run([sys.executable, "-c", MEASURE, str(tmp_path / "c"), str(tmp_path / "i.sqlite")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    grown, articles = map(int, out.stdout.split())
    assert articles == 1
    # 15× at aebfc1d; 5.5× while adding the names rewrote the text's FTS row
    assert grown < 4.5 * size, f"{grown / 2**20:.0f} MB for a {size / 2**20:.0f} MB article"


# --- 14: a library's warning about a file --------------------------------------------------------------

def test_h14_a_library_warning_about_a_page_does_not_reach_the_terminal(tmp_path):
    for name, stamp in (("xyz.html", "Mon, 14 Sep 2023 07:12:00 XYZ"), ("cest.html", "Mon, 14 Sep 2023 07:12:00 CEST")):
        (tmp_path / name).write_text(
            f'<html><head><title>Seite {name}</title><meta property="article:published_time" content="{stamp}">'
            f"</head><body><article><h1>Ein Bericht aus {name}</h1><p>Der Rat der Stadt tagte am Montag lange "
            "über den Haushalt des kommenden Jahres.</p></article></body></html>", encoding="utf-8")
    out = cli("list", tmp_path, "--json")
    assert out.returncode == 0
    assert [json.loads(line)["date"] for line in out.stdout.splitlines()] == ["2023-09-14T07:12"] * 2
    assert out.stderr == ""
