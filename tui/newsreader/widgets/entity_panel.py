"""The names in the open article, grouped by type with their counts; choosing one filters the list.

A :class:`LineList`, as the article list is: one line per name, heading or rule, drawn only
when on screen, and another article's names repaint the panel without a layout of the screen.
(Textual's OptionList, used before, rendered every option through its own pipeline: about 9 ms
of each move in the list at 140×40, and a layout of the whole screen when the number of names
changed.)
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import var

from newsreader.core.wording import TYPE_NAMES
from newsreader.widgets.article_list import fit
from newsreader.widgets.line_list import LineList

if TYPE_CHECKING:
    from newsreader.core.ner.collection import ArticleEntities

SEP = "\x1f"


class Row(NamedTuple):
    """One line of the panel. ``id`` is ``TYPE<SEP>name`` for a name, ``None`` for a heading or
    the rule between groups (``text`` empty)."""

    id: str | None
    kind: str
    text: str
    count: int = 0


class EntityPanel(LineList):
    """``entities`` are the names found in the open article (set by the hub); ``entries``, made
    from them, is a list of (type, canonical name, mentions in the article). ``highlighted``
    is the row of the name under the cursor (headings and rules are skipped), or ``None``.
    Posts :class:`EntityPanel.Chosen` when a name is chosen (``enter`` or a click)."""

    BINDINGS = [
        Binding("down", "cursor_down", "Next name (in the names panel, e)", id="names_next", show=False),
        Binding("up", "cursor_up", "Previous name", id="names_previous", show=False),
        Binding("home", "first", "First name", id="names_first", show=False),
        Binding("end", "last", "Last name", id="names_last", show=False),
        Binding("enter", "choose", "Filter the list by the name", id="names_choose", show=False),
    ]

    class Chosen(Message):
        def __init__(self, kind: str, canonical: str) -> None:
            super().__init__()
            self.kind = kind
            self.canonical = canonical

    COMPONENT_CLASSES = {"entity-per", "entity-loc", "entity-org", "entity-misc", "entity-panel--heading",
                         "entity-panel--rule", "entity-panel--cursor", "entity-panel--cursor-blurred"}
    CURSOR_CLASSES = ("entity-panel--cursor", "entity-panel--cursor-blurred")

    entities: var[ArticleEntities | None] = var(None)
    entries: var[list[tuple[str, str, int]]] = var(list, always_update=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: list[Row] = []

    def on_mount(self) -> None:
        self.border_title = "Names"
        self.border_subtitle = "enter filters"
        self.watch_entries(self.entries)

    def watch_entities(self, found: ArticleEntities | None) -> None:
        counts: Counter = Counter()
        if found is not None:
            for lm in found.title + found.body:
                counts[(lm.mention.type, lm.canonical)] += 1
        entries = [(kind, name, n) for (kind, name), n in counts.items()]
        if entries != self.entries:  # the same names (an article without any, say): nothing is redrawn
            self.entries = entries

    def watch_entries(self, entries: list[tuple[str, str, int]]) -> None:
        chosen = self.highlighted_row.id if self.highlighted_row is not None else None
        rows: list[Row] = []
        for kind, heading in TYPE_NAMES.items():
            group = sorted((e for e in entries if e[0] == kind), key=lambda e: (-e[2], e[1]))
            if not group:
                continue
            if rows:
                rows.append(Row(None, kind, ""))  # a rule between groups
            rows.append(Row(None, kind, f"{heading} ({len(group)})"))
            rows.extend(Row(f"{kind}{SEP}{name}", kind, name, count) for _, name, count in group)
        if not rows:
            rows.append(Row(None, "", "No names found yet"))
        self.rows = rows
        self.rows_changed()
        # the cursor stays on the same name if the new article has it too, else it is put away
        same = next((i for i, row in enumerate(rows) if chosen is not None and row.id == chosen), None)
        self.set_reactive(EntityPanel.cursor, same)
        self.scroll_to(y=0 if same is None else max(0, same - self.scrollable_content_region.height // 2),
                       animate=False)
        for y in range(self.scrollable_content_region.height):  # drawn now, while the screen waits for its frame
            self.render_line(y)

    @property
    def highlighted(self) -> int | None:
        """The row of the name under the cursor, or ``None``."""
        return self.cursor

    @highlighted.setter
    def highlighted(self, row: int | None) -> None:
        self.cursor = row

    @property
    def highlighted_row(self) -> Row | None:
        if self.cursor is None or not 0 <= self.cursor < len(self.rows):
            return None
        return self.rows[self.cursor]

    # --- what the list machinery asks ------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def can_hold_cursor(self, row: int) -> bool:
        return self.rows[row].id is not None  # a name: never a heading or a rule

    def choose_message(self, row: int) -> Message | None:
        return self.Chosen(self.rows[row].kind, self.rows[row].text)

    def render_row(self, row: int, width: int) -> Content:
        line = self.rows[row]
        if line.id is None:
            if not line.kind:  # no names (yet)
                return Content(fit(line.text, width)[0]).stylize("dim")
            if not line.text:
                return Content("─" * width).stylize(self.get_visual_style("entity-panel--rule", partial=True))
            return Content(fit(line.text, width)[0]).stylize(self.get_visual_style("entity-panel--heading",
                                                                                    partial=True))
        count = f" {line.count}"
        name = fit(line.text, max(1, width - cell_len(count)))[0]
        style = self.get_visual_style(f"entity-{line.kind.lower()}", partial=True)
        gap = " " * max(0, width - cell_len(name) - cell_len(count))  # the counts in a column at the right
        return Content.assemble(Content(name).stylize(style), gap, Content(count).stylize("dim"))

    def on_focus(self) -> None:
        if self.cursor is None:
            self.action_first()
