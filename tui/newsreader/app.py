"""The App: stylesheet, title, quit key, first screen. State lives in the hub screen."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from newsreader.resources import seeds_dir, stylesheets
from newsreader.screens.main_screen import MainScreen


class NewsReaderApp(App[None]):
    TITLE = "newsreader"
    CSS_PATH = [str(p) for p in stylesheets()]
    BINDINGS = [Binding("q", "quit", "Quit", id="quit")]

    def __init__(self, paths: list[str] | None = None, ner: str | None = None) -> None:
        super().__init__()
        self.paths = list(paths) if paths else [str(seeds_dir())]
        self.ner = ner

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.paths, ner=self.ner)
