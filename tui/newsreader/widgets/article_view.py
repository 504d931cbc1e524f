"""The reader pane: title, a metadata line, and the body as plain text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from typing import TYPE_CHECKING

from newsreader.core.article import Article

if TYPE_CHECKING:
    from newsreader.core.ner.collection import ArticleEntities


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

    COMPONENT_CLASSES = {"entity-per", "entity-loc", "entity-org", "entity-misc"}

    article: var[Article | None] = var(None)
    entities: var[ArticleEntities | None] = var(None)

    def compose(self) -> ComposeResult:
        yield Static(id="title", markup=False)
        yield Static(id="meta", markup=False)
        yield Static(id="body", markup=False)

    def watch_article(self, article: Article | None) -> None:
        self._show(article, self.entities)
        self.scroll_home(animate=False)

    def watch_entities(self, entities: ArticleEntities | None) -> None:
        self._show(self.article, entities)

    def _highlight(self, content: Content, mentions) -> Content:
        for lm in mentions:
            style = self.get_visual_style(f"entity-{lm.mention.type.lower()}", partial=True)
            content = content.stylize(style, lm.mention.start, lm.mention.end)
        return content

    def _show(self, article: Article | None, entities: ArticleEntities | None) -> None:
        if article is None:
            self.query_one("#title", Static).update(Content("No article selected"))
            self.query_one("#meta", Static).update(Content(""))
            self.query_one("#body", Static).update(Content(""))
            return
        title = Content(article.title)
        body = Content(article.body)
        if entities is not None:
            title = self._highlight(title, entities.title)
            body = self._highlight(body, entities.body)
        self.query_one("#title", Static).update(title)
        self.query_one("#meta", Static).update(Content(metadata_line(article)))
        for start, end in article.boilerplate:  # credits, counters, bylines: kept, but dimmed
            body = body.stylize("dim", start, end)
        self.query_one("#body", Static).update(body)
