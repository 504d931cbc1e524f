"""The bookmarks view (``B``): every bookmark, also those whose article is not loaded."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static
from typing import TYPE_CHECKING

from newsreader.core.article import ArticleDate
from newsreader.core.textclean import visible
from newsreader.core.wording import count
from newsreader.resources import stylesheet
from newsreader.widgets.footer import KeyBar

if TYPE_CHECKING:
    from newsreader.core.bookmarks import Bookmark


def _date(iso: str | None) -> str:
    """A bookmark's date as the list shows dates (``14 Sep 2023``); a value that is not one of
    our ISO forms (a hand-edited file) is shown as it is."""
    if not iso:
        return "undated"
    date = ArticleDate.from_iso(iso)
    return date.display(with_time=False) if date else visible(iso)


class BookmarksScreen(Screen[str | None]):
    """Dismisses with the id of the article to open, or None. Changes go up to the hub as
    messages (the hub owns the store); the hub sends the new list back through ``refresh_marks``."""

    CSS_PATH = str(stylesheet("dialogs"))

    BINDINGS = [
        Binding("escape,B", "close", "Back", id="close_bookmarks"),
        Binding("enter", "open", "Open", id="open_bookmark"),
        Binding("d,delete", "remove", "Remove", id="remove_bookmark"),
        Binding("e", "edit_note", "Note", id="edit_note"),
    ]

    class Remove(Message):
        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    class SetNote(Message):
        def __init__(self, article_id: str, note: str) -> None:
            super().__init__()
            self.article_id = article_id
            self.note = note

    def __init__(self, hub, marks: list[Bookmark], present: set[str]) -> None:
        super().__init__()
        self.hub = hub
        self.marks = marks
        self.present = present

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmarks-box"):
            yield Static("", id="bookmarks-title", markup=False)
            yield DataTable(id="bookmarks-table", cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("", key="state", width=2)
        table.add_column("Date", key="date", width=11)
        table.add_column("Title", key="title", width=60)
        table.add_column("Note", key="note", width=30)
        self.refresh_marks(self.marks, self.present)
        table.focus()

    def refresh_marks(self, marks: list[Bookmark], present: set[str]) -> None:
        self.marks, self.present = marks, present
        tables = self.query(DataTable)
        if not tables or not tables.first().columns:
            return  # pushed but not mounted yet (a save finished just after `B`): on_mount shows these
        table = tables.first()
        row = table.cursor_row
        table.clear()
        for b in marks:
            missing = b.id not in present
            table.add_row(Text("✗" if missing else "★", style="dim" if missing else "bold"),
                          Text(_date(b.date), style="dim" if not b.date else ""),
                          Text(visible(b.title) + ("  (not in this collection)" if missing else ""),
                               no_wrap=True, overflow="ellipsis", style="dim" if missing else ""),
                          Text(visible(b.note or ""), no_wrap=True, overflow="ellipsis"), key=b.id)
        if marks:
            table.move_cursor(row=min(row, len(marks) - 1), animate=False)
        n_missing = sum(1 for b in marks if b.id not in present)
        self.query_one("#bookmarks-title", Static).update(
            count(len(marks), "bookmark") + (f" · {n_missing} not in this collection (✗)" if n_missing else "")
            + " · enter opens · d removes · e edits the note · escape goes back")

    def _selected(self) -> Bookmark | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return next((b for b in self.marks if b.id == key.value), None)

    def action_close(self) -> None:
        self.dismiss(None)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        b = self._selected()
        if b is None:
            return
        if b.id not in self.present:
            self.notify("That article is not in the collection you opened.", severity="warning")
            return
        self.dismiss(b.id)

    def action_remove(self) -> None:
        b = self._selected()
        if b is not None:
            self.hub.post_message(self.Remove(b.id))

    def action_edit_note(self) -> None:
        b = self._selected()
        if b is None:
            return

        from newsreader.screens.note_screen import NoteScreen

        def done(note: str | None) -> None:
            if note is not None:
                self.hub.post_message(self.SetNote(b.id, note))

        self.app.push_screen(NoteScreen(b.title, b.note), done)
