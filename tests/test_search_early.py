"""Issue 20: on a cold open the search answers from the files read so far, before the whole
folder is in, and its results grow as more files come."""

from __future__ import annotations

import threading

from textual.widgets import Static

from newsreader.app import NewsReaderApp
from newsreader.core import loader
from newsreader.core.search.index import FIRST_BATCH
from waiting import until


def held_loader(monkeypatch, after: int) -> threading.Event:
    """Files after the first ``after`` are parsed only once the returned event is set."""
    gate = threading.Event()
    real, parsed = loader.load_file, [0]

    def held(path):
        parsed[0] += 1
        if parsed[0] > after:
            gate.wait(30)
        return real(path)

    monkeypatch.setattr(loader, "load_file", held)
    return gate


async def test_a_search_answers_from_the_files_read_so_far_and_grows_as_more_come(tmp_path, monkeypatch):
    folder = tmp_path / "news"
    folder.mkdir()
    total = FIRST_BATCH + 40
    for i in range(total):
        (folder / f"{i:03}.txt").write_text(f"Bericht {i}\n\nDie Regierung beriet am Montag über den Plan {i}.\n",
                                            encoding="utf-8")
    gate = held_loader(monkeypatch, FIRST_BATCH + 5)  # the rest waits until the test lets it through
    app = NewsReaderApp([str(folder)])
    try:
        async with app.run_test(size=(120, 35)) as pilot:
            hub = app.screen
            await until(pilot, lambda: len(hub.collection) == FIRST_BATCH)
            await pilot.press("slash", *"regierung")
            await until(pilot, lambda: hub.view.search is not None and len(hub.view.search.ranked) == FIRST_BATCH)
            assert not hub.listed_final and not gate.is_set()  # answered while the folder is still being read
            assert {a.id for a in hub.articles} == {a.id for a in hub.collection}  # every file listed so far
            line = str(hub.query_one("#filter", Static).content)
            assert f"{FIRST_BATCH} results" in line and "more as files are read" in line
            gate.set()
            await until(pilot, lambda: hub.listed_final and len(hub.view.search.ranked) == total)
            assert {a.id for a in hub.articles} == {a.id for a in hub.collection} and len(hub.collection) == total
            await until(pilot, lambda: "more as files" not in str(hub.query_one("#filter", Static).content))
            assert f"{total} results" in str(hub.query_one("#filter", Static).content)
    finally:
        gate.set()


def test_the_first_files_are_stored_and_listed_while_the_folder_is_still_walked(tmp_path, monkeypatch):
    import sqlite3

    from newsreader.core.search import index as index_module
    from newsreader.core.search.index import SearchIndex

    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(FIRST_BATCH + 30):
        (folder / f"{i:03}.txt").write_text(f"Bericht {i}\n\nDie Regierung beriet über den Plan {i}.\n", encoding="utf-8")
    path = tmp_path / "index.sqlite"
    real, during_walk, listings = index_module.discover_stat, [], []

    def walk(paths, skipped):
        for n, item in enumerate(real(paths, skipped)):
            if n == FIRST_BATCH + 10:  # another connection sees what is committed by now
                with sqlite3.connect(path) as db:
                    during_walk.append(db.execute("SELECT count(*) FROM docs").fetchone()[0])
            yield item

    monkeypatch.setattr(index_module, "discover_stat", walk)
    index = SearchIndex(path)
    report = index.refresh([str(folder)], on_batch=lambda: listings.append(len(index)))
    assert during_walk == [FIRST_BATCH] and listings[0] == FIRST_BATCH
    assert report.parsed == FIRST_BATCH + 30 and len(index) == FIRST_BATCH + 30
