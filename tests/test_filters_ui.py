"""Pilot tests: a name filter, a search and only-unread combine, and escape peels them one at a time."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from newsreader.app import NewsReaderApp
from newsreader.core.bookmarks import ReadingState

from test_app_reader import ready

# Six articles: Merkel is named in m1..m4; "Haushalt" is in m2, m3, m4 and x1; m3 is read.
ARTICLES = {
    "m1.txt": "Merkel in Rom\n\nAngela Merkel traf in Rom den Papst. Merkel sprach über Europa.",
    "m2.txt": "Merkel und der Haushalt\n\nAngela Merkel sprach in Berlin über den Haushalt. "
              "Merkel warnte vor Schulden.",
    "m3.txt": "Haushalt beschlossen\n\nDer Haushalt wurde beschlossen. Angela Merkel lobte "
              "den Kompromiss. Merkel war zufrieden.",
    "m4.txt": "Merkel reist nach Paris\n\nAngela Merkel reiste nach Paris. Der Haushalt blieb "
              "in Berlin Thema. Merkel kehrte zurück.",
    "x1.txt": "Streit um den Haushalt\n\nIm Bundestag gab es Streit um den Haushalt der Stadt.",
    "x2.txt": "Wetter in Wien\n\nIn Wien wird es kalt. Die Meteorologen erwarten Schnee.",
}


def _write(folder: Path) -> Path:
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _titles(hub) -> set[str]:
    return {a.title for a in hub.articles}


async def _searched(app, pilot, hub, query: str) -> None:
    await pilot.press("slash", *query)
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        search = hub.view.search
        if search is not None and search.query == query and "Search" in str(hub.query_one("#filter", Static).content):
            return
    raise AssertionError("the search never answered")


async def test_name_filter_search_and_only_unread_give_exactly_the_intersection_and_escape_peels_them(tmp_path):
    folder = _write(tmp_path)
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        m3 = next(a.id for a in hub.collection if a.title == "Haushalt beschlossen")
        ReadingState().mark_read(m3)
        hub.read = hub.read | {m3}  # as if read in this session
        merkel = [(t, n) for t, n in {(e.type, e.canonical) for e in hub.entities} if "Merkel" in n]
        assert merkel, "the recognizer found Merkel"
        kind, name = merkel[0]
        named = {a.title for a in hub.collection if a.id in hub.index.entity_articles(kind, name)}
        assert named == {"Merkel in Rom", "Merkel und der Haushalt", "Haushalt beschlossen", "Merkel reist nach Paris"}

        hub.filter_by_entity(kind, name)
        await pilot.pause()
        assert _titles(hub) == named
        await _searched(app, pilot, hub, "haushalt")
        # only the named articles that mention the word: not x1, which has it but not the name
        assert _titles(hub) == {"Merkel und der Haushalt", "Haushalt beschlossen", "Merkel reist nach Paris"}
        await pilot.press("enter")  # the search box gives the list the focus; the filters stay
        await pilot.press("U")
        await pilot.pause()
        assert _titles(hub) == {"Merkel und der Haushalt", "Merkel reist nach Paris"}
        line = str(hub.query_one("#filter", Static).content)
        assert line.startswith(f"People: {name} + Search “haushalt” + Unread · 2 results")

        await pilot.press("escape")  # only-unread goes; the search runs again without it
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _titles(hub) == {"Merkel und der Haushalt", "Haushalt beschlossen", "Merkel reist nach Paris"}
        await pilot.press("escape")  # the search goes
        assert _titles(hub) == named and hub.view.search is None
        await pilot.press("escape")  # the name goes
        assert len(hub.articles) == len(ARTICLES) and not hub.view
        assert not hub.query_one("#filter", Static).display


async def test_a_search_typed_while_a_name_filter_is_on_searches_inside_it_not_cut_by_the_result_limit(tmp_path):
    # 230 articles with the word: the name filter's four must all be found, though the other
    # 226 would fill the 200 results of a search over everything
    folder = _write(tmp_path)
    for i in range(226):
        (folder / f"h{i:03d}.txt").write_text(f"Haushalt Nummer {i}\n\nDer Haushalt {i} und "
                                              "der Haushalt der Gemeinde.", encoding="utf-8")
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        kind, name = next((e.type, e.canonical) for e in hub.entities if "Merkel" in e.canonical)
        hub.filter_by_entity(kind, name)
        await _searched(app, pilot, hub, "haushalt")
        assert _titles(hub) == {"Merkel und der Haushalt", "Haushalt beschlossen", "Merkel reist nach Paris"}
