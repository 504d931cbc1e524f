"""The hub screen: owns the collection and the selection; children get attributes, send messages."""

from __future__ import annotations

import sqlite3
import time
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from newsreader.core.article import Article, sort_articles
from newsreader.core.discover import Skipped

if TYPE_CHECKING:  # imported in the worker: not on the way to the first paint
    from newsreader.core.ner.collection import CollectionEntities
    from newsreader.core.search.index import SearchIndex
from newsreader.widgets.article_list import ArticleList
from newsreader.widgets.article_view import ArticleView


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("j", "next_article", "Next", id="next_article"),
        Binding("k", "previous_article", "Previous", id="previous_article"),
        Binding("o", "toggle_sort", "Sort order", id="toggle_sort"),
    ]

    class Listed(Message):
        """The collection as the index knows it (``final``: after checking every file)."""

        def __init__(self, articles: list[Article], skipped: list[Skipped], final: bool,
                     notices: list[str]) -> None:
            super().__init__()
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

    class SearchReady(Message):
        def __init__(self, index: SearchIndex) -> None:
            super().__init__()
            self.index = index

    class EntitiesReady(Message):
        def __init__(self, result: CollectionEntities, notices: list[str]) -> None:
            super().__init__()
            self.result = result
            self.notices = notices

    articles: var[list[Article]] = var(list)
    current: var[Article | None] = var(None)
    newest_first: var[bool] = var(True)

    def __init__(self, paths: list[str], ner: str | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.ner = ner
        self.by_id: dict[str, Article] = {}
        self.skipped: list[Skipped] = []
        self.listed_final = False
        self.index: SearchIndex | None = None
        self.entities: CollectionEntities | None = None
        self.progress: tuple[str, int, int] | None = None
        self._resorting = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            yield ArticleList(id="article-list")
            yield ArticleView(id="article-view")
        yield Static("Loading…", id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ArticleList).focus()
        self.open_collection()

    @work(thread=True, exclusive=True, group="load")
    def open_collection(self) -> None:
        """Runs in a thread and never touches a widget: lists what the index already knows, brings
        it up to date (parsing only new or changed files), then adds entity names."""
        from newsreader.core.config import load_config
        from newsreader.core.ner import get_recognizer
        from newsreader.core.ner.collection import analyse, default_cache
        from newsreader.core.search.index import SearchIndex, default_index_path

        notices: list[str] = []
        try:
            index = SearchIndex(default_index_path(self.paths))
        except (OSError, sqlite3.Error) as exc:
            notices.append(f"search index unavailable ({exc}); keeping it in memory for this session")
            index = SearchIndex(None)
        notices += index.notices
        if len(index):
            self.post_message(self.Listed(index.articles(bodies=False), [], False, []))

        def progress(stage: str):
            return lambda done, total, _what="": self.post_message(self.Progress(stage, done, total))

        last_listing = [time.monotonic()]

        def list_so_far() -> None:  # a first build of a big collection shows what it has every 2 s
            if time.monotonic() - last_listing[0] > 2.0:
                last_listing[0] = time.monotonic()
                self.post_message(self.Listed(index.articles(bodies=False), [], False, []))

        report = index.refresh(self.paths, progress=progress("Reading files"), on_batch=list_so_far)
        self.post_message(self.Listed(index.articles(bodies=False), report.skipped, True, notices))
        index.ensure_vocabulary()
        self.post_message(self.SearchReady(index))

        config = load_config()
        recognizer, message = get_recognizer(self.ner or config.ner)
        cache = default_cache()
        index.recognize_pending(recognizer, cache, progress=progress("Finding names"))
        result = analyse(index.articles(bodies=True), recognizer, cache)
        self.post_message(self.EntitiesReady(result, config.notices + ([message] if message else []) + result.notices))

    @on(Listed)
    def _listed(self, message: Listed) -> None:
        self.skipped = message.skipped
        self.listed_final = message.final
        if message.final:
            self.progress = None
        for notice in message.notices:
            self.notify(notice, severity="warning", markup=False, timeout=10)
        self.by_id = {a.id: a for a in message.articles}
        self.articles = sort_articles(message.articles, self.newest_first)

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        self.progress = (message.stage, message.done, message.total) if message.done < message.total else None
        self.query_one("#status", Static).update(self._status_text())

    @on(SearchReady)
    def _search_ready(self, message: SearchReady) -> None:
        self.index = message.index
        if self.current is not None and self.current.lazy:
            self.current = self._filled(self.current)
            self.query_one(ArticleView).article = self.current

    @on(EntitiesReady)
    def _entities_ready(self, message: EntitiesReady) -> None:
        self.entities = message.result
        for notice in message.notices:
            self.notify(notice, severity="warning", markup=False, timeout=8)
        if self.current is not None:
            self.query_one(ArticleView).entities = self.entities.by_article.get(self.current.id)
        self.query_one("#status", Static).update(self._status_text())

    def watch_newest_first(self, newest_first: bool) -> None:
        if self.articles:
            self._resorting = True
            self.articles = sort_articles(self.articles, newest_first)  # watch_articles updates the status
            self._resorting = False
        else:
            self.query_one("#status", Static).update(self._status_text())

    def action_toggle_sort(self) -> None:
        self.newest_first = not self.newest_first

    def watch_articles(self, old: list[Article], articles: list[Article]) -> None:
        article_list = self.query_one(ArticleList)
        article_list.articles = articles
        at_top = (self.current is not None and bool(old) and old[0].id == self.current.id
                  and not self._resorting)
        # a reader at the top of the list stays at the top (new articles arrive there);
        # anywhere else the selection stays on its article
        keep = self.by_id.get(self.current.id) if self.current is not None and not at_top else None
        self.current = keep or (articles[0] if articles else None)
        if self.current is not None:
            article_list.move_to(self.current.id)
        self.query_one("#status", Static).update(self._status_text())

    def _filled(self, article: Article) -> Article:
        """The article with its text: listed articles come from the index without it."""
        if article.lazy and self.index is not None:
            self.index.fill(article)
        return article

    def watch_current(self, article: Article | None) -> None:
        view = self.query_one(ArticleView)
        view.article = self._filled(article) if article is not None else None
        view.entities = self.entities.by_article.get(article.id) if self.entities and article else None

    def _status_text(self) -> str:
        parts = []
        if self.articles or self.listed_final:
            parts.append(f"{len(self.articles)} articles · {'newest' if self.newest_first else 'oldest'} first")
        if self.skipped:
            parts.append(f"{len(self.skipped)} files skipped")
        if self.progress is not None:
            stage, done, total = self.progress
            parts.append(f"{stage} {done}/{total}…")
        elif not self.listed_final:
            parts.append("Checking files…" if self.articles else "Loading…")
        return " · ".join(parts)

    @on(ArticleList.Highlighted)
    def _highlighted(self, message: ArticleList.Highlighted) -> None:
        self.current = self.by_id.get(message.article_id)

    def action_next_article(self) -> None:
        self.query_one(ArticleList).action_cursor_down()

    def action_previous_article(self) -> None:
        self.query_one(ArticleList).action_cursor_up()
