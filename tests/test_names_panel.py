"""The names panel draws its own lines: groups, counts, the cursor and its keys."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len

from newsreader.app import NewsReaderApp
from newsreader.screens.main_screen import MainScreen
from newsreader.widgets.entity_panel import EntityPanel
from test_app_reader import ready


async def panel_ready(pilot, app) -> tuple[MainScreen, EntityPanel]:
    hub = await ready(app, pilot)
    return hub, hub.query_one(EntityPanel)


ENTRIES = [("LOC", "Berlin", 3), ("PER", "Olaf Scholz", 2), ("PER", "Bundesministerin für Wirtschaft Katherina "
                                                                       "Reiche-Zimmermann", 12), ("ORG", "Nato", 1)]


async def test_groups_counts_and_long_names(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Ein Titel\n\nEin Text ohne viel.", encoding="utf-8")
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub, panel = await panel_ready(pilot, app)
        panel.entries = ENTRIES
        await pilot.pause()
        assert [(row.id is not None, row.text) for row in panel.rows] == [
            (False, "People (2)"), (True, ENTRIES[2][1]), (True, "Olaf Scholz"), (False, ""),
            (False, "Places (1)"), (True, "Berlin"), (False, ""), (False, "Organisations (1)"), (True, "Nato")]
        width = panel.scrollable_content_region.width
        drawn = [panel.render_line(y).text for y in range(len(panel.rows))]
        assert all(cell_len(line) == width for line in drawn)
        # a long name is cut with an ellipsis and its count stays in the column at the right
        assert drawn[1].endswith("… 12") and drawn[1].startswith("Bundesministerin")
        assert drawn[2].startswith("Olaf Scholz") and drawn[2].endswith(" 2")
        assert set(drawn[3]) == {"─"}
        assert panel.virtual_size.height == len(panel.rows)


async def test_keys_skip_headings_and_enter_filters(tmp_path: Path):
    (tmp_path / "a.txt").write_text(" date 2024-03 Scholz in Berlin\n\nBundeskanzler Olaf Scholz sprach am "
                                    "Montag in Berlin mit Emmanuel Macron über die Nato.", encoding="utf-8")
    (tmp_path / "b.txt").write_text(" date 2024-02 Wetter\n\nIn Hamburg regnet es.", encoding="utf-8")
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub, panel = await panel_ready(pilot, app)
        await pilot.press("e")
        assert app.focused is panel
        names = [i for i, row in enumerate(panel.rows) if row.id]
        assert panel.highlighted == names[0]  # focus puts the cursor on the first name
        await pilot.press("down")
        assert panel.highlighted == names[1]
        await pilot.press("end")
        assert panel.highlighted == names[-1]
        await pilot.press("down")  # at the end: stays
        assert panel.highlighted == names[-1]
        await pilot.press("home", "up")
        assert panel.highlighted == names[0]
        kind, name = panel.highlighted_row.id.split("\x1f")
        await pilot.press("enter")
        assert hub.entity_filter == (kind, name)
        assert [a.title for a in hub.articles] == ["Scholz in Berlin"]


async def test_the_cursor_stays_on_a_name_the_next_article_has_too(tmp_path: Path):
    (tmp_path / "a.txt").write_text(" date 2024-03 Scholz in Berlin\n\nOlaf Scholz sprach in Berlin.",
                                    encoding="utf-8")
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub, panel = await panel_ready(pilot, app)
        panel.entries = ENTRIES
        await pilot.pause()
        berlin = next(i for i, row in enumerate(panel.rows) if row.text == "Berlin")
        panel.highlighted = berlin
        panel.entries = [("LOC", "Berlin", 1), ("LOC", "Paris", 4)]
        await pilot.pause()
        assert panel.highlighted_row.text == "Berlin"
        panel.entries = [("LOC", "Paris", 4)]
        await pilot.pause()
        assert panel.highlighted is None and panel.highlighted_row is None
