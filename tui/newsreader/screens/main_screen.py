"""The hub screen: owns the collection, the selection, filters, bookmarks and reading state.
Children get attributes and send messages; slow work runs in thread workers that only post
messages."""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.worker import Worker, WorkerState, get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Input, Static

from newsreader.core.article import Article, sort_articles
from newsreader.core.filters import BookmarkedFilter, NameFilter, SearchFilter, SourceFilter, UnreadFilter, View
from newsreader.core.textclean import visible
from newsreader.core.wording import count
from newsreader.widgets.article_list import ArticleList
from newsreader.widgets.article_view import ArticleView
from newsreader.widgets.entity_panel import EntityPanel
from newsreader.widgets.footer import KeyBar

if TYPE_CHECKING:  # imported in the workers or when first used: not on the way to the first paint
    from newsreader.core.bookmarks import Bookmark
    from newsreader.core.discover import Skipped
    from newsreader.core.ner.collection import CollectionEntities
    from newsreader.core.search.index import SearchIndex, SearchResult
    from newsreader.screens.bookmarks_screen import BookmarksScreen

READ_AFTER_SECONDS = 3.0  # a module global, read when the timer is set: tests patch it
NOT_SAVED = {"add": "Not bookmarked", "remove": "Bookmark not removed", "note": "Note not saved",
             "read": "Not marked read"}
