"""The command palette (ctrl+p): every reader action, "Jump to entity…" and "Open article…"."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from newsreader.keys import key_names

PALETTE_NAMES = 5_000  # the most widespread names only: the palette matches every label at each key


class ReaderCommands(Provider):
    """Commands of the hub screen; they run the same actions as the keys."""

    def _hub(self):
        """The screen the palette was opened on (the provider is in the hub's ``COMMANDS``)."""
        return self.screen if hasattr(self.screen, "filter_by_entity") else None

    def _actions(self):
        hub = self._hub()
        if hub is None:
            return []
        out = []
        for b in hub.BINDINGS:
            if hub.check_action(b.action.split("(")[0], ()) is False:
                continue  # hidden now, as in the key bar and the help
            keys = getattr(self.app, "keymap", {}).get(b.id, b.key)
            label = f"{b.description}  ({key_names(self.app, keys)})"
            out.append((label, partial(hub.run_action, b.action), f"Key binding {b.id}"))
        return out

    def _names(self):
        hub = self._hub()
        if hub is None or hub.entities is None:
            return []
        return [(f"Jump to entity: {e.canonical} ({e.type}, {e.article_count} articles)",
                 partial(hub.filter_by_entity, e.type, e.canonical), "Show every article that mentions it")
                for e in hub.entities[:PALETTE_NAMES]]

    def _articles(self):
        hub = self._hub()
        if hub is None:
            return []
        return [(f"Open article: {a.title}", partial(hub.open_article, a.id),
                 a.date.display() if a.date else "undated") for a in hub.collection]

    async def discover(self) -> Hits:
        for label, callback, help_text in self._actions():
            yield DiscoveryHit(label, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        candidates = self._actions()
        if len(query) >= 2:
            candidates += self._names() + self._articles()
        for label, callback, help_text in candidates:
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, help=help_text)
