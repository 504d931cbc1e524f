"""Issue 20: a listing is sorted in the worker that makes it, in the order the list has; the
hub sorts it again only when the order was changed while it was on its way."""

from __future__ import annotations

import threading

from newsreader.app import NewsReaderApp
from newsreader.core.article import sort_articles
from newsreader.core.search.index import FIRST_BATCH, SearchIndex
from newsreader.screens.main_screen import MainScreen

from test_search_early import held_loader
from waiting import until


def dated_folder(tmp_path, n: int):
    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(n):
        (folder / f"{i:03}.txt").write_text(
            f"Titel: Bericht Nummer {i}\nDatum: {1 + i % 28:02}.{1 + i % 12:02}.20{10 + i % 15}\n\n"
            f"Die Regierung beriet über den Plan {i}. Angela Merkel sprach darüber in Leipzig.\n",
            encoding="utf-8")
    return folder


def test_a_listing_is_sorted_where_it_is_made(tmp_path):
    index = SearchIndex(None)
    index.refresh([str(dated_folder(tmp_path, 30))])
    newest = index.articles(bodies=False)
    message = MainScreen.Listed(newest, [], True, [], index, newest_first=False)
    assert [a.id for a in message.articles] == [a.id for a in sort_articles(newest, False)]
    assert [a.id for a in message.articles] != [a.id for a in newest]
    assert message.by_id == {a.id: a for a in newest}


def test_a_listing_takes_again_the_articles_of_the_last_that_have_not_changed(tmp_path):
    folder = dated_folder(tmp_path, 30)
    index = SearchIndex(None)
    index.refresh([str(folder)])
    first = index.listing()
    assert [a.id for a in first.articles] == [a.id for a in index.articles(bodies=False)]
    assert first.articles.rows == {a.id: i for i, a in enumerate(first.articles)}

    (folder / "005.txt").unlink()                                   # gone
    changed = folder / "007.txt"                                   # another text: another article
    changed.write_text(changed.read_text(encoding="utf-8").replace("Leipzig", "Dresden"), encoding="utf-8")
    redated = folder / "009.txt"                                   # the same text, another date
    redated.write_text(redated.read_text(encoding="utf-8").replace("Datum: 10.10.2019", "Datum: 11.10.2019"),
                       encoding="utf-8")
    (folder / "copy.txt").write_text((folder / "003.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "new.txt").write_text("Titel: Neu\nDatum: 01.02.2030\n\nEin neuer Bericht aus Bonn.\n",
                                    encoding="utf-8")
    index.refresh([str(folder)])
    second = index.listing(first)

    fresh = index.articles(bodies=False)  # what a listing made afresh says
    assert [a.id for a in second.articles] == [a.id for a in fresh]
    for made, new in zip(fresh, second.articles):
        assert (new.title, new.date, new.source, new.paths) == (made.title, made.date, made.source, made.paths)
    old = {a.title.removeprefix("Titel: "): a for a in first.articles}
    new = {a.title.removeprefix("Titel: "): a for a in second.articles}
    assert new["Bericht Nummer 1"] is old["Bericht Nummer 1"]      # untouched: the same object
    assert new["Bericht Nummer 9"] is not old["Bericht Nummer 9"]  # its stored row changed
    assert new["Bericht Nummer 9"].date.iso() == "2019-10-11"
    assert new["Bericht Nummer 7"].id != old["Bericht Nummer 7"].id
    assert "Bericht Nummer 5" not in new and "Neu" in new
    assert new["Bericht Nummer 3"] is old["Bericht Nummer 3"]      # found at a second path as well
    assert [p.rsplit("/", 1)[1] for p in new["Bericht Nummer 3"].paths] == ["003.txt", "copy.txt"]
    assert set(second.by_id) == {a.id for a in second.articles}


async def test_the_order_changed_while_files_are_read_holds_for_the_later_listings(tmp_path, monkeypatch):
    folder = dated_folder(tmp_path, FIRST_BATCH + 30)
    gate = held_loader(monkeypatch, FIRST_BATCH)
    app = NewsReaderApp([str(folder)])
    try:
        async with app.run_test(size=(120, 35)) as pilot:
            hub = app.screen
            await until(pilot, lambda: len(hub.collection) == FIRST_BATCH)
            await pilot.press("o")  # oldest first, while the rest is still being read
            await until(pilot, lambda: not hub.newest_first)
            gate.set()
            await until(pilot, lambda: hub.listed_final and len(hub.collection) == FIRST_BATCH + 30)
            assert [a.id for a in hub.collection] == [a.id for a in sort_articles(hub.collection, False)]
            assert hub.collection[0].date.sort_key() < hub.collection[-1].date.sort_key()
    finally:
        gate.set()


async def names_after_a_cold_open(folder) -> set[tuple[str, str]]:
    """The (type, name) of the entities a cold open of ``folder`` finds and stores."""
    from test_app_reader import ready

    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(120, 35)) as pilot:
        stored = {(e.type, e.canonical) for e in (await ready(app, pilot)).entities}
    assert stored
    return stored