SMALL_INDEX_BYTES = 4_000_000  # an index this small is listed before the first paint
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

    class Listed(Message):
        """The collection as the index knows it (``final``: after checking every file)."""

        def __init__(self, articles: list[Article], skipped: list[Skipped], final: bool,
                     notices: list[str], index: SearchIndex) -> None:
            super().__init__()
            self.index = index
            self.articles = articles
            self.skipped = skipped
            self.final = final
            self.notices = notices

    class Progress(Message):
        def __init__(self, stage: str, done: int, total: int) -> None:
            super().__init__()
            self.stage = stage
            self.done = done
            self.total = total

        def can_replace(self, message: Message) -> bool:
            """A newer count of the same stage makes an older one still in the queue needless."""
            return isinstance(message, MainScreen.Progress) and message.stage == self.stage

    class SearchReady(Message):
        def __init__(self, index: SearchIndex) -> None:
            super().__init__()
            self.index = index

    class EntitiesReady(Message):
        def __init__(self, result: CollectionEntities, notices: list[str]) -> None:
            super().__init__()
            self.result = result
            self.notices = notices

    class SearchDone(Message):
        def __init__(self, query: str, result: SearchResult) -> None:
            super().__init__()
            self.query = query
            self.result = result

    class MarksLoaded(Message):
        """The bookmarks as read, newest first, and by id (made in the worker: 100,000 of them
        took the screen's thread 0.1 s)."""

        def __init__(self, marks: list[Bookmark], notices: list[str]) -> None:
            super().__init__()
            self.marks = marks
            self.by_id = {b.id: b for b in marks}
            self.notices = notices

    class ReadLoaded(Message):
        def __init__(self, read: set[str], notices: list[str]) -> None:
            super().__init__()
            self.read = read
            self.notices = notices

    class MarkSaved(Message):
        """One change of a bookmark (``action``: add, remove, note) was written, ``bookmark`` as
        saved; or it was not (``error``: why; nothing changed)."""

        def __init__(self, action: str, bookmark: Bookmark, error: str = "") -> None:
            super().__init__()
            self.action = action
            self.bookmark = bookmark
            self.error = error

    class ReadSaved(Message):
        """An article was saved as read; or it was not (``error``: why)."""

        def __init__(self, article_id: str, error: str = "") -> None:
            super().__init__()
            self.article_id = article_id
            self.error = error

    # --- state ---------------------------------------------------------------------------------

    articles: var[list[Article]] = var(list)          # what the list shows
    current: var[Article | None] = var(None)
    newest_first: var[bool] = var(True)

    def __init__(self, paths: list[str], ner: str | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.ner = ner
        self.collection: list[Article] = []             # everything, sorted
        self.by_id: dict[str, Article] = {}
        self.skipped: list[Skipped] = []
        self.listed_final = False
        self.index: SearchIndex | None = None          # set once it is up to date: search uses it
        self._store_index: SearchIndex | None = None   # set with the first listing: texts come from it
        self.entities: CollectionEntities | None = None
        self.progress: tuple[str, int, int] | None = None
        # the filters the list shows, in the order they were added (core.filters)
        self.view = View()
        self.search_query = ""                         # the search box's text (results may lag behind)
        self.title_spans: dict[str, list[tuple[int, int]]] = {}
        # the bookmarks as saved: what the screen shows is never a change that was not written
        self.marks: dict[str, Bookmark] = {}
        self.mark_order: list[Bookmark] = []           # the same, newest first (the bookmarks view's rows)
        self.read: set[str] = set()
        self._failing: set[str] = set()                # background saves that failed: said once
        self.hidden: set[str] = set()
        self.match_spans: list[tuple[int, int]] = []
        self.match_index = -1
        self.mention_index = -1
        self._resorting = False
        self._read_timer = None
        self._view_pending = False
        self._name_finder = None                       # the child process finding names, while it runs
        self._stage: tuple[str, float, int] | None = None  # the stage of the progress: name, start, count then

    def compose(self) -> ComposeResult:
        # the layout class is set before the first styling: changing it later restyles every widget
        self.set_class(self.app.size.width < NARROW, "narrow", update=False)
        yield Static("", id="filter", markup=False)
        with Horizontal(id="panes"):
            yield ArticleList(id="article-list")
            yield ArticleView(id="article-view")
            yield EntityPanel(id="names")
        yield Static("Loading…", id="status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#filter", Static).display = False
        index = self._open_small_index()
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
            self._listed(self.Listed(index.articles(bodies=False), [], False, [], index))
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
        what = {"open_collection": "Reading the collection", "run_search": "The search"}.get(event.worker.name,
                                                                                            "A background task")
        self.notify(visible(f"{what} failed: {type(error).__name__}: {error}"), severity="error", markup=False,
                    timeout=15)

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
            return len(self.read) < len(self.collection)
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

        try:
            self._open_collection(index, check)
        except Stopped:
            pass

    def _open_collection(self, index: SearchIndex | None, check) -> None:
        from newsreader.core.search.index import SearchIndex, default_index_path

        notices: list[str] = []
        if index is None:
            try:
                index = SearchIndex(default_index_path(self.paths))
            except (OSError, sqlite3.Error) as exc:
                notices.append(f"search index unavailable ({exc}); keeping it in memory for this session")
                index = SearchIndex(None)
            if len(index):
                self.post_message(self.Listed(index.articles(bodies=False), [], False, [], index))
        notices += index.notices
        # later ones (a damaged index rebuilt, a lock waited for) are shown when they happen
        index.on_notice = lambda text: self.app.notify(visible(text), severity="warning", markup=False, timeout=10)

        def progress(stage: str):
            def report(done: int, total: int, _what: str = "") -> None:
                check()
                self.post_message(self.Progress(stage, done, total))
            return report

        last_listing = [time.monotonic()]

        def list_so_far() -> None:  # a first build of a big collection shows what it has every 2 s
            check()
            if time.monotonic() - last_listing[0] > 2.0:
                last_listing[0] = time.monotonic()
                self.post_message(self.Listed(index.articles(bodies=False), [], False, [], index))

        report = index.refresh(self.paths, progress=progress("Reading files"), on_batch=list_so_far)
        self.post_message(self.Listed(index.articles(bodies=False), report.skipped, True, notices, index))
        index.ensure_vocabulary()
        self.post_message(self.SearchReady(index))

        from newsreader.core.ner import get_recognizer
        from newsreader.core.ner.collection import analyse, default_cache

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
        if index.pending_entities() > 20:  # many to do: tag in another process, the UI keeps the CPU
            from newsreader.core.ner.process import ProcessRecognizer

            recognizer = ProcessRecognizer(recognizer, spec)
            self._name_finder = recognizer  # quitting ends it at once (on_unmount)
        try:
            index.recognize_pending(recognizer, cache, progress=progress("Finding names"))
            check()
            result = analyse(index.articles(bodies=True), recognizer, cache, progress=lambda _done, _total: check())
        finally:
            self._name_finder = None
            getattr(recognizer, "close", lambda: None)()
        self.post_message(self.EntitiesReady(result, ([message] if message else []) + unkept + result.notices))

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

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str, within: set[str] | None = None) -> None:
        """``within``: the articles the other filters keep; the search looks only among them."""
        index = self.index
        if index is None:
            return
        result = index.search(query, limit=200, bookmarked=set(self.marks), read=set(self.read), within=within)
        self.post_message(self.SearchDone(query, result))

    def _search(self, query: str) -> None:
        """Search for ``query`` among what the other filters keep; the last results stay listed
        until the new ones are in."""
        old = self.view.search
        self.view = self.view.add(SearchFilter(query=query, ranked=old.ranked if old else (),
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
        self.collection = sort_articles(message.articles, self.newest_first)
        self.by_id = {a.id: a for a in self.collection}
        self._apply_view()
        if message.final:
            self.app.keep_loaded()

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        now = time.monotonic()
        if self._stage is None or self._stage[0] != message.stage:
            self._stage = (message.stage, now, message.done)  # when the stage started, and where
        self.progress = (message.stage, message.done, message.total) if message.done < message.total else None
        self._update_status()

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
        if self.current is not None and self.current.lazy:
            self.query_one(ArticleView).article = self._filled(self.current)
        if self.search_query.strip():
            self._search(self.search_query)

    @on(EntitiesReady)
    def _entities_ready(self, message: EntitiesReady) -> None:
        self.entities = message.result
        self.refresh_bindings()
        for notice in message.notices:
            self.notify(visible(notice), severity="warning", markup=False, timeout=8)
        self._show_entities()
        self._update_status()
        self.app.keep_loaded()

    @on(MarksLoaded)
    def _marks_loaded(self, message: MarksLoaded) -> None:
        self.mark_order, self.marks = message.marks, message.by_id
        for notice in message.notices:
            self.notify(visible(notice), severity="error", markup=False, timeout=15)
        self._show_marks()
        view = self._bookmarks_view()
        if view is not None:
            view.refresh_marks(self.mark_order, set(self.by_id))

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
        """A saved change in ``marks`` and ``mark_order``, and in the open bookmarks view: one
        row changes, nothing is rebuilt (with 100,000 bookmarks a rebuild took seconds)."""
        from newsreader.core import bookmarks

        order, view = self.mark_order, self._bookmarks_view()
        if old is not None:
            row = next(i for i, b in enumerate(order) if b is old)
            del self.marks[old.id]
            if new is not None and new.created == old.created:  # same place in the order
                order[row] = new
                self.marks[new.id] = new
                if view is not None:
                    view.mark_changed(row, 0, new)
                return
            del order[row]
            if view is not None:
                view.mark_changed(row, -1, old)
        if new is None:
            return
        if not order or bookmarks.newest_first([order[0], new])[0] is new:  # always, unless a clock went back
            order.insert(0, new)
        else:
            order[:] = bookmarks.newest_first([*order, new])
        self.marks[new.id] = new
        if view is not None:
            view.mark_changed(next(i for i, b in enumerate(order) if b is new), 1, new)

    def _bookmarks_view(self) -> BookmarksScreen | None:
        """The bookmarks view, if it is open (under a note editor, say)."""
        return next((s for s in self.app.screen_stack if hasattr(s, "mark_changed")), None)

    def _show_marks(self) -> None:
        """The list's stars follow ``marks``: a live view of its ids, set without comparing it to
        the last one (with 100,000 bookmarks, a copy or a comparison took 30–50 ms)."""
        article_list = self.query_one(ArticleList)
        article_list.set_reactive(ArticleList.bookmarked, self.marks.keys())
        article_list.rows_changed()
        self._update_status()

    @on(ReadLoaded)
    def _read_loaded(self, message: ReadLoaded) -> None:
        self.read = set(message.read)
        for notice in message.notices:
            self.notify(visible(notice), severity="warning", markup=False, timeout=10)
        self.query_one(ArticleList).read = frozenset(self.read)
        self._update_status()

    @on(ReadSaved)
    def _read_saved(self, message: ReadSaved) -> None:
        if message.error:
            if "reading" not in self._failing:  # saved in the background: said once, until one works
                self._failing.add("reading")
                self.notify(visible(f"{NOT_SAVED['read']}: {message.error}"), severity="warning", markup=False,
                            timeout=10)
            return
        self._failing.discard("reading")
        self.read.add(message.article_id)
        self.query_one(ArticleList).read = frozenset(self.read)
        self._update_status()

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
        self._apply_view()

    @on(ArticleList.Highlighted)
    def _highlighted(self, message: ArticleList.Highlighted) -> None:
        self.current = self.by_id.get(message.article_id)

    @on(EntityPanel.Chosen)
    def _entity_chosen(self, message: EntityPanel.Chosen) -> None:
        self.filter_by_entity(message.kind, message.canonical)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search_query = event.value
        if not event.value.strip():
            if self.view.search is not None:
                self.view = self.view.without("search")
                self._apply_view()
        elif self.index is not None:
            self._search(event.value)
        else:
            self._set_filter_line("Search: the index is still being built; results follow…")

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        article_list = self.query_one(ArticleList)
        article_list.focus()
        if self.articles:
            article_list.cursor = 0

    # --- the view ------------------------------------------------------------------------------

    def _filled(self, article: Article) -> Article:
        """The article with its text: listed articles come from the index without it."""
        if article.lazy and self._store_index is not None:
            self._store_index.fill(article)
        return article

    def _apply_view(self) -> None:
        """Work out what the list shows: the collection narrowed by every filter (core.filters)."""
        article_list = self.query_one(ArticleList)
        view = self.view
        shown = [] if view.search is not None and view.search.error else view.apply(self.collection)
        search = view.search
        article_list.title_spans = self.title_spans if search is not None else {}
        self.query_one(ArticleView).terms = search.terms if search is not None else frozenset()
        if not view:
            self._set_filter_line(None)
        else:
            hints = ""  # the keys that use a filter, while there is room for them (one filter)
            if len(view.filters) == 1:
                hints = " · enter opens · n/N next match" if search is not None else ""
                if view.get("name") is not None:
                    hints += " · ] / [ jump between mentions"
            cut = " (first 200)" if search is not None and len(search.ranked) >= 200 else ""
            peel = " · escape clears" if len(view.filters) == 1 else " · escape removes the last filter"
            self._set_filter_line(view.line(len(shown)) + cut + hints + peel)
        self.articles = shown
        self.refresh_bindings()  # escape, n/N follow the filters

    @property
    def entity_filter(self) -> tuple[str, str] | None:
        """The name the list is filtered by: (type, canonical name)."""
        found = self.view.get("name")
        return (found.type, found.name) if isinstance(found, NameFilter) else None

    def _entity_article_ids(self, kind: str, name: str) -> set[str]:
        if self.entities is None:
            return set()
        for ent in self.entities.entities:
            if ent.type == kind and ent.canonical == name:
                return set(ent.articles)
        return set()

    def _set_filter_line(self, text: str | None) -> None:
        """The line above the list; what it quotes (a name from the cache, the query) passes visible."""
        line = self.query_one("#filter", Static)
        line.display = text is not None
        if text != getattr(self, "_filter_text", None):
            self._filter_text = text
            line.update(visible(text or ""))

    def watch_newest_first(self, newest_first: bool) -> None:
        self.collection = sort_articles(self.collection, newest_first)
        if self.articles:
            self._resorting = True
            if self.view.search is not None:
                self.articles = list(self.articles)  # results stay best first
            else:
                self._apply_view()
            self._resorting = False
        self._update_status()

    def watch_articles(self, old: list[Article], articles: list[Article]) -> None:
        article_list = self.query_one(ArticleList)
        article_list.articles = articles
        at_top = (self.current is not None and bool(old) and old[0].id == self.current.id
                  and not self._resorting)
        # a reader at the top of the list stays at the top (new articles arrive there);
        # anywhere else the selection stays on its article while it is listed
        shown = {a.id for a in articles}
        keep = self.current if self.current is not None and self.current.id in shown and not at_top else None
        new = self.by_id.get(keep.id) if keep is not None else (articles[0] if articles else None)
        if new is not self.current:
            self.current = new
        if self.current is not None:
            article_list.move_to(self.current.id)
        self._update_status()

    def watch_current(self, old: Article | None, article: Article | None) -> None:
        self.match_index = self.mention_index = -1
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
        self._update_status()

    def _sync_view(self) -> None:
        """Show ``current`` in the reader and its names in the panel, if not done yet. Actions
        that work on what the reader shows call this first."""
        if not self._view_pending:
            return
        self._view_pending = False
        view = self.query_one(ArticleView)
        view.focus_span = None
        view.article = self._filled(self.current) if self.current is not None else None
        self._show_entities()

    def _mark_read(self, article_id: str) -> None:
        if self.current is None or self.current.id != article_id or article_id in self.read:
            return
        self.save_read(article_id)  # shown as read once it is saved

    def _show_entities(self) -> None:
        view = self.query_one(ArticleView)
        panel = self.query_one(EntityPanel)
        if self.entities is None or self.current is None:
            view.entities = None
            if panel.entries:
                panel.entries = []
            return
        found = self.entities.by_article.get(self.current.id)
        view.entities = found
        counts: Counter = Counter()
        if found is not None:
            for lm in found.title + found.body:
                counts[(lm.mention.type, lm.canonical)] += 1
        entries = [(kind, name, n) for (kind, name), n in counts.items()]
        if entries != panel.entries:  # rebuilding the options is the slowest part of a key press
            panel.entries = entries

    def _unread_count(self) -> int:
        key = (id(self.collection), len(self.collection), len(self.read))
        if getattr(self, "_unread_key", None) != key:
            self._unread_key = key
            self._unread = sum(1 for a in self.collection if a.id not in self.read)
        return self._unread

    def _update_status(self) -> None:
        parts = []
        if self.collection or self.listed_final:
            unread = self._unread_count()
            parts.append(f"{count(len(self.collection), 'article')} · {unread:,} unread · "
                         f"{'newest' if self.newest_first else 'oldest'} first")
        if self.marks:
            parts.append(count(len(self.marks), "bookmark"))
        if self.skipped:
            parts.append(f"{count(len(self.skipped), 'file')} skipped (S)")
        if self.progress is not None:
            stage, done, total = self.progress
            parts.append(f"{stage} {done:,}/{total:,}{self._time_left(done, total)}…")
        elif not self.listed_final:
            parts.append("Checking files…" if self.collection else "Loading…")
        elif self.entities is None:
            parts.append("Finding names…")
        if self.match_index >= 0 and self.match_spans:
            parts.append(f"match {self.match_index + 1}/{len(self.match_spans)}")
        if self.mention_index >= 0 and self.match_spans:
            parts.append(f"mention {self.mention_index + 1}/{len(self.match_spans)}")
        status = " · ".join(parts)
        if status != getattr(self, "_status_text", None):  # unchanged text: no repaint, no re-layout
            self._status_text = status
            self.query_one("#status", Static).update(status, layout=False)

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
        self.view = self.view.add(new)
        search = self.view.search
        if search is not None and new.kind != "search":
            self._search(search.query)  # the search looks among what the filters keep now
        self._apply_view()

    def open_article(self, article_id: str) -> None:
        """Show an article, clearing a filter that hides it."""
        if article_id not in self.by_id:
            return
        if article_id not in {a.id for a in self.articles}:
            self.clear_filters()
        self.current = self.by_id[article_id]
        self.query_one(ArticleList).move_to(article_id)

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
        changed = view != self.view
        others_changed = view.without("search") != self.view.without("search")
        self.view = view
        if view.search is None:
            self.search_query = ""
            self._close_search()
        elif others_changed:
            self._search(view.search.query)  # the search looks among what the filters keep now
        reader = self.query_one(ArticleView)
        reader.focus_span = None
        self.match_index = self.mention_index = -1
        if changed:
            self._apply_view()
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

        self.app.push_screen(BookmarksScreen(self, self.mark_order, set(self.by_id)), opened)

    # the bookmarks view's messages (by handler name: that module loads only when the view opens)
    def on_bookmarks_screen_remove(self, message: BookmarksScreen.Remove) -> None:
        mark = self.marks.get(message.article_id)
        if mark is not None:
            self.change_bookmark("remove", mark)

    def on_bookmarks_screen_set_note(self, message: BookmarksScreen.SetNote) -> None:
        mark = self.marks.get(message.article_id)
        if mark is not None:
            self.change_bookmark("note", replace(mark, note=message.note or None))

    def action_next_unread(self) -> None:
        shown = self.articles
        if not shown:
            return
        start = next((i for i, a in enumerate(shown) if self.current is not None and a.id == self.current.id), -1)
        for step in range(1, len(shown) + 1):
            candidate = shown[(start + step) % len(shown)]
            if candidate.id not in self.read:
                self.current = candidate
                self.query_one(ArticleList).move_to(candidate.id)
                return
        self.notify("Everything here is read.", timeout=3)

    def _jump(self, spans: list[tuple[int, int]], index: int, step: int) -> int:
        self._sync_view()
        if not spans:
            return -1
        index = (index + step) % len(spans) if index >= 0 else (0 if step > 0 else len(spans) - 1)
        self.query_one(ArticleView).focus_span = spans[index]
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
        self._update_status()

    def action_previous_match(self) -> None:
        self.action_next_match(-1)

    def action_next_mention(self, step: int = 1) -> None:
        self._sync_view()
        view = self.query_one(ArticleView)
        if view.entities is None:
            self.notify("No names found in this article yet.", timeout=3)
            return
        wanted = self.entity_filter
        if wanted is None:
            row = self.query_one(EntityPanel).highlighted_row
            if row is not None:
                wanted = (row.kind, row.text)
        mentions = [lm for lm in view.entities.body
                    if wanted is None or (lm.mention.type, lm.canonical) == wanted]
        self.match_spans = [(lm.mention.start, lm.mention.end) for lm in mentions]
        self.match_index = -1
        if not self.match_spans:
            self.notify("No mention of that name in the text.", timeout=3)
            return
        self.mention_index = self._jump(self.match_spans, self.mention_index, step)
        self._update_status()

    def action_previous_mention(self) -> None:
        self.action_next_mention(-1)

    def action_focus_names(self) -> None:
        if self.has_class("narrow"):
            self.notify("The names panel needs a wider window; use ctrl+p → Jump to entity.", timeout=4)
            return
        self.query_one(EntityPanel).focus()

    def action_toggle_type(self, kind: str) -> None:
        if kind in self.hidden:
            self.hidden.discard(kind)
        else:
            self.hidden.add(kind)
        self.query_one(ArticleView).hidden = frozenset(self.hidden)

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
