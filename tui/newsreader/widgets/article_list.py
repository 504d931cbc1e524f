"""The list of articles: marker, date, title, source; one row per article, keyed by article id."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.reactive import var
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowDoesNotExist

from newsreader.core.article import Article


class ArticleList(DataTable[Text]):
    """Shows ``articles`` in the given order. Posts :class:`ArticleList.Highlighted` when the
    cursor lands on an article. Cells are ``Text`` objects, so titles are never read as markup."""

    class Highlighted(Message):
        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    COMPONENT_CLASSES = {"search-match"}

    articles: var[list[Article]] = var(list, always_update=True)
    bookmarked: var[frozenset[str]] = var(frozenset())
    read: var[frozenset[str]] = var(frozenset())
    title_spans: var[dict[str, list[tuple[int, int]]]] = var(dict)  # search matches in titles

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)

    def on_mount(self) -> None:
        self.add_column(" ", key="mark", width=2)
        self.add_column("Date", key="date", width=12)
        self.add_column("Title", key="title", width=40)
        self.add_column("Source", key="source", width=10)

    def on_resize(self) -> None:
        """The title column takes the width the date and source columns leave."""
        fixed = sum(c.get_render_width(self) for key, c in self.columns.items() if key.value != "title")
        title = self.columns[ColumnKey("title")]
        title.width = max(12, self.scrollable_content_region.width - fixed - 2 * self.cell_padding - 1)
        # DataTable has no public call to re-measure after a width change; this flag is what
        # its own add_column sets.
        self._require_update_dimensions = True
        self.refresh()

    def _mark(self, article_id: str) -> Text:
        """★ bookmarked, • unread (both can show: ★ wins the column, unread rows are bold)."""
        if article_id in self.bookmarked:
            return Text("★", style="bold")
        if article_id not in self.read:
            return Text("•")
        return Text(" ")

    def _title(self, article: Article) -> Text:
        text = Text(article.title, no_wrap=True, overflow="ellipsis",
                    style="bold" if article.id not in self.read else "")
        spans = self.title_spans.get(article.id)
        if spans:
            style = self.get_component_rich_style("search-match", partial=True)
            for start, end in spans:
                text.stylize(style, start, end)
        return text

    def watch_articles(self, articles: list[Article]) -> None:
        self.clear()
        for article in articles:
            # The list shows the day at most; the reader's metadata line has the time.
            date = Text(article.date.display(with_time=False) if article.date else "undated",
                        style="" if article.date else "dim")
            self.add_row(
                self._mark(article.id),
                date,
                self._title(article),
                Text(article.source or "", no_wrap=True, overflow="ellipsis"),
                key=article.id,
            )

    def _refresh_marks(self, ids: set[str]) -> None:
        by_id = {a.id: a for a in self.articles}
        for aid in ids:
            if aid in by_id and aid in self.rows:
                self.update_cell(aid, "mark", self._mark(aid))
                self.update_cell(aid, "title", self._title(by_id[aid]))

    def watch_bookmarked(self, old: frozenset[str], new: frozenset[str]) -> None:
        self._refresh_marks(set(old ^ new))

    def watch_read(self, old: frozenset[str], new: frozenset[str]) -> None:
        self._refresh_marks(set(old ^ new))

    def move_to(self, article_id: str) -> None:
        """Put the cursor on ``article_id`` if it is listed."""
        try:
            self.move_cursor(row=self.get_row_index(article_id), animate=False)
        except RowDoesNotExist:  # not in this list
            pass

    @property
    def highlighted_id(self) -> str | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Highlighted(event.row_key.value))
