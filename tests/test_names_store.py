"""Issue 20: the names of a collection are found once, stored in its index, and everyone reads
them from there: ``per:`` search, ``newsreader entities``, ``show`` and the names panel agree."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsreader.core.ner import get_recognizer
from newsreader.core.ner.collection import analyse
from newsreader.core.ner.types import Mention
from newsreader.core.search.index import SearchIndex, default_index_path
from newsreader.resources import seeds_dir

FIELD = {"PER": "per", "LOC": "loc", "ORG": "org", "MISC": "misc"}


@pytest.fixture(scope="module")
def seeds_index(tmp_path_factory) -> SearchIndex:
    index = SearchIndex(tmp_path_factory.mktemp("idx") / "index.sqlite")
    index.refresh([str(seeds_dir())])
    index.recognize_pending(get_recognizer(None)[0])
    return index


def test_every_entity_s_field_search_finds_every_article_the_entity_lists(seeds_index):
    entities = seeds_index.entities()
    assert len(entities) > 20
    for ent in entities:
        listed = set(seeds_index.entity_article_ids(ent.id))
        assert len(listed) == ent.article_count > 0
        found = {h.article.id for h in seeds_index.search(f'{FIELD[ent.type]}:"{ent.canonical}"', limit=500).hits}
        assert listed <= found, ent
        for article_id in listed:  # and the names panel shows the entity in each of them
            names = seeds_index.article_names(article_id)
            assert any((lm.mention.type, lm.canonical) == (ent.type, ent.canonical) for lm in names.title + names.body)


def test_what_was_two_answers_on_the_seeds_is_one():
    # before: per:"Wladimir Putin" found 4 articles where the names listing said 5 (per:Kim 5 and 3)
    index = SearchIndex(None)
    index.refresh([str(seeds_dir())])
    index.recognize_pending(get_recognizer(None)[0])
    for ent in index.entities():
        if ent.canonical == "Wladimir Putin":
            assert len(index.search('per:"Wladimir Putin"').hits) == ent.article_count


def test_the_stored_entities_are_those_the_in_memory_linker_makes(seeds_index):
    articles = seeds_index.articles(bodies=True)
    memory = analyse(articles, get_recognizer(None)[0])
    stored = {(e.type, e.canonical): set(seeds_index.entity_article_ids(e.id)) for e in seeds_index.entities()}
    assert {(e.type, e.canonical): e.articles for e in memory.entities} == stored


def test_the_cli_lists_the_stored_entities_and_shows_the_stored_names():
    # the user folders are this test's (conftest): the CLI's index is the one opened here after it
    out = subprocess.run([sys.executable, "-m", "newsreader", "entities", "--json"], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    listed = [json.loads(line) for line in out.stdout.splitlines()]
    index = SearchIndex(default_index_path([str(seeds_dir())]))
    stored = {(e.type, e.canonical): sorted(index.entity_article_ids(e.id)) for e in index.entities()}
    assert {(e["type"], e["canonical"]): e["articles"] for e in listed} == stored
    some = listed[0]["articles"][0]
    shown = subprocess.run([sys.executable, "-m", "newsreader", "show", some, "--json"], capture_output=True,
                           text=True, timeout=300)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    names = index.article_names(some)
    assert [(m["start"], m["canonical"]) for m in data["entities"]] == [(m.mention.start, m.canonical)
                                                                       for m in names.body]


# --- a small recognizer that says what it was asked -----------------------------------------------

class Capitals:
    """Every word from NAMES in a text is a person; counts the texts it was given."""

    NAMES = ("Anna Berger", "Berger", "Carl Vogt", "Vogt")
    name = "capitals"

    def __init__(self, version: str = "capitals:1") -> None:
        self.version = version
        self.texts = 0

    def recognize(self, text: str) -> list[Mention]:
        self.texts += 1
        out, taken = [], set()
        for name in self.NAMES:
            for m in re.finditer(rf"\b{re.escape(name)}\b", text):
                if not taken & set(range(m.start(), m.end())):
                    taken |= set(range(m.start(), m.end()))
                    out.append(Mention(m.start(), m.end(), name, "PER", 1.0))
        return sorted(out, key=lambda m: m.start)


def write(folder: Path, name: str, title: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"{title}\n\n{body}", encoding="utf-8")
    return path


def entities(index: SearchIndex) -> dict[str, int]:
    return {e.canonical: e.article_count for e in index.entities()}


def hits(index: SearchIndex, query: str) -> set[str]:
    """The files the hits come from, without their extension."""
    return {Path(p).stem for h in index.search(query, limit=100).hits for p in h.article.paths}


def test_a_changed_an_added_and_a_removed_file_update_names_entities_and_search_in_one_refresh(tmp_path):
    folder = tmp_path / "c"
    write(folder, "a.txt", "Eins", "Heute sprach Anna Berger in Wien. Berger sagte nichts.")
    b = write(folder, "b.txt", "Zwei", "Morgen kommt Carl Vogt.")
    c = write(folder, "c.txt", "Drei", "Gestern war Berger da.")
    index = SearchIndex(tmp_path / "index.sqlite")
    index.refresh([folder])
    index.recognize_pending(Capitals())
    assert entities(index) == {"Anna Berger": 2, "Carl Vogt": 1}  # the lone Berger of c is Anna Berger
    assert hits(index, 'per:"Anna Berger"') == {"a", "c"}
    # b changes, c goes, d comes: one refresh and one recognition
    b.write_text("Zwei\n\nMorgen kommt Anna Berger, nicht Vogt.", encoding="utf-8")
    c.unlink()
    write(folder, "d.txt", "Vier", "Carl Vogt und Anna Berger.")
    index.refresh([folder])
    assert index.recognize_pending(Capitals()) == 2  # b and d: nothing else is found again
    assert entities(index) == {"Anna Berger": 3, "Carl Vogt": 2}
    assert hits(index, 'per:"Anna Berger"') == {"a", "b", "d"}
    assert hits(index, 'per:"Carl Vogt"') == {"b", "d"}  # the lone Vogt of b is Carl Vogt
    assert hits(index, "per:Berger") == {"a", "b", "d"}
    assert len(index) == 3
    # the groups of a name nobody has any more go with it
    for path in folder.glob("*.txt"):
        path.write_text(path.read_text(encoding="utf-8").replace("Carl Vogt", "jemand").replace("Vogt", "er"),
                        encoding="utf-8")
    index.refresh([folder])
    index.recognize_pending(Capitals())
    assert entities(index) == {"Anna Berger": 3}
    assert hits(index, "per:Vogt") == set()
    # carl vogt went with the names of b and d, the lone berger with c (a's is Anna Berger within a)
    assert [key for (key,) in index.db.execute("SELECT key FROM groups")] == ["anna berger"]


def test_quitting_midway_and_relaunching_resumes_where_it_stopped(tmp_path):
    folder = tmp_path / "c"
    for i in range(30):
        write(folder, f"a{i:02d}.txt", f"Meldung {i}", f"Anna Berger traf Carl Vogt zum {i}. Mal.")
    path = tmp_path / "index.sqlite"
    first = SearchIndex(path)
    first.refresh([folder])
    recognizer = Capitals()

    class Quit(Exception):
        pass

    def progress(done: int, total: int, _what: str) -> None:
        if done >= 10:
            raise Quit  # as a quit does, between two batches

    with pytest.raises(Quit):
        first.recognize_pending(recognizer, progress=progress, batch=10)
    first.close()
    assert recognizer.texts == 20  # title and text of 10 articles
    again = SearchIndex(path)
    assert again.pending_entities() == 20
    assert again.recognize_pending(recognizer) == 20
    assert recognizer.texts == 60  # only the 20 that were left
    assert entities(again) == {"Anna Berger": 30, "Carl Vogt": 30}
    assert len(hits(again, 'per:"Carl Vogt"')) == 30


def test_another_version_of_the_recognizer_finds_every_name_again_once(tmp_path):
    folder = tmp_path / "c"
    for i in range(5):
        write(folder, f"a{i}.txt", f"Meldung {i}", f"Anna Berger traf Carl Vogt, zum {i}. Mal.")
    index = SearchIndex(tmp_path / "index.sqlite")
    index.refresh([folder])
    assert index.recognize_pending(Capitals("capitals:1")) == 5
    assert index.recognize_pending(Capitals("capitals:1")) == 0
    newer = Capitals("capitals:2")
    assert index.recognize_pending(newer) == 5 and newer.texts == 10
    assert index.recognize_pending(Capitals("capitals:2")) == 0
    assert entities(index) == {"Anna Berger": 5, "Carl Vogt": 5}


def test_an_article_whose_title_changes_case_gets_its_names_and_its_entities_search_row_again(tmp_path):
    # same id (case does not count), another title: its names are found again, and its search
    # row again holds every spelling of its entities, not only its own
    folder = tmp_path / "c"
    write(folder, "a.txt", "Eins", "Heute kam Carl Vogt nach Wien.")
    b = folder / "b.md"
    b.write_text("---\ntitle: Zwei Tage\n---\nMorgen kommt Vogt wieder.\n", encoding="utf-8")
    index = SearchIndex(tmp_path / "index.sqlite")
    index.refresh([folder])
    index.recognize_pending(Capitals())
    assert hits(index, 'per:"Carl Vogt"') == {"a", "b"}
    before = {a.id: a.title for a in index.articles(bodies=False)}
    b.write_text(b.read_text(encoding="utf-8").replace("Zwei Tage", "ZWEI TAGE"), encoding="utf-8")
    index.refresh([folder])
    after = {a.id: a.title for a in index.articles(bodies=False)}
    assert after.keys() == before.keys() and after != before  # the same articles, one title other
    assert index.recognize_pending(Capitals()) == 1
    assert hits(index, 'per:"Carl Vogt"') == {"a", "b"}


def test_names_found_while_the_files_are_read_cover_every_article_once(tmp_path):
    """recognize_pending(more=...) follows a refresh in another thread: it takes each batch
    as it is stored, waits while more may come, and ends with every article named, each text
    recognised once, and the collection's names resolved."""
    import threading

    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(60):
        (folder / f"{i:03}.txt").write_text(f"Bericht {i}\n\nAngela Merkel besuchte Ort{i} in Sachsen.\n",
                                            encoding="utf-8")
    index = SearchIndex(tmp_path / "index.sqlite")
    seen: list[str] = []
    stored = threading.Event()

    class Recognizer:
        name, version = "follow", "follow:1"

        def recognize(self, text):
            seen.append(text)
            start = text.find("Angela Merkel")
            return [Mention(start, start + 13, "Angela Merkel", "PER")] if start >= 0 else []

    def slowly():  # batches of 10 files, each stored only once names were taken from the last
        def wait_for_names():
            stored.wait(10)
            stored.clear()
        index.refresh([str(folder)], batch=10, on_batch=wait_for_names)

    reading = threading.Thread(target=slowly)
    reading.start()
    taken = []

    def progress(done, total, _what):
        taken.append((done, total, reading.is_alive()))
        stored.set()

    done = index.recognize_pending(Recognizer(), progress=progress, batch=10, more=reading.is_alive)
    reading.join()
    assert done == len(index) == 60
    assert len(seen) == 120 == len(set(seen))  # every title and text once
    assert index.pending_entities() == 0 and index.names_resolved()
    (merkel,) = [e for e in index.entities() if e.canonical == "Angela Merkel"]
    assert merkel.article_count == 60
    assert len(index.search('per:"Angela Merkel"', limit=100).hits) == 60
    assert [alive for _, _, alive in taken].count(True) >= 4  # names were found while files were read
    assert taken[-1][:2] == (60, 60)
