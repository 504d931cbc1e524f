"""Regenerate the pictures of the reader in docs/screenshots/ (``make screenshots``).

    python docs/screenshots.py [FOLDER]

The app runs headless on the bundled seeds, with empty user folders in a temporary directory (your
own bookmarks are not touched), and each picture is saved by Textual's ``save_screenshot`` as SVG.
The search query and the chosen name come from the collection itself (its most widespread place,
typed without umlauts and with a letter missing; the most widespread person in the open article),
so the script works on whatever the seeds are.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZE = (140, 40)
PICTURES = ("main.svg", "search.svg", "entity-filter.svg", "bookmarks.svg")


async def _ready(pilot) -> None:
    from newsreader.screens.main_screen import MainScreen

    for _ in range(600):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = pilot.app.screen
        if isinstance(screen, MainScreen) and screen.entities is not None and screen.index is not None:
            await _settle(pilot)
            return
    raise RuntimeError("the app did not finish loading")


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.2)
    pilot.app.clear_notifications()
    await pilot.pause()


def _typed_with_a_typo(name: str) -> str:
    """The name as a hurried reader types it: lower case, no umlauts, one letter left out."""
    from newsreader.core.search.fold import fold_word

    word = fold_word(max(name.split(), key=len))
    return word[:3] + word[4:] if len(word) >= 6 else word


async def _shoot(out: Path) -> None:
    from newsreader.app import NewsReaderApp
    from newsreader.widgets.entity_panel import EntityPanel

    async def session(name: str, steps) -> None:
        app = NewsReaderApp()
        async with app.run_test(size=SIZE) as pilot:
            await _ready(pilot)
            await steps(pilot, app.screen)
            await _settle(pilot)
            app.save_screenshot(name, str(out))
            print(out / name)

    async def main(pilot, hub) -> None:
        pass

    async def search(pilot, hub) -> None:
        places = [e for e in hub.entities if e.type == "LOC"]
        top = max(places, key=lambda e: (e.article_count, e.mentions))
        await pilot.press("slash", *_typed_with_a_typo(top.canonical))

    async def entity_filter(pilot, hub) -> None:
        panel = hub.query_one(EntityPanel)
        spread = {(e.type, e.canonical): e.article_count for e in hub.entities}
        options = [(i, o.id.split("\x1f", 1)) for i, o in enumerate(panel.rows) if o.id]
        best = max(options, key=lambda io: (io[1][0] == "PER", spread.get(tuple(io[1]), 0)))
        await pilot.press("e")
        panel.highlighted = best[0]
        await pilot.press("enter", "right_square_bracket")

    async def bookmarks(pilot, hub) -> None:
        await pilot.press("b", "j", "j", "b")
        await _settle(pilot)
        await pilot.press("B", "e", *"später lesen", "enter")  # a note on the first bookmark

    for name, steps in zip(PICTURES, (main, search, entity_filter, bookmarks)):
        await session(name, steps)


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else HERE / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        import platformdirs

        for kind in ("data", "state", "cache", "config"):  # every user folder inside ``home``
            setattr(platformdirs, f"user_{kind}_dir", lambda *_a, _k=kind, **_kw: os.path.join(home, _k))
        import newsreader.screens.main_screen as main_screen

        main_screen.READ_AFTER_SECONDS = 10_000  # no article turns "read" while the pictures are taken
        asyncio.run(_shoot(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
