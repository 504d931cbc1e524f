"""Loading a large folder does not slow the keys: a worker's check waits while a key's frames are
drawn (``core.stopping.GiveWay``), and what is listed while files are read is frozen step by step
(``App.keep_loaded``), so that Python's full collections, which stop every thread, do not walk
every listed article again and again."""

from __future__ import annotations

import contextlib
import threading

from newsreader.app import NewsReaderApp
from newsreader.core.search.index import SearchIndex
from newsreader.core.stopping import GiveWay
from newsreader.screens import main_screen

from test_app_reader import ARTICLES, ready, write
from waiting import until


@contextlib.contextmanager
def _index_of_articles(tmp_path):
    """An index of the four test articles (``ARTICLES``), refreshed unless the test does it."""
    (tmp_path / "articles").mkdir()
    folder = write(tmp_path / "articles")
    index = SearchIndex(tmp_path / "index.sqlite")
    try:
        yield index, folder
    finally:
        index.close()


def _waiting(way: GiveWay) -> threading.Thread:
    thread = threading.Thread(target=way.wait, daemon=True)
    thread.start()
    return thread


def test_wait_returns_at_once_without_input():
    way = GiveWay(span=60)
    thread = _waiting(way)
    thread.join(10)
    assert not thread.is_alive()


def test_wait_lasts_until_the_input_is_done_and_an_earlier_done_does_not_end_a_later_input():
    way = GiveWay(span=60)
    first = way.busy()
    second = way.busy()  # another key before the first one's frames were drawn
    thread = _waiting(way)
    way.done(first)
    thread.join(0.2)
    assert thread.is_alive() and way.is_busy  # (without input it returned at once: the test above)
    way.done(second)
    thread.join(10)
    assert not thread.is_alive() and not way.is_busy


def test_wait_never_lasts_longer_than_the_span():
    way = GiveWay(span=0.05)
    way.busy()  # and never said done: a frame that never came
    thread = _waiting(way)
    thread.join(10)
    assert not thread.is_alive()


def test_a_refresh_pauses_before_each_article_it_writes(tmp_path):
    pauses = []
    with _index_of_articles(tmp_path) as (index, folder):
        report = index.refresh([str(folder)], pause=lambda: pauses.append(1))
    assert report.added_articles == len(ARTICLES)
    assert len(pauses) == len(ARTICLES)


async def test_a_key_keeps_the_workers_waiting_until_its_frames_are_drawn_and_no_longer(tmp_path):
    app = NewsReaderApp([str(write(tmp_path))])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        way = hub.give_way
        way.span = 60  # free again only when its frames are drawn (not when the time is up)
        busy = []
        original = way.busy
        way.busy = lambda: busy.append(original()) or busy[-1]
        start = hub.current.id
        await pilot.press("j")
        assert busy == [1]
        await until(pilot, lambda: not way.is_busy, "the frames of the key drawn")
        assert hub.current.id != start and hub.reading is hub.current


async def test_listings_while_files_are_read_are_frozen_every_freeze_step_and_the_last_one_always(tmp_path,
                                                                                                  monkeypatch):
    step, files = 300, 1300  # a listing after each batch of 500 files (and the first 20)
    monkeypatch.setattr(main_screen, "FREEZE_STEP", step)
    monkeypatch.setattr(main_screen, "LIST_EVERY", 0.0)
    monkeypatch.setattr(main_screen, "FOLLOW_AFTER", 10**9)  # names after the reading: listings only
    for i in range(files):
        (tmp_path / f"{i:05d}.txt").write_text(f" date 2024-01 Meldung {i}\n\nText der Meldung Nummer {i} "
                                               f"aus dem Archiv.", encoding="utf-8")
    listed, frozen = [], []
    original = main_screen.MainScreen._whole_list

    def counting(hub, *args, **kwargs):
        message = original(hub, *args, **kwargs)
        listed.append((len(message.articles), message.final))
        return message

    monkeypatch.setattr(main_screen.MainScreen, "_whole_list", counting)
    monkeypatch.setattr(NewsReaderApp, "keep_loaded",
                        lambda app: frozen.append((len(app.hub.collection), app.hub.listed_final)))
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: app.hub.listed_final, "the final listing", seconds=120)
    at_listings = [f for f in frozen if f in listed]
    assert at_listings[-1] == (files, True)  # the last listing always
    while_read = [n for n, final in at_listings if not final]
    assert while_read, (listed, frozen)  # listings came while files were read, and some were frozen
    assert while_read[0] >= step and all(b - a >= step for a, b in zip(while_read, while_read[1:]))
    # and none was left out for longer than a step
    assert all(n < f + step for n, final in listed if not final
               for f in [max([0] + [m for m in while_read if m <= n])])


def test_name_finding_pauses_before_each_batch_it_stores_and_each_article_it_links(tmp_path):
    from newsreader.core.ner import get_recognizer

    pauses = []
    with _index_of_articles(tmp_path) as (index, folder):
        index.refresh([str(folder)])
        recognizer, _ = get_recognizer("crf")
        done = index.recognize_pending(recognizer, batch=2, pause=lambda: pauses.append(index.pending_entities()))
    assert done == len(ARTICLES) == 4
    # batches of two: each article linked, then the batch stored (pending counts what is not stored)
    assert pauses == [4, 4, 4, 2, 2, 2]


def test_a_listing_pauses_every_so_many_rows(tmp_path, monkeypatch):
    from newsreader.core.search import index as index_module

    monkeypatch.setattr(index_module, "PAUSE_ROWS", 2)
    pauses = []
    with _index_of_articles(tmp_path) as (index, folder):
        index.refresh([str(folder)])
        listing = index.listing(pause=lambda: pauses.append(1))
    assert len(listing.articles) == len(ARTICLES) == 4
    assert len(pauses) == 2 + 2  # rows 0 and 2 of the paths, and of the articles