async def the_names_come_while_held(folder, gate: threading.Event, stored: set, held_now, listed) -> None:
    """Open ``folder`` again while something waits for ``gate``: the stored names come first
    (``held_now(hub)`` holds then), then, let go, the listing ends (``listed(hub)``)."""
    app = NewsReaderApp([str(folder)])
    try:
        async with app.run_test(size=(120, 35)) as pilot:
            hub = app.screen
            await until(pilot, lambda: hub.entities is not None)
            assert held_now(hub) and not gate.is_set()
            assert {(e.type, e.canonical) for e in hub.entities} == stored
            gate.set()
            await until(pilot, lambda: listed(hub))
    finally:
        gate.set()


async def test_a_warm_open_has_the_stored_names_before_the_folder_is_walked(tmp_path, monkeypatch):
    from newsreader.core.search import index as index_module

    folder = dated_folder(tmp_path, 30)
    stored = await names_after_a_cold_open(folder)
    gate = threading.Event()
    real = index_module.discover_stat

    def held(paths, skipped):  # the walk of the folder waits until the test lets it go
        gate.wait(30)
        yield from real(paths, skipped)

    monkeypatch.setattr(index_module, "discover_stat", held)
    await the_names_come_while_held(folder, gate, stored, lambda hub: not hub.listed_final,
                                    lambda hub: hub.listed_final)


def test_the_first_articles_are_those_the_whole_list_begins_with(tmp_path):
    folder = dated_folder(tmp_path, 60)
    (folder / "undated.txt").write_text("Ohne Datum\n\nEin Text ohne Datum über Leipzig.\n", encoding="utf-8")
    index = SearchIndex(None)
    index.refresh([str(folder)])
    whole = index.articles(bodies=False)
    for newest_first in (True, False):
        listed = sort_articles(whole, newest_first)
        first = index.first_articles(10, newest_first)
        assert [a.id for a in first] == [a.id for a in listed[:10]]
        assert [a.paths for a in first] == [a.paths for a in listed[:10]]
    assert [a.id for a in index.first_articles(100)] == [a.id for a in whole]  # fewer than asked: all


async def test_a_large_collection_shows_its_first_screen_before_the_whole_list(tmp_path, monkeypatch):
    from newsreader.screens import main_screen

    from test_app_reader import ready

    folder = dated_folder(tmp_path, 40)
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(120, 35)) as pilot:
        await ready(app, pilot)
    monkeypatch.setattr(main_screen, "FIRST_SCREEN", 10)
    monkeypatch.setattr(main_screen, "FIRST_SCREEN_AFTER", 20)
    monkeypatch.setattr(main_screen, "SMALL_INDEX_BYTES", 0)  # listed by the worker, as a large one is
    sizes: list[int] = []
    real = MainScreen.watch_collection

    def watched(self):
        sizes.append(len(self.collection))
        real(self)

    monkeypatch.setattr(MainScreen, "watch_collection", watched)
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(120, 35)) as pilot:
        hub = await ready(app, pilot)
        assert [n for n in sizes if n][:2] == [10, 40]
        assert hub.current is hub.collection[0]  # the first article stays the first


async def test_a_warm_open_of_a_large_collection_has_its_names_before_the_whole_list(tmp_path, monkeypatch):
    from newsreader.core.search.index import SearchIndex
    from newsreader.screens import main_screen

    folder = dated_folder(tmp_path, 40)
    stored = await names_after_a_cold_open(folder)
    monkeypatch.setattr(main_screen, "FIRST_SCREEN", 10)
    monkeypatch.setattr(main_screen, "FIRST_SCREEN_AFTER", 20)
    monkeypatch.setattr(main_screen, "SMALL_INDEX_BYTES", 0)  # listed by the worker, as a large one is
    gate = threading.Event()
    real = SearchIndex.listing

    def held(self, previous=None, pause=None):  # the whole listing waits until the test lets it go
        gate.wait(30)
        return real(self, previous, pause)

    monkeypatch.setattr(SearchIndex, "listing", held)
    await the_names_come_while_held(folder, gate, stored, lambda hub: len(hub.collection) == 10,  # the first screen
                                    lambda hub: hub.listed_final and len(hub.collection) == 40)


async def test_names_are_found_while_the_rest_of_the_files_are_read(tmp_path, monkeypatch):
    from newsreader.screens import main_screen

    from test_app_reader import ready

    folder = dated_folder(tmp_path, FIRST_BATCH + 30)
    monkeypatch.setattr(main_screen, "FOLLOW_AFTER", 10)
    gate = held_loader(monkeypatch, FIRST_BATCH + 5)  # the rest waits until the test lets it through
    app = NewsReaderApp([str(folder)])
    try:
        async with app.run_test(size=(120, 35)) as pilot:
            hub = app.screen
            await until(pilot, lambda: hub.index is not None and len(hub.collection) == FIRST_BATCH)
            index = hub.index
            # the first batch has its names while the other files wait to be read
            await until(pilot, lambda: index.pending_entities() == 0, "names of the first batch")
            await until(pilot, lambda: hub.reading_names is not None, "names in the panel")
            assert not hub.listed_final and not gate.is_set() and hub.entities is None
            assert hub.progress[0] == "Reading files"  # the reading's progress is what is shown
            assert "Angela Merkel" in {m.canonical for m in hub.reading_names.body}
            gate.set()
            await ready(app, pilot)
            assert hub.listed_final and len(hub.collection) == FIRST_BATCH + 30
            assert index.pending_entities() == 0 and index.names_resolved()
            (merkel,) = [e for e in hub.entities if e.canonical == "Angela Merkel"]
            assert merkel.article_count == FIRST_BATCH + 30
    finally:
        gate.set()
