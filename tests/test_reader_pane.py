"""The reader pane draws its own lines: wrapping, what is drawn, scrolling, highlights, selection."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual import events

from newsreader.app import NewsReaderApp
from newsreader.widgets.article_view import ArticleView, wrap
from test_app_reader import ready


def test_wrap_keeps_words_whole_and_breaks_at_newlines():
    text = "Die Regierung plant neue Regeln.\n\nDrohnen über Flughäfen"
    lines = wrap(text, 14)
    assert [text[line.start:line.end].rstrip() for line in lines] == [
        "Die Regierung", "plant neue", "Regeln.", "", "Drohnen über", "Flughäfen"]
    assert [line.paragraph for line in lines] == [0, 0, 0, 1, 2, 2]
    assert lines[4].paragraph_start == text.index("Drohnen")


def test_wrap_cuts_a_word_longer_than_the_line():
    text = "siehe https://example.org/ein/sehr/langer/pfad dort"
    lines = [text[line.start:line.end] for line in wrap(text, 10)]
    assert lines[0] == "siehe "
    assert "".join(lines) == text
    assert all(cell_len(line.rstrip()) <= 10 for line in lines)
    assert lines[1] == "https://ex"


def test_wrap_counts_wide_characters_as_two_cells():
    text = "東京 東京都庁 北京"
    for line in wrap(text, 5):
        assert cell_len(text[line.start:line.end].rstrip()) <= 5


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab cdé\n東 -"), max_size=120), st.integers(1, 30))
def test_wrap_covers_the_text_in_order_and_fits_the_width(text, width):
    lines = wrap(text, width)
    paragraphs = text.split("\n")
    assert max(line.paragraph for line in lines) == len(paragraphs) - 1
    for line in lines:
        paragraph = paragraphs[line.paragraph]
        assert text[line.paragraph_start:line.paragraph_start + len(paragraph)] == paragraph
        assert line.paragraph_start <= line.start <= line.end <= line.paragraph_start + len(paragraph)
        drawn = text[line.start:line.end].rstrip()
        assert cell_len(drawn) <= max(width, 2)  # a wide character never splits: at width 1 it takes 2
    # the lines of a paragraph follow each other without a gap
    for a, b in zip(lines, lines[1:]):
        if a.paragraph == b.paragraph:
            assert a.end == b.start


BODY = " ".join(f"Satz {n} über Olaf Scholz in Berlin und das Wetter." for n in range(80))


@asynccontextmanager
async def reader_on(folder: Path, text: str):
    """The app at 140×40 on one article file with ``text``, loaded: (app, pilot, hub, reader)."""
    (folder / "a.txt").write_text(text, encoding="utf-8")
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        yield app, pilot, hub, hub.query_one(ArticleView)


def drawn(view: ArticleView) -> list[str]:
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


async def test_reader_draws_the_wrapped_text_scrolls_and_rewraps_on_resize(tmp_path: Path):
    async with reader_on(tmp_path, " date 2024-03 Ein langer Bericht\n\n" + BODY) as (app, pilot, hub, view):
        width = view.scrollable_content_region.width
        text_width = width - 2  # a gap, then the scrollbar in the last column
        plain = view.shown.plain
        assert [plain[line.start:line.end].rstrip() for line in view.lines] == \
            [line.rstrip() for line in _reference_lines(plain, text_width)]
        # the screen shows the first lines, padded to the width; the scrollbar knows the height
        assert drawn(view)[0].rstrip() == "Ein langer Bericht"
        assert all(len(line) == width for line in drawn(view))
        assert view.virtual_size.height == len(view.lines) and view.max_scroll_y > 0
        assert thumb_rows(view)[0] == 0  # the thumb at the top
        view.focus()
        await pilot.press("pagedown")
        top = int(view.scroll_offset.y)
        assert top > 0
        assert drawn(view)[0].rstrip() == plain[view.lines[top].start:view.lines[top].end].rstrip()
        await pilot.press("end")
        assert int(view.scroll_offset.y) == len(view.lines) - view.scrollable_content_region.height
        assert drawn(view)[-1].rstrip().endswith("Wetter.")
        assert thumb_rows(view)[-1] == view.scrollable_content_region.height - 1  # and at the bottom
        await pilot.resize_terminal(80, 24)  # narrow: the panes stack, the text is wrapped again
        await pilot.pause()
        narrow = view.scrollable_content_region.width - 2
        assert narrow != text_width
        assert all(cell_len(plain[line.start:line.end].rstrip()) <= narrow for line in view.lines)
        assert view.virtual_size.height == len(view.lines)


def thumb_rows(view: ArticleView) -> list[int]:
    """The rows where the reader's scrollbar (its last column) shows the thumb."""
    thumb = view.get_component_rich_style("article-view--thumb").bgcolor
    return [y for y in range(view.scrollable_content_region.height)
            if list(view.render_line(y))[-1].style.bgcolor == thumb]


