"""The hub screen: owns the collection, the selection, filters, bookmarks and reading state.

The state is in reactives (``var``) bound into the widgets it composed (``data_bind``): a
widget works out what it shows from its attributes, and says what the user did with a message.
Slow work runs in thread workers that only post messages. The bookmarks view, a screen of its
own, gets the bookmarks when it opens and their changes through :attr:`marks_changed` (a
``Signal``); what it asks for goes up to the app as messages, which calls the hub."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.worker import Worker, WorkerState, get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.signal import Signal
from textual.widgets import Input

from newsreader.core.article import Article, ArticleRows, rows_of, sort_articles
from newsreader.core.filters import BookmarkedFilter, NameFilter, SearchFilter, SourceFilter, UnreadFilter, View
from newsreader.core.stopping import GiveWay
from newsreader.core.textclean import visible
from newsreader.core.wording import count
from newsreader.widgets.article_list import ArticleList
from newsreader.widgets.article_view import ArticleView
from newsreader.widgets.entity_panel import EntityPanel
from newsreader.widgets.filter_line import RESULTS_LIMIT, FilterLine
from newsreader.widgets.footer import KeyBar
from newsreader.widgets.status_line import StatusLine

if TYPE_CHECKING:  # imported in the workers or when first used: not on the way to the first paint
    from newsreader.core.bookmarks import Bookmark, MarkChange
    from newsreader.core.discover import Skipped
    from newsreader.core.ner.collection import ArticleEntities
    from newsreader.core.search.names import StoredEntity
    from newsreader.core.search.index import Listing, SearchIndex, SearchResult

READ_AFTER_SECONDS = 3.0  # a module global, read when the timer is set: tests patch it
NOT_SAVED = {"add": "Not bookmarked", "remove": "Bookmark not removed", "note": "Note not saved",
             "read": "Not marked read"}
SMALL_INDEX_BYTES = 4_000_000  # an index this small is listed before the first paint
FIRST_SCREEN, FIRST_SCREEN_AFTER = 100, 2_000  # a collection this large lists its first articles first
LIST_EVERY = 2.0  # s between listings while files are read, at least
# listed articles not yet frozen (App.keep_loaded) for which a listing while files are read freezes
# them: Python's full collections walk every object not frozen (up to 86 ms each, every 1.3 s
# or so, while 50,000 files were read), and each freeze keeps what the screen had cached then
# (about 1 MB: see keep_loaded)
FREEZE_STEP = 5000
PROGRESS_EVERY = 0.1  # s between progress messages of a stage, at least
FOLLOW_AFTER = 500  # files still to read for which names are found while they are read
NARROW = 110  # below this width the panes stack and the names panel hides


def _reader_commands():
    from newsreader.commands import ReaderCommands  # the palette's machinery loads when it opens

    return ReaderCommands


class MainScreen(Screen[None]):
    AUTO_FOCUS = "ArticleList"  # not the (hidden) search input: its keys would flash in the key bar
    COMMANDS = {_reader_commands}  # the palette's commands of this screen (with the app's own)
    BINDINGS = [
        Binding("j,down", "next_article", "Next", id="next_article", show=False),
        Binding("k,up", "previous_article", "Previous", id="previous_article", show=False),
        Binding("slash", "search", "Search", id="search"),
        Binding("escape", "clear", "Clear filter", id="clear"),
        Binding("b", "toggle_bookmark", "Bookmark", id="toggle_bookmark"),
        Binding("B", "show_bookmarks", "Bookmarks", id="show_bookmarks"),
        Binding("u", "next_unread", "Next unread", id="next_unread"),
        Binding("U", "only_unread", "Only unread", id="only_unread", show=False),
        Binding("asterisk", "only_bookmarked", "Only bookmarked", id="only_bookmarked", show=False),
        Binding("s", "only_source", "Only this source", id="only_source", show=False),
        Binding("n", "next_match", "Next match", id="next_match", show=False),
        Binding("N", "previous_match", "Previous match", id="previous_match", show=False),
        Binding("right_square_bracket", "next_mention", "Next mention", id="next_mention", show=False),
        Binding("left_square_bracket", "previous_mention", "Previous mention", id="previous_mention", show=False),
        Binding("e", "focus_names", "Names", id="focus_names"),
        Binding("1", "toggle_type('PER')", "Highlight people", id="toggle_per", show=False),
        Binding("2", "toggle_type('LOC')", "Highlight places", id="toggle_loc", show=False),
        Binding("3", "toggle_type('ORG')", "Highlight organisations", id="toggle_org", show=False),
        Binding("4", "toggle_type('MISC')", "Highlight other names", id="toggle_misc", show=False),
        Binding("o", "toggle_sort", "Sort order", id="toggle_sort", show=False),
        Binding("S", "show_skipped", "Skipped files", id="show_skipped", show=False),
        Binding("question_mark", "help", "Help", id="help"),
    ]

    # --- messages from the workers -------------------------------------------------------------
    # (dataclasses for their fields and __init__; no __eq__ or __repr__, which cost launch time)

    @dataclass(eq=False, repr=False)
    class Listed(Message):
        """The collection as the index knows it (``final``: after checking every file), sorted
        (``newest_first``), by id and with the row of each where it is made: in the worker, not
        on the screen's thread (10,000 articles took it 30 ms each time). A listing after the
        first has the same objects for the articles that have not changed (``SearchIndex.listing``)."""

        articles: ArticleRows
        skipped: list[Skipped]
        final: bool
        notices: list[str]
        index: SearchIndex
        newest_first: bool = True
        by_id: dict[str, Article] | None = None

        def __post_init__(self) -> None:
            super().__post_init__()
            if not self.newest_first:  # the index lists newest first
                self.articles = sort_articles(self.articles, False)
            elif not isinstance(self.articles, ArticleRows):
                self.articles = ArticleRows(self.articles)
            if self.by_id is None:
                self.by_id = {a.id: a for a in self.articles}
            self.articles.rows, self.articles.longest_source  # noqa: B018 (worked out here, once)

    @dataclass(eq=False, repr=False)
    class Progress(Message):
        stage: str
        done: int
        total: int

        def can_replace(self, message: Message) -> bool:
            """A newer count of the same stage makes an older one still in the queue needless."""
            return isinstance(message, MainScreen.Progress) and message.stage == self.stage

    @dataclass(eq=False, repr=False)
    class NamesWanted(Message):
        """The open worker asks for the name finder (``find_names``), while it reads files or after."""

        index: SearchIndex
        reading: threading.Event
        expected: int

    @dataclass(eq=False, repr=False)
    class SearchReady(Message):
        index: SearchIndex

    @dataclass(eq=False, repr=False)
    class EntitiesReady(Message):
        """The collection's names are all found and resolved: its entities, most widespread first."""

        entities: list[StoredEntity]
        notices: list[str]

    @dataclass(eq=False, repr=False)
    class SearchDone(Message):
        query: str
        result: SearchResult

    @dataclass(eq=False, repr=False)
    class MarksLoaded(Message):
        """The bookmarks as read, newest first, and by id (made in the worker: 100,000 of them
        took the screen's thread 0.1 s)."""

        marks: list[Bookmark]
        notices: list[str]
        by_id: dict[str, Bookmark] = field(init=False)

        def __post_init__(self) -> None:
            super().__post_init__()
            self.by_id = {b.id: b for b in self.marks}

    @dataclass(eq=False, repr=False)
    class ReadLoaded(Message):
        read: set[str]
        notices: list[str]

    @dataclass(eq=False, repr=False)
    class MarkSaved(Message):
        """One change of a bookmark (``action``: add, remove, note) was written, ``bookmark`` as
        saved; or it was not (``error``: why; nothing changed)."""

        action: str
        bookmark: Bookmark
        error: str = ""

    @dataclass(eq=False, repr=False)
    class ReadSaved(Message):
        """An article was saved as read; or it was not (``error``: why)."""

        article_id: str
        error: str = ""

    # --- state: the widgets are bound to these (compose); ``bindings``: check_action looks at it -

    collection: var[list[Article]] = var(list, always_update=True)  # everything, sorted
    articles: var[list[Article]] = var(list, always_update=True)    # what the list shows
    # an article listed again is another object equal to the last: it replaces it (always_update)
    current: var[Article | None] = var(None, always_update=True)  # under the list's cursor
    reading: var[Article | None] = var(None, always_update=True)  # in the reader: ``current``, a frame later
    reading_names: var[ArticleEntities | None] = var(None)  # the names found in it
    view: var[View] = var(View, always_update=True, bindings=True)  # the filters, in the order added
    newest_first: var[bool] = var(True)
    # the bookmarks as saved, by id: what the screen shows is never a change that was not written
    marks: var[dict[str, Bookmark]] = var(dict, always_update=True)
    read: var[frozenset[str]] = var(frozenset)     # the articles saved as read
    unread: var[int] = var(0, bindings=True)       # the collection's articles not in ``read``
    skipped: var[list[Skipped]] = var(list, bindings=True)
    listed_final: var[bool] = var(False)           # every file has been checked
    entities: var[list[StoredEntity] | None] = var(None, bindings=True)  # once every name is found
    progress: var[tuple[str, int, int, str] | None] = var(None)  # stage, done, total, time left
    hidden: var[frozenset[str]] = var(frozenset)   # name types the reader does not highlight
    terms: var[frozenset[str]] = var(frozenset)    # the search's words, highlighted in the reader
    title_spans: var[dict[str, list[tuple[int, int]]]] = var(dict)  # the search's matches in titles
    focus_span: var[tuple[int, int] | None] = var(None)  # the match or mention jumped to
    jump: var[tuple[str, int, int] | None] = var(None)   # ("match"/"mention", number, of how many)
    waiting_search: var[str] = var("")             # a search typed before the index is ready

    def __init__(self, paths: list[str], ner: str | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.ner = ner
        self.by_id: dict[str, Article] = {}
        self.index: SearchIndex | None = None          # set at the first listing: search covers what is listed
        self._store_index: SearchIndex | None = None   # set with the first listing: texts come from it
        self.search_query = ""                         # the search box's text (results may lag behind)
        self.mark_order: list[Bookmark] = []           # ``marks``, newest first (the bookmarks view's rows)
        self.marks_changed: Signal[MarkChange] = Signal(self, "marks_changed")  # for the bookmarks view
        self.marks_version = 0                         # how many changes marks_changed has carried
        self._failing: set[str] = set()                # background saves that failed: said once
        self.match_spans: list[tuple[int, int]] = []
        self.match_index = -1
        self.mention_index = -1
        self._resorting = False
        self._read_timer = None
        self._view_pending = False
        self._name_finder = None                       # the child process finding names, while it runs
        self._listing: Listing | None = None           # the open worker's last listing
        self._stage: tuple[str, float, int] | None = None  # the stage of the progress: name, start, count then
        self._frozen_at = 0                            # articles listed at the last keep_loaded
        self.give_way = GiveWay()  # the workers' checks wait while a key is being drawn (user_input)

    def compose(self) -> ComposeResult:
        # the layout class is set before the first styling: changing it later restyles every widget
        self.set_class(self.app.size.width < NARROW, "narrow", update=False)
        me = MainScreen
        yield FilterLine(id="filter").data_bind(me.view, me.articles, waiting=me.waiting_search,
                                                complete=me.listed_final)
        with Horizontal(id="panes"):
            yield ArticleList(id="article-list").data_bind(me.articles, me.current, me.read, me.title_spans,
                                                           bookmarked=me.marks)
            yield ArticleView(id="article-view").data_bind(me.hidden, me.terms, me.focus_span, article=me.reading,
                                                           entities=me.reading_names)
            yield EntityPanel(id="names").data_bind(entities=me.reading_names)
        yield StatusLine(id="status").data_bind(me.collection, me.unread, me.newest_first, me.marks, me.skipped,
                                                me.progress, me.listed_final, me.entities, me.jump)
        yield KeyBar()

    def on_mount(self) -> None:
        index = self._open_small_index()
        # the workers start once the first screen is drawn: their Python work would share the
        # interpreter with the first paint and delay it (by some 30 ms on the seeds)
        self.call_after_refresh(self._start_work, index)

    def _start_work(self, index: SearchIndex | None) -> None:
        self.open_collection(index)
        self.load_marks_and_reading()

    def _open_small_index(self) -> SearchIndex | None:
        """A small collection the index already knows is listed before the first paint (a few
        milliseconds); anything else is opened and listed by the worker."""
        from newsreader.core.search.index import SearchIndex, default_index_path

        path = default_index_path(self.paths)
        if not path.exists() or path.stat().st_size > SMALL_INDEX_BYTES:
            return None
        try:
            index = SearchIndex(path)
        except (OSError, sqlite3.Error):
            return None
        if len(index):
            self._listed(self._whole_list(index))
        return index

    def on_unmount(self) -> None:
        """Quitting: the workers are cancelled (they stop within a file or a batch) and the name
        finder is ended now, so the process is gone at once instead of after the last name."""
        finder = self._name_finder
        if finder is not None:
            finder.stop()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker's failure ends here: a notice and a line in the log; the app goes on."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        self.log.error(f"worker {event.worker.name} failed", error)
        what = {"open_collection": "Reading the collection", "find_names": "Finding names",
                "run_search": "The search"}.get(event.worker.name, "A background task")
        self.notify(visible(f"{what} failed: {type(error).__name__}: {error}"), severity="error", markup=False,
                    timeout=15)

    def user_input(self) -> None:
        """A key or a click is on its way (``NewsReaderApp.on_event``): the workers wait at their
        next check until the frame it causes and the one after are drawn (the reader follows the
        list's cursor a frame later), 0.1 s at most."""
        token = self.give_way.busy()
        self.call_after_refresh(self.call_after_refresh, self.give_way.done, token)

    def on_resize(self) -> None:
        narrow = self.size.width < NARROW
        if narrow != self.has_class("narrow"):  # a class change restyles every widget
            self.set_class(narrow, "narrow")
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Actions that cannot do anything now are hidden: from the key bar, the help and the
        command palette alike, and their keys do nothing. Bindings are refreshed whenever what
        this looks at changes (never on a plain move in the list: that would cost every key)."""
        if not self.is_mounted:
            return True
        current = self.current
        if action in ("next_match", "previous_match"):
            return self.view.search is not None and current is not None
        if action in ("next_mention", "previous_mention"):
            return current is not None and self.entities is not None
        if action == "toggle_bookmark":
            return current is not None
        if action == "only_source":
            return current is not None and bool(current.source)
        if action == "show_skipped":
            return bool(self.skipped)
        if action == "focus_names":
            return not self.has_class("narrow")
        if action == "clear":
            search = self._search_input()
            return bool(self.view) or (search is not None and search.display)
        if action == "next_unread":
            return self.unread > 0
        return True

    # --- workers -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def open_collection(self, index: SearchIndex | None = None) -> None:
        """Lists what the index already knows, brings it up to date (parsing only new or changed
        files), then adds entity names. Never touches a widget. Stops within a file or a batch of
        names when the worker is cancelled (quitting cancels it and ends the name finder)."""
        from newsreader.core.stopping import Stopped

        worker = get_current_worker()

        def check() -> None:
            if worker.is_cancelled:
                raise Stopped
            self.give_way.wait()

        try:
            self._open_collection(index, check)
        except Stopped:
            pass

    def _open_collection(self, index: SearchIndex | None, check) -> None:
        from newsreader.core.search.index import SearchIndex, default_index_path

        notices: list[str] = []
        listing = index is None  # else the hub has listed this small index itself
        if index is None:
            try:
                index = SearchIndex(default_index_path(self.paths))
            except (OSError, sqlite3.Error) as exc:
                notices.append(f"search index unavailable ({exc}); keeping it in memory for this session")
                index = SearchIndex(None)
        known = len(index)
        if listing and known > FIRST_SCREEN_AFTER:  # a large collection: its first screen, then all of it
            self.post_message(self.Listed(index.first_articles(FIRST_SCREEN, self.newest_first), [], False, [],
                                          index, self.newest_first))
        if known and index.names_resolved():  # the names the index has, at once: a warm open
            # before the whole listing (1-2 s at 50,000 articles) and the walk
            self.post_message(self.EntitiesReady(index.entities(), []))
        if listing and known:
            self.post_message(self._whole_list(index))
        notices += index.notices
        # later ones (a damaged index rebuilt, a lock waited for) are shown when they happen
        index.on_notice = lambda text: self.app.notify(visible(text), severity="warning", markup=False, timeout=10)

        next_listing = [-1e9]

        def list_so_far() -> None:
            """A first build lists its first files at once, then every 2 s, or less often when a
            listing takes long (ten times its time: 50,000 articles take 0.2-0.3 s, every 2 s that
            was a sixth of the reading)."""
            check()
            started = time.monotonic()
            if started > next_listing[0]:
                self.post_message(self._whole_list(index))
                next_listing[0] = started + max(LIST_EVERY, 10 * (time.monotonic() - started))

        # Many files to read: their names are found while the rest are read (the name finder
        # follows the refresh), so that the second core is not idle meanwhile.
        reading = threading.Event()
        reading.set()
        names_wanted = [False]

        def find_names(expected: int) -> None:
            if not names_wanted[0]:
                names_wanted[0] = True
                self.post_message(self.NamesWanted(index, reading, expected))

        reported = self._reporter("Reading files", check)

        def read_progress(done: int, total: int, what: str = "") -> None:
            reported(done, total, what)
            if not names_wanted[0] and total - done > FOLLOW_AFTER:
                find_names(index.pending_entities() + total - done)

        try:
            report = index.refresh(self.paths, progress=read_progress, on_batch=list_so_far,
                                   pause=self.give_way.wait)
            # listed before the name finder may finish: its entities come after the whole list
            self.post_message(self._whole_list(index, report.skipped, notices, final=True))
        finally:
            reading.clear()
        self._listing = None  # (what the next listing would take again: not needed now)
        index.ensure_vocabulary()
        self.post_message(self.SearchReady(index))
        from newsreader.core.heap import trimmer

        trimmer()()  # what reading the files, listing them and their words left
        check()
        find_names(index.pending_entities())

    def _reporter(self, stage: str, check):
        """A progress callback of a worker for ``stage`` (``check``: the worker's, called first),
        which tells the screen at most every :data:`PROGRESS_EVERY` s, and at the end: a message
        a file woke the screen's thread 50,000 times."""
        last = [-1e9]

        def report(done: int, total: int, _what: str = "") -> None:
            check()
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY or done >= total:
                last[0] = now
                self.post_message(self.Progress(stage, done, total))
        return report

    @work(thread=True, exclusive=True, group="names", exit_on_error=False)
    def find_names(self, index: SearchIndex, reading: threading.Event, expected: int) -> None:
        """Finds and stores the names of the articles without them (``expected`` or so: of the
        files still being read too, while ``reading`` is set), then resolves the collection's
        entities. Stopped by cancelling (quitting) within a batch; the name finder's children are
        ended at once (on_unmount)."""
        from newsreader.core.stopping import Stopped

        worker = get_current_worker()

        def check() -> None:
            if worker.is_cancelled:
                raise Stopped
            self.give_way.wait()

        try:
            self._find_names(index, reading, expected, check)
        except Stopped:
            pass

    def _find_names(self, index: SearchIndex, reading: threading.Event, expected: int, check) -> None:
        from newsreader.core.ner import get_recognizer
        from newsreader.core.ner.collection import default_cache

        check()
        spec = self.ner or self.app.config.ner  # the config the app loaded (and reported) once
        recognizer, message = get_recognizer(spec)
        unkept: list[str] = []
        try:
            cache = default_cache()
        except (OSError, sqlite3.Error) as exc:  # a read-only cache folder, say: names are found, not kept
            from newsreader.core.ner.cache import EntityCache
            from newsreader.core.paths import cache_dir

            cache = EntityCache(None)
            unkept.append(f"entity cache in {cache_dir()} unavailable ({exc}); keeping it in memory for this session")
        from newsreader.core.ner.process import for_many

        # many to do: tagged in other processes (at a lower priority), the UI keeps the CPU
        recognizer = for_many(recognizer, spec, max(expected, index.pending_entities()))
        if hasattr(recognizer, "stop"):
            self._name_finder = recognizer  # quitting ends it at once (on_unmount)

        def more() -> bool:
            check()
            return reading.is_set()

        try:  # stored in the index as they come (the panel shows them); resolved at the end
            index.recognize_pending(recognizer, cache, progress=self._reporter("Finding names", check), more=more,
                                    pause=self.give_way.wait)
        finally:
            self._name_finder = None
            getattr(recognizer, "close", lambda: None)()
        check()
        self.post_message(self.EntitiesReady(index.entities(), ([message] if message else []) + unkept))
        index.optimize()  # after a large build (searches go on meanwhile)

    def _whole_list(self, index: SearchIndex, skipped: list | None = None, notices: list[str] | None = None,
                    final: bool = False) -> Listed:
        """A listing of every article the index has now (without their texts), with the same
        objects as the last one for the articles it listed too."""
        listing = self._listing = index.listing(self._listing, pause=self.give_way.wait)
        return self.Listed(listing.articles, skipped or [], final, notices or [], index, self.newest_first,
                           listing.by_id if self.newest_first else None)

    @work(thread=True, group="store", exit_on_error=False)
    def load_marks_and_reading(self) -> None:
        """Reads both files; reading never writes (a read-only or full folder is fine)."""
        from newsreader.core.bookmarks import BookmarkStore, ReadingState, StoreError

        bookmarks = BookmarkStore()
        try:
            marks, loaded = bookmarks.load()
            self.post_message(self.MarksLoaded(marks, loaded.notices))
        except (StoreError, OSError) as exc:
            self.post_message(self.MarksLoaded([], [_failure(exc, bookmarks.path, "read")]))
        reading = ReadingState()
        try:
            read, loaded = reading.load()
            self.post_message(self.ReadLoaded(read, loaded.notices))
        except (StoreError, OSError) as exc:
            self.post_message(self.ReadLoaded(set(), [_failure(exc, reading.store.path, "read")]))

    @work(thread=True, group="store", exit_on_error=False)
    def change_bookmark(self, action: str, bookmark: Bookmark) -> None:
        """Writes one change (add, remove, note); the hub shows it once it is saved."""
        from newsreader.core.bookmarks import Bookmark, BookmarkStore, StoreError

        store = BookmarkStore()
        error = ""
        try:
            if action == "add":
                saved = store.add(bookmark).entries.get(bookmark.id)
                if saved is not None:  # as written: a bookmark made before keeps its date, note and tags
                    bookmark = Bookmark(id=bookmark.id, **saved)
            elif action == "remove":
                store.remove(bookmark.id)
            else:
                store.set_note(bookmark.id, bookmark.note)
        except (StoreError, OSError) as exc:
            error = _failure(exc, store.path, "save")
        self.post_message(self.MarkSaved(action, bookmark, error))

    @work(thread=True, group="store", exit_on_error=False)
    def save_read(self, article_id: str) -> None:
        from newsreader.core.bookmarks import ReadingState, StoreError

        state = ReadingState()
        try:
            state.mark_read(article_id)
            self.post_message(self.ReadSaved(article_id))
        except (StoreError, OSError) as exc:
            self.post_message(self.ReadSaved(article_id, _failure(exc, state.store.path, "save")))

    @work(thread=True, exclusive=True, group="ui-state", exit_on_error=False)
    def save_theme(self, theme: str) -> None:
        """ui.json (core.ui_state), in a thread: its lock may be held by another newsreader a while."""
        from newsreader.core.ui_state import StoreError, UiState

        try:
            UiState().set("theme", theme)
        except StoreError as exc:
            self.app.call_from_thread(self.notify, visible(f"{exc}; the theme chosen lasts until you quit"),
                                      severity="warning", markup=False, timeout=10)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str, within: set[str] | None = None) -> None:
        """``within``: the articles the other filters keep; the search looks only among them."""
        index = self.index
        if index is None:
            return
        result = index.search(query, limit=RESULTS_LIMIT, bookmarked=set(self.marks), read=set(self.read), within=within)
        self.post_message(self.SearchDone(query, result))

    def _search(self, query: str, view: View | None = None) -> None:
        """Search for ``query`` among what the other filters of ``view`` (the hub's, unless
        given) keep; the last results stay listed until the new ones are in."""
        view = self.view if view is None else view
        old = view.search
        self.view = view.add(SearchFilter(query=query, ranked=old.ranked if old else (),
                                          terms=old.terms if old else frozenset()))
        self.run_search(query, self.view.allowed(self.collection, but="search"))

    # --- messages ------------------------------------------------------------------------------

    @on(Listed)
    def _listed(self, message: Listed) -> None:
        self._store_index = message.index  # article texts can be read from it from now on
        self.skipped = message.skipped
        self.listed_final = message.final
        if message.final:
            self.progress = None
        for notice in message.notices:
            self.notify(visible(notice), severity="warning", markup=False, timeout=10)
        if message.final and message.skipped:
            self.notify(f"{count(len(message.skipped), 'file')} could not be read; press S to see which and why.",
                        severity="warning", markup=False, timeout=8)
        self.by_id = message.by_id
        same = message.newest_first == self.newest_first  # else the order changed on the way
        self.collection = message.articles if same else sort_articles(message.articles, self.newest_first)
        # the articles listed live until the next load: frozen with the last listing, and while
        # files are read with every FREEZE_STEP more (see there: the slowest keys of a cold open)
        if message.final or len(message.articles) >= self._frozen_at + FREEZE_STEP:
            self._frozen_at = len(message.articles)
            self.app.keep_loaded()
        # what is listed can be searched: a search runs over the files read so far, and again
        # with each listing (the last one: every file)
        if self.index is None:
            self.index = message.index
            self.waiting_search = ""
        if self.search_query.strip():
            self._search(self.search_query)

    @on(NamesWanted)
    def _names_wanted(self, message: NamesWanted) -> None:
        self.find_names(message.index, message.reading, message.expected)

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        if message.stage == "Finding names" and not self.listed_final:  # the reading's progress is shown
            if self.reading is not None and self.reading_names is None:
                self.reading_names = self._names_of(self.reading)
            return
        now = time.monotonic()
        if self._stage is None or self._stage[0] != message.stage:
            self._stage = (message.stage, now, message.done)  # when the stage started, and where
        done, total = message.done, message.total
        self.progress = (message.stage, done, total, self._time_left(done, total)) if done < total else None
        if self.reading is not None and self.reading_names is None and message.stage == "Finding names":
            self.reading_names = self._names_of(self.reading)  # the article's names may be in by now

    def _time_left(self, done: int, total: int) -> str:
        """About how long the stage still takes, from its pace so far ("" until that is known)."""
        if self._stage is None:
            return ""
        _, started, first = self._stage
        spent = time.monotonic() - started
        if done <= first or spent < 2.0:
            return ""
        left = (total - done) * spent / (done - first)
        return f" · about {left:.0f} s left" if left < 90 else f" · about {left / 60:.0f} min left"

    @on(SearchReady)
    def _search_ready(self, message: SearchReady) -> None:
        self.index = message.index
        self.waiting_search = ""
        if self.reading is not None and self.reading.lazy:
            self._filled(self.reading)  # its text is in the index now
            self.mutate_reactive(MainScreen.reading)

    @on(EntitiesReady)
    def _entities_ready(self, message: EntitiesReady) -> None:
        self.entities = message.entities
        for notice in message.notices:
            self.notify(visible(notice), severity="warning", markup=False, timeout=8)
        self.reading_names = self._names_of(self.reading)
        self.app.keep_loaded()

    @on(MarksLoaded)
    def _marks_loaded(self, message: MarksLoaded) -> None:
        self.mark_order, self.marks = message.marks, message.by_id
        for notice in message.notices:
            self.notify(visible(notice), severity="error", markup=False, timeout=15)
        self._publish_all()

    def _publish(self, change: MarkChange) -> None:
        self.marks_version += 1
        self.marks_changed.publish(change)

    def _publish_all(self) -> None:
        from newsreader.core.bookmarks import MarkChange

        self._publish(MarkChange(marks=self.mark_order, present=frozenset(self.by_id)))

    @on(MarkSaved)
    def _mark_saved(self, message: MarkSaved) -> None:
        new = message.bookmark
        if message.error:
            self.notify(visible(f"{NOT_SAVED[message.action]}: {message.error}"), severity="error",
                        markup=False, timeout=10)
            return
        old = self.marks.get(new.id)
        if message.action == "remove":
            if old is not None:
                self._place_mark(old, None)
                self.notify(visible(f"Bookmark removed: {old.title}"), markup=False, timeout=3)
        elif message.action == "add" or old is not None:  # a note for a bookmark still there
            self._place_mark(old, new)
            if message.action == "add" and old is None:
                self.notify(visible(f"Bookmarked: {new.title}"), markup=False, timeout=3)
        self._show_marks()

    def _place_mark(self, old: Bookmark | None, new: Bookmark | None) -> None:
        """A saved change in ``marks`` and ``mark_order``: one row changes, nothing is rebuilt
        (with 100,000 bookmarks a rebuild took seconds). An open bookmarks view hears of it
        through ``marks_changed``."""
        from newsreader.core import bookmarks
        from newsreader.core.bookmarks import MarkChange

        order, publish = self.mark_order, self._publish
        if old is not None:
            row = next(i for i, b in enumerate(order) if b is old)
            del self.marks[old.id]
            if new is not None and new.created == old.created:  # same place in the order
                order[row] = new
                self.marks[new.id] = new
                publish(MarkChange(row, 0, new))
                return
            del order[row]
            publish(MarkChange(row, -1, old))
        if new is None:
            return
        if not order or bookmarks.newest_first([order[0], new])[0] is new:  # always, unless a clock went back
            order.insert(0, new)
        else:
            order[:] = bookmarks.newest_first([*order, new])
        self.marks[new.id] = new
        publish(MarkChange(next(i for i, b in enumerate(order) if b is new), 1, new))

    def _show_marks(self) -> None:
        """``marks`` was changed in place: what is bound to it follows (the list's stars, the
        count). Never a copy or a comparison: with 100,000 bookmarks either took 30–50 ms."""
        self.mutate_reactive(MainScreen.marks)

    @on(ReadLoaded)
    def _read_loaded(self, message: ReadLoaded) -> None:
        self.read = frozenset(message.read)
        for notice in message.notices:
            self.notify(visible(notice), severity="warning", markup=False, timeout=10)

    @on(ReadSaved)
    def _read_saved(self, message: ReadSaved) -> None:
        if message.error:
            if "reading" not in self._failing:  # saved in the background: said once, until one works
                self._failing.add("reading")
                self.notify(visible(f"{NOT_SAVED['read']}: {message.error}"), severity="warning", markup=False,
                            timeout=10)
            return
        self._failing.discard("reading")
        self.read = self.read | {message.article_id}

    @on(SearchDone)
    def _search_done(self, message: SearchDone) -> None:
        search = self.view.search
        if search is None or message.query != search.query:
            return  # an older keystroke, or a search removed since
        result = message.result
        self.title_spans = {h.article.id: [(m.start, m.end) for m in h.matches if m.field == "title"]
                            for h in result.hits}
        self.view = self.view.add(SearchFilter(query=search.query, ranked=tuple(h.article.id for h in result.hits),
                                               terms=result.terms, error=result.error))

    @on(ArticleList.Highlighted)
    def _highlighted(self, message: ArticleList.Highlighted) -> None:
        article = self.by_id.get(message.article_id)
        if article is not self.current:  # the list's cursor put back on the article it shows
            self.current = article

    @on(EntityPanel.Chosen)
    def _entity_chosen(self, message: EntityPanel.Chosen) -> None:
        self.filter_by_entity(message.kind, message.canonical)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search_query = event.value
        self.waiting_search = event.value if self.index is None else ""
        if not event.value.strip():
            if self.view.search is not None:
                self.view = self.view.without("search")
        elif self.index is not None:
            self._search(event.value)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.query_one(ArticleList).focus()
        if self.articles:
            self.current = self.articles[0]  # the best result

    # --- the view ------------------------------------------------------------------------------

    def _filled(self, article: Article) -> Article:
        """The article with its text: listed articles come from the index without it."""
        if article.lazy and self._store_index is not None:
            self._store_index.fill(article)
        return article

    def watch_collection(self) -> None:
        self._count_unread()
        self._apply_view()

    def watch_read(self) -> None:
        self._count_unread()

    def _count_unread(self) -> None:
        by_id = self.by_id  # the collection's (the read articles are far fewer than those listed)
        self.unread = len(self.collection) - sum(1 for article_id in self.read if article_id in by_id)

    def watch_view(self) -> None:
        self._apply_view()

    def _apply_view(self) -> None:
        """What the list shows: the collection narrowed by every filter (core.filters)."""
        view = self.view
        search = view.search
        self.terms = search.terms if search is not None else frozenset()
        if search is None:
            self.title_spans = {}
        self.articles = [] if search is not None and search.error else view.apply(self.collection)

    @property
    def entity_filter(self) -> tuple[str, str] | None:
        """The name the list is filtered by: (type, canonical name)."""
        found = self.view.get("name")
        return (found.type, found.name) if isinstance(found, NameFilter) else None

    def _entity_article_ids(self, kind: str, name: str) -> set[str]:
        if self._store_index is None:
            return set()
        return set(self._store_index.entity_articles(kind, name))

    def _names_of(self, article: Article | None) -> ArticleEntities | None:
        """The names found in ``article`` so far (stored in the index as they are found)."""
        if self._store_index is None or article is None:
            return None
        return self._store_index.article_names(article.id)

    def watch_newest_first(self, newest_first: bool) -> None:
        self._resorting = True  # the reader stays on its article, even at the top of the list
        self.collection = sort_articles(self.collection, newest_first)  # a search's results stay best first
        self._resorting = False

    def watch_articles(self, old: list[Article], articles: list[Article]) -> None:
        at_top = (self.current is not None and bool(old) and old[0].id == self.current.id
                  and not self._resorting)
        # a reader at the top of the list stays at the top (new articles arrive there);
        # anywhere else the selection stays on its article while it is listed
        shown = rows_of(articles)
        keep = self.current if self.current is not None and self.current.id in shown and not at_top else None
        new = self.by_id.get(keep.id) if keep is not None else (articles[0] if articles else None)
        if new is not self.current:
            self.current = new

    def watch_current(self, old: Article | None, article: Article | None) -> None:
        self.match_index = self.mention_index = -1
        self.jump = None
        if (old is None) != (article is None) or bool(old and old.source) != bool(article and article.source):
            self.refresh_bindings()  # what check_action says depends on these only
        # A move in the list: its cursor is painted first (two lines); the reader and the names
        # panel follow in the next frame (drawing them takes longer than a frame, and keys held
        # down then move the cursor at the rate they come, showing only the article it stops on).
        # The first article (at start, or into an empty list) is shown at once: there is no cursor.
        if not self._view_pending:
            self._view_pending = True
            if old is None:
                self._sync_view()
            else:
                self.call_after_refresh(self._sync_view)
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        if article is not None and article.id not in self.read:
            self._read_timer = self.set_timer(READ_AFTER_SECONDS, lambda: self._mark_read(article.id))

    def _sync_view(self) -> None:
        """Show ``current`` in the reader and its names in the panel, if not done yet. Actions
        that work on what the reader shows call this first."""
        if not self._view_pending:
            return
        self._view_pending = False
        self.focus_span = None
        self.reading = self._filled(self.current) if self.current is not None else None
        self.reading_names = self._names_of(self.reading)

    def _mark_read(self, article_id: str) -> None:
        if self.current is None or self.current.id != article_id or article_id in self.read:
            return
        self.save_read(article_id)  # shown as read once it is saved

    # --- public operations (keys, the command palette and tests use them) ----------------------

    def _search_input(self) -> Input | None:
        """The search input, made the first time ``/`` is pressed."""
        return next(iter(self.query("#search").results(Input)), None)

    def _close_search(self) -> None:
        """Empty and hide the search input, if there is one."""
        search = self._search_input()
        if search is not None:
            search.value = ""
            search.display = False
            self.refresh_bindings()

    def filter_by_entity(self, kind: str, name: str) -> None:
        """Only the articles that mention the name, with the other filters (a search among them
        is run again)."""
        self._add_filter(NameFilter(frozenset(self._entity_article_ids(kind, name)), kind, name))
        self.query_one(ArticleList).focus()

    def _add_filter(self, new) -> None:
        view = self.view.add(new)
        if view.search is not None and new.kind != "search":
            self._search(view.search.query, view)  # the search looks among what the filters keep now
        else:
            self.view = view

    def open_article(self, article_id: str) -> None:
        """Show an article, clearing a filter that hides it."""
        if article_id not in self.by_id:
            return
        if article_id not in {a.id for a in self.articles}:
            self.clear_filters()
        self.current = self.by_id[article_id]

    # --- actions -------------------------------------------------------------------------------

    def action_next_article(self) -> None:
        self.query_one(ArticleList).action_cursor_down()

    def action_previous_article(self) -> None:
        self.query_one(ArticleList).action_cursor_up()

    def action_toggle_sort(self) -> None:
        self.newest_first = not self.newest_first

    async def action_search(self) -> None:
        search = self._search_input()
        if search is None:  # made on first use: one widget less to build before the first article
            search = Input(placeholder="Search: words, \"phrase\", -word, per:name, date:2023-09..2024-01 · "
                                       "enter opens · escape clears", id="search")
            await self.mount(search, before=self.query_one("#filter"))
        search.display = True
        self.refresh_bindings()
        search.focus()

    def action_clear(self) -> None:
        """Escape: the filter added last goes (a search also empties the search box)."""
        self._set_view(self.view.without_last())

    def clear_filters(self) -> None:
        self._set_view(View())

    def _set_view(self, view: View) -> None:
        others_changed = view.without("search") != self.view.without("search")
        if view.search is not None and others_changed:
            self._search(view.search.query, view)  # the search looks among what the filters keep now
        elif view != self.view:
            self.view = view
        if view.search is None:
            self.search_query = ""
            self._close_search()
        self.focus_span = None
        self.match_index = self.mention_index = -1
        self.jump = None
        self.query_one(ArticleList).focus()

    def action_only_unread(self) -> None:
        """Only the articles not read yet (one read while the filter is on stays listed)."""
        if self.view.get("unread") is not None:
            self._set_view(self.view.without("unread"))
        else:
            self._add_filter(UnreadFilter(frozenset(a.id for a in self.collection if a.id not in self.read)))

    def action_only_bookmarked(self) -> None:
        if self.view.get("bookmarked") is not None:
            self._set_view(self.view.without("bookmarked"))
        else:
            self._add_filter(BookmarkedFilter(frozenset(self.marks)))

    def action_only_source(self) -> None:
        """Only the articles from the source of the one in the reader."""
        source = self.current.source if self.current is not None else None
        if not source:
            self.notify("This article has no source.", timeout=3)
            return
        self._add_filter(SourceFilter(frozenset(a.id for a in self.collection if a.source == source), source))

    def action_toggle_bookmark(self) -> None:
        """Adds or removes the bookmark; the star and the notice follow once it is saved."""
        article = self.current
        if article is None:
            return
        mark = self.marks.get(article.id)
        if mark is not None:
            self.change_bookmark("remove", mark)
        else:
            from newsreader.core.bookmarks import Bookmark

            self.change_bookmark("add", Bookmark.of(article))

    def action_show_bookmarks(self) -> None:
        def opened(article_id: str | None) -> None:
            if article_id:
                self.open_article(article_id)

        from newsreader.screens.bookmarks_screen import BookmarksScreen  # its list widget loads when it opens

        self.app.push_screen(BookmarksScreen(self.mark_order, frozenset(self.by_id), self.marks_changed,
                                             self.marks_version), opened)

    # what the bookmarks view asks for (its messages go to the app, which calls these)
    def bookmarks_opened(self, version: int) -> None:
        """The view is up with the bookmarks as they were at ``version``: changes made before it
        could hear of them (a save that ends just after ``b`` ``B``) come as a whole new list."""
        if version != self.marks_version:
            self._publish_all()

    def remove_bookmark(self, article_id: str) -> None:
        mark = self.marks.get(article_id)
        if mark is not None:
            self.change_bookmark("remove", mark)

    def set_note(self, article_id: str, note: str) -> None:
        mark = self.marks.get(article_id)
        if mark is not None:
            self.change_bookmark("note", replace(mark, note=note or None))

    def action_next_unread(self) -> None:
        shown = self.articles
        if not shown:
            return
        start = next((i for i, a in enumerate(shown) if self.current is not None and a.id == self.current.id), -1)
        for step in range(1, len(shown) + 1):
            candidate = shown[(start + step) % len(shown)]
            if candidate.id not in self.read:
                self.current = candidate
                return
        self.notify("Everything here is read.", timeout=3)

    def _jump(self, spans: list[tuple[int, int]], index: int, step: int) -> int:
        self._sync_view()
        if not spans:
            return -1
        index = (index + step) % len(spans) if index >= 0 else (0 if step > 0 else len(spans) - 1)
        self.focus_span = spans[index]
        return index

    def action_next_match(self, step: int = 1) -> None:
        from newsreader.core.search.index import match_spans

        search = self.view.search
        if self.current is None or search is None:
            self.notify("No search: press / to search.", timeout=3)
            return
        self.match_spans = match_spans(self.current.body, search.terms)
        self.mention_index = -1
        if not self.match_spans:
            self.notify("The search words are not in this article's text (only in its names or title).",
                        timeout=4)
            return
        self.match_index = self._jump(self.match_spans, self.match_index, step)
        self.jump = ("match", self.match_index + 1, len(self.match_spans))

    def action_previous_match(self) -> None:
        self.action_next_match(-1)

    def action_next_mention(self, step: int = 1) -> None:
        self._sync_view()
        found = self.reading_names
        if found is None:
            self.notify("No names found in this article yet.", timeout=3)
            return
        wanted = self.entity_filter
        if wanted is None:
            row = self.query_one(EntityPanel).highlighted_row
            if row is not None:
                wanted = (row.kind, row.text)
        mentions = [lm for lm in found.body
                    if wanted is None or (lm.mention.type, lm.canonical) == wanted]
        self.match_spans = [(lm.mention.start, lm.mention.end) for lm in mentions]
        self.match_index = -1
        if not self.match_spans:
            self.notify("No mention of that name in the text.", timeout=3)
            return
        self.mention_index = self._jump(self.match_spans, self.mention_index, step)
        self.jump = ("mention", self.mention_index + 1, len(self.match_spans))

    def action_previous_mention(self) -> None:
        self.action_next_mention(-1)

    def action_focus_names(self) -> None:
        if self.has_class("narrow"):
            self.notify("The names panel needs a wider window; use ctrl+p → Jump to entity.", timeout=4)
            return
        self.query_one(EntityPanel).focus()

    def action_toggle_type(self, kind: str) -> None:
        self.hidden = self.hidden ^ {kind}

    def action_show_skipped(self) -> None:
        from newsreader.screens.skipped_screen import SkippedScreen

        if not self.skipped:
            self.notify("No files were skipped.", timeout=3)
            return
        self.app.push_screen(SkippedScreen(self.skipped))

    def key_rows(self) -> list[tuple[str, str, str]]:
        """Every key of the reader that applies now (``check_action``), as the help lists them."""
        from newsreader.keys import binding_rows, extra_rows

        bindings = [*self.BINDINGS, *ArticleList.BINDINGS, *EntityPanel.BINDINGS, *self.app.BINDINGS]
        available = lambda b: self.check_action(b.action.split("(")[0], ()) is not False  # noqa: E731
        return binding_rows(self.app, bindings, getattr(self.app, "keymap", {}), available) + extra_rows(self.app)

    def action_help(self) -> None:
        from newsreader.screens.help_screen import HelpScreen

        self.app.push_screen(HelpScreen(self.key_rows()))


def _failure(exc: Exception, path, doing: str) -> str:
    """The one line for a file that could not be read or saved. The store's errors say it
    themselves; an OSError it did not turn into one is said the same way."""
    if not isinstance(exc, OSError):
        return str(exc)
    return f"cannot {doing} {path}: {exc.strerror or exc}" + ("; nothing was changed" if doing == "save" else "")
