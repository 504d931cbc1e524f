"""The App: stylesheet, title, quit key, keymap and theme, first screen. State lives in the hub screen."""

from __future__ import annotations

import asyncio
import gc
import json
import signal
import time
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from newsreader.core.textclean import visible
from newsreader.resources import seeds_dir, stylesheet
from newsreader.screens.main_screen import MainScreen


def _ui_state_path():
    from newsreader.core.paths import state_dir

    return state_dir() / "ui.json"


class NewsReaderApp(App[None]):
    TITLE = "newsreader"
    CSS_PATH = str(stylesheet("app"))
    BINDINGS = [Binding("q", "quit", "Quit", id="quit")]

    def __init__(self, paths: list[str] | None = None, ner: str | None = None) -> None:
        super().__init__()
        self.paths = list(paths) if paths else [str(seeds_dir())]
        self.ner = ner
        self.keymap: dict[str, str] = {}
        self._theme_loaded = False
        self._ui_kept = False  # ui.json could not be read nor moved aside: never overwrite it
        self.crashed = False
        self.crash_log: Path | None = None  # written when the app crashed
        from newsreader.core.config import load_config

        self.config = load_config()  # loaded once: its notices are shown once, at mount

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.paths, ner=self.ner)

    def on_mount(self) -> None:
        config = self.config
        self.keymap = config.keys
        if config.keys:
            self.set_keymap(config.keys)
        for notice in config.notices:
            self.notify(visible(notice), severity="warning", markup=False, timeout=10)
        self._load_theme()
        self._theme_loaded = True
        if not self.is_headless:
            self._exit_on_signals()
        self.call_after_refresh(self._started)

    def _load_theme(self) -> None:
        """The theme saved in ui.json. A ui.json that is not a JSON object (damaged, nested too
        deeply for the parser) is moved aside with one notice, never overwritten: if it cannot
        be moved, theme choices are not saved this session."""
        path = _ui_state_path()
        try:
            data = json.loads(path.read_bytes())
            if not isinstance(data, dict):
                raise ValueError(f"expected an object, found {type(data).__name__}")
        except FileNotFoundError:
            return  # no saved choice yet: the default theme
        except OSError as exc:
            self._ui_kept = True
            self._warn(f"{path} cannot be read ({exc.strerror or exc}); the default theme is used")
            return
        except (ValueError, RecursionError) as exc:
            why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:100]
            aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                path.replace(aside)
                done = f"moved to {aside}"
            except OSError as move:
                self._ui_kept = True
                done = f"it cannot be moved aside ({move.strerror or move}) and is left as it is"
            self._warn(f"{path} could not be read ({why}); {done}; the default theme is used")
            return
        theme = data.get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme

    def _warn(self, text: str) -> None:
        self.notify(visible(text), severity="warning", markup=False, timeout=10)

    def _exit_on_signals(self) -> None:
        """SIGTERM and SIGHUP end the reader as ``q`` does: Textual's driver gives the terminal
        back (main screen, cursor, mouse reporting off, line mode) and everything is saved (each
        change is written when it is made). The exit status says which signal it was."""
        loop = asyncio.get_running_loop()
        for name in ("SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)  # Windows has no SIGHUP
            try:
                if signum is not None:
                    loop.add_signal_handler(signum, self.exit, None, 128 + signum)
            except NotImplementedError:  # Windows' event loop takes no signal handlers
                pass

    def _handle_exception(self, error: Exception) -> None:
        """Every error nothing else caught ends here, and Textual exits with return code 1. The
        traceback goes to a crash log (``main`` says where) instead of the terminal."""
        if not self.crashed:  # the first error is the one to report
            from newsreader.crash import write_crash_log

            self.crashed = True
            self.crash_log = write_crash_log(error)
        super()._handle_exception(error)
        if self.crash_log is not None:
            self._exit_renderables.clear()  # Textual's traceback, with every frame's variables

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
        path = _ui_state_path()
        if self._ui_kept:
            self._warn(f"The theme choice is not saved: {path} could not be read and is left as it is")
            return
        from newsreader.core.paths import atomic_write

        try:
            atomic_write(path, json.dumps({"theme": theme}).encode())
        except OSError as exc:
            self._warn(f"The theme choice could not be saved to {path} ({exc.strerror or exc}); "
                       "it lasts until you quit")


def key_sections() -> list[tuple[str, list[Binding]]]:
    """The reader's keys by view, for the guide (``keys.markdown_table``)."""
    from newsreader.screens.bookmarks_screen import BookmarksScreen
    from newsreader.widgets.article_list import ArticleList
    from newsreader.widgets.entity_panel import EntityPanel

    return [("", [*MainScreen.BINDINGS, *ArticleList.BINDINGS, *EntityPanel.BINDINGS, *NewsReaderApp.BINDINGS]),
            ("In the bookmarks view (`B`):", BookmarksScreen.BINDINGS)]
