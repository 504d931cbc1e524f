"""The bookmarks view (``B``): every bookmark, also those whose article is not loaded."""

from __future__ import annotations

from dataclasses import dataclass
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
    from textual.signal import Signal

    from newsreader.core.bookmarks import Bookmark, MarkChange


class BookmarksScreen(Screen[str | None]):
    """Dismisses with the id of the article to open, or None. ``marks`` is the list of bookmarks,
    newest first, ``present`` the ids of the articles that are loaded. What the user asks for
    (remove, a note) goes up as a message (the app has the hub, which owns the store, make the
    change); once a change is saved, ``changes`` (the hub's signal) brings it here. ``version``:
    how many changes the signal had carried when ``marks`` was given (see :class:`Opened`)."""

    CSS_PATH = str(stylesheet("dialogs"))

    BINDINGS = [
        Binding("escape,B", "close", "Back", id="close_bookmarks"),
        Binding("enter", "open", "Open", id="open_bookmark"),
        Binding("d,delete", "remove", "Remove", id="remove_bookmark"),
        Binding("e", "edit_note", "Note", id="edit_note"),
    ]

    @dataclass(eq=False, repr=False)
    class Opened(Message):
        """Up, with ``version``: the bookmarks it shows are the hub's at that count of changes."""

        version: int

    @dataclass(eq=False, repr=False)
    class Remove(Message):
        article_id: str

    @dataclass(eq=False, repr=False)
    class SetNote(Message):
        article_id: str
        note: str

    def __init__(self, marks: list[Bookmark], present: frozenset[str], changes: Signal[MarkChange],
                 version: int = 0) -> None:
        super().__init__()
        self.marks = marks
        self.present = present
        self.changes = changes
        self.version = version
        self._missing = sum(1 for b in marks if b.id not in present)

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmarks-box"):
            yield Static("", id="bookmarks-title", markup=False)
            yield BookmarkList(self.marks, self.present, id="bookmarks-table")
        yield KeyBar()

    def on_mount(self) -> None:
        self.changes.subscribe(self, self._changed)
        self.post_message(self.Opened(self.version))  # a change since it was made comes after this
        self._update_title()
        self.query_one(BookmarkList).focus()

    def on_unmount(self) -> None:
        self.changes.unsubscribe(self)

    def _changed(self, change: MarkChange) -> None:
        """A whole new list (the bookmarks as loaded), or one row inserted (``added`` 1),
        removed (-1) or replaced (0): then only the lines on screen are drawn again."""
        table = self.query_one(BookmarkList)
        if change.marks is not None:
            self.marks, self.present = change.marks, change.present
            self._missing = sum(1 for b in self.marks if b.id not in self.present)
            table.show(self.marks, self.present)
        else:
            if change.bookmark.id not in self.present:
                self._missing += change.added
            table.changed(change.row, change.added)
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
            self.post_message(self.Remove(b.id))

    def action_edit_note(self) -> None:
        b = self._selected()
        if b is None:
            return

        from newsreader.screens.note_screen import NoteScreen

        def done(note: str | None) -> None:
            if note is not None:
                self.post_message(self.SetNote(b.id, note))

        self.app.push_screen(NoteScreen(b.title, b.note), done)
