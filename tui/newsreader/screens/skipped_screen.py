"""Files that gave no article, and why."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from newsreader.core.discover import Skipped
from newsreader.core.textclean import visible
from newsreader.core.wording import count
from newsreader.resources import stylesheet


class SkippedScreen(ModalScreen[None]):
    CSS_PATH = str(stylesheet("dialogs"))

    BINDINGS = [Binding("escape,q", "close", "Close", id="close_skipped")]

    def __init__(self, skipped: list[Skipped]) -> None:
        super().__init__()
        self.skipped = skipped

    def compose(self) -> ComposeResult:
        with Vertical(id="skipped-box"):
            yield Static(f"{count(len(self.skipped), 'file')} skipped — escape closes", id="skipped-title", markup=False)
            table = DataTable(id="skipped-table", cursor_type="row")
            table.add_columns("File", "Reason")
            for s in self.skipped:
                table.add_row(Text(visible(s.path), overflow="ellipsis"), Text(visible(s.reason)))
            yield table

    def action_close(self) -> None:
        self.dismiss(None)
