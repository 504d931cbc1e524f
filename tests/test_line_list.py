"""The line-list base of the article list and the names panel: the cursor, its keys and its
colours, a click to a row, the bounded cache of drawn lines, no layout when the rows change."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.content import Content
from textual.message import Message
from textual.widgets import Input

from newsreader.widgets.line_list import LINE_CACHE_SIZE, LineList


class Rows(LineList):
    """``count`` rows; every fifth one (0, 5, 10 …) is a heading the cursor skips."""

    BINDINGS = [
        Binding("down", "cursor_down", "Next"),
        Binding("up", "cursor_up", "Previous"),
        Binding("home", "first", "First"),
        Binding("end", "last", "Last"),
        Binding("enter", "choose", "Choose"),
    ]
    DEFAULT_CSS = """
    Rows { height: 1fr; }
    Rows > .rows--cursor { background: red; }
    Rows > .rows--cursor-blurred { background: blue; }
    """
    COMPONENT_CLASSES = {"rows--cursor", "rows--cursor-blurred"}
    CURSOR_CLASSES = ("rows--cursor", "rows--cursor-blurred")

    class Highlighted(Message):
        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    class Chosen(Message):
        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count
        self.drawn: list[int] = []  # the rows render_row was asked for, in order
        self.painted: list[int] = []  # the lines (y in the view) Textual asked for

    def render_line(self, y: int):
        self.painted.append(y)
        return super().render_line(y)

    @property
    def row_count(self) -> int:
        return self.count

    def can_hold_cursor(self, row: int) -> bool:
        return row % 5 != 0

    def render_row(self, row: int, width: int) -> Content:
        self.drawn.append(row)
        return Content(f"heading {row}" if row % 5 == 0 else f"row {row}")

    def highlight_message(self, row: int) -> Message | None:
        return self.Highlighted(row)

    def choose_message(self, row: int) -> Message | None:
        return self.Chosen(row)


class RowsApp(App[None]):
    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count
        self.highlighted: list[int] = []
        self.chosen: list[int] = []

    def compose(self) -> ComposeResult:
        yield Rows(self.count)
        yield Input()  # somewhere else for the focus to go

    def on_rows_highlighted(self, message: Rows.Highlighted) -> None:
        self.highlighted.append(message.row)

    def on_rows_chosen(self, message: Rows.Chosen) -> None:
        self.chosen.append(message.row)


def backgrounds(rows: Rows, row: int) -> set:
    return {segment.style.bgcolor for segment in rows.render_line(row - int(rows.scroll_offset.y))
            if segment.style is not None}


async def test_the_cursor_skips_headings_repaints_two_lines_and_follows_the_focus():
    app = RowsApp(100)
    async with app.run_test(size=(40, 20)) as pilot:
        rows = app.query_one(Rows)
        rows.focus()
        await pilot.press("down")  # from nowhere to the first row that can hold the cursor
        assert rows.cursor == 1 and app.highlighted == [1]
        await pilot.press("down", "down", "down")
        assert rows.cursor == 4
        rows.drawn.clear()
        rows.painted.clear()
        await pilot.press("down")  # over the heading at 5
        await pilot.pause()
        assert rows.cursor == 6 and app.highlighted[-1] == 6
        assert sorted(set(rows.painted)) == [4, 6]  # the old and the new cursor line, no other
        assert rows.drawn == [6]  # and only the new one is made again: row 4 without the cursor is kept
        cursor = rows.get_component_rich_style("rows--cursor").bgcolor
        assert backgrounds(rows, 6) == {cursor} and cursor not in backgrounds(rows, 4)
        await pilot.press("up", "up")
        assert rows.cursor == 3
        await pilot.press("end")
        assert rows.cursor == 99
        top, height = int(rows.scroll_offset.y), rows.scrollable_content_region.height
        assert top <= 99 < top + height  # brought into the view
        await pilot.press("down")  # at the end: stays
        assert rows.cursor == 99
        await pilot.press("home")
        assert rows.cursor == 1 and int(rows.scroll_offset.y) == 0
        await pilot.press("tab")  # the focus leaves: the cursor line takes the blurred colour
        assert not rows.has_focus
        blurred = rows.get_component_rich_style("rows--cursor-blurred").bgcolor
        assert blurred != cursor and backgrounds(rows, 1) == {blurred}


async def test_a_click_puts_the_cursor_on_the_row_and_chooses_it():
    app = RowsApp(30)
    async with app.run_test(size=(40, 20)) as pilot:
        rows = app.query_one(Rows)
        await pilot.click(Rows, offset=(2, 3))
        assert rows.cursor == 3 and app.chosen == [3] and app.highlighted == [3]
        await pilot.click(Rows, offset=(2, 5))  # a heading: nothing happens
        assert rows.cursor == 3 and app.chosen == [3]
        rows.scroll_to(y=8, animate=False)
        await pilot.pause()
        await pilot.click(Rows, offset=(2, 4))  # the row under the pointer, scrolled
        assert rows.cursor == 12 and app.chosen == [3, 12]
        await pilot.press("enter")  # the keyboard's way to choose
        assert app.chosen == [3, 12, 12]


async def test_drawn_lines_are_kept_in_a_bounded_lru_cache():
    app = RowsApp(2_000)
    async with app.run_test(size=(40, 20)) as pilot:
        rows = app.query_one(Rows)
        await pilot.pause()
        assert isinstance(rows._lines, LRUCache) and rows._lines.maxsize == LINE_CACHE_SIZE
        height = rows.scrollable_content_region.height
        for top in range(0, 2_000 - height, height):  # every line of the list drawn once
            rows.scroll_to(y=top, animate=False)
            for y in range(height):
                rows.render_line(y)
        assert len(rows._lines) == LINE_CACHE_SIZE
        rows.drawn.clear()
        for y in range(height):  # the last lines drawn are still there
            rows.render_line(y)
        assert rows.drawn == []


async def test_other_rows_resize_the_scrollbar_without_a_layout():
    app = RowsApp(100)
    async with app.run_test(size=(40, 20)) as pilot:
        rows = app.query_one(Rows)
        await pilot.pause()
        assert rows.show_vertical_scrollbar and rows.vertical_scrollbar.window_virtual_size == 100
        layouts: list[bool] = []
        refresh = rows.refresh

        def spy(*regions, **kwargs):
            layouts.append(kwargs.get("layout", False))
            return refresh(*regions, **kwargs)

        rows.refresh = spy
        rows.count = 500
        rows.rows_changed()
        await pilot.pause()
        assert rows.virtual_size.height == 500 and rows.vertical_scrollbar.window_virtual_size == 500
        assert rows.show_vertical_scrollbar and not rows.show_horizontal_scrollbar
        assert layouts and not any(layouts)  # repainted, never laid out
        assert rows.render_line(19).text.startswith("row 19")  # drawn from the new rows


async def test_arrow_keys_move_the_cursor_of_a_list_longer_than_its_pane(tmp_path):
    # ScrollView's own down/up bindings scrolled the view and left the cursor where it was
    from newsreader.app import NewsReaderApp
    from newsreader.screens.main_screen import MainScreen
    from newsreader.widgets.article_list import ArticleList

    for i in range(80):
        (tmp_path / f"a{i:02d}.txt").write_text(f"Titel {i}\n\nText {i} aus Berlin.", encoding="utf-8")
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(300):
            await pilot.pause()
            if isinstance(app.screen, MainScreen) and len(app.screen.articles) == 80:
                break
        hub = app.screen
        article_list = hub.query_one(ArticleList)
        assert app.focused is article_list and article_list.cursor == 0
        await pilot.press("down", "down", "down")
        assert article_list.cursor == 3 and hub.current is hub.articles[3]
        await pilot.press("up")
        assert article_list.cursor == 2 and hub.current is hub.articles[2]
