"""The list of articles: date, title, source; one row per article, keyed by article id."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.reactive import var
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from newsreader.core.article import Article


class ArticleList(DataTable[Text]):
    """Shows ``articles`` in the given order. Posts :class:`ArticleList.Highlighted` when the
    cursor lands on an article. Cells are ``Text`` objects, so titles are never read as markup."""

    class Highlighted(Message):
        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    articles: var[list[Article]] = var(list, always_update=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)

    def on_mount(self) -> None:
        self.add_column("Date", key="date", width=17)
        self.add_column("Title", key="title")
        self.add_column("Source", key="source", width=14)

    def watch_articles(self, articles: list[Article]) -> None:
        self.clear()
        for article in articles:
            date = Text(article.date.display() if article.date else "undated", style="dim" if not article.date else "")
            self.add_row(
                date,
                Text(article.title, no_wrap=True, overflow="ellipsis"),
                Text(article.source or "", no_wrap=True, overflow="ellipsis"),
                key=article.id,
            )

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
