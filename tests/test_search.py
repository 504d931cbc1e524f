"""Search: folding, the query parser, ranking, typos, filters, incremental indexing, recovery."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.cli import main
from newsreader.core.ner.types import Mention
from newsreader.core.search.fold import fold_word, folded_text, max_edits
from newsreader.core.search.index import SCHEMA, SearchIndex, match_spans
from newsreader.core.search.query import QueryError, parse_query

ARTICLES = {
    "pjoengjang.txt": " date 2023-09 Kim Jong Un empfängt Gäste in Pjöngjang\n\n"
                      "In Pjöngjang wurde am Montag ein Besuch vorbereitet. Die Regierung sprach von Freundschaft.",
    "lawrow.txt": " date 2023-11 Lawrow reist nach Asien\n\n"
                  "Der russische Außenminister Sergej Lawrow besucht mehrere Länder. Über Pjöngjang sprach er nicht.",
    "nato.txt": " date 2024-02 Nato berät über Hilfe\n\n"
                "Generalsekretär Jens Stoltenberg sagte in Brüssel, die Hilfe für die Ukraine gehe weiter.",
    "muell.txt": " date 2024-05 Müllabfuhr streikt in Wien\n\n"
                 "Die Straßen sind voll. Der Bürgermeister bat um Geduld, sagte Sprecher Thomas Müller.",
    "fussball.txt": " date 2022-06 Fußball: Ein knappes Spiel\n\n"
                    "Die Mannschaft gewann spät. Der Trainer lobte den Torwart.",
}


def write(folder: Path, files: dict[str, str] = ARTICLES) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def titles(result) -> list[str]:
    return [h.article.title for h in result.hits]


def rewrite(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with a later mtime, so that a refresh sees the file changed."""
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000))


@pytest.fixture()
def folder(tmp_path):
    return write(tmp_path / "articles")


@pytest.fixture()
def index(tmp_path, folder):
    idx = SearchIndex(tmp_path / "index.sqlite")
    idx.refresh([folder])
    yield idx
    idx.close()


# --- folding ---------------------------------------------------------------------------------------

def test_folding_makes_umlaut_spellings_and_case_equal():
    assert fold_word("Müller") == fold_word("MUELLER") == fold_word("mueller") == "mueller"
    assert fold_word("Straße") == fold_word("STRASSE") == "strasse"
    assert fold_word("Café") == "cafe"
    assert folded_text("Kim Jong-un, Pjöngjang!") == "kim jong un pjoengjang"


def test_allowed_typos_grow_with_length():
    assert [max_edits("x" * n) for n in (3, 4, 7, 8, 12)] == [0, 1, 1, 2, 2]


# --- query parser ----------------------------------------------------------------------------------

def test_parser_understands_the_documented_syntax():
    q = parse_query('putin "kalter krieg" -moskau per:kim loc:"nord korea" source:reuters '
                    "date:2023-09..2024-01 is:bookmarked is:unread")
    got = [(t.words, t.field, t.negated, t.phrase) for t in q.terms]
    assert got == [(("putin",), None, False, False), (("kalter", "krieg"), None, False, True),
                   (("moskau",), None, True, False), (("kim",), "per", False, False),
                   (("nord", "korea"), "loc", False, True), (("reuters",), "source", False, False)]
    assert (q.date_from, q.date_to) == ("2023-09", "2024-02")
    assert q.flags == {"bookmarked", "unread"}


def test_parser_date_forms():
    assert (parse_query("date:2023").date_from, parse_query("date:2023").date_to) == ("2023", "2024")
    assert parse_query("date:2023-12").date_to == "2024-01"
    assert parse_query("date:2024-02-28").date_to == "2024-02-29"
    assert parse_query("date:..2023-05").date_from is None
    assert parse_query("date:2023-05..").date_to is None


def test_last_word_is_a_prefix_only_while_typing():
    assert parse_query("pjoeng").prefix_last
    assert not parse_query("pjoeng ").prefix_last
    assert not parse_query('"pjoeng"').prefix_last


