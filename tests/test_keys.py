"""Keys as data: check_action hides what does not apply (key bar, help and palette alike), a key
has one name everywhere, and the package's import graph has no cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from newsreader.app import NewsReaderApp
from newsreader.commands import ReaderCommands
from newsreader.core.bookmarks import ReadingState
from newsreader.screens.main_screen import MainScreen
from newsreader.widgets.footer import KeyBar

from test_app_reader import ready, write

PACKAGE = Path(__file__).resolve().parent.parent / "tui" / "newsreader"


def _offered(hub: MainScreen) -> dict[str, set[str]]:
    """The binding ids each of the three places offers now."""
    help_ids = {binding_id for _, _, binding_id in hub.key_rows()}
    palette = {help_text.removeprefix("Key binding ") for _, _, help_text in ReaderCommands(hub)._actions()}
    bar = {b.id for _, b, _, _ in hub.active_bindings.values() if b.id}
    return {"help": help_ids, "palette": palette, "active": bar}


def _hidden_everywhere(hub: MainScreen, binding_id: str) -> bool:
    return all(binding_id not in ids for ids in _offered(hub).values())


def _shown_everywhere(hub: MainScreen, binding_id: str) -> bool:
    return all(binding_id in ids for ids in _offered(hub).values())


async def _settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("binding_id", ["next_match", "previous_match"])
async def test_check_action_hides_match_keys_until_there_is_a_search(tmp_path, binding_id):
    app = NewsReaderApp([str(write(tmp_path))])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        assert _hidden_everywhere(hub, binding_id)
        await pilot.press("slash", *"ukraine", "enter")  # the list has the focus again: the keys are the reader's
        await _settle(app, pilot)
        assert _shown_everywhere(hub, binding_id)


async def test_check_action_hides_clear_until_there_is_a_filter(tmp_path):
    app = NewsReaderApp([str(write(tmp_path))])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        assert _hidden_everywhere(hub, "clear")
        await pilot.press("U")
        await pilot.pause()
        assert _shown_everywhere(hub, "clear") and hub.view
        await pilot.press("escape")
        await pilot.pause()
        assert _hidden_everywhere(hub, "clear") and not hub.view


async def test_check_action_hides_skipped_files_when_none_was_skipped(tmp_path):
    app = NewsReaderApp([str(write(tmp_path))])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        assert _hidden_everywhere(hub, "show_skipped")
    (tmp_path / "bild.txt").write_bytes(b"\x00\x01\x02" * 1000)
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        assert hub.skipped and _shown_everywhere(hub, "show_skipped")


@pytest.mark.parametrize("binding_id", ["toggle_bookmark", "next_mention", "previous_mention", "only_source"])
async def test_check_action_hides_what_needs_an_article_when_there_is_none(tmp_path, binding_id):
    app = NewsReaderApp([str(tmp_path)])  # an empty folder
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        assert hub.current is None and _hidden_everywhere(hub, binding_id)


async def test_check_action_hides_only_source_for_an_article_without_a_source(tmp_path):
    write(tmp_path)  # plain text files: no source
    (tmp_path / "z.json").write_text('{"title": "Zeitung", "text": "Ein Text aus Berlin.", "source": "dpa", '
                                     '"date": "2030-01-01"}', encoding="utf-8")
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        assert hub.current.source == "dpa" and _shown_everywhere(hub, "only_source")
        await pilot.press("j")
        await pilot.pause()
        assert not hub.current.source and _hidden_everywhere(hub, "only_source")


async def test_check_action_hides_the_names_panel_key_in_a_narrow_window(tmp_path):
    app = NewsReaderApp([str(write(tmp_path))])
    async with app.run_test(size=(100, 40)) as pilot:
        hub = await ready(app, pilot)
        assert hub.has_class("narrow") and _hidden_everywhere(hub, "focus_names")


async def test_check_action_hides_next_unread_when_everything_is_read(tmp_path):
    write(tmp_path)
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        assert _shown_everywhere(hub, "next_unread")
    for article in hub.collection:
        ReadingState().mark_read(article.id)
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        await _settle(app, pilot)
        assert len(hub.read) == len(hub.collection) and _hidden_everywhere(hub, "next_unread")


async def test_the_key_bar_help_and_palette_name_every_key_the_same_way(tmp_path):
    app = NewsReaderApp([str(write(tmp_path))])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        await pilot.press("slash", *"ukraine", "enter")  # a search: every key of the reader applies
        await _settle(app, pilot)
        help_names = {binding_id: keys for keys, _, binding_id in hub.key_rows()}
        bar = {k.description: k.display for k in hub.query_one(KeyBar).keys}
        for _, binding, _, _ in hub.active_bindings.values():
            if binding.show and binding.id in help_names and binding.description in bar:
                assert bar[binding.description] in help_names[binding.id].split(", ")
        palette = {help_text.removeprefix("Key binding "): label for label, _, help_text in ReaderCommands(hub)._actions()}
        assert palette
        for binding_id, label in palette.items():
            assert label.endswith(f"({help_names[binding_id]})"), (binding_id, label, help_names[binding_id])
        assert help_names["search"] == "/" and help_names["help"] == "?" and help_names["names_choose"] == "⏎"


def _imports(path: Path, module: str) -> set[str]:
    """The newsreader modules ``path`` imports, deferred imports in functions included (what only a
    type checker reads, under ``if TYPE_CHECKING:``, is left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for child in node.body for n in ast.walk(child))
    out: set[str] = set()
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("newsreader"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base.startswith("newsreader"):
                out.add(base)
                out.update(f"{base}.{a.name}" for a in node.names)  # a submodule imported by name
    return out


def test_the_import_graph_has_no_cycle_deferred_imports_included():
    modules: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph = {name: {m for m in _imports(path, name) if m in modules and m != name} for name, path in modules.items()}
    assert graph["newsreader.app"] and graph["newsreader.screens.main_screen"]  # the walk sees imports
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
