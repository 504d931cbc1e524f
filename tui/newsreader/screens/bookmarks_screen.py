"""The bookmarks view (``B``): every bookmark, also those whose article is not loaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from newsreader.core.wording import count
from newsreader.resources import stylesheet
from newsreader.widgets.bookmark_list import BookmarkList
from newsreader.widgets.footer import KeyBar

if TYPE_CHECKING:
    from newsreader.core.bookmarks import Bookmark


class BookmarksScreen(Screen[str | None]):
    """Dismisses with the id of the article to open, or None. Changes go up to the hub as
    messages (the hub owns the store and the list of bookmarks); once a change is saved, the hub
    changes its list and says so through :meth:`mark_changed` (a whole new list:
    :meth:`refresh_marks`)."""

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
        self._missing = sum(1 for b in marks if b.id not in present)

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmarks-box"):
            yield Static("", id="bookmarks-title", markup=False)
            yield BookmarkList(self.marks, self.present, id="bookmarks-table")
        yield KeyBar()

    def on_mount(self) -> None:
        self._update_title()
        self.query_one(BookmarkList).focus()

    def refresh_marks(self, marks: list[Bookmark], present: set[str]) -> None:
        """A whole new list (the bookmarks as loaded); also before the view is mounted."""
        self.marks, self.present = marks, present
        self._missing = sum(1 for b in marks if b.id not in present)
        if self.is_mounted:
            self.query_one(BookmarkList).show(marks, present)
            self._update_title()

    def mark_changed(self, row: int, added: int, bookmark: Bookmark) -> None:
        """The hub inserted (``added`` 1), removed (-1) or replaced (0) ``bookmark`` at ``row``
        of the list: the lines on screen are drawn again, nothing else."""
        if bookmark.id not in self.present:
            self._missing += added
        if self.is_mounted:
            self.query_one(BookmarkList).changed(row, added)
            self._update_title()

    def _update_title(self) -> None:
        self.query_one("#bookmarks-title", Static).update(
            count(len(self.marks), "bookmark") + (f" · {self._missing} not in this collection (✗)" if self._missing else "")
            + " · enter opens · d removes · e edits the note · escape goes back")

    def _selected(self) -> Bookmark | None:
        return self.query_one(BookmarkList).selected

    def action_close(self) -> None:
        self.dismiss(None)

    @on(BookmarkList.Chosen)
    def _chosen(self, event: BookmarkList.Chosen) -> None:
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
