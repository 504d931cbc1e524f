"""The App: stylesheet, title, quit key, keymap and theme, first screen. State lives in the hub screen."""

from __future__ import annotations

import asyncio
import gc
import signal
from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding

from newsreader.core.textclean import visible
from newsreader.resources import seeds_dir, stylesheet
from newsreader.screens.main_screen import MainScreen


# what a person does: the workers wait for the frame it causes (not mouse moves: they come by hundreds)
USER_INPUT = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)


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
        self.crashed = False
        self.crash_log: Path | None = None  # written when the app crashed
        from newsreader.core.config import load_config

        self.config = load_config()  # loaded once: its notices are shown once, at mount

    def get_default_screen(self) -> MainScreen:
        self.hub = MainScreen(self.paths, ner=self.ner)
        return self.hub

    # the bookmarks view's requests (by handler name: that module loads only when the view opens)
    def on_bookmarks_screen_opened(self, message) -> None:
        self.hub.bookmarks_opened(message.version)

    def on_bookmarks_screen_remove(self, message) -> None:
        self.hub.remove_bookmark(message.article_id)

    def on_bookmarks_screen_set_note(self, message) -> None:
        self.hub.set_note(message.article_id, message.note)

    async def on_event(self, event: events.Event) -> None:
        # (as it arrives: a key the app passed on comes back to it as it bubbles up)
        if isinstance(event, USER_INPUT) and not event.is_forwarded and getattr(self, "hub", None) is not None:
            self.hub.user_input()  # loading gives way to the frame this input causes
        await super().on_event(event)

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
        """The theme saved in ui.json (core.ui_state: a damaged file is moved aside with one
        notice, one that cannot be read is left as it is, and the default theme is used)."""
        from newsreader.core.ui_state import StoreError, UiState

        try:
            settings, loaded = UiState().load()
        except StoreError as exc:
            self._warn(f"{exc}; the default theme is used")
            return
        for notice in loaded.notices:
            self._warn(notice)
        theme = settings.get("theme")
        if theme in self.available_themes:
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
        """A listing of the collection, its index or its names have arrived: objects that live
        until the next load. They are frozen as the start-up objects are. Otherwise Python's full
        collections walk them all again and again, and stop every thread while they do: on
        10,000 articles one such pause took 0.34–0.55 s, in the middle of a key press; while
        50,000 files were read (a listing every few seconds), one every 1.3 s or so, growing to
        86 ms. Freezing itself costs nothing, but garbage frozen is kept: what the screen has
        cached when it is called (cycles of Textual's rendered lines) stays, about 1 MB each
        time (a 50,000-file open freezing every listing peaked at 202 MB, every 5,000 articles
        at 180), so the hub calls it for a listing only every ``FREEZE_STEP`` articles.
        (Collecting the young generations first kept a quarter less, for a pause of up to 28 ms
        each time.)"""
        gc.freeze()

    def watch_theme(self, theme: str) -> None:
        """Remember the theme the user picked (ctrl+p → Change theme) for the next start."""
        if self._theme_loaded:
            self.hub.save_theme(theme)  # the hub's workers write the user's files


def key_sections() -> list[tuple[str, list[Binding]]]:
    """The reader's keys by view, for the guide (``keys.markdown_table``)."""
    from newsreader.screens.bookmarks_screen import BookmarksScreen
    from newsreader.widgets.article_list import ArticleList
    from newsreader.widgets.entity_panel import EntityPanel

    return [("", [*MainScreen.BINDINGS, *ArticleList.BINDINGS, *EntityPanel.BINDINGS, *NewsReaderApp.BINDINGS]),
            ("In the bookmarks view (`B`):", BookmarksScreen.BINDINGS)]
