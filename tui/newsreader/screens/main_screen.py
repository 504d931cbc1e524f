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

    articles: var[list[Article]] = var(list)
    current: var[Article | None] = var(None)
    newest_first: var[bool] = var(True)

    def __init__(self, paths: list[str]) -> None:
        super().__init__()
        self.paths = paths
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
        self.query_one(ArticleView).article = article

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