@pytest.mark.parametrize("text, message", [
    ("foo:bar", "unknown filter"),
    ("date:2023-13", "no month 13"),
    ("date:2023-02-30", "no day 30"),
    ("date:2024..2023", "ends before it starts"),
    ("date:gestern", "not understood"),
    ("is:gelesen", "is:bookmarked or is:unread"),
    ("per: putin", "needs a value"),
])
def test_malformed_queries_get_a_clear_message(text, message):
    with pytest.raises(QueryError, match=message):
        parse_query(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_parser_never_raises_anything_but_query_error(text):
    try:
        parse_query(text)
    except QueryError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet='abcöüß "-:.*()^NEARORAND1290', max_size=40))
def test_search_never_raises_on_any_query(text):
    idx = _shared_index()
    result = idx.search(text)
    assert result.error is None or isinstance(result.error, str)


_SHARED: list[SearchIndex] = []


def _shared_index() -> SearchIndex:
    if not _SHARED:
        import tempfile

        folder = write(Path(tempfile.mkdtemp()) / "a")
        idx = SearchIndex(None)
        idx.refresh([folder])
        _SHARED.append(idx)
    return _SHARED[0]


# --- matching and ranking ---------------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ("Pjongjang", "Kim Jong Un empfängt Gäste in Pjöngjang"),   # missing umlaut
    ("pjoengjang", "Kim Jong Un empfängt Gäste in Pjöngjang"),  # umlaut written out
    ("Lawrov", "Lawrow reist nach Asien"),                      # typo
    ("Stoltenbreg", "Nato berät über Hilfe"),                   # transposition
    ("muellabfuhr", "Müllabfuhr streikt in Wien"),
    ("fussball", "Fußball: Ein knappes Spiel"),
])
def test_typos_and_umlaut_spellings_find_the_article(index, typed, expected):
    assert titles(index.search(typed))[0] == expected


def test_title_hits_rank_above_body_hits(index):
    # "Lawrow" is in one title; "Pjöngjang" in one title and another body
    result = index.search("Pjöngjang")
    assert titles(result)[:2] == ["Kim Jong Un empfängt Gäste in Pjöngjang", "Lawrow reist nach Asien"]
    assert result.hits[0].score > result.hits[1].score


def test_exact_matches_rank_above_fuzzy_ones(tmp_path):
    folder = write(tmp_path / "a", {"a.txt": "Wien im Winter\n\nKein Thema hier. Nichts.",
                                    "b.txt": "Wein im Winter\n\nEin Thema hier. Nichts."})
    idx = SearchIndex(None)
    idx.refresh([folder])
    result = idx.search("wein ")
    assert titles(result) == ["Wein im Winter", "Wien im Winter"]
    assert [h.tier for h in result.hits] == ["exact", "fuzzy"]


def test_words_close_together_rank_first(tmp_path):
    far = "Die Regierung tagte. " + "Es gab viel zu besprechen und lange Sitzungen. " * 6 + "Am Ende ging es um Brot."
    folder = write(tmp_path / "a", {"far.txt": "Bericht eins\n\n" + far,
                                    "near.txt": "Bericht zwei\n\nDie Regierung will Brot billiger machen."})
    idx = SearchIndex(None)
    idx.refresh([folder])
    result = idx.search("regierung brot")
    assert titles(result) == ["Bericht zwei", "Bericht eins"]
    assert result.hits[0].tier == "near"


def test_as_you_type_prefix(index):
    assert titles(index.search("Stolt"))[0] == "Nato berät über Hilfe"
    assert titles(index.search("Müllab"))[0] == "Müllabfuhr streikt in Wien"


def test_phrase_and_exclusion(index):
    assert titles(index.search('"Sergej Lawrow"')) == ["Lawrow reist nach Asien"]
    assert titles(index.search('"Lawrow Sergej"')) == []
    assert titles(index.search("Pjöngjang -Lawrow")) == ["Kim Jong Un empfängt Gäste in Pjöngjang"]
    only_excluded = titles(index.search("-Pjöngjang"))
    assert sorted(only_excluded) == sorted(["Nato berät über Hilfe", "Müllabfuhr streikt in Wien",
                                            "Fußball: Ein knappes Spiel"])


