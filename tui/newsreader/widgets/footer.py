"""The key bar: Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer rebuilds all its key widgets whenever the screen publishes "bindings changed",
which happens on every focus change: five times while the reader starts, with the same keys
each time, at about 25 ms a rebuild. This one compares what it would show (key, description,
enabled, for every shown binding) with what it shows and skips the rebuild when nothing differs.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    _shown: tuple | None = None

    def _signature(self, screen: Screen) -> tuple:
        return tuple((binding.key, binding.description, binding.action, enabled, tooltip)
                     for _node, binding, enabled, tooltip in screen.active_bindings.values()
                     if binding.show or binding.action == "command_palette")

    def bindings_changed(self, screen: Screen) -> None:
        if not screen.app.app_focus or not (self.is_attached and screen is self.screen):
            super().bindings_changed(screen)
            return
        signature = self._signature(screen)
        if signature == self._shown:
            return
        self._shown = signature
        super().bindings_changed(screen)
