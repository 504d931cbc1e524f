"""The reader pane: title, a metadata line, and the body as plain text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from newsreader.core.article import Article


def metadata_line(article: Article) -> str:
    parts = [article.kicker] if article.kicker else []
    if article.source:
        parts.append(article.source)
    if article.author and article.author != article.source:
        parts.append(f"von {article.author}")
    parts.append(article.date.display() if article.date else "undated")
    if article.date and article.date.inferred:
        parts.append("(date inferred from the text)")
    return " · ".join(parts)


class ArticleView(VerticalScroll, can_focus=True):
    """Shows ``article``. Untrusted text goes in as :class:`Content`, never as markup."""

    article: var[Article | None] = var(None)

    def compose(self) -> ComposeResult:
        yield Static(id="title", markup=False)
        yield Static(id="meta", markup=False)
        yield Static(id="body", markup=False)

    def watch_article(self, article: Article | None) -> None:
        if article is None:
            self.query_one("#title", Static).update(Content("No article selected"))
            self.query_one("#meta", Static).update(Content(""))
            self.query_one("#body", Static).update(Content(""))
            return
        self.query_one("#title", Static).update(Content(article.title))
        self.query_one("#meta", Static).update(Content(metadata_line(article)))
        body = Content(article.body)
        for start, end in article.boilerplate:  # credits, counters, bylines: kept, but dimmed
            body = body.stylize("dim", start, end)
        self.query_one("#body", Static).update(body)
        self.scroll_home(animate=False)