def test_date_range_and_flags(index):
    assert sorted(titles(index.search("date:2023-09..2023-12"))) == ["Kim Jong Un empfängt Gäste in Pjöngjang",
                                                                  "Lawrow reist nach Asien"]
    assert titles(index.search("Pjöngjang date:2023-11")) == ["Lawrow reist nach Asien"]
    ids = {h.article.title: h.article.id for h in index.search("date:2000..").hits}
    nato = ids["Nato berät über Hilfe"]
    assert titles(index.search("is:bookmarked", bookmarked={nato})) == ["Nato berät über Hilfe"]
    unread = titles(index.search("is:unread", read=set(ids.values()) - {nato}))
    assert unread == ["Nato berät über Hilfe"]


def test_snippet_and_match_spans_point_at_the_matched_words(index):
    (hit,) = [h for h in index.search("Ukraine brüssel").hits]
    snippet_spans = [hit.snippet[m.start:m.end] for m in hit.matches if m.field == "snippet"]
    assert sorted(snippet_spans) == ["Brüssel", "Ukraine"]
    hit = index.search("pjongjang").hits[0]
    assert [hit.article.title[m.start:m.end] for m in hit.matches if m.field == "title"] == ["Pjöngjang"]
    assert match_spans("In Pjöngjang und PJOENGJANG", {"pjoengjang"}) == [(3, 12), (17, 27)]


def test_malformed_query_returns_a_message_not_an_exception(index):
    result = index.search("date:2023-13")
    assert result.hits == [] and "no month 13" in result.error


class FakeRecognizer:
    name = "fake"
    version = "fake:1"

    def recognize(self, text):
        out = []
        for name, kind in (("Kim Jong Un", "PER"), ("Sergej Lawrow", "PER"), ("Lawrow", "PER"),
                           ("Brüssel", "LOC"), ("Nato", "ORG")):
            start = text.find(name)
            if start >= 0 and not any(m.start <= start < m.end for m in out):
                out.append(Mention(start, start + len(name), name, kind))
        return out


def test_entity_fields_search_recognised_names(index):
    assert titles(index.search("per:lawrow")) == []  # no names recognised yet
    assert index.recognize_pending(FakeRecognizer()) == 5
    assert index.pending_entities() == 0
    assert titles(index.search("per:lawrow")) == ["Lawrow reist nach Asien"]
    assert titles(index.search("org:nato")) == ["Nato berät über Hilfe"]
    assert titles(index.search('per:"kim jong un"')) == ["Kim Jong Un empfängt Gäste in Pjöngjang"]
    assert titles(index.search("loc:lawrow")) == []


# --- incremental indexing and recovery ------------------------------------------------------------

def test_refresh_parses_only_new_or_changed_files_and_drops_deleted_ones(tmp_path):
    folder = write(tmp_path / "a")
    path = tmp_path / "index.sqlite"
    idx = SearchIndex(path)
    first = idx.refresh([folder])
    assert (first.parsed, first.added_articles) == (5, 5)
    idx.close()

    idx = SearchIndex(path)  # a relaunch
    again = idx.refresh([folder])
    assert (again.parsed, again.unchanged, again.added_articles) == (0, 5, 0)

    (folder / "neu.txt").write_text("Neuer Artikel über Zebras\n\nZebras im Zoo.", encoding="utf-8")
    added = idx.refresh([folder])
    assert (added.parsed, added.added_articles) == (1, 1)
    assert titles(idx.search("zebras")) == ["Neuer Artikel über Zebras"]

    rewrite(folder / "lawrow.txt", " date 2023-11 Lawrow reist nach Afrika\n\nEr besucht Kenia.")
    changed = idx.refresh([folder])
    assert (changed.parsed, changed.added_articles, changed.removed_articles) == (1, 1, 1)
    assert titles(idx.search("asien")) == []
    assert titles(idx.search("kenia")) == ["Lawrow reist nach Afrika"]

    (folder / "nato.txt").unlink()
    gone = idx.refresh([folder])
    assert (gone.removed_files, gone.removed_articles) == (1, 1)
    assert titles(idx.search("stoltenberg")) == []
    assert len(idx) == 5


