"""The list of articles: marker, date, title, source; one line per article.

A line-API widget: it draws only the lines on screen, each from the article it shows, and a
cursor move repaints two lines. (Textual's DataTable, used before, rendered every cell through
Rich and restyled a dozen component classes: a fifth of the time to the first screen, and a
full repaint of the table on each key.)
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader.core.article import Article

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


class ArticleList(ScrollView, can_focus=True):
    """Shows ``articles`` in the given order with a row cursor. Posts
    :class:`ArticleList.Highlighted` when the cursor lands on an article. Titles are text, never
    markup."""

    BINDINGS = [
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

    articles: var[list[Article]] = var(list, always_update=True)
    bookmarked: var[frozenset[str]] = var(frozenset())
    read: var[frozenset[str]] = var(frozenset())
    title_spans: var[dict[str, list[tuple[int, int]]]] = var(dict)  # search matches in titles
    cursor: var[int] = var(0)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._rows: dict[str, int] = {}
        self._source_width = SOURCE_WIDTH
        # (row, the cursor's component class or None) → the drawn line
        self._lines: dict[tuple[int, str | None], Strip] = {}

    # --- what is shown ---------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.articles)

    @property
    def highlighted_id(self) -> str | None:
        return self.articles[self.cursor].id if self.articles else None

    def watch_articles(self, articles: list[Article]) -> None:
        self._rows = {a.id: i for i, a in enumerate(articles)}
        # the source column is as wide as the longest source shown (at most SOURCE_WIDTH)
        longest = max((len(a.source) for a in articles if a.source), default=0)
        self._source_width = min(SOURCE_WIDTH, longest + 1) if longest else 0
        self.virtual_size = Size(self.scrollable_content_region.width, len(articles))
        self._redraw()
        if self.cursor >= len(articles):
            self.cursor = max(0, len(articles) - 1)

    def on_mount(self) -> None:
        for name in ("bookmarked", "read", "title_spans"):  # what the lines show besides the articles
            self.watch(self, name, self._redraw, init=False)

    def _redraw(self) -> None:
        self._lines.clear()
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.articles))
        self._redraw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # another theme or focus colour: the drawn lines are out of date

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

    def _content(self, article: Article, width: int) -> Content:
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

    def render_line(self, y: int) -> Strip:
        row = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if not 0 <= row < len(self.articles):
            return Strip.blank(width, self.rich_style)
        cursor = None
        if row == self.cursor:  # its colour follows the focus (Textual repaints the widget when that changes)
            cursor = "article-list--cursor" if self.has_focus else "article-list--cursor-blurred"
        key = (row, cursor)
        strip = self._lines.get(key)
        if strip is None or strip.cell_length != width:
            base = self.visual_style  # under the text's own styles (bold, search matches)
            if cursor is not None:
                base = base + self.get_visual_style(cursor)
            segments = self._content(self.articles[row], width).render_segments(base)
            strip = Strip(segments).adjust_cell_length(width, base.rich_style)
            if len(self._lines) > 400:
                self._lines.clear()
            self._lines[key] = strip
        return strip

    # --- the cursor ------------------------------------------------------------------------------

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self.articles) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        height = self.scrollable_content_region.height
        top = int(self.scroll_offset.y)
        for row in (old, new):
            if top <= row < top + height:  # a line outside the view is not drawn
                self.refresh_line(row)
        if height and not top <= new < top + height:
            # a cursor leaving the view brings it to the middle: the next half page of moves
            # repaints two lines, not the whole list (a scroll by one line repaints it all)
            self.scroll_to(y=max(0, new - height // 2), animate=False, immediate=True)
        if self.articles:
            self.post_message(self.Highlighted(self.articles[new].id))

    def move_to(self, article_id: str) -> None:
        """Put the cursor on ``article_id`` if it is listed."""
        row = self._rows.get(article_id)
        if row is not None:
            self.cursor = row

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.articles) - 1

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self.cursor = int(self.scroll_offset.y) + offset.y
