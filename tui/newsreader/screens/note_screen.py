"""A one-line prompt, for a bookmark's note."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from newsreader.core.textclean import visible
from newsreader.resources import stylesheet


class NoteScreen(ModalScreen[str | None]):
    CSS_PATH = str(stylesheet("dialogs"))

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_note")]

    def __init__(self, title: str, note: str | None) -> None:
        super().__init__()
        self.article_title = visible(title)  # from the bookmarks file: never a control character
        self.note = visible(note or "")

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box"):
            yield Static(f"Note for: {self.article_title}", id="note-title", markup=False)
            yield Input(self.note, placeholder="a short note (enter saves, escape cancels)", id="note-input",
                        max_length=500)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
