"""Pilot tests of the first UI: real key presses, assertions on what is shown."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from newsreader.app import NewsReaderApp
from newsreader.widgets.article_list import ArticleList
from newsreader.widgets.article_view import ArticleView
from newsreader.widgets.entity_panel import EntityPanel
from waiting import started


def write_articles(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "a.txt").write_text(" date 2023-01 Erster Artikel aus dem Januar.\n\nText eins.", encoding="utf-8")
    (folder / "b.txt").write_text(" date 2023-03 Zweiter Artikel aus dem März.\n\nText zwei [bold]x[/bold].", encoding="utf-8")
    (folder / "c.txt").write_text(" date 2023-02 Dritter Artikel aus dem Februar.\n\nText drei.", encoding="utf-8")


def shown_title(app: NewsReaderApp) -> str:
    return str(app.screen.query_one(ArticleView).parts["title"])


async def test_j_and_k_move_through_articles_newest_first(tmp_path: Path):
    write_articles(tmp_path)
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        assert app.screen.query_one(ArticleList).has_focus
        assert shown_title(app).startswith("Zweiter Artikel")  # March, newest
        await pilot.press("j")
        assert shown_title(app).startswith("Dritter Artikel")  # February
        await pilot.press("j")
        assert shown_title(app).startswith("Erster Artikel")
        await pilot.press("j")  # at the end: stays
        assert shown_title(app).startswith("Erster Artikel")
        await pilot.press("k")
        assert shown_title(app).startswith("Dritter Artikel")
        await pilot.press("up")
        assert shown_title(app).startswith("Zweiter Artikel")
        await pilot.press("down")
        assert shown_title(app).startswith("Dritter Artikel")


async def test_body_is_plain_text_not_markup(tmp_path: Path):
    write_articles(tmp_path)
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        view = app.screen.query_one(ArticleView)
        assert "[bold]x[/bold]" in str(view.parts["body"])
        drawn = [view.render_line(y).text for y in range(view.scrollable_content_region.height)]
        assert any("Text zwei [bold]x[/bold]." in line for line in drawn)  # what the screen shows


async def test_q_quits(tmp_path: Path):
    write_articles(tmp_path)
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_no_argument_opens_the_bundled_seeds():
    app = NewsReaderApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        assert len(app.screen.articles) == 5
        assert app.screen.query_one(ArticleList).row_count == 5
        assert app.screen.query_one(ArticleView).article is app.screen.articles[0]


async def test_o_toggles_oldest_first_and_keeps_the_selection(tmp_path: Path):
    write_articles(tmp_path)
    (tmp_path / "u.txt").write_text("Undatierter Artikel ohne Kopf.", encoding="utf-8")
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await pilot.press("j")
        assert shown_title(app).startswith("Dritter Artikel")
        await pilot.press("o")
        titles = [a.title.split()[0] for a in app.screen.articles]
        assert titles == ["Erster", "Dritter", "Zweiter", "Undatierter"]
        assert shown_title(app).startswith("Dritter Artikel")  # still the one being read
        assert app.screen.query_one(ArticleList).highlighted_id == app.screen.articles[1].id
        await pilot.press("o")
        assert [a.title.split()[0] for a in app.screen.articles] == ["Zweiter", "Dritter", "Erster", "Undatierter"]


async def test_boilerplate_is_dimmed_in_the_reader(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Neue Regeln für Drohnen\n\n(Foto: Agentur)\n\nDie Regierung will …", encoding="utf-8")
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        body = app.screen.query_one(ArticleView).parts["body"]
        dim = [body.plain[s.start:s.end] for s in body.spans if "dim" in str(s.style)]
        assert dim == ["(Foto: Agentur)"]


async def test_title_column_fills_the_list_and_source_stays_visible():
    app = NewsReaderApp()
    for width in (120, 200):
        async with app.run_test(size=(width, 36)) as pilot:
            await started(app, pilot)
            article_list = app.screen.query_one(ArticleList)
            inner = article_list.scrollable_content_region.width
            # the source column is as wide as the longest source (at most 12)
            source_column = min(12, max(len(a.source) for a in app.screen.articles if a.source) + 1)
            for row, article in enumerate(app.screen.articles):
                line = article_list.render_line(row).text  # the line as drawn
                assert len(line) == inner
                if article.source:
                    assert line.rstrip().endswith(article.source)  # the source at the right edge
                title_room = inner - 2 - 13 - source_column - 1
                if len(article.title) <= title_room:
                    assert article.title in line
                else:  # the title takes all the room left, cut with an ellipsis
                    assert article.title[:title_room - 1] + "…" in line
            # the cursor's colour covers its whole line, text included
            cursor = article_list.get_component_rich_style("article-list--cursor")
            drawn = article_list.render_line(article_list.cursor)
            assert {segment.style.bgcolor for segment in drawn} == {cursor.bgcolor}
            await pilot.press("tab")  # the focus leaves the list: its cursor line takes the blurred colour
            assert not article_list.has_focus
            blurred = article_list.get_component_rich_style("article-list--cursor-blurred")
            drawn = article_list.render_line(article_list.cursor)
            assert blurred.bgcolor != cursor.bgcolor
            assert {segment.style.bgcolor for segment in drawn} == {blurred.bgcolor}
        app = NewsReaderApp()


async def entities_ready(app: NewsReaderApp, pilot) -> None:
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.screen.entities is not None:
            await pilot.pause()  # the reader lays the text out once, after the attributes are set
            return
    raise AssertionError("entities never arrived")


async def test_credits_are_dimmed_and_their_names_left_out_of_the_panel_and_counts(tmp_path: Path):
    (tmp_path / "a.txt").write_text(
        "Treffen in Paris\n\nBild: JEAN DUPONT (APA/AFP/POOL/JEAN DUPONT)\n\nBundeskanzler Olaf Scholz hat am "
        "Montag in Paris den französischen Präsidenten Emmanuel Macron getroffen.\n\nMit Material von AFP und Reuters",
        encoding="utf-8")
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(120, 36)) as pilot:
        await entities_ready(app, pilot)
        view = app.screen.query_one(ArticleView)
        body = view.parts["body"]
        dim = [body.plain[s.start:s.end] for s in body.spans if "dim" in str(s.style)]
        assert dim == ["Bild: JEAN DUPONT (APA/AFP/POOL/JEAN DUPONT)", "Mit Material von AFP und Reuters"]
        names = {name for _, name, _ in app.screen.query_one(EntityPanel).entries}
        assert {"Olaf Scholz", "Paris", "Emmanuel Macron"} <= names
        assert not names & {"POOL", "AFP", "APA", "Reuters", "JEAN DUPONT"}
        counted = [lm.mention.text for lm in view.entities.title + view.entities.body]
        assert sorted(counted) == sorted(["Paris", "Olaf Scholz", "Paris", "Emmanuel Macron"])
        assert str(view.parts["legend"]).startswith("1 people 2 · 2 places 2 · 3 organisations 0")


async def test_entities_are_highlighted_per_type_in_the_reader(tmp_path: Path):
    (tmp_path / "a.txt").write_text(
        "Treffen in Paris\n\nBundeskanzler Olaf Scholz hat am Montag in Paris den französischen "
        "Präsidenten Emmanuel Macron getroffen. Scholz sprach über die Ukraine.", encoding="utf-8")
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(120, 36)) as pilot:
        await entities_ready(app, pilot)
        view = app.screen.query_one(ArticleView)
        assert view.entities is not None
        body = view.parts["body"]
        styled = {body.plain[s.start:s.end]: s.style for s in body.spans}
        per_style = view.get_visual_style("entity-per", partial=True)
        loc_style = view.get_visual_style("entity-loc", partial=True)
        assert styled["Olaf Scholz"] == per_style
        assert styled["Paris"] == loc_style
        assert per_style != loc_style
        assert per_style.bold and loc_style.underline  # told apart without colour too


async def test_relaunch_lists_from_the_index_and_picks_up_changes(tmp_path: Path):
    write_articles(tmp_path)
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(120, 36)) as pilot:
        await entities_ready(app, pilot)
        assert len(app.screen.articles) == 3
    (tmp_path / "a.txt").unlink()
    (tmp_path / "d.txt").write_text(" date 2023-04 Vierter Artikel aus dem April.\n\nText vier.", encoding="utf-8")
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(120, 36)) as pilot:
        await entities_ready(app, pilot)
        assert [a.title for a in app.screen.articles] == ["Vierter Artikel aus dem April.",
                                                           "Zweiter Artikel aus dem März.",
                                                           "Dritter Artikel aus dem Februar."]
        assert shown_title(app) == "Vierter Artikel aus dem April."
        assert "Text vier." in str(app.screen.query_one(ArticleView).parts["body"])


async def test_keys_work_while_a_large_collection_is_indexed(tmp_path: Path):
    for i in range(600):
        (tmp_path / f"{i:04d}.txt").write_text(f" date 2020-{1 + i % 12:02d} Meldung Nummer {i} aus dem Archiv.\n\n"
                                               f"Kurzer Text {i}.", encoding="utf-8")
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(120, 36)) as pilot:
        status = app.screen.query_one("#status", Static)
        for _ in range(40):  # press keys while the worker reads files
            await pilot.press("j")
        await entities_ready(app, pilot)
        assert len(app.screen.articles) == 600
        assert str(status.content).startswith("600 articles")
        await pilot.press("k")
        assert app.screen.current is not None
        # progress as the worker reports it
        from newsreader.screens.main_screen import MainScreen

        app.screen.post_message(MainScreen.Progress("Reading files", 120, 600))
        await pilot.pause()
        assert str(status.content).endswith("Reading files 120/600…")


async def test_sort_toggle_at_the_top_keeps_the_article(tmp_path: Path):
    write_articles(tmp_path)
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        assert shown_title(app) == "Zweiter Artikel aus dem März."
        await pilot.press("o")
        assert shown_title(app) == "Zweiter Artikel aus dem März."
        assert app.screen.articles[0].title == "Erster Artikel aus dem Januar."


async def test_a_huge_article_is_cut_with_a_visible_notice(tmp_path: Path):
    from newsreader.widgets.article_view import MAX_SHOWN

    body = ("Ein sehr langer Satz über nichts Bestimmtes. " * 20 + "\n\n") * 600  # about 550,000 characters
    (tmp_path / "lang.txt").write_text("Ein sehr langer Text\n\n" + body, encoding="utf-8")
    app = NewsReaderApp([str(tmp_path)])
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        view = app.screen.query_one(ArticleView)
        shown = str(view.parts["body"])
        assert len(view.article.body) > MAX_SHOWN and len(shown) == MAX_SHOWN
        meta = str(view.parts["meta"])
        assert f"showing the first {MAX_SHOWN:,} of {len(view.article.body):,} characters" in meta
        assert "lang.txt" in meta
        await pilot.press("j", "k")  # still responsive