def test_a_folder_opened_from_another_working_folder_is_not_read_again(tmp_path, monkeypatch):
    folder = write(tmp_path / "a")
    idx = SearchIndex(tmp_path / "index.sqlite")
    monkeypatch.chdir(tmp_path)
    assert idx.refresh(["a"]).parsed == 5
    monkeypatch.chdir(folder)
    again = idx.refresh(["."])  # the same folder, named otherwise
    assert (again.parsed, again.unchanged, again.removed_files) == (0, 5, 0)
    assert idx.paths_of(idx.search("stoltenberg").hits[0].article.id) == [str(folder / "nato.txt")]
    idx.close()


def test_reading_never_waits_for_a_write_in_progress(index):
    """A long write holds the thread lock (names stored, a refresh's batch): showing an article,
    its names and a search read on connections of their own meanwhile."""
    listed = index.articles(bodies=False)
    index.search("nato")  # its words read once
    done = []

    def read() -> None:
        article = index.fill(listed[0])
        done.append((article.body != "", index.article_names(article.id), index.names_resolved(),
                     titles(index.search("stoltenberg")), len(index)))

    with index.lock:
        reader = threading.Thread(target=read)
        reader.start()
        reader.join(10)
        assert not reader.is_alive(), "a read waited for the lock"
    assert done == [(True, None, False, ["Nato berät über Hilfe"], 5)]


def test_same_article_in_two_files_is_indexed_once_with_both_paths(tmp_path):
    text = ARTICLES["nato.txt"]
    folder = write(tmp_path / "a", {"x.txt": text, "y.txt": text})
    idx = SearchIndex(None)
    idx.refresh([folder])
    (hit,) = idx.search("stoltenberg").hits
    assert [Path(p).name for p in hit.article.paths] == ["x.txt", "y.txt"]
    (folder / "x.txt").unlink()
    idx.refresh([folder])
    (hit,) = idx.search("stoltenberg").hits
    assert [Path(p).name for p in hit.article.paths] == ["y.txt"]


def test_unreadable_files_are_reported_on_every_refresh(tmp_path):
    folder = write(tmp_path / "a", {"ok.txt": ARTICLES["nato.txt"], "leer.txt": "   \n"})
    idx = SearchIndex(tmp_path / "i.sqlite")
    assert [Path(s.path).name for s in idx.refresh([folder]).skipped] == ["leer.txt"]
    assert [Path(s.path).name for s in idx.refresh([folder]).skipped] == ["leer.txt"]


def test_corrupt_index_is_moved_aside_and_rebuilt(tmp_path):
    folder = write(tmp_path / "a")
    path = tmp_path / "index.sqlite"
    path.write_bytes(b"garbage, not sqlite" * 500)
    idx = SearchIndex(path)
    assert len(idx.notices) == 1 and "rebuilt" in idx.notices[0] and "old file is" in idx.notices[0]
    assert len(list(tmp_path.glob("index.sqlite.old-*"))) == 1
    idx.refresh([folder])
    assert titles(idx.search("stoltenberg")) == ["Nato berät über Hilfe"]


def test_outdated_schema_is_rebuilt(tmp_path):
    path = tmp_path / "index.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE files (x)")
    db.execute(f"PRAGMA user_version = {SCHEMA - 1 if SCHEMA > 1 else 99}")
    db.commit()
    db.close()
    idx = SearchIndex(path)
    assert "schema version" in idx.notices[0]
    assert len(idx) == 0


# --- command line ---------------------------------------------------------------------------------

