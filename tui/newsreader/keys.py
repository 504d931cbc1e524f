"""The key bindings as a table: for the help screen, the guide and the command palette."""

from __future__ import annotations

from textual.binding import Binding


def binding_rows(bindings: list[Binding], keymap: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(keys, description, id) for every binding with an id, after the user's keymap."""
    keymap = keymap or {}
    rows = []
    for b in bindings:
        if not b.id:
            continue
        keys = keymap.get(b.id, b.key)
        rows.append((", ".join(display_key(k) for k in keys.split(",")), b.description, b.id))
    return rows


_NAMES = {"question_mark": "?", "slash": "/", "left_square_bracket": "[", "right_square_bracket": "]",
          "escape": "esc", "delete": "del", "enter": "enter"}


def display_key(key: str) -> str:
    key = key.strip()
    return _NAMES.get(key, key)
