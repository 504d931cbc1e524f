"""The key bar: the keys the screen offers, drawn as one line of text by one widget.

Textual's Footer makes a widget per key (a dozen on the hub screen). Styling and laying those
out took about a tenth of the reader's start-up, and it rebuilt them all on every focus change.
This bar is a single widget: it keeps the (key, description, action, enabled) rows it shows,
redraws only when they change, and maps a mouse click back to the key under the pointer.
"""

from __future__ import annotations

from typing import NamedTuple

from textual import events
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget


class Key(NamedTuple):
    key: str
    display: str
    description: str
    enabled: bool


class KeyBar(Widget):
    """Shows the bindings marked ``show`` (and the command palette key, at the right)."""

    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}
    ALLOW_SELECT = False

    keys: var[tuple[Key, ...]] = var(tuple)
    _spans: list[tuple[int, int, Key]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if not (self.is_attached and screen is self.screen):
            return
        shown, palette = [], []
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if binding.action == "command_palette" and self.app.ENABLE_COMMAND_PALETTE:
                palette.append(Key(binding.key, self.app.get_key_display(binding), binding.description, enabled))
            elif binding.show and all(k.description != binding.description for k in shown):
                shown.append(Key(binding.key, self.app.get_key_display(binding), binding.description, enabled))
        keys = tuple(shown + palette)
        if keys != self.keys:  # focus changes publish the same keys again: nothing to redraw
            self.keys = keys

    def watch_keys(self) -> None:
        self.refresh()

    def render(self) -> Content:
        key_style = self.get_visual_style("keybar--key", partial=True)
        text_style = self.get_visual_style("keybar--description", partial=True)
        parts: list[Content] = []
        spans: list[tuple[int, int, Key]] = []
        x = 0
        for key in self.keys:
            part = Content.assemble(Content(f" {key.display} ").stylize(key_style),
                                    Content(f"{key.description} ").stylize(text_style))
            if not key.enabled:
                part = part.stylize("dim")
            spans.append((x, x + part.cell_length, key))
            x += part.cell_length
            parts.append(part)
        self._spans = spans
        return Content("").join(parts)

    def key_at(self, x: int) -> Key | None:
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
