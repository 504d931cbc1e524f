"""Every key binding of the reader, with what it does (``?``)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from newsreader.core.textclean import visible
from newsreader.resources import stylesheet


class HelpScreen(ModalScreen[None]):
    CSS_PATH = str(stylesheet("dialogs"))

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close help", id="close_help")]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        """``rows``: (keys, description, binding id)."""
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static("Keys — remap them in config.toml under [keys] by binding id", id="help-title", markup=False)
            table = DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("Key", "Does", "Id")
            for keys, description, binding_id in self.rows:
                # the keys may come from config.toml: never a control character
                table.add_row(Text(visible(keys), style="bold"), Text(description), Text(binding_id, style="dim"))
            yield table
            yield Static("escape closes", id="help-hint", markup=False)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
