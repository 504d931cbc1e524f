"""The names in the open article, grouped by type with their counts; choosing one filters the list."""

from __future__ import annotations

from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.widgets import OptionList
from textual.widgets.option_list import Option

TYPE_NAMES = {"PER": "People", "LOC": "Places", "ORG": "Organisations", "MISC": "Other names"}
SEP = "\x1f"


class EntityPanel(OptionList):
    """``entries`` is a list of (type, canonical name, mentions in the article)."""

    class Chosen(Message):
        def __init__(self, kind: str, canonical: str) -> None:
            super().__init__()
            self.kind = kind
            self.canonical = canonical

    COMPONENT_CLASSES = {"entity-per", "entity-loc", "entity-org", "entity-misc"}

    entries: var[list[tuple[str, str, int]]] = var(list, always_update=True)

    _theme: str | None = None  # the theme the names' colours were made in

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self._theme is not None and self._theme != self.app.theme:
            self.call_next(self._recolour)  # after the type styles have the new colours too

    def _recolour(self) -> None:
        self.entries = self.entries  # the names rebuilt in the new theme's colours

    def on_mount(self) -> None:
        self.border_title = "Names"
        self.border_subtitle = "enter filters"
        self.watch_entries(self.entries)

    def watch_entries(self, entries: list[tuple[str, str, int]]) -> None:
        self._theme = self.app.theme
        self.clear_options()
        options: list[Option | None] = []
        for kind in TYPE_NAMES:
            group = sorted((e for e in entries if e[0] == kind), key=lambda e: (-e[2], e[1]))
            if not group:
                continue
            if options:
                options.append(None)  # a separator line
            options.append(Option(Content(f"{TYPE_NAMES[kind]} ({len(group)})").stylize("bold"), disabled=True))
            style = self.get_visual_style(f"entity-{kind.lower()}", partial=True)
            for _, name, count in group:
                prompt = Content.assemble(Content(name).stylize(style), Content(f"  {count}").stylize("dim"))
                options.append(Option(prompt, id=f"{kind}{SEP}{name}"))
        if not options:
            options.append(Option(Content("No names found yet").stylize("dim"), disabled=True))
        self.add_options(options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            kind, name = event.option.id.split(SEP, 1)
            self.post_message(self.Chosen(kind, name))
