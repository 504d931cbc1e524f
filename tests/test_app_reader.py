"""Pilot tests: every key of the reader, pressed for real, asserting on the hub's state."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from newsreader.app import NewsReaderApp
from newsreader.core.bookmarks import BookmarkStore, ReadingState
from newsreader.screens.bookmarks_screen import BookmarksScreen
from newsreader.screens.help_screen import HelpScreen
from newsreader.screens.main_screen import MainScreen
from newsreader.screens.note_screen import NoteScreen
from newsreader.screens.skipped_screen import SkippedScreen
from newsreader.widgets.article_list import ArticleList
from newsreader.widgets.article_view import ArticleView
from newsreader.widgets.entity_panel import EntityPanel
from waiting import until

ARTICLES = {
    "a.txt": " date 2024-03 Stoltenberg warnt Russland\n\nNato-Generalsekretär Jens Stoltenberg hat Russland am "
             "Dienstag in Brüssel gewarnt. Stoltenberg sagte, die Hilfe für die Ukraine gehe weiter. "
             "Auch Stoltenberg selbst reist bald nach Kiew.",
    "b.txt": " date 2024-02 Scholz besucht Paris\n\nBundeskanzler Olaf Scholz hat in Paris den Präsidenten "
             "Emmanuel Macron getroffen. Scholz sprach über die Ukraine.",
    "c.txt": " date 2024-01 Wetter in Wien\n\nIn Wien wird es kalt. Die Meteorologen erwarten Schnee bis "
             "zum Wochenende.",
    "d.txt": " date 2023-12 Rückblick auf ein langes Jahr\n\nEin Jahr mit vielen Ereignissen ging zu Ende.",
}


def write(folder: Path) -> Path:
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


async def ready(app, pilot) -> MainScreen:
    for _ in range(300):
        await app.workers.wait_for_complete()
        await pilot.pause()
        hub = app.screen if isinstance(app.screen, MainScreen) else None
        if hub is not None and hub.entities is not None and hub.index is not None:
            return hub
    raise AssertionError("the reader never finished loading")


async def press_and_wait(app, pilot, *keys: str) -> None:
    """Press ``keys``, then wait for the workers they started and for the screen to catch up."""
    await pilot.press(*keys)
    await app.workers.wait_for_complete()
    await pilot.pause()


def titles(hub: MainScreen) -> list[str]:
    return [a.title for a in hub.articles]


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return write(tmp_path)


async def test_j_k_arrows_and_sort(folder):
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        assert hub.current.title == "Stoltenberg warnt Russland"
        await pilot.press("j")
        assert hub.current.title == "Scholz besucht Paris"
        await pilot.press("down")
        assert hub.current.title == "Wetter in Wien"
        await pilot.press("k", "up")
        assert hub.current.title == "Stoltenberg warnt Russland"
        await pilot.press("o")
        assert titles(hub)[0] == "Rückblick auf ein langes Jahr" and hub.current.title == "Stoltenberg warnt Russland"


async def test_search_typo_enter_matches_and_escape(folder):
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        await pilot.press("slash")
        assert app.focused is hub.query_one("#search", Input)
        await press_and_wait(app, pilot, *"stoltenbreg")
        assert titles(hub) == ["Stoltenberg warnt Russland"]
        assert hub.query_one(ArticleList).title_spans[hub.articles[0].id] == [(0, 11)]
        assert "1 result," in str(hub.query_one("#filter", Static).content)  # one result, not "1 results"
        await pilot.press("enter")
        assert app.focused is hub.query_one(ArticleList)
        await pilot.press("n")
        body = hub.current.body
        spans = hub.match_spans
        assert [body[s:e] for s, e in spans] == ["Stoltenberg"] * 3
        assert hub.query_one(ArticleView).focus_span == spans[0]
        assert "match 1/3" in str(hub.query_one("#status", Static).content)
        await pilot.press("n")
        assert hub.query_one(ArticleView).focus_span == spans[1]
        await pilot.press("N", "N")
        assert hub.query_one(ArticleView).focus_span == spans[2]
        await pilot.press("escape")
        assert len(hub.articles) == 4 and not hub.query_one("#search", Input).display
        assert hub.query_one(ArticleView).terms == frozenset()


async def test_malformed_query_shows_a_message(folder):
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        await press_and_wait(app, pilot, "slash", *"date:2023-13")
        assert "no month 13" in str(hub.query_one("#filter", Static).content)
        assert hub.articles == []


async def test_entity_panel_filter_mentions_and_type_toggles(folder):
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        panel = hub.query_one(EntityPanel)
        await pilot.press("e")
        assert app.focused is panel
        names = [o.id for o in panel.rows if o.id]
        ukraine = next(i for i, o in enumerate(panel.rows) if o.id and o.id.endswith("Ukraine"))
        panel.highlighted = ukraine
        await pilot.press("enter")
        assert hub.entity_filter == ("LOC", "Ukraine")
        assert sorted(titles(hub)) == ["Scholz besucht Paris", "Stoltenberg warnt Russland"]
        assert "Places: Ukraine" in str(hub.query_one("#filter", Static).content)
        await pilot.press("right_square_bracket")
        view = hub.query_one(ArticleView)
        assert hub.current.body[slice(*view.focus_span)] == "Ukraine"
        assert "mention 1/1" in str(hub.query_one("#status", Static).content)
        await pilot.press("escape")
        assert hub.entity_filter is None and len(hub.articles) == 4
        # mentions of the person highlighted in the panel
        stoltenberg = next(i for i, o in enumerate(panel.rows) if o.id and "Stoltenberg" in o.id)
        panel.highlighted = stoltenberg
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert "mention 2/3" in str(hub.query_one("#status", Static).content)
        await pilot.press("left_square_bracket")
        assert "mention 1/3" in str(hub.query_one("#status", Static).content)
        assert names  # the panel lists names
        for key, kind in (("1", "PER"), ("2", "LOC"), ("3", "ORG"), ("4", "MISC")):
            await pilot.press(key)
            assert kind in view.hidden
            await pilot.press(key)
            assert kind not in view.hidden


async def test_bookmark_toggle_view_note_remove_and_relaunch(folder):
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        await press_and_wait(app, pilot, "b")
        first = hub.current.id
        assert first in hub.marks
        await press_and_wait(app, pilot, "j", "b")
        assert len(hub.marks) == 2
        article_list = hub.query_one(ArticleList)
        assert article_list.render_line(1).text.startswith("★")  # the list draws the mark
        await press_and_wait(app, pilot, "b")  # toggles off again
        assert set(hub.marks) == {first}
        assert article_list.render_line(1).text.startswith("•")  # unread, no mark: drawn again
        await pilot.press("B")
        assert isinstance(app.screen, BookmarksScreen)
        await pilot.press("e")
        assert isinstance(app.screen, NoteScreen)
        await press_and_wait(app, pilot, *"wichtig", "enter")
        assert BookmarkStore().load()[0][0].note == "wichtig"
        await pilot.press("escape")
        assert app.screen is hub
    # relaunch: the bookmark is there
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        assert set(hub.marks) == {first}
        assert set(hub.query_one(ArticleList).bookmarked) == {first}
        await pilot.press("j", "j")
        await pilot.press("B", "enter")  # opens the bookmarked article
        assert app.screen is hub and hub.current.id == first
        await press_and_wait(app, pilot, "B", "d")
        assert BookmarkStore().load()[0] == []
        await pilot.press("escape")


async def test_bookmark_of_an_article_not_loaded_is_listed_and_removable(folder):
    from newsreader.core.bookmarks import Bookmark

    BookmarkStore().add(Bookmark(id="00000000deadbeef", title="Ein verschwundener Artikel", date="2020-01"))
    BookmarkStore().add(Bookmark(id="00000000feedface", title="Von Hand bearbeitet", date="gestern\x1b[2J"))
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        await pilot.press("B")
        marks = app.screen.query_one("#bookmarks-table")

        def line(article_id: str) -> str:
            return marks.render_row([b.id for b in marks.marks].index(article_id), 120).plain

        assert "not in this collection" in line("00000000deadbeef")
        assert "Jan 2020" in line("00000000deadbeef")  # the list's date form, not the stored ISO string
        assert "gestern" in line("00000000feedface") and "\x1b" not in line("00000000feedface")  # a damaged date
        marks.cursor = [b.id for b in marks.marks].index("00000000feedface")
        await press_and_wait(app, pilot, "d")
        assert [b.id for b in BookmarkStore().load()[0]] == ["00000000deadbeef"]
        marks.cursor = [b.id for b in marks.marks].index("00000000deadbeef")
        await pilot.press("enter")
        assert isinstance(app.screen, BookmarksScreen)  # cannot open it, stays
        await press_and_wait(app, pilot, "delete")
        assert BookmarkStore().load()[0] == []
        assert app.screen.query_one("#bookmarks-table").row_count == 0
        await pilot.press("B")
        assert app.screen is hub


async def test_new_marks_that_reach_the_bookmarks_view_before_it_is_mounted_are_shown(folder):
    # `b` then `B` at once: the save's MarksLoaded can reach the pushed view before its table has
    # columns (CI once failed on exactly this with "More values provided than there are columns")
    from newsreader.core.bookmarks import Bookmark

    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        view = BookmarksScreen(hub.mark_order, frozenset(hub.by_id), hub.marks_changed, hub.marks_version)
        other = hub.articles[1]
        hub._marks_loaded(hub.MarksLoaded([Bookmark.of(other)], []))  # before the view is up: it cannot hear of it
        await app.push_screen(view)
        shown = view.query_one("#bookmarks-table")
        await until(pilot, lambda: shown.row_count == 1)  # it asked for what it missed when it opened
        assert other.title in shown.render_row(0, 120).plain
        await pilot.press("escape")
        await press_and_wait(app, pilot, "b", "B")  # no wait between the save and the view
        assert isinstance(app.screen, BookmarksScreen)
        shown = app.screen.query_one("#bookmarks-table")
        assert shown.marks[0].id == hub.current.id and shown.render_row(0, 120).plain.startswith("★")


async def test_reading_state_unread_count_and_next_unread(folder, monkeypatch):
    monkeypatch.setattr("newsreader.screens.main_screen.READ_AFTER_SECONDS", 0.05)
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        assert hub.read == {hub.articles[0].id}
        assert "3 unread" in str(hub.query_one("#status", Static).content)
        assert ReadingState().load()[0] == {hub.articles[0].id}
        await pilot.press("u")
        assert hub.current.id == hub.articles[1].id
        await pilot.pause(0.2)  # opened long enough: read too
        assert hub.read == {hub.articles[0].id, hub.articles[1].id}
        await pilot.press("k")  # back to the first; u skips the two read ones
        await pilot.press("u")
        assert hub.current.id == hub.articles[2].id


async def test_help_lists_every_binding_and_closes(folder):
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = {row[2] for row in app.screen.rows}
        widget_keys = {b.id for b in ArticleList.BINDINGS} | {b.id for b in EntityPanel.BINDINGS}
        # no filter, search, skipped file or source of the article (plain text files)
        hidden_now = {"clear", "next_match", "previous_match", "show_skipped", "only_source"}
        assert ids == ({b.id for b in MainScreen.BINDINGS} - hidden_now) | widget_keys | {"quit", "command_palette",
                                                                                           "focus_next"}
        await pilot.press("escape")
        assert app.screen is hub


async def test_skipped_files_panel(folder):
    (folder / "leer.txt").write_text("   ", encoding="utf-8")
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        assert "1 file skipped" in str(hub.query_one("#status", Static).content)
        await pilot.press("S")
        assert isinstance(app.screen, SkippedScreen)
        row = app.screen.query_one(DataTable).get_row_at(0)
        assert str(row[0]).endswith("leer.txt") and "empty" in str(row[1])
        await pilot.press("escape")
        assert app.screen is hub


async def test_command_palette_jumps_to_an_entity(folder):
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"jump to entity scholz")
        from textual.command import CommandList

        commands = app.screen.query_one(CommandList)
        for _ in range(200):  # the palette searches in the background: wait for its first hit
            await pilot.pause(0.05)
            if commands.option_count and commands.highlighted is not None:
                break
        assert "Scholz" in str(commands.get_option_at_index(commands.highlighted).prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert hub.entity_filter == ("PER", "Olaf Scholz")
        assert titles(hub) == ["Scholz besucht Paris"]


async def test_keymap_from_the_config_file_and_q_quits(folder):
    from newsreader.core.config import config_path

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('[keys]\nnext_article = "x"\n', encoding="utf-8")
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        await pilot.press("x")
        assert hub.current.title == "Scholz besucht Paris"
        await pilot.press("question_mark")
        rows = {row[2]: row[0] for row in app.screen.rows}
        assert rows["next_article"] == "x"
        await pilot.press("escape", "q")
    assert app.return_code == 0 and not app.is_running


async def test_theme_choice_is_kept(folder):
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        await pilot.pause()
        view, article_list, panel = hub.query_one(ArticleView), hub.query_one(ArticleList), hub.query_one(EntityPanel)

        def colours():
            per = view.get_visual_style("entity-per", partial=True)
            cursor = article_list.get_component_rich_style("article-list--cursor")
            body = view.parts["body"]
            return (per, cursor.bgcolor, {s.style for s in body.spans if body.plain[s.start:s.end] == "Jens Stoltenberg"},
                    {s.style.bgcolor for s in article_list.render_line(article_list.cursor)})

        before = colours()
        app.theme = "nord"
        await pilot.pause()
        await pilot.pause()
        after = colours()
        assert after[0] != before[0] and after[1] != before[1]  # the theme has other colours
        # what is on screen was redrawn in them: the names in the reader, the list's cursor line
        assert after[2] == {after[0]} and after[3] == {after[1]}
        # and the name as the reader and the names panel draw it
        colour = after[0].rich_style.color
        drawn = {seg.style.color for y in range(view.scrollable_content_region.height)
                 for seg in view.render_line(y) if seg.text == "Jens Stoltenberg"}
        assert drawn == {colour}
        row = next(i for i, o in enumerate(panel.rows) if o.id and o.id.endswith("Jens Stoltenberg"))
        assert {seg.style.color for seg in panel.render_line(row) if seg.text == "Jens Stoltenberg"} == {colour}
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(app, pilot)
        assert app.theme == "nord"


async def test_narrow_terminal_stacks_the_panes(folder):
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(80, 24)) as pilot:
        hub = await ready(app, pilot)
        assert hub.has_class("narrow")
        article_list, view = hub.query_one(ArticleList), hub.query_one(ArticleView)
        assert article_list.region.bottom <= view.region.y  # list above the reader
        assert not hub.query_one("#names").display
        await pilot.press("j")
        assert hub.current.title == "Scholz besucht Paris"


async def test_mouse_clicks_choose_an_article_and_filter_by_a_name(folder):
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        # the list: a border line, then one line per article
        await pilot.click(ArticleList, offset=(20, 3))
        await pilot.pause()
        assert hub.current.title == "Wetter in Wien"
        await pilot.click(ArticleList, offset=(20, 1))
        await pilot.pause()
        assert hub.current.title == "Stoltenberg warnt Russland"
        panel = hub.query_one(EntityPanel)
        await pilot.pause()
        lines = [o.text for o in panel.rows]
        line = next(i for i, text in enumerate(lines) if text.startswith("Jens Stoltenberg"))
        assert line == 1  # the first group: its header on line 0, no separator line before it
        await pilot.click(EntityPanel, offset=(5, line + 1))  # below its top border
        await pilot.pause()
        assert hub.entity_filter == ("PER", "Jens Stoltenberg")
        assert titles(hub) == ["Stoltenberg warnt Russland"]


async def test_the_key_bar_shows_the_screen_keys_redraws_only_on_change_and_takes_clicks(folder, monkeypatch):
    from newsreader.widgets.footer import KeyBar

    changes = []
    real = KeyBar.watch_keys

    def counted(self):
        changes.append(self.keys)
        return real(self)

    monkeypatch.setattr(KeyBar, "watch_keys", counted)
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        bar = hub.query_one(KeyBar)
        shown = str(bar.render())
        for words in ("/ Search", "b Bookmark", "B Bookmarks", "? Help", "^p palette"):
            assert words in shown
        at_start = len(changes)
        # no passing key sets while the reader starts (a focused search input once hid the others)
        assert all(any(k.description == "Search" for k in keys) for keys in changes if keys), changes
        await pilot.press("tab", "tab", "tab")  # focus moves; the keys shown stay the same
        await pilot.pause()
        assert len(changes) == at_start
        # a click on a key works as the key: "Bookmark" bookmarks the open article
        x = shown.index("b Bookmark") + 2
        opened = hub.current.id
        await pilot.click(KeyBar, offset=(x, 0))
        await pilot.pause()
        assert opened in hub.marks
        await pilot.press("B")  # another screen, other keys
        await pilot.pause()
        assert isinstance(app.screen, BookmarksScreen)
        assert "Remove" in str(app.screen.query_one(KeyBar).render())


async def test_a_move_in_the_list_paints_the_cursor_first_then_reader_and_names_without_a_layout(folder):
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        view, panel = hub.query_one(ArticleView), hub.query_one(EntityPanel)
        before = hub.current.id
        shown_per_frame = []
        display = app._display

        def record(screen, update):
            display(screen, update)
            if update is not None:
                names = {row.text for row in panel.rows if row.id}
                shown_per_frame.append((hub.query_one(ArticleList).cursor, view.showing, "Olaf Scholz" in names))

        layouts = []
        refresh_layout = hub._refresh_layout

        def counted(*args, **kwargs):
            layouts.append(kwargs)
            return refresh_layout(*args, **kwargs)

        hub._refresh_layout = counted
        app._display = record
        await pilot.press("j")
        await pilot.pause()
        assert hub.current.title == "Scholz besucht Paris"
        # the first update moves the list's cursor while the reader and the names panel still show
        # the old article; they follow in the next update, together
        assert shown_per_frame[0] == (1, before, False)
        assert shown_per_frame[1:] and shown_per_frame[-1] == (1, hub.current.id, True)
        assert all(frame[1:] in {(before, False), (hub.current.id, True)} for frame in shown_per_frame)
        # and no layout of the screen was needed for it: the panes keep their sizes
        assert layouts == []
        await pilot.resize_terminal(150, 40)  # (a change of size does lay it out: the count works)
        await pilot.pause()
        assert layouts


async def test_keys_right_after_a_move_act_on_the_new_article(folder):
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        view = hub.query_one(ArticleView)
        await pilot.press("j", "right_square_bracket")  # the next name, at once after the move
        assert hub.current.title == "Scholz besucht Paris"
        assert view.article is hub.current
        start, end = view.focus_span
        assert hub.current.body[start:end] in {"Olaf Scholz", "Paris", "Emmanuel Macron", "Scholz", "Ukraine"}
        await pilot.press("j", "b")  # a bookmark right after a move is on the article moved to
        assert hub.current.title == "Wetter in Wien" and set(hub.marks) == {hub.current.id}


async def test_list_page_keys_home_and_end(tmp_path):
    for n in range(60):
        (tmp_path / f"{n:02d}.txt").write_text(f" date 2024-01-{1 + n % 28:02d} Meldung Nummer {n}\n\nText {n}.",
                                               encoding="utf-8")
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        article_list = hub.query_one(ArticleList)
        page = article_list.scrollable_content_region.height - 1
        await pilot.press("end")
        assert article_list.cursor == 59 and hub.current is hub.articles[59]
        assert article_list.scroll_offset.y > 0  # the last article is in view
        await pilot.press("home")
        assert article_list.cursor == 0 and hub.current is hub.articles[0]
        await pilot.press("pagedown")
        assert article_list.cursor == page and hub.current is hub.articles[page]
        await pilot.press("pagedown", "pageup")  # down to the last (a page would pass it), up a page
        assert article_list.cursor == 59 - page
