"""The line above the list: the filters that are on, how many articles they keep, and the keys
that use them. Worked out from the hub's view and list (bound in with ``data_bind``); hidden
while no filter is on. What it quotes (a name, the query) passes ``visible``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.reactive import var
from textual.widgets import Static

from newsreader.core.filters import View
from newsreader.core.textclean import visible

if TYPE_CHECKING:
    from newsreader.core.article import Article

RESULTS_LIMIT = 200  # the hub asks the index for this many results


class FilterLine(Static):
    view: var[View] = var(View, always_update=True)
    articles: var[list[Article]] = var(list, always_update=True)  # what the view keeps
    waiting: var[str] = var("")  # a search typed before the index is ready
    complete: var[bool] = var(True)  # every file is read (a search covers those read so far)
    text: var[str | None] = var(None)

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.display = False

    def compute_text(self) -> str | None:
        view = self.view
        if not view:
            return "Search: the index is still being built; results follow…" if self.waiting.strip() else None
        search = view.search
        hints = ""  # the keys that use a filter, while there is room for them (one filter)
        if len(view.filters) == 1:
            hints = " · enter opens · n/N next match" if search is not None else ""
            if view.get("name") is not None:
                hints += " · ] / [ jump between mentions"
        cut = " (first 200)" if search is not None and len(search.ranked) >= RESULTS_LIMIT else ""
        more = " · more as files are read" if search is not None and not self.complete else ""
        peel = " · escape clears" if len(view.filters) == 1 else " · escape removes the last filter"
        return view.line(len(self.articles)) + cut + more + hints + peel

    def watch_text(self, text: str | None) -> None:
        self.display = text is not None
        self.update(visible(text or ""))
