"""Snapshots of the key screens (pytest-textual-snapshot). Update with --snapshot-update after a
deliberate change, and look at the pictures before committing them."""

from __future__ import annotations

import pytest

from newsreader.app import NewsReaderApp
from newsreader.screens.main_screen import MainScreen
from newsreader.widgets.entity_panel import EntityPanel


@pytest.fixture(autouse=True)
def never_mark_read(monkeypatch):
    # reading state depends on time; snapshots must not
    monkeypatch.setattr("newsreader.screens.main_screen.READ_AFTER_SECONDS", 10_000)


async def _ready(pilot) -> MainScreen:
    app = pilot.app
    for _ in range(300):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(app.screen, MainScreen) and app.screen.entities is not None and app.screen.index:
            return app.screen
    raise AssertionError("not ready")


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


def test_main_screen(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await _settle(pilot)

    assert snap_compare(NewsReaderApp(), terminal_size=(140, 40), run_before=run_before)


def test_search_results(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("slash", *"pjongjang lawrov")
        await _settle(pilot)

    assert snap_compare(NewsReaderApp(), terminal_size=(140, 40), run_before=run_before)


def test_entity_filter(snap_compare):
    async def run_before(pilot):
        hub = await _ready(pilot)
        panel = hub.query_one(EntityPanel)
        await pilot.press("e")
        panel.highlighted = next(i for i, o in enumerate(panel.rows) if o.id and o.id.endswith("Jens Stoltenberg"))
        await pilot.press("enter", "right_square_bracket")
        await _settle(pilot)

    assert snap_compare(NewsReaderApp(), terminal_size=(140, 40), run_before=run_before)


def test_bookmarks_view(snap_compare):
    async def run_before(pilot):
        from newsreader.core.bookmarks import Bookmark, BookmarkStore

        await _ready(pilot)
        await pilot.press("b")
        await _settle(pilot)
        store = BookmarkStore()
        store.add(Bookmark(id="00000000deadbeef", title="Ein Artikel, der nicht mehr da ist", date="2021-05",
                           created="2026-01-01T00:00:00+00:00", note="aus einer alten Sammlung"))
        for b in store.load()[0]:  # fixed creation times keep the order stable
            if b.id != "00000000deadbeef":
                store.store.update(lambda e, i=b.id: e[i].__setitem__("created", "2026-02-01T00:00:00+00:00"))
        pilot.app.screen.load_marks_and_reading()
        await _settle(pilot)
        await pilot.press("B")
        await _settle(pilot)

    assert snap_compare(NewsReaderApp(), terminal_size=(140, 40), run_before=run_before)


def test_help_screen(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("question_mark")
        await _settle(pilot)

    assert snap_compare(NewsReaderApp(), terminal_size=(140, 40), run_before=run_before)


def test_layout_at_80x24(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await _settle(pilot)

    assert snap_compare(NewsReaderApp(), terminal_size=(80, 24), run_before=run_before)
