"""What the reader remembers about its own look between sessions: ``ui.json`` in the user state
folder, a :class:`~newsreader.core.store.JsonStore` like the bookmarks and the reading state
(versioned, written atomically under its lock, moved aside with a notice when damaged, never
changed when a newer newsreader wrote it). One setting so far: the theme.

A ``ui.json`` from before it had a version (``{"theme": NAME}``) is read as format 0 and written
in the current format at the next change.
"""

from __future__ import annotations

from pathlib import Path

from newsreader.core.paths import state_dir
from newsreader.core.store import JsonStore, Loaded, StoreError
from newsreader.core.textclean import clean_text

__all__ = ["UiState", "StoreError"]

VERSION = 1


def _valid(value: object) -> dict | None:
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        return None
    return {"value": clean_text(value["value"])}


def _legacy(data: dict) -> dict[str, object]:
    return {name: {"value": value} for name, value in data.items() if isinstance(value, str)}


class UiState:
    def __init__(self, path: Path | None = None):
        self.store = JsonStore(path or state_dir() / "ui.json", "settings", VERSION, _valid, "interface settings",
                               legacy=_legacy)

    def load(self) -> tuple[dict[str, str], Loaded]:
        """The settings by name, and the notices for the user (damage, a newer format). Raises
        :class:`StoreError` when the file cannot be read at all."""
        loaded = self.store.load()
        return {name: entry["value"] for name, entry in loaded.entries.items()}, loaded

    def set(self, name: str, value: str) -> None:
        """Raises :class:`StoreError` (one line: which file, why) when it cannot be saved."""
        self.store.update(lambda entries: entries.__setitem__(name, {"value": value}))
