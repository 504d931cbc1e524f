"""The reader pane: title, a metadata line, a legend of the names in it, and the body as plain text
with names and search matches highlighted.

A line-API widget, as the list is: the text is wrapped once per article and width (line breaks
only, computed from the plain text), and only the lines on screen are drawn, each cut from the
styled text and kept until the text or its highlights change. A scroll repaints the lines in
view; a change of highlights (a type toggled, the next mention) redraws only those; a new
article asks for no layout of the screen. (A Static holding the whole text, used before, made
Textual lay out the screen for each article and re-render the whole text for each highlight.)
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from textual import events
from textual.actions import SkipAction
from textual.content import Content, Span
from textual.geometry import Size
from textual.reactive import Reactive, var
from textual.strip import Strip
from textual.style import Style

from newsreader.core.article import MAX_NER_CHARS, Article
from newsreader.core.textclean import visible
from newsreader.widgets.frame_view import FrameView

if TYPE_CHECKING:
    from textual.selection import Selection

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


class Line(NamedTuple):
    """One screen line of a wrapped text: ``text[start:end]``, in paragraph ``paragraph`` (the
    text's lines split at newlines), which starts at ``paragraph_start``."""

    start: int
    end: int
    paragraph: int
    paragraph_start: int


_CHUNK = re.compile(r"\S+\s*|\s+")  # a word with the spaces after it, or spaces alone


def wrap(text: str, width: int) -> list[Line]:
    """``text`` wrapped into lines of at most ``width`` cells: words move to the next line whole,
    and spaces after a word may hang past the edge (they are not drawn). A word longer than a
    line is cut at the edge. Every newline starts a line; an empty paragraph is an empty line."""
    width = max(1, width)
    lines: list[Line] = []
    add = lines.append
    paragraph, start, length = 0, 0, len(text)
    while True:
        newline = text.find("\n", start)
        end = length if newline < 0 else newline
        line_start, used = start, 0
        if cell_len(text[start:end]) <= width:  # most paragraphs of a narrow text: one short line
            add(Line(start, end, paragraph, start))
        else:
            for chunk in _CHUNK.finditer(text, start, end):
                word = chunk.group()
                drawn = cell_len(word.rstrip())
                if used and used + drawn > width:
                    add(Line(line_start, chunk.start(), paragraph, start))
                    line_start, used = chunk.start(), 0
                if drawn > width:  # longer than a line (a link, a hash): cut where the line ends
                    for i, character in enumerate(word.rstrip(), chunk.start()):
                        cells = cell_len(character)
                        if used and used + cells > width:
                            add(Line(line_start, i, paragraph, start))
                            line_start, used = i, 0
                        used += cells
                    used += len(word) - len(word.rstrip())
                else:
                    used += cell_len(word)
            add(Line(line_start, end, paragraph, start))
        if newline < 0:
            return lines
        paragraph, start = paragraph + 1, newline + 1


class ArticleView(FrameView, can_focus=True):
    """Shows ``article``. Untrusted text goes in as :class:`Content`, never as markup.

    Attributes set by the hub: ``entities`` (the names found in the article), ``hidden`` (entity
    types not to highlight), ``terms`` (folded search words to highlight), ``focus_span`` (the
    mention or match the reader jumped to, shown reversed and scrolled into view).

    Title, metadata line, legend and body are one text (``shown``); ``parts`` keeps each part as
    shown, and ``lines`` says where the text is broken into screen lines."""

    COMPONENT_CLASSES = {"entity-per", "entity-loc", "entity-org", "entity-misc", "search-match", "focus",
                         "article-title", "article-meta", "article-view--bar", "article-view--thumb"}

    article: var[Article | None] = var(None)
    entities: var[ArticleEntities | None] = var(None)
    hidden: var[frozenset[str]] = var(frozenset())
    terms: var[frozenset[str]] = var(frozenset())
    focus_span: var[tuple[int, int] | None] = var(None)
    # The pane's size is set by the stylesheet, never by its text: a new text's height goes to the
    # scrollbar without a layout of the whole screen (Textual's ``virtual_size`` asks for one).
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.shown = Content("")
        self.showing: str | None = None  # the id of the article whose text the pane holds
        self.parts: dict[str, Content] = {}  # title, meta, legend, body: each part as shown
        self.lines: list[Line] = []
        self._starts: list[int] = []  # each line's start, for finding the line of an offset
        self._wrapped: tuple[str, int] | None = None  # the text and width ``lines`` are for
        self._strips: dict[int, Strip] = {}  # line number → the drawn text of the line (without the scrollbar)
        self._ends: dict[str | None, Strip] = {}  # the scrollbar's part → the gap and the bar's cell
        self._line_spans: list[list[Span]] | None = None  # the highlights on each line, made when first drawn
        self._show_pending = False
        self._theme: str | None = None  # the theme the text's highlights were made in

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
        self.scroll_to(y=0, animate=False)

    def watch_entities(self) -> None:
        self._schedule_show()

    def watch_hidden(self) -> None:
        self._schedule_show()

    def watch_terms(self) -> None:
        self._schedule_show()

    def watch_focus_span(self, span: tuple[int, int] | None) -> None:
        if span is None:
            self._schedule_show()
            return
        self._show()  # now: the scroll below needs the text's lines
        if self.article is not None and self.article.body and self._starts:
            body_offset = len(self.shown.plain) - len(self.parts["body"].plain)  # title, metadata, legend first
            line = bisect_right(self._starts, body_offset + span[0]) - 1
            top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
            if not top <= line < top + height:  # out of view: to a third of the pane from the top
                self.scroll_to(y=max(0, line - height // 3), animate=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # drawn in the old styles
        self._ends.clear()
        if self._theme is not None and self._theme != self.app.theme:
            self._schedule_show()  # the highlights carry the old theme's colours

    def _style(self, name: str) -> Style:
        style = self.get_visual_style(name, partial=True)
        if self.get_component_styles(name).text_style.reverse:  # which Textual's visual style leaves out
            style += Style(reverse=True)
        return style

    def _spans(self, text: str, mentions, with_matches: bool) -> list[Span]:
        """The highlights of ``text``: its names by type (hidden types left out), then search matches."""
        styles = {kind: self._style(f"entity-{kind.lower()}")  # once per type, not per mention
                  for kind in {lm.mention.type for lm in mentions} - self.hidden}
        spans = [Span(lm.mention.start, lm.mention.end, styles[lm.mention.type])
                 for lm in mentions if lm.mention.type not in self.hidden and lm.mention.end <= len(text)]
        if with_matches and self.terms:
            from newsreader.core.search.index import match_spans

            match = self._style("search-match")
            spans.extend(Span(start, end, match) for start, end in match_spans(text, self.terms))
        return spans

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

    def _schedule_show(self) -> None:
        """The hub sets several attributes for one key press; make the text once, after them."""
        if not self._show_pending:
            self._show_pending = True
            self.call_next(self._show)

    def _parts(self, article: Article | None) -> dict[str, Content]:
        if article is None:
            return {"title": Content("No article selected"), "meta": Content(""), "legend": Content(""),
                    "body": Content("")}
        entities = self.entities
        title = Content(article.title.replace("\t", " "), self._spans(article.title, entities.title if entities else [], True))
        text = article.body if len(article.body) <= MAX_SHOWN else article.body[:MAX_SHOWN]
        spans = self._spans(text, entities.body if entities else [], True)
        # credits, counters, bylines: kept, but dimmed
        spans.extend(Span(start, end, "dim") for start, end in article.boilerplate if end <= len(text))
        if self.focus_span is not None and self.focus_span[1] <= len(text):
            spans.append(Span(*self.focus_span, self._style("focus")))
        body = Content(text.replace("\t", " "), spans)  # one cell per tab: the offsets stay those of the text
        meta = visible(metadata_line(article))
        if len(text) < len(article.body):
            meta += (f"\nA very long text: showing the first {MAX_SHOWN:,} of {len(article.body):,} characters; "
                     f"the whole text is in {visible(article.path) or 'its file'}.")
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
        old = self.shown
        self.parts = parts
        # Content's == compares the text only; the styles (highlights) count too
        if old.plain == shown.plain and old.spans == shown.spans:
            return
        self.shown = shown
        previous, wrapped = self._line_spans, self._wrapped
        self._line_spans = None
        self._wrap()  # the same text with other highlights keeps its lines
        if previous is None or old.plain != shown.plain or self._wrapped is not wrapped:
            self._strips.clear()
            self.refresh()
            self._draw_ahead()
            return
        # other highlights on the same lines (a type toggled, the next mention, search words):
        # only the lines whose highlights changed are drawn again
        self._line_spans = current = self._spans_by_line()
        changed = {row for row, (before, now) in enumerate(zip(previous, current)) if before != now}
        self._strips = {row: strip for row, strip in self._strips.items() if row not in changed}
        top = int(self.scroll_offset.y)
        for row in changed:
            if top <= row < top + self.scrollable_content_region.height:
                self.refresh_line(row)

    # --- lines -----------------------------------------------------------------------------------

    def _wrap(self) -> None:
        """Break the text into lines for the pane's width, if not done for this text and width."""
        width = self._text_width()
        if width <= 0:  # not laid out yet: ``on_resize`` wraps
            self.lines, self._starts, self._wrapped = [], [], None
            return
        key = (self.shown.plain, width)
        if self._wrapped == key:
            return
        self._wrapped = key
        self.lines = wrap(self.shown.plain, width)
        self._starts = [line.start for line in self.lines]
        self._strips.clear()
        self._line_spans = None
        size = Size(self.scrollable_content_region.width, len(self.lines))
        if size != self.virtual_size:
            self.virtual_size = size
            self.scroll_y = self.validate_scroll_y(self.scroll_y)  # within the new height

    def on_resize(self) -> None:
        self._wrap()
        self.refresh()

    def _spans_by_line(self) -> list[list[Span]]:
        """Each line's highlights, in the text's order (a later one is drawn over an earlier one)."""
        by_line: list[list[Span]] = [[] for _ in self.lines]
        starts = self._starts
        for span in self.shown.spans:
            first = bisect_right(starts, span.start) - 1
            last = bisect_right(starts, max(span.start, span.end - 1)) - 1
            for row in range(max(0, first), last + 1):
                by_line[row].append(span)
        return by_line

    def _line_content(self, row: int) -> Content:
        line = self.lines[row]
        if self._line_spans is None:
            self._line_spans = self._spans_by_line()
        start, end = line.start, line.end
        spans = [Span(max(span.start, start) - start, min(span.end, end) - start, span.style)
                 for span in self._line_spans[row] if span.start < end and span.end > start]
        # the text was cleaned when ``shown`` was made
        return Content(self.shown.plain[start:end], spans, strip_control_codes=False)

    # --- drawing ---------------------------------------------------------------------------------
    # The pane draws its own scrollbar in its last column. Textual's scrollbar widget is rendered
    # through its own pipeline line by line on every scroll: about a third of a scroll's frame.

    def _text_width(self) -> int:
        return self.scrollable_content_region.width - 2  # a gap, then the scrollbar

    def _thumb(self, top: int, height: int) -> tuple[int, int] | None:
        """The rows of the scrollbar's thumb, or None when the text fits."""
        total = len(self.lines)
        if total <= height or height <= 0:
            return None
        size = max(1, round(height * height / total))
        start = round(top * (height - size) / (total - height))
        return start, start + size

    def _frame_of(self) -> tuple[int, int, Selection | None, tuple[int, int] | None]:
        """What every line needs: looked up once per update instead of once per line."""
        top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
        return top, self._text_width(), self.text_selection, self._thumb(top, height)


    def _draw_ahead(self) -> None:
        """Draw the lines in view now, before the screen asks for them: after a move in the list
        the new article is made while the screen waits for its next frame, and that frame then
        has less to do. The page above and the page below follow once the frame is out."""
        top, width, selection, _ = self._frame_of()
        for row in range(top, top + self.scrollable_content_region.height):
            self._text_strip(row, width, selection)
        self._draw_around_later()

    _around_pending = False

    def _draw_around_later(self) -> None:
        if not self._around_pending:
            self._around_pending = True
            self.call_after_refresh(self._draw_around)

    def _draw_around(self) -> None:
        """Draw the page above and the page below the view while nothing else is to be done, so
        that a scroll or a page key finds them drawn."""
        self._around_pending = False
        top, width, selection, _ = self._frame_of()
        height = self.scrollable_content_region.height
        if selection is None:
            for row in (*range(top + height, top + 2 * height), *range(max(0, top - height), top)):
                self._text_strip(row, width, None)

    @property
    def allow_vertical_scroll(self) -> bool:
        """The text scrolls when it is longer than the pane (Textual's own rule asks for its
        scrollbar, which this pane does not use)."""
        return self.max_scroll_y > 0 and not self._check_disabled()

    def watch_scroll_y(self, old: float, new: float) -> None:
        # not ScrollView's: it would update Textual's (hidden) scrollbar widget, and a refresh of a
        # widget that is not on screen makes Textual rebuild its map of the whole screen
        if round(old) != round(new):
            self.refresh()
            self._draw_around_later()

    _frame: tuple[int, int, Selection | None, tuple[int, int] | None] | None = None

    def render_line(self, y: int) -> Strip:
        top, width, selection, thumb = self._frame or self._frame_of()
        bar = None if thumb is None else ("article-view--thumb" if thumb[0] <= y < thumb[1] else "article-view--bar")
        end = self._ends.get(bar)
        if end is None:  # the gap and the scrollbar's cell
            end = self._ends[bar] = Strip.join([Strip.blank(1, self.rich_style), Strip.blank(
                1, self.rich_style if bar is None else self.get_component_rich_style(bar))])
        return Strip.join([self._text_strip(top + y, width, selection), end])

    def _text_strip(self, row: int, width: int, selection: Selection | None) -> Strip:
        """Line ``row`` of the text as drawn, from the cache when it holds it."""
        strip = self._strips.get(row) if selection is None else None
        if strip is None:
            strip = self._text_line(row, width, selection)
            if selection is None:
                if len(self._strips) > 400:
                    self._strips.clear()
                self._strips[row] = strip
        return strip

    def _text_line(self, row: int, width: int, selection: Selection | None) -> Strip:
        if not 0 <= row < len(self.lines):
            return Strip.blank(width, self.rich_style)
        line = self.lines[row]
        content = self._line_content(row)
        if selection is not None and (span := selection.get_span(line.paragraph)) is not None:
            start, end = span  # in the paragraph; an end of -1 is its end
            start = max(start + line.paragraph_start, line.start) - line.start
            end = (line.end if end == -1 else min(end + line.paragraph_start, line.end)) - line.start
            if start < end:
                content = content.stylize(self.screen.get_visual_style("screen--selection"), start, end)
        base = self.visual_style
        return (Strip(content.render_segments(base))
                .adjust_cell_length(width, base.rich_style)
                .apply_offsets(line.start - line.paragraph_start, line.paragraph))  # for selecting text

    # --- the scrollbar with the mouse: a click puts the thumb there, dragging moves it -------------

    _dragging = False

    def _on_bar(self, event: events.MouseEvent) -> bool:
        offset = event.get_content_offset(self)
        return offset is not None and offset.x == self.scrollable_content_region.width - 1 and self.allow_vertical_scroll

    def _scroll_to_pointer(self, event: events.MouseEvent) -> None:
        height = self.scrollable_content_region.height
        fraction = min(1.0, max(0.0, event.get_content_offset_capture(self).y / max(1, height - 1)))
        self.scroll_to(y=round(fraction * self.max_scroll_y), animate=False)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button == 1 and self._on_bar(event):
            event.stop()
            self.screen.clear_selection()  # a drag on the scrollbar selects no text
            self._dragging = True
            self.capture_mouse()
            self._scroll_to_pointer(event)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            self._scroll_to_pointer(event)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.capture_mouse(False)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract(self.shown.plain), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._strips.clear()
        self.refresh()
