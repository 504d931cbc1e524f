"""The names in the open article, grouped by type with their counts; choosing one filters the list.

A line-API widget, as the list and the reader are: one line per name, heading or rule, drawn
only when on screen, and another article's names repaint the panel without a layout of the
screen. (Textual's OptionList, used before, rendered every option through its own pipeline:
about 9 ms of each move in the list at 140×40, and a layout of the whole screen when the number
of names changed.)
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import Reactive, var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader.widgets.article_list import fit

TYPE_NAMES = {"PER": "People", "LOC": "Places", "ORG": "Organisations", "MISC": "Other names"}
SEP = "\x1f"


class Row(NamedTuple):
    """One line of the panel. ``id`` is ``TYPE<SEP>name`` for a name, ``None`` for a heading or
    the rule between groups (``text`` empty)."""

    id: str | None
    kind: str
    text: str
    count: int = 0


class EntityPanel(ScrollView, can_focus=True):
    """``entries`` is a list of (type, canonical name, mentions in the article). ``highlighted``
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

    entries: var[list[tuple[str, str, int]]] = var(list, always_update=True)
    highlighted: var[int | None] = var(None)
    # The panel's size is set by the stylesheet, never by its names: another article's names
    # repaint it and its scrollbar without a layout of the whole screen.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: list[Row] = []
        # (row, the cursor's component class or None) → the drawn line
        self._lines: dict[tuple[int, str | None], Strip] = {}

    def on_mount(self) -> None:
        self.border_title = "Names"
        self.border_subtitle = "enter filters"
        self.watch_entries(self.entries)

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
        self._lines.clear()
        self._size_to_rows()
        # the cursor stays on the same name if the new article has it too, else it is put away
        same = next((i for i, row in enumerate(rows) if chosen is not None and row.id == chosen), None)
        self.set_reactive(EntityPanel.highlighted, same)
        self.scroll_to(y=0 if same is None else max(0, same - self.scrollable_content_region.height // 2),
                       animate=False)
        self.refresh()
        for y in range(self.scrollable_content_region.height):  # drawn now, while the screen waits for its frame
            self.render_line(y)

    @property
    def highlighted_row(self) -> Row | None:
        if self.highlighted is None or not 0 <= self.highlighted < len(self.rows):
            return None
        return self.rows[self.highlighted]

    # --- drawing ---------------------------------------------------------------------------------

    def _size_to_rows(self) -> None:
        size = Size(self.scrollable_content_region.width, len(self.rows))
        if size != self.virtual_size:
            self.virtual_size = size
            self._scroll_update(size)  # the scrollbar follows the number of names

    def on_resize(self) -> None:
        self._size_to_rows()
        self._lines.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # another theme or focus colour: the drawn lines are out of date

    def _content(self, row: Row, width: int) -> Content:
        if row.id is None:
            if not row.kind:  # no names (yet)
                return Content(fit(row.text, width)[0]).stylize("dim")
            if not row.text:
                return Content("─" * width).stylize(self.get_visual_style("entity-panel--rule", partial=True))
            return Content(fit(row.text, width)[0]).stylize(self.get_visual_style("entity-panel--heading",
                                                                                   partial=True))
        count = f" {row.count}"
        name = fit(row.text, max(1, width - cell_len(count)))[0]
        style = self.get_visual_style(f"entity-{row.kind.lower()}", partial=True)
        gap = " " * max(0, width - cell_len(name) - cell_len(count))  # the counts in a column at the right
        return Content.assemble(Content(name).stylize(style), gap, Content(count).stylize("dim"))

    def _frame_of(self) -> tuple[int, int, bool]:
        """What every line needs: looked up once per update instead of once per line."""
        return int(self.scroll_offset.y), self.scrollable_content_region.width, self.has_focus

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame = self._frame_of()
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    _frame: tuple[int, int, bool] | None = None

    def render_line(self, y: int) -> Strip:
        top, width, focused = self._frame or self._frame_of()
        index = top + y
        if not 0 <= index < len(self.rows):
            return Strip.blank(width, self.rich_style)
        cursor = None
        if index == self.highlighted:  # its colour follows the focus (Textual repaints the widget when that changes)
            cursor = "entity-panel--cursor" if focused else "entity-panel--cursor-blurred"
        key = (index, cursor)
        strip = self._lines.get(key)
        if strip is None or strip.cell_length != width:
            base = self.visual_style
            if cursor is not None:
                base = base + self.get_visual_style(cursor)
            strip = Strip(self._content(self.rows[index], width).render_segments(base)).adjust_cell_length(
                width, base.rich_style)
            self._lines[key] = strip
        return strip

    # --- the cursor ------------------------------------------------------------------------------

    def _names(self) -> list[int]:
        return [i for i, row in enumerate(self.rows) if row.id is not None]

    def validate_highlighted(self, highlighted: int | None) -> int | None:
        if highlighted is None or not 0 <= highlighted < len(self.rows) or self.rows[highlighted].id is None:
            return None
        return highlighted

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
        for row in (old, new):
            if row is not None and top <= row < top + height:
                self.refresh_line(row)
        if new is not None and height and not top <= new < top + height:
            self.scroll_to(y=max(0, new - height // 2), animate=False)

    def _step(self, step: int) -> None:
        names = self._names()
        if not names:
            return
        if self.highlighted is None:
            self.highlighted = names[0] if step > 0 else names[-1]
            return
        after = [i for i in names if (i > self.highlighted if step > 0 else i < self.highlighted)]
        if after:
            self.highlighted = after[0] if step > 0 else after[-1]

    def action_cursor_down(self) -> None:
        self._step(1)

    def action_cursor_up(self) -> None:
        self._step(-1)

    def action_first(self) -> None:
        names = self._names()
        self.highlighted = names[0] if names else None

    def action_last(self) -> None:
        names = self._names()
        self.highlighted = names[-1] if names else None

    def action_choose(self) -> None:
        row = self.highlighted_row
        if row is not None:  # always a name: headings and rules are never highlighted
            self.post_message(self.Chosen(row.kind, row.text))

    def on_focus(self) -> None:
        if self.highlighted is None:
            self.action_first()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = int(self.scroll_offset.y) + offset.y
        if self.validate_highlighted(index) is not None:
            self.highlighted = index
            self.action_choose()
