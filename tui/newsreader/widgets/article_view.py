"""The reader pane: title, a metadata line, a legend of the names in it, and the body as plain text
with names and search matches highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from newsreader.core.article import MAX_NER_CHARS, Article
from newsreader.core.textclean import visible

if TYPE_CHECKING:
    from newsreader.core.ner.collection import ArticleEntities

TYPES = ("PER", "LOC", "ORG", "MISC")
MAX_SHOWN = MAX_NER_CHARS  # characters of a body the reader lays out (and names are found in); longer texts are cut with a notice
TYPE_LABELS = {"PER": "people", "LOC": "places", "ORG": "organisations", "MISC": "other"}


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
    """Shows ``article``. Untrusted text goes in as :class:`Content`, never as markup.

    Attributes set by the hub: ``entities`` (the names found in the article), ``hidden`` (entity
    types not to highlight), ``terms`` (folded search words to highlight), ``focus_span`` (the
    mention or match the reader jumped to, shown reversed and scrolled into view)."""

    COMPONENT_CLASSES = {"entity-per", "entity-loc", "entity-org", "entity-misc", "search-match", "focus"}

    article: var[Article | None] = var(None)
    entities: var[ArticleEntities | None] = var(None)
    hidden: var[frozenset[str]] = var(frozenset())
    terms: var[frozenset[str]] = var(frozenset())
    focus_span: var[tuple[int, int] | None] = var(None)

    def compose(self) -> ComposeResult:
        yield Static(id="title", markup=False)
        yield Static(id="meta", markup=False)
        yield Static(id="legend", markup=False)
        yield Static(id="body", markup=False)

    def watch_article(self, article: Article | None) -> None:
        self._schedule_show()
        self.scroll_home(animate=False)

    def watch_entities(self) -> None:
        self._schedule_show()

    def watch_hidden(self) -> None:
        self._schedule_show()

    def watch_terms(self) -> None:
        self._schedule_show()

    def watch_focus_span(self, span: tuple[int, int] | None) -> None:
        self._show()  # now: the scroll below measures the laid-out body
        if span is not None and self.article is not None and self.article.body:
            body = self.query_one("#body", Static)
            fraction = span[0] / max(1, len(self.article.body))
            y = body.virtual_region.y + int(fraction * body.outer_size.height) - self.size.height // 3
            self.scroll_to(y=max(0, y), animate=False)

    def _style(self, name: str):
        return self.get_visual_style(name, partial=True)

    def _decorate(self, text: str, mentions, with_matches: bool) -> Content:
        content = Content(text)
        for lm in mentions:
            if lm.mention.type not in self.hidden and lm.mention.end <= len(text):
                content = content.stylize(self._style(f"entity-{lm.mention.type.lower()}"),
                                          lm.mention.start, lm.mention.end)
        if with_matches and self.terms:
            from newsreader.core.search.index import match_spans

            match = self._style("search-match")
            for start, end in match_spans(text, self.terms):
                content = content.stylize(match, start, end)
        return content

    def legend(self) -> Content:
        """Counts per type; hidden types are shown struck through."""
        if self.entities is None:
            return Content("Finding names…").stylize("dim")
        counts = {t: 0 for t in TYPES}
        for lm in self.entities.title + self.entities.body:
            counts[lm.mention.type] = counts.get(lm.mention.type, 0) + 1
        parts = []
        for n, kind in enumerate(TYPES, 1):
            label = Content(f"{n} {TYPE_LABELS[kind]} {counts[kind]}")
            if kind in self.hidden:
                label = label.stylize("dim strike")
            else:
                label = label.stylize(self._style(f"entity-{kind.lower()}"))
            parts.append(label)
        return Content(" · ").join(parts)

    _show_pending = False
    _shown: tuple = ()

    def _schedule_show(self) -> None:
        """The hub sets several attributes for one key press; lay the text out once, after them."""
        if not self._show_pending:
            self._show_pending = True
            self.call_next(self._show)

    def _set(self, widget: Static, content: Content, index: int, layout: bool = True) -> None:
        """Update one part only when it changed: a re-layout of the whole screen per key is slow."""
        shown = list(self._shown) or [None] * 4
        old = shown[index]
        # Content's == compares the text only; the styles (highlights) count too
        if old is not None and old.plain == content.plain and old.spans == content.spans:
            return
        shown[index] = content
        self._shown = tuple(shown)
        widget.update(content, layout=layout)

    def _show(self) -> None:
        self._show_pending = False
        article, entities = self.article, self.entities
        title_w = self.query_one("#title", Static)
        meta_w = self.query_one("#meta", Static)
        legend_w = self.query_one("#legend", Static)
        body_w = self.query_one("#body", Static)
        if article is None:
            self._set(title_w, Content("No article selected"), 0)
            self._set(meta_w, Content(""), 1)
            self._set(legend_w, Content(""), 2)
            self._set(body_w, Content(""), 3)
            return
        title = self._decorate(article.title, entities.title if entities else [], True)
        text = article.body if len(article.body) <= MAX_SHOWN else article.body[:MAX_SHOWN]
        body = self._decorate(text, entities.body if entities else [], True)
        for start, end in article.boilerplate:  # credits, counters, bylines: kept, but dimmed
            if end <= len(text):
                body = body.stylize("dim", start, end)
        meta = visible(metadata_line(article))
        if len(text) < len(article.body):
            meta += (f"\nA very long text: showing the first {MAX_SHOWN:,} of {len(article.body):,} characters; "
                     f"the whole text is in {visible(article.path) or 'its file'}.")
        if self.focus_span is not None and self.focus_span[1] <= len(text):
            start, end = self.focus_span
            body = body.stylize(self._style("focus"), start, end)
        self._set(title_w, title, 0)
        self._set(meta_w, Content(meta), 1)
        self._set(legend_w, self.legend(), 2)
        self._set(body_w, body, 3)