async def test_the_scrollbar_takes_clicks_and_drags(tmp_path: Path):
    async with reader_on(tmp_path, " date 2024-03 Ein langer Bericht\n\n" + BODY) as (app, pilot, hub, view):
        region = view.content_region
        bar_x = region.right - 1
        await pilot.click(offset=(bar_x, region.bottom - 1))  # the bottom of the bar: the end
        await pilot.pause()
        assert int(view.scroll_offset.y) == view.max_scroll_y
        await pilot.mouse_down(offset=(bar_x, region.y))  # drag from the top to the middle
        await pilot.pause()
        assert int(view.scroll_offset.y) == 0
        await pilot.hover(offset=(bar_x, region.y + region.height // 2))
        await pilot.mouse_up(offset=(bar_x, region.y + region.height // 2))
        await pilot.pause()
        assert 0.3 < view.scroll_offset.y / view.max_scroll_y < 0.7
        assert app.screen.get_selected_text() in (None, "")  # dragging the bar selects no text
        # and the wheel scrolls the text
        before = view.scroll_offset.y
        for _ in range(3):
            view.post_message(events.MouseScrollDown(view, 5, 5, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert view.scroll_offset.y > before


def _reference_lines(text: str, width: int) -> list[str]:
    """Greedy word wrap written the plain way, to check ``wrap`` against (words here are short)."""
    out = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and cell_len(candidate) > width:
                out.append(line)
                line = word
            else:
                line = candidate
        out.append(line)
    return out


async def test_toggling_a_type_redraws_without_rewrapping(tmp_path: Path):
    async with reader_on(tmp_path, " date 2024-03 Scholz in Berlin\n\n" + BODY) as (app, pilot, hub, view):
        lines = view.lines
        per = view.get_visual_style("entity-per", partial=True).rich_style

        def styles_of(word: str) -> set:
            found = set()
            for y in range(view.scrollable_content_region.height):
                for segment in view.render_line(y):
                    if word in segment.text:
                        found.add(segment.style.color)
            return found

        assert per.color in styles_of("Olaf Scholz")
        await pilot.press("1")  # people off
        assert view.lines is lines  # the same breaks: only the lines in view are drawn again
        assert styles_of("Olaf Scholz") and per.color not in styles_of("Olaf Scholz")
        await pilot.press("1")
        assert per.color in styles_of("Olaf Scholz")


async def test_the_next_mention_is_scrolled_into_view(tmp_path: Path):
    body = " ".join(f"Satz {n} über das Wetter." for n in range(300)) + " Am Ende sprach Angela Merkel in Hamburg."
    async with reader_on(tmp_path, " date 2024-03 Ein Wetterbericht\n\n" + body) as (app, pilot, hub, view):
        assert view.entities is not None and view.entities.body, "the test needs a name near the end"
        view.focus()
        await pilot.press("right_square_bracket")
        start, end = view.focus_span
        name = hub.current.body[start:end]
        assert name in {"Angela Merkel", "Hamburg"}
        assert int(view.scroll_offset.y) > 0
        assert any(name.split()[0] in line for line in drawn(view))  # the mention is on screen
        assert reversed_text(view) == [name]
        top = int(view.scroll_offset.y)
        await pilot.press("right_square_bracket")  # the next one: the old one is drawn plain again
        start, end = view.focus_span
        assert hub.current.body[start:end] != name
        assert reversed_text(view) == [hub.current.body[start:end]]
        assert int(view.scroll_offset.y) == top  # it was on screen already: the text stays put


def reversed_text(view: ArticleView) -> list[str]:
    """The text drawn reversed (the mention or match jumped to)."""
    return [segment.text for y in range(view.scrollable_content_region.height)
            for segment in view.render_line(y) if segment.style and segment.style.reverse]


async def test_text_can_be_selected_with_the_mouse(tmp_path: Path):
    async with reader_on(tmp_path, " date 2024-03 Ein langer Bericht\n\n" + BODY) as (app, pilot, hub, view):
        # the reader's first line is its title: drag across "langer" (border and padding first)
        x0 = view.region.x + 2 + len("Ein ")
        y0 = view.region.y + 1
        await pilot.mouse_down(offset=(x0, y0))
        await pilot.hover(offset=(x0 + len("langer") - 1, y0))
        await pilot.mouse_up(offset=(x0 + len("langer") - 1, y0))  # the last cell is selected too
        await pilot.pause()
        assert app.screen.get_selected_text() == "langer"
        assert view.text_selection is not None
