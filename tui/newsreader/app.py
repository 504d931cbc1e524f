"""The App: stylesheet, title, quit key, keymap and theme, first screen. State lives in the hub screen."""

from __future__ import annotations

import gc
import json

from textual.app import App
from textual.binding import Binding

from newsreader.resources import seeds_dir, stylesheet
from newsreader.screens.main_screen import MainScreen


def _ui_state_path():
    from newsreader.core.paths import state_dir

    return state_dir() / "ui.json"


def _reader_commands():
    from newsreader.commands import ReaderCommands  # the palette's machinery loads when it opens

    return ReaderCommands


class NewsReaderApp(App[None]):
    TITLE = "newsreader"
    CSS_PATH = str(stylesheet("app"))
    BINDINGS = [Binding("q", "quit", "Quit", id="quit")]
    COMMANDS = App.COMMANDS | {lambda: _reader_commands()}

    def __init__(self, paths: list[str] | None = None, ner: str | None = None) -> None:
        super().__init__()
        self.paths = list(paths) if paths else [str(seeds_dir())]
        self.ner = ner
        self.keymap: dict[str, str] = {}
        self._theme_loaded = False

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.paths, ner=self.ner)

    def on_mount(self) -> None:
        from newsreader.core.config import load_config

        config = load_config()
        self.keymap = config.keys
        if config.keys:
            self.set_keymap(config.keys)
        from newsreader.core.textclean import visible

        for notice in config.notices:
            self.notify(visible(notice), severity="warning", markup=False, timeout=10)
        try:
            theme = json.loads(_ui_state_path().read_text(encoding="utf-8")).get("theme")
            if isinstance(theme, str) and theme in self.available_themes:
                self.theme = theme
        except (OSError, ValueError, AttributeError):
            pass  # no saved choice yet, or an unreadable one: the default theme
        self._theme_loaded = True
        self.call_after_refresh(self._started)

    def _started(self) -> None:
        """The first screen is up. Start-up made a few hundred thousand objects (Textual's modules,
        styles, widgets) that live as long as the app: they are frozen, so the cyclic collector
        never walks them again, and the collector is on (``newsreader`` turns it off while it
        starts: walking those objects again and again took about a tenth of the time to the
        first article)."""
        gc.freeze()
        gc.enable()

    def keep_loaded(self) -> None:
        """A collection, its index or its names have arrived: objects that live until the next
        load. They are frozen as the start-up objects are. Otherwise every full collection walks
        them all, on the thread that draws the screen: on 10,000 articles one such pause took
        0.34–0.55 s, in the middle of a key press. (Freezing costs nothing; garbage made before
        it is kept, once per load.)"""
        gc.freeze()

    def watch_theme(self, theme: str) -> None:
        """Remember the theme the user picked (ctrl+p → Change theme) for the next start."""
        if not self._theme_loaded:
            return
        from newsreader.core.paths import atomic_write

        try:
            atomic_write(_ui_state_path(), json.dumps({"theme": theme}).encode())
        except OSError as exc:
            self.notify(f"Could not save the theme choice: {exc}", severity="warning", markup=False)
