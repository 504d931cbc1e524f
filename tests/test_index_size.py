"""Issue 20: the index takes little room. Texts and stored names are kept compressed, a large
build gives its free pages back, and what older versions wrote (plain texts, uncompressed names,
JSON cache rows) is still read."""

from __future__ import annotations

import json
import marshal
import sqlite3
import zlib
from pathlib import Path

from newsreader.core.ner.cache import EntityCache
from newsreader.core.ner.types import Mention
from newsreader.core.search import index as index_module
from newsreader.core.search.index import SearchIndex

BODY = ("Die Stadtwerke Halle senken im Frühjahr die Preise für Fernwärme. " * 30).strip()


def collection(folder: Path, n: int) -> Path:
    folder.mkdir(exist_ok=True)
    for i in range(n):
        (folder / f"a{i:03}.txt").write_text(f"Meldung Nummer {i} aus Halle\n\n{BODY} Zahl {i}.\n", encoding="utf-8")
    return folder


def test_texts_are_stored_compressed_and_read_back_whole(tmp_path):
    folder = collection(tmp_path / "news", 3)
    idx = SearchIndex(tmp_path / "index.sqlite")
    idx.refresh([str(folder)])
    rows = idx.db.execute("SELECT typeof(body), length(body) FROM bodies").fetchall()
    assert [kind for kind, _ in rows] == ["blob"] * 3
    assert all(size < len(BODY) / 4 for _, size in rows)  # a repetitive text: far smaller
    articles = idx.articles(bodies=True)
    assert sorted(a.body for a in articles) == sorted(f"{BODY} Zahl {i}." for i in range(3))
    lazy = idx.articles(bodies=False)[0]
    assert idx.fill(lazy).body.startswith("Die Stadtwerke Halle")
    hit = idx.search("Fernwärme").hits[0]  # the snippet comes from the compressed text
    assert "Fernwärme" in hit.snippet


def test_a_text_stored_as_plain_text_by_an_older_version_is_still_read(tmp_path):
    folder = collection(tmp_path / "news", 2)
    path = tmp_path / "index.sqlite"
    idx = SearchIndex(path)
    idx.refresh([str(folder)])
    idx.db.execute("UPDATE bodies SET body = CAST(? AS TEXT) WHERE rowid = 1", (BODY.encode("utf-8"),))
    idx.close()
    again = SearchIndex(path)
    report = again.refresh([str(folder)])
    assert report.parsed == 0  # the text compares equal: nothing is parsed or written again
    bodies = {a.body for a in again.articles(bodies=True)}
    assert BODY in bodies or any(b.startswith(BODY) for b in bodies)
    assert again.search("Stadtwerke").hits


def test_a_damaged_compressed_text_rebuilds_the_index_with_a_notice(tmp_path):
    folder = collection(tmp_path / "news", 2)
    path = tmp_path / "index.sqlite"
    idx = SearchIndex(path)
    idx.refresh([str(folder)])
    idx.db.execute("UPDATE bodies SET body = ? WHERE rowid = 1", (b"x\x9c not zlib at all",))
    articles = idx.articles(bodies=True)  # the damage is found, the index rebuilt from the files
    assert len(articles) == 2 and all(a.body for a in articles)
    assert any("rebuilt" in n for n in idx.notices)


def test_optimize_gives_the_freed_pages_back_to_the_file_system(tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "OPTIMIZE_AFTER", 10)
    folder = collection(tmp_path / "news", 60)
    path = tmp_path / "index.sqlite"
    idx = SearchIndex(path)
    idx.refresh([str(folder)])
    for i in range(0, 60, 2):  # half the articles go: their pages are free
        (folder / f"a{i:03}.txt").unlink()
    idx.refresh([str(folder)])
    assert idx.optimize()
    (free,) = idx.db.execute("PRAGMA freelist_count").fetchone()
    assert free == 0
    assert len(idx.articles(bodies=False)) == 30


def test_stored_names_are_compressed_and_an_uncompressed_blob_is_still_read():
    from newsreader.core.search import names
    from newsreader.core.ner.types import LinkedMention

    title = [LinkedMention(Mention(0, 5, "Halle", "LOC", 0.9), "Halle", "Halle")]
    body = [LinkedMention(Mention(4 + 30 * i, 14 + 30 * i, "Stadtwerke", "ORG", 0.8), "Stadtwerke", "Stadtwerke")
            for i in range(20)]
    blob = names.pack(title, body, ["Halle"])
    plain = marshal.dumps((names.BLOB_VERSION, [(0, 5, "Halle", "LOC", 0.9, "Halle")],
                           [(4 + 30 * i, 14 + 30 * i, "Stadtwerke", "ORG", 0.8, "Stadtwerke") for i in range(20)],
                           ["Halle"]))
    assert len(blob) < len(plain) / 2
    for stored in (blob, plain):
        t, b, extra = names.unpack(stored)
        assert [lm.mention for lm in t] == [Mention(0, 5, "Halle", "LOC", 0.9)]
        assert [lm.mention.start for lm in b] == [4 + 30 * i for i in range(20)]
        assert b[0].base == "Stadtwerke" and extra == ["Halle"]


def test_the_entity_cache_keeps_rows_compressed_and_reads_the_json_rows_of_older_versions(tmp_path):
    path = tmp_path / "entities.sqlite"
    cache = EntityCache(path)
    mentions = [Mention(0, 5, "Halle", "LOC", 0.5), Mention(10, 20, "Stadtwerke", "ORG", 1.0)]
    cache.put({"k1": mentions}, "m")
    cache.close()
    db = sqlite3.connect(path)
    (stored,) = db.execute("SELECT data FROM mentions WHERE key = 'k1'").fetchone()
    assert type(stored) is bytes and json.loads(zlib.decompress(stored)) == [
        [0, 5, "Halle", "LOC", 0.5], [10, 20, "Stadtwerke", "ORG", 1.0]]
    db.execute("INSERT INTO mentions VALUES ('k2', 'm', ?)", (json.dumps([[1, 4, "Kiel", "LOC", 0.7]]),))
    db.commit()
    db.close()
    cache = EntityCache(path)
    found = cache.get(["k1", "k2"], "m")
    assert found == {"k1": mentions, "k2": [Mention(1, 4, "Kiel", "LOC", 0.7)]}
    assert cache.notices == []