def test_search_command_json(tmp_path, capsys):
    folder = write(tmp_path / "a")
    assert main(["search", "Lawrov", str(folder), "--json", "--limit", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    hit = json.loads(lines[0])
    assert set(hit) >= {"id", "title", "date", "score", "snippet", "matches"}
    assert hit["title"] == "Lawrow reist nach Asien" and hit["date"] == "2023-11"
    assert main(["search", "date:2023-13", str(folder)]) == 2
    assert "no month 13" in capsys.readouterr().err


def test_search_stdin_one_line_per_query(tmp_path, capsys, monkeypatch):
    import io

    folder = write(tmp_path / "a")
    monkeypatch.setattr("sys.stdin", io.StringIO("pjongjang\nfoo:bar\n\n"))
    assert main(["search", "--stdin", str(folder), "--json"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["query"] for r in rows] == ["pjongjang", "foo:bar", ""]
    assert rows[0]["results"][0]["title"].endswith("Pjöngjang") and rows[0]["elapsed_ms"] >= 0
    assert "unknown filter" in rows[1]["error"]
    assert rows[2]["results"] == []


def test_index_command_is_incremental(tmp_path, capsys):
    folder = write(tmp_path / "a")
    assert main(["index", str(folder)]) == 0
    assert "5 parsed" in capsys.readouterr().err
    assert main(["index", str(folder)]) == 0
    assert "0 parsed, 5 unchanged" in capsys.readouterr().err


def test_hyphenated_compounds_are_found_written_as_one_word(tmp_path):
    folder = write(tmp_path / "c", {"a.txt": " date 2024-01 Polizei warnt\n\nDie Cyber-Kriminellen wurden in "
                                             "Wien gefasst. Das Landes-Kriminalamt ermittelt.",
                                    "b.txt": " date 2024-02 Wetter\n\nKriminelle Wolken wurden gesichtet."})
    idx = SearchIndex(None)
    idx.refresh([folder])
    assert titles(idx.search("cyberkriminellen")) == ["Polizei warnt"]
    assert titles(idx.search("cyberkriminelle landeskriminalamt")) == ["Polizei warnt"]  # a typo away, too
    # the joined forms come after the text: phrases are read on the text as written
    assert titles(idx.search('"kriminellen wurden"')) == ["Polizei warnt"]
    assert "cyber" in idx.search("cyber").terms and titles(idx.search("cyber")) == ["Polizei warnt"]


# --- names in their own table -----------------------------------------------------------------------

class GenitiveRecognizer:
    """Finds the genitives ``Russlands`` (LOC) and ``Wladimir Putins`` (PER) and the name
    ``Wien``; their bases ``Russland`` and ``Wladimir Putin`` are known, so the names hold
    words the text does not."""
    name = "genitive"
    version = "genitive:1"

    def is_known_base(self, base, form):
        return base in ("Russland", "Wladimir Putin")

    def recognize(self, text):
        out = []
        for name, kind in (("Wladimir Putins", "PER"), ("Russlands", "LOC"), ("Wien", "LOC")):
            start = text.find(name)
            if start >= 0:
                out.append(Mention(start, start + len(name), name, kind))
        return out


GENITIVES = {
    "moskau.txt": " date 2024-03 Reise nach Osten\n\nDie Regierung Russlands empfing Gäste. "
                  "Wladimir Putins Sprecher schwieg.",
    "wien.txt": " date 2024-04 Bericht aus Wien\n\nDie Regierung tagte in Wien.",
    "russland.txt": " date 2024-05 Russland und die Wahl\n\nIn Russland wird gewählt.",
}


def fts_data(idx: SearchIndex) -> list:
    return idx.db.execute("SELECT id, block FROM fts_data ORDER BY id").fetchall()


def test_names_go_to_their_own_table_and_the_text_entry_is_not_written_again(index, monkeypatch):
    from newsreader.core.search import index as index_module

    before = fts_data(index)
    folded = []
    real = index_module.index_text
    monkeypatch.setattr(index_module, "index_text", lambda text: (folded.append(len(text)), real(text))[1])
    assert index.recognize_pending(FakeRecognizer()) == 5
    assert folded == []  # no text was folded again
    assert fts_data(index) == before  # and FTS5 wrote nothing: no delete, no insert of a text
    assert index.db.execute("SELECT count(*) FROM fts_docsize").fetchone() == (5,)
    (names,) = index.db.execute("SELECT count(*) FROM names").fetchone()
    assert names == 3  # one row per article with names: two have none
    assert titles(index.search("per:lawrow")) == ["Lawrow reist nach Asien"]
    assert titles(index.search("-per:lawrow nato")) == ["Nato berät über Hilfe"]
    index.db.execute("INSERT INTO fts (fts) VALUES ('integrity-check')")
    index.db.execute("INSERT INTO names (names) VALUES ('integrity-check')")


def test_a_word_only_in_a_name_s_base_form_finds_the_article(tmp_path):
    folder = write(tmp_path / "g", GENITIVES)
    idx = SearchIndex(tmp_path / "g.sqlite")
    idx.refresh([folder])
    assert [h.tier for h in idx.search("russland ").hits] == ["exact", "fuzzy"]  # Russlands: a typo away
    idx.recognize_pending(GenitiveRecognizer())
    found = idx.search("russland ")
    assert sorted(titles(found)) == ["Reise nach Osten", "Russland und die Wahl"]
    assert [h.tier for h in found.hits] == ["exact", "exact"]
    assert titles(idx.search("russland")) == titles(found)  # while typing, too
    assert titles(idx.search("loc:russland")) == ["Reise nach Osten"]  # the other is no recognised name
    # with other words: those must be in the text (or names) as well
    assert titles(idx.search("russland regierung ")) == ["Reise nach Osten"]
    assert titles(idx.search("regierung russland ")) == ["Reise nach Osten"]
    assert titles(idx.search("russland zebra ")) == []
    assert titles(idx.search("russland source:niemand ")) == []
    assert titles(idx.search("russland date:2024-03 ")) == ["Reise nach Osten"]
    assert titles(idx.search("russland per:putin ")) == ["Reise nach Osten"]
    assert titles(idx.search("russland -per:putin ")) == ["Russland und die Wahl"]
    # left out: wherever the word is, text or names
    assert titles(idx.search("regierung -russland")) == ["Bericht aus Wien"]
    assert titles(idx.search("-russland")) == ["Bericht aus Wien"]
    # a phrase that only a base form has
    assert titles(idx.search('"wladimir putin"')) == ["Reise nach Osten"]
    assert titles(idx.search('per:"wladimir putin"')) == ["Reise nach Osten"]
    assert titles(idx.search('"putin sprecher"')) == []
    # the names' words are in the vocabulary: completion and typos
    assert "russland" in idx.completions("russl")
    assert "Reise nach Osten" in titles(idx.search("rusland "))
    (extra,) = idx.db.execute("SELECT extra FROM names JOIN docs d ON d.rowid = names.rowid "
                              "JOIN holds h ON h.article_id = d.article_id WHERE h.path LIKE '%moskau.txt'").fetchone()
    assert extra.split(" ; ") == ["russland", "wladimir putin"]  # what the text does not have as written
    idx.close()


def test_names_rank_as_part_of_the_score(tmp_path):
    # two texts alike but for one word; "Wien" is a recognised name only in the first
    folder = write(tmp_path / "h", {"a.txt": " date 2024-01 Wien\n\nIn Wien regnet es. Wien ist nass.",
                                    "b.txt": " date 2024-01 Wien\n\nIn Wien schneit es. Wien ist kalt."})

    class WienWhenItRains:
        version = "wien:1"

        def recognize(self, text):
            start = text.find("Wien ist")
            return [Mention(start, start + 4, "Wien", "LOC")] if "regnet" in text else []

    idx = SearchIndex(None)
    idx.refresh([folder])
    first = idx.search("wien ").hits
    assert first[0].score == first[1].score
    idx.recognize_pending(WienWhenItRains())
    hits = idx.search("wien ").hits
    assert [Path(h.article.path).name for h in hits] == ["a.txt", "b.txt"]
    assert hits[0].score > hits[1].score == first[1].score
    idx.close()


def test_an_article_removed_or_changed_drops_its_names(folder, index):
    index.recognize_pending(FakeRecognizer())
    count = lambda: index.db.execute("SELECT count(*) FROM names").fetchone()[0]
    assert count() == 3
    (folder / "lawrow.txt").unlink()
    report = index.refresh([folder])
    assert report.removed_articles == 1 and count() == 2
    assert index.db.execute("SELECT count(*) FROM names WHERE rowid NOT IN (SELECT rowid FROM docs)").fetchone() == (0,)
    assert titles(index.search("per:lawrow")) == [] and titles(index.search("lawrow")) == []
    # the same article with its text respaced (the same id): its names are found again
    before = fts_data(index)
    rewrite(folder / "nato.txt", ARTICLES["nato.txt"].replace("sagte in", "sagte  in"))
    report = index.refresh([folder])
    assert (report.parsed, report.added_articles, report.removed_articles) == (1, 0, 0)
    assert fts_data(index) != before and count() == 1 and index.pending_entities() == 1
    assert titles(index.search("org:nato")) == []
    index.recognize_pending(FakeRecognizer())
    assert count() == 2 and titles(index.search("org:nato")) == ["Nato berät über Hilfe"]
    index.db.execute("INSERT INTO fts (fts) VALUES ('integrity-check')")
    index.db.execute("INSERT INTO names (names) VALUES ('integrity-check')")


def test_a_changed_date_keeps_the_names_and_the_text_entry(folder, index):
    index.recognize_pending(FakeRecognizer())
    before = fts_data(index)
    rewrite(folder / "nato.txt", ARTICLES["nato.txt"].replace("2024-02", "2024-03"))
    assert index.refresh([folder]).parsed == 1
    assert fts_data(index) == before and index.pending_entities() == 0
    assert titles(index.search("org:nato date:2024-03")) == ["Nato berät über Hilfe"]


def test_an_index_of_the_last_schema_is_rebuilt_with_a_notice(tmp_path):
    folder = write(tmp_path / "a")
    path = tmp_path / "index.sqlite"
    db = sqlite3.connect(path)  # schema 4: one table for the text and the names
    db.executescript("CREATE TABLE files (path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER, ids TEXT NOT NULL,"
                     " reason TEXT); CREATE TABLE docs (rowid INTEGER PRIMARY KEY, article_id TEXT UNIQUE NOT NULL,"
                     " date TEXT, meta BLOB NOT NULL, ents TEXT); CREATE TABLE bodies (rowid INTEGER PRIMARY KEY,"
                     " body TEXT NOT NULL); CREATE TABLE holds (article_id TEXT NOT NULL, path TEXT NOT NULL);"
                     "CREATE VIRTUAL TABLE fts USING fts5(title, body, per, loc, org, misc, source, content='');"
                     "CREATE VIRTUAL TABLE vocab USING fts5vocab(fts, 'row'); PRAGMA user_version = 4;")
    db.close()
    idx = SearchIndex(path)
    (notice,) = idx.notices
    assert "was rebuilt (schema version 4, this newsreader uses" in notice and "the old file is" in notice
    idx.refresh([folder])
    idx.recognize_pending(FakeRecognizer())
    assert titles(idx.search("per:lawrow")) == ["Lawrow reist nach Asien"]
    idx.close()


@given(st.text(alphabet="ab-Äß1 _\n.(", max_size=40))
def test_compounds_are_the_pattern_s_matches_over_the_whole_text(text):
    """index_text looks for compounds only in the words with a hyphen; it must find what the
    pattern finds run over the whole text."""
    from newsreader.core.search.fold import _HYPHENATED, fold_word, folded_text, index_text

    whole = list(dict.fromkeys(fold_word(m.group().replace("-", "")) for m in _HYPHENATED.finditer(text)))
    folded = folded_text(text)
    assert index_text(text) == (folded + " " + " ".join(whole) if whole and "-" in text else folded)
