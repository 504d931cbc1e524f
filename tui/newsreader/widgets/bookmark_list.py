"""The bookmarks view's list: mark, date, title, note; one line per bookmark, newest first.

A :class:`LineList` over the hub's list of bookmarks: opening the view draws only the lines on
screen, and a bookmark removed or added redraws those lines, whatever the number of bookmarks.
(Textual's DataTable, used before, built a row for every bookmark when the view opened and again
after every change: 10 s to open with 100,000 bookmarks, 12 s for each removal.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import set_cell_size
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import var

from newsreader.core.article import ArticleDate
from newsreader.core.textclean import visible
from newsreader.widgets.article_list import fit
from newsreader.widgets.line_list import LineList

if TYPE_CHECKING:
    from newsreader.core.bookmarks import Bookmark

MARK_WIDTH, DATE_WIDTH, NOTE_WIDTH = 2, 13, 30
MISSING = "  (not in this collection)"


def bookmark_date(iso: str | None) -> str:
    """A bookmark's date as the list shows dates (``14 Sep 2023``); a value that is not one of
    our ISO forms (a hand-edited file) is shown as it is."""
    if not iso:
        return "undated"
    date = ArticleDate.from_iso(iso)
    return date.display(with_time=False) if date else visible(iso)


class BookmarkList(LineList):
    """Shows ``marks`` (a list the hub owns and changes; it says so through :meth:`changed`).
    ``present`` holds the ids of the articles in the open collection; the others are marked ✗.
    Titles and notes are text, never markup, and pass :func:`visible`."""

    BINDINGS = [
        Binding("down", "cursor_down", show=False),
        Binding("up", "cursor_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
    ]

    class Chosen(Message):
        """A click on a bookmark (LineList's click puts the cursor on it first)."""

    COMPONENT_CLASSES = {"bookmark-list--cursor", "bookmark-list--cursor-blurred", "bookmark-list--dim"}
    CURSOR_CLASSES = ("bookmark-list--cursor", "bookmark-list--cursor-blurred")

    cursor: var[int] = var(0)
    KEEPS_CURSOR = True

    def __init__(self, marks: list[Bookmark], present: set[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.marks = marks
        self.present = present

    @property
    def row_count(self) -> int:
        return len(self.marks)

    @property
    def selected(self) -> Bookmark | None:
        return self.marks[self.cursor] if self.marks else None

    def show(self, marks: list[Bookmark], present: set[str]) -> None:
        """Another list of bookmarks; the cursor stays on its row number."""
        self.marks, self.present = marks, present
        self.rows_changed()
        self.cursor = self.cursor

    def changed(self, row: int, added: int) -> None:
        """The hub inserted (``added`` 1), removed (-1) or replaced (0) the bookmark at ``row``.
        The cursor stays on its bookmark (after a removal under it: on the next one)."""
        if added and row < self.cursor:
            self.cursor += added
        self.rows_changed()
        self.cursor = self.cursor  # a removal at the end: back on the last row

    def render_row(self, row: int, width: int) -> Content:
        b = self.marks[row]
        missing = b.id not in self.present
        dim = self.get_visual_style("bookmark-list--dim", partial=True)
        mark = Content("✗ ").stylize(dim) if missing else Content("★ ").stylize("bold")
        date = Content(set_cell_size(bookmark_date(b.date), DATE_WIDTH - 1) + " ")
        if not b.date:
            date = date.stylize(dim)
        rest = width - MARK_WIDTH - DATE_WIDTH
        note_width = min(NOTE_WIDTH, rest // 3)
        title = Content(fit(visible(b.title) + (MISSING if missing else ""), rest - note_width - 1)[0])
        if missing:
            title = title.stylize(dim)
        note = Content(fit(visible(b.note or ""), note_width)[0])
        return Content.assemble(mark, date, title.pad_right(rest - note_width - title.cell_length), note)

    def choose_message(self, row: int) -> Message | None:
        return self.Chosen()
