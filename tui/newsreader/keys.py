"""Key bindings as rows for people: the help screen, the command palette and the guide.

The bindings themselves are data beside the widgets that use them (each class's ``BINDINGS``);
this module only formats them, every key through ``App.get_key_display`` as the key bar does, so
a key has one name everywhere. It imports no screen and no app: whoever shows the rows passes
the bindings in (no import cycle).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.app import App
from textual.binding import Binding

Row = tuple[str, str, str]  # keys, description, binding id

EXTRA_ROWS: list[tuple[str, str, str]] = [
    ("ctrl+p", "Command palette: every action, jump to entity…, open article…, change theme", "command_palette"),
    ("tab,shift+tab", "Move between list, reader and names", "focus_next"),
]


def key_names(app: App, keys: str) -> str:
    """``"j,down"`` as the key bar shows each key: ``"j, ↓"``."""
    return ", ".join(app.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))


def binding_rows(app: App, bindings: Iterable[Binding], keymap: dict[str, str] | None = None,
                 available: Callable[[Binding], bool] | None = None) -> list[Row]:
    """(keys, description, id) for every binding with an id, after the user's keymap; with
    ``available``, only the bindings it keeps (the screen's ``check_action``)."""
    keymap = keymap or {}
    return [(key_names(app, keymap.get(b.id, b.key)), b.description, b.id) for b in bindings
            if b.id and (available is None or available(b))]


def extra_rows(app: App) -> list[Row]:
    return [(key_names(app, keys), what, binding_id) for keys, what, binding_id in EXTRA_ROWS]


def markdown_table(sections: list[tuple[str, list[Binding]]]) -> str:
    """The key reference in docs/guide.md: one table per (heading, bindings); the first heading
    is not printed and gets the extra rows (a test keeps the guide current)."""
    app = App()
    lines: list[str] = []
    for n, (heading, bindings) in enumerate(sections):
        if n:
            lines += ["", heading, ""]
        lines += ["| key | what it does | binding id |", "| --- | --- | --- |"]
        rows = binding_rows(app, bindings) + (extra_rows(app) if n == 0 else [])
        lines += [f"| `{k}` | {d} | `{i}` |" for k, d, i in rows]
    return "\n".join(lines)
