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


_NAMES = {"question_mark": "?", "slash": "/", "left_square_bracket": "[", "right_square_bracket": "]", "asterisk": "*",
          "escape": "esc", "delete": "del", "enter": "enter"}


def display_key(key: str) -> str:
    key = key.strip()
    return _NAMES.get(key, key)


EXTRA_ROWS = [
    ("ctrl+p", "Command palette: every action, jump to entity…, open article…, change theme", "command_palette"),
    ("tab, shift+tab", "Move between list, reader and names", "focus_next"),
]


def all_rows(keymap: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """Every key of the main screen and the app, as the help screen and the guide show them."""
    from newsreader.app import NewsReaderApp
    from newsreader.screens.main_screen import MainScreen
    from newsreader.widgets.article_list import ArticleList
    from newsreader.widgets.entity_panel import EntityPanel

    bindings = [*MainScreen.BINDINGS, *ArticleList.BINDINGS, *EntityPanel.BINDINGS, *NewsReaderApp.BINDINGS]
    return binding_rows(bindings, keymap) + EXTRA_ROWS


def markdown_table() -> str:
    """The key reference in docs/guide.md (between the keys markers; a test keeps it current)."""
    from newsreader.screens.bookmarks_screen import BookmarksScreen

    lines = ["| key | what it does | binding id |", "| --- | --- | --- |"]
    lines += [f"| `{k}` | {d} | `{i}` |" for k, d, i in all_rows()]
    lines += ["", "In the bookmarks view (`B`):", "", "| key | what it does | binding id |", "| --- | --- | --- |"]
    lines += [f"| `{k}` | {d} | `{i}` |" for k, d, i in binding_rows(BookmarksScreen.BINDINGS)]
    return "\n".join(lines)
