"""The hub screen: owns the collection and the selection; children get attributes, send messages."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from newsreader.core.article import Article, sort_articles
from newsreader.core.loader import LoadResult, load_paths
from newsreader.core.ner.collection import CollectionEntities
from newsreader.widgets.article_list import ArticleList
from newsreader.widgets.article_view import ArticleView


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("j", "next_article", "Next", id="next_article"),
        Binding("k", "previous_article", "Previous", id="previous_article"),
        Binding("o", "toggle_sort", "Sort order", id="toggle_sort"),
    ]

    class Loaded(Message):
        def __init__(self, result: LoadResult) -> None:
            super().__init__()
            self.result = result

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
        self.entities: CollectionEntities | None = None
        self.by_id: dict[str, Article] = {}
        self.load_result: LoadResult | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            yield ArticleList(id="article-list")
            yield ArticleView(id="article-view")
        yield Static("Loading…", id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ArticleList).focus()
        self.load_articles()

    @work(thread=True, exclusive=True, group="load")
    def load_articles(self) -> None:
        """Runs in a thread: reads files, posts the result, never touches a widget."""
        self.post_message(self.Loaded(load_paths(self.paths)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.load_result = message.result
        self.by_id = {a.id: a for a in message.result.articles}
        self.articles = sort_articles(message.result.articles, self.newest_first)
        self.recognize_entities(message.result.articles)

    @work(thread=True, exclusive=True, group="entities")
    def recognize_entities(self, articles: list[Article]) -> None:
        """Runs in a thread after the first paint: the model loads here, results come from the cache."""
        from newsreader.core.config import load_config
        from newsreader.core.ner import get_recognizer
        from newsreader.core.ner.collection import analyse, default_cache

        config = load_config()
        recognizer, message = get_recognizer(self.ner or config.ner)
        result = analyse(articles, recognizer, default_cache())
        notices = config.notices + ([message] if message else []) + result.notices
        self.post_message(self.EntitiesReady(result, notices))

    @on(EntitiesReady)
    def _entities_ready(self, message: EntitiesReady) -> None:
        self.entities = message.result
        for notice in message.notices:
            self.notify(notice, severity="warning", markup=False, timeout=8)
        if self.current is not None:
            self.query_one(ArticleView).entities = self.entities.by_article.get(self.current.id)

    def watch_newest_first(self, newest_first: bool) -> None:
        if self.articles:
            self.articles = sort_articles(self.articles, newest_first)  # watch_articles updates the status
        else:
            self.query_one("#status", Static).update(self._status_text())

    def action_toggle_sort(self) -> None:
        self.newest_first = not self.newest_first

    def watch_articles(self, articles: list[Article]) -> None:
        article_list = self.query_one(ArticleList)
        article_list.articles = articles
        keep = self.current if self.current in articles else None
        self.current = keep or (articles[0] if articles else None)
        if self.current is not None:
            article_list.move_to(self.current.id)
        self.query_one("#status", Static).update(self._status_text())

    def watch_current(self, article: Article | None) -> None:
        view = self.query_one(ArticleView)
        view.article = article
        view.entities = self.entities.by_article.get(article.id) if self.entities and article else None

    def _status_text(self) -> str:
        result = self.load_result
        if result is None:
            return "Loading…"
        text = f"{len(result.articles)} articles · {'newest' if self.newest_first else 'oldest'} first"
        if result.skipped:
            text += f" · {len(result.skipped)} files skipped"
        return text

    @on(ArticleList.Highlighted)
    def _highlighted(self, message: ArticleList.Highlighted) -> None:
        self.current = self.by_id.get(message.article_id)

    def action_next_article(self) -> None:
        self.query_one(ArticleList).action_cursor_down()

    def action_previous_article(self) -> None:
        self.query_one(ArticleList).action_cursor_up()
