"""The list of articles: marker, date, title, source; one line per article.

A :class:`LineList`: it draws only the lines on screen, each from the article it shows, and a
cursor move repaints two lines. (Textual's DataTable, used before, rendered every cell through
Rich and restyled a dozen component classes: a fifth of the time to the first screen, and a
full repaint of the table on each key.)
"""

from __future__ import annotations

from collections.abc import Collection

from rich.cells import cell_len, set_cell_size
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import var

from newsreader.core.article import Article, ArticleRows
from newsreader.widgets.line_list import LineList

MARK_WIDTH, DATE_WIDTH, SOURCE_WIDTH = 2, 13, 12  # "~16 Jan 2024" and a space
MIN_TITLE = 12


def fit(text: str, width: int) -> tuple[str, int]:
    """``text`` cut to ``width`` cells with an ellipsis when it is longer (characters kept)."""
    if width <= 0:
        return "", 0
    if cell_len(text) <= width:
        return text, len(text)
    cut = min(len(text), width - 1)
    while cut and cell_len(text[:cut]) > width - 1:
        cut -= 1
    return text[:cut] + "…", cut


class ArticleList(LineList, inherit_bindings=False):
    """Shows ``articles`` in the given order with a row cursor, which is on ``current`` whenever
    it is listed. Posts :class:`ArticleList.Highlighted` when the cursor lands on an article.
    ``bookmarked`` and ``read`` hold ids (a star, a dot for unread); ``title_spans`` the search
    matches in titles. Titles are text, never markup."""

    BINDINGS = [
        # ScrollView's own up/down would scroll the view instead of moving the cursor (they win over
        # the screen's j,down / k,up): the list has only its own keys, the rest are the screen's
        Binding("pageup", "page_up", "Page up", id="list_page_up", show=False),
        Binding("pagedown", "page_down", "Page down", id="list_page_down", show=False),
        Binding("home", "first", "First article", id="list_first", show=False),
        Binding("end", "last", "Last article", id="list_last", show=False),
    ]

    class Highlighted(Message):
        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    COMPONENT_CLASSES = {"search-match", "article-list--cursor", "article-list--cursor-blurred",
                         "article-list--dim"}
    CURSOR_CLASSES = ("article-list--cursor", "article-list--cursor-blurred")

    articles: var[list[Article]] = var(list, always_update=True)
    current: var[Article | None] = var(None)
    bookmarked: var[Collection[str]] = var(frozenset())  # the hub's bookmarks by id
    read: var[frozenset[str]] = var(frozenset())
    title_spans: var[dict[str, list[tuple[int, int]]]] = var(dict)  # search matches in titles
    cursor: var[int] = var(0)
    KEEPS_CURSOR = True

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._rows: dict[str, int] = {}
        self._source_width = SOURCE_WIDTH

    # --- what is shown ---------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.articles)

    @property
    def highlighted_id(self) -> str | None:
        return self.articles[self.cursor].id if self.articles else None

    def watch_articles(self, articles: list[Article]) -> None:
        if not isinstance(articles, ArticleRows):  # (the hub's are: their rows are worked out in a worker)
            articles = ArticleRows(articles)
        rows = self._rows = articles.rows
        # the source column is as wide as the longest source shown (at most SOURCE_WIDTH)
        longest = articles.longest_source
        self._source_width = min(SOURCE_WIDTH, longest + 1) if longest else 0
        self.rows_changed()
        row = rows.get(self.current.id) if self.current is not None else None
        self.cursor = row if row is not None else min(self.cursor, max(0, len(articles) - 1))

    def watch_current(self, article: Article | None) -> None:
        if article is not None:
            self.move_to(article.id)

    def on_mount(self) -> None:
        for name in ("bookmarked", "read", "title_spans"):  # what the lines show besides the articles
            self.watch(self, name, self.rows_changed, init=False)

    def _title(self, article: Article, width: int) -> Content:
        text, kept = fit(article.title, width)
        title = Content(text)
        if article.id not in self.read:
            title = title.stylize("bold")
        spans = self.title_spans.get(article.id)
        if spans:
            match = self.get_visual_style("search-match", partial=True)
            for start, end in spans:
                if start < kept:
                    title = title.stylize(match, start, min(end, kept))
        return title.pad_right(width - title.cell_length)

    def render_row(self, row: int, width: int) -> Content:
        article = self.articles[row]
        if article.id in self.bookmarked:
            mark = Content("★ ").stylize("bold")
        else:
            mark = Content("• " if article.id not in self.read else "  ")
        date = Content(set_cell_size(article.date.display(with_time=False) if article.date else "undated",
                                     DATE_WIDTH - 1) + " ")
        if article.date is None:
            date = date.stylize(self.get_visual_style("article-list--dim", partial=True))
        source_width = self._source_width
        title_width = max(MIN_TITLE, width - MARK_WIDTH - DATE_WIDTH - source_width)
        if not source_width:
            return Content.assemble(mark, date, self._title(article, title_width))
        source = Content(fit(article.source or "", source_width - 1)[0])
        return Content.assemble(mark, date, self._title(article, title_width - 1), " ", source)

    # --- the cursor ------------------------------------------------------------------------------

    def highlight_message(self, row: int) -> Message | None:
        return self.Highlighted(self.articles[row].id) if self.articles else None

    def move_to(self, article_id: str) -> None:
        """Put the cursor on ``article_id`` if it is listed."""
        row = self._rows.get(article_id)
        if row is not None:
            self.cursor = row
