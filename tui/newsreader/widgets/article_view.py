"""The reader pane: title, a metadata line, a legend of the names in it, and the body as plain text
with names and search matches highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.actions import SkipAction
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
    mention or match the reader jumped to, shown reversed and scrolled into view).

    Title, metadata line, legend and body are one text in one Static: one widget to style and
    lay out per article, not four. ``parts`` keeps each part as shown."""

    COMPONENT_CLASSES = {"entity-per", "entity-loc", "entity-org", "entity-misc", "search-match", "focus",
                         "article-title", "article-meta"}

    article: var[Article | None] = var(None)
    entities: var[ArticleEntities | None] = var(None)
    hidden: var[frozenset[str]] = var(frozenset())
    terms: var[frozenset[str]] = var(frozenset())
    focus_span: var[tuple[int, int] | None] = var(None)

    def compose(self) -> ComposeResult:
        yield Static(id="text", markup=False)

    # Keys scroll at once: Textual's animated scroll shows its first step a few frames after the key.
    def _scroll_now(self, scroll) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()
        scroll(animate=False)

    def action_scroll_down(self) -> None:
        self._scroll_now(self.scroll_down)

    def action_scroll_up(self) -> None:
        self._scroll_now(self.scroll_up)

    def action_page_down(self) -> None:
        self._scroll_now(self.scroll_page_down)

    def action_page_up(self) -> None:
        self._scroll_now(self.scroll_page_up)

    def action_scroll_home(self) -> None:
        self._scroll_now(self.scroll_home)

    def action_scroll_end(self) -> None:
        self._scroll_now(self.scroll_end)

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
        self._show()  # now: the scroll below measures the laid-out text
        if span is not None and self.article is not None and self.article.body:
            text = self.query_one("#text", Static)
            shown = len(self._shown.plain)
            body_offset = shown - len(self.parts["body"].plain)  # the title, metadata and legend come first
            fraction = (body_offset + span[0]) / max(1, shown)
            y = text.virtual_region.y + int(fraction * text.outer_size.height) - self.size.height // 3
            self.scroll_to(y=max(0, y), animate=False)

    _theme: str | None = None  # the theme the text's highlights were made in

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self._theme is not None and self._theme != self.app.theme:
            self._schedule_show()  # the highlights carry the old theme's colours

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
    _shown: Content | None = None
    showing: str | None = None  # the id of the article whose text the pane holds
    parts: dict[str, Content] = {}  # title, meta, legend, body: each part as shown

    def _schedule_show(self) -> None:
        """The hub sets several attributes for one key press; lay the text out once, after them."""
        if not self._show_pending:
            self._show_pending = True
            self.call_next(self._show)

    def _parts(self, article: Article | None) -> dict[str, Content]:
        if article is None:
            return {"title": Content("No article selected"), "meta": Content(""), "legend": Content(""),
                    "body": Content("")}
        entities = self.entities
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
        return {"title": title, "meta": Content(meta), "legend": self.legend(), "body": body}

    def _show(self) -> None:
        self._show_pending = False
        self._theme = self.app.theme
        article = self.article
        parts = self._parts(article)
        self.showing = article.id if article is not None else None
        head = Content.assemble(parts["title"].stylize_before(self._style("article-title")), "\n",
                                parts["meta"].stylize_before(self._style("article-meta")), "\n\n",
                                parts["legend"], "\n\n")
        shown = head + parts["body"]
        old = self._shown
        self.parts = parts
        # Content's == compares the text only; the styles (highlights) count too
        if old and old.plain == shown.plain and old.spans == shown.spans:
            return
        self._shown = shown
        text = self.query_one("#text", Static)
        # the same text with other highlights keeps its size: a repaint, no re-layout
        text.update(shown, layout=not old or old.plain != shown.plain)
