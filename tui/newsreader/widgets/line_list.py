"""A list drawn line by line with a row cursor: the base of the article list and the names panel.

A line-API widget: only the lines on screen are drawn, each once per look (kept in an LRU cache
until what it shows changes), and a cursor move repaints two lines. Its size is set by the
stylesheet, never by its rows: other rows repaint it and its scrollbar without a layout of the
screen. A subclass says how many rows there are, what row N shows at a width, which rows can
hold the cursor and what to post when the cursor lands on a row or a row is chosen.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive, var
from textual.strip import Strip

from newsreader.widgets.frame_view import FrameView

LINE_CACHE_SIZE = 400  # drawn lines kept: a few screens of them, with and without the cursor


class LineList(FrameView, can_focus=True):
    """Rows ``0 … row_count - 1``, one line each, with ``cursor`` on one of them (or ``None``).
    ``CURSOR_CLASSES`` names the component classes of the cursor line when the widget has the
    focus and when it has not. Binds no keys: the subclasses bind theirs to the actions here."""

    CURSOR_CLASSES: ClassVar[tuple[str, str]]  # (focused, blurred)

    cursor: var[int | None] = var(None)
    KEEPS_CURSOR = False  # True: the cursor is always on a row (0 when there is none)
    # Set from the rows, never read by a layout (the stylesheet sizes the widget): no layout
    # of the screen when the rows change.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # (row, width, the cursor's component class or None) → the drawn line
        self._lines: LRUCache[tuple[int, int, str | None], Strip] = LRUCache(LINE_CACHE_SIZE)

    # --- what a subclass says --------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def render_row(self, row: int, width: int) -> Content:
        """What ``row`` shows, ``width`` cells wide (the line is padded or cut to it)."""
        raise NotImplementedError

    def can_hold_cursor(self, row: int) -> bool:
        """Whether the cursor may stand on ``row`` (``0 <= row < row_count``)."""
        return True

    def highlight_message(self, row: int) -> Message | None:
        """What to post when the cursor lands on ``row``."""
        return None

    def choose_message(self, row: int) -> Message | None:
        """What to post when ``row`` is chosen (``action_choose`` or a click)."""
        return None

    # --- drawing ---------------------------------------------------------------------------------

    def rows_changed(self) -> None:
        """The rows, or what they show, changed: every line is drawn again when it is next on
        screen, and the scrollbar follows the number of rows."""
        self._lines.clear()
        # no width: a list never scrolls sideways (the content width would show a horizontal
        # scrollbar as soon as the vertical one takes a column)
        size = Size(0, self.row_count)
        if size != self.virtual_size:
            self.virtual_size = size
            self._scroll_update(size)
        self.refresh()

    def on_resize(self) -> None:
        self.rows_changed()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # another theme or focus colour: the drawn lines are out of date

    def _frame_of(self) -> tuple[int, int, bool]:
        """What every line needs: looked up once per update instead of once per line."""
        return int(self.scroll_offset.y), self.scrollable_content_region.width, self.has_focus

    _frame: tuple[int, int, bool] | None = None


    def render_line(self, y: int) -> Strip:
        top, width, focused = self._frame or self._frame_of()
        row = top + y
        if not 0 <= row < self.row_count:
            return Strip.blank(width, self.rich_style)
        cursor = None
        if row == self.cursor:  # its colour follows the focus (Textual repaints the widget when that changes)
            cursor = self.CURSOR_CLASSES[0 if focused else 1]
        key = (row, width, cursor)
        strip = self._lines.get(key)
        if strip is None:
            base = self.visual_style  # under the row's own styles
            if cursor is not None:
                base = base + self.get_visual_style(cursor)
            segments = self.render_row(row, width).render_segments(base)
            strip = Strip(segments).adjust_cell_length(width, base.rich_style)
            self._lines[key] = strip
        return strip

    # --- the cursor ------------------------------------------------------------------------------

    def validate_cursor(self, cursor: int | None) -> int | None:
        if self.KEEPS_CURSOR:
            return max(0, min(cursor or 0, self.row_count - 1))
        if cursor is None or not 0 <= cursor < self.row_count or not self.can_hold_cursor(cursor):
            return None
        return cursor

    def watch_cursor(self, old: int | None, new: int | None) -> None:
        top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
        for row in (old, new):
            if row is not None and top <= row < top + height:  # a line outside the view is not drawn
                self.refresh_line(row)
        if new is None:
            return
        if height and not top <= new < top + height:
            # a cursor leaving the view brings it to the middle: the next half page of moves
            # repaints two lines, not the whole list (a scroll by one line repaints it all)
            self.scroll_to(y=max(0, new - height // 2), animate=False)
        self._post(self.highlight_message(new))

    def _post(self, message: Message | None) -> None:
        if message is not None:
            self.post_message(message)

    def _holder(self, start: int, step: int) -> int | None:
        """The first row from ``start`` on, in the direction of ``step``, that can hold the cursor."""
        row, count = start, self.row_count
        while 0 <= row < count:
            if self.can_hold_cursor(row):
                return row
            row += step
        return None

    def move_cursor(self, rows: int) -> None:
        """The cursor ``rows`` rows on (back if negative) to a row that can hold it, as far as
        there is one; from nowhere, to the first (or the last) that can."""
        if not self.row_count or not rows:
            return
        step = 1 if rows > 0 else -1
        if self.cursor is None:
            target = self._holder(0 if step > 0 else self.row_count - 1, step)
        else:
            wanted = max(0, min(self.cursor + rows, self.row_count - 1))
            target = self._holder(wanted, step)
            if target is None:  # none that far on: the last one before it
                target = self._holder(wanted, -step)
        if target is not None:
            self.cursor = target

    def action_cursor_down(self) -> None:
        self.move_cursor(1)

    def action_cursor_up(self) -> None:
        self.move_cursor(-1)

    def action_page_down(self) -> None:
        self.move_cursor(max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self.move_cursor(-max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self.cursor = self._holder(0, 1)

    def action_last(self) -> None:
        self.cursor = self._holder(self.row_count - 1, -1)

    def action_choose(self) -> None:
        if self.cursor is not None:
            self._post(self.choose_message(self.cursor))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = self.validate_cursor(int(self.scroll_offset.y) + offset.y)
        if row is not None:
            self.cursor = row
            self._post(self.choose_message(row))
