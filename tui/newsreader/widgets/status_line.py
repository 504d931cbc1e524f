"""The status line under the panes: what the collection holds and what is going on.

Its text is worked out here from the hub's state, bound in with ``data_bind`` (the collection,
the unread count, the sort order, the bookmarks, skipped files, the progress of background work,
where a jump is): the hub never sets the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.reactive import var
from textual.widgets import Static

from newsreader.core.wording import count

if TYPE_CHECKING:
    from newsreader.core.article import Article
    from newsreader.core.bookmarks import Bookmark
    from newsreader.core.discover import Skipped


class StatusLine(Static):
    collection: var[list[Article]] = var(list, always_update=True)
    unread: var[int] = var(0)
    newest_first: var[bool] = var(True)
    marks: var[dict[str, Bookmark]] = var(dict, always_update=True)
    skipped: var[list[Skipped]] = var(list)
    # (stage, done, total, an estimate of the time left or "") while background work runs
    progress: var[tuple[str, int, int, str] | None] = var(None)
    listed_final: var[bool] = var(False)
    entities: var[object | None] = var(None)  # the collection's names, once they are found
    # ("match" or "mention", its number from 1, how many) after n/N or ]/[
    jump: var[tuple[str, int, int] | None] = var(None)
    text: var[str] = var("")

    def __init__(self, **kwargs) -> None:
        super().__init__("Loading…", markup=False, **kwargs)

    def compute_text(self) -> str:
        parts = []
        if self.collection or self.listed_final:
            parts.append(f"{count(len(self.collection), 'article')} · {self.unread:,} unread · "
                         f"{'newest' if self.newest_first else 'oldest'} first")
        if self.marks:
            parts.append(count(len(self.marks), "bookmark"))
        if self.skipped:
            parts.append(f"{count(len(self.skipped), 'file')} skipped (S)")
        if self.progress is not None:
            stage, done, total, left = self.progress
            parts.append(f"{stage} {done:,}/{total:,}{left}…")
        elif not self.listed_final:
            parts.append("Checking files…" if self.collection else "Loading…")
        elif self.entities is None:
            parts.append("Finding names…")
        if self.jump is not None:
            what, number, of = self.jump
            parts.append(f"{what} {number}/{of}")
        return " · ".join(parts)

    def watch_text(self, text: str) -> None:
        self.update(text, layout=False)  # the same text is not set again: no repaint, no layout
