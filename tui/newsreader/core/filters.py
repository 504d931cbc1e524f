"""What the list shows: the collection narrowed by filters that combine.

A :class:`View` is the filters in the order the user added them. Each filter keeps some
articles; the view keeps the articles every filter keeps (their intersection), in the
collection's order, or best first when one of them is a search::

    view = View().add(NameFilter("PER", "Olaf Scholz", ids)).add(UnreadFilter(unread_ids))
    shown = view.apply(collection)
    view = view.without_last()          # escape peels the newest filter off

Filters are values (frozen dataclasses): adding one returns a new view, so the screen that owns
the view can hold it in one reactive and compare it with the last one. A filter of a kind the
view already has replaces it in its place (one search, one name, one source at a time).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsreader.core.article import ArticleRows
from newsreader.core.wording import TYPE_NAMES, count

if TYPE_CHECKING:
    from newsreader.core.article import Article


@dataclass(frozen=True)
class Filter:
    """Keeps the articles whose ids are in ``ids``. ``label`` is what the filter line shows: its
    ``title`` with the filter's fields filled in (``"Source: {source}"``)."""

    kind = "filter"
    title = ""
    ids: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    @property
    def label(self) -> str:
        return self.title.format_map(vars(self))

    def keeps(self, article_id: str) -> bool:
        return article_id in self.ids


@dataclass(frozen=True)
class NameFilter(Filter):
    """Articles that mention one name (``ids`` from the collection's names)."""

    kind = "name"
    type: str = ""
    name: str = ""

    @property
    def label(self) -> str:
        return f"{TYPE_NAMES.get(self.type, self.type)}: {self.name}"


@dataclass(frozen=True)
class SearchFilter(Filter):
    """The results of a search, best first (``ranked``); ``error`` when the query is wrong."""

    kind = "search"
    title = "Search “{query}”"
    query: str = ""
    ranked: tuple[str, ...] = field(default=(), compare=False)
    terms: frozenset[str] = field(default=frozenset(), compare=False)
    error: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ids", frozenset(self.ranked))


class UnreadFilter(Filter):  # no fields of its own: Filter's dataclass methods serve
    """Articles not read when the filter was added (one read since then stays in the list)."""

    kind = "unread"
    title = "Unread"


class BookmarkedFilter(Filter):  # no fields of its own: Filter's dataclass methods serve
    kind = "bookmarked"
    title = "Bookmarked"


@dataclass(frozen=True)
class SourceFilter(Filter):
    kind = "source"
    title = "Source: {source}"
    source: str = ""


@dataclass(frozen=True)
class View:
    filters: tuple[Filter, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.filters)

    def add(self, new: Filter) -> View:
        """The view with ``new``: in place of a filter of its kind, else last."""
        kinds = [f.kind for f in self.filters]
        if new.kind in kinds:
            i = kinds.index(new.kind)
            return View(self.filters[:i] + (new,) + self.filters[i + 1:])
        return View(self.filters + (new,))

    def without(self, kind: str) -> View:
        return View(tuple(f for f in self.filters if f.kind != kind))

    def without_last(self) -> View:
        return View(self.filters[:-1])

    def get(self, kind: str) -> Filter | None:
        return next((f for f in self.filters if f.kind == kind), None)

    @property
    def search(self) -> SearchFilter | None:
        found = self.get("search")
        return found if isinstance(found, SearchFilter) else None

    def allowed(self, collection: Iterable[Article], but: str | None = None) -> set[str] | None:
        """The ids every filter (except those of kind ``but``) keeps; None when none applies."""
        active = [f for f in self.filters if f.kind != but]
        if not active:
            return None
        return {a.id for a in collection if all(f.keeps(a.id) for f in active)}

    def apply(self, collection: Sequence[Article]) -> ArticleRows:
        """The articles every filter keeps: best first under a search, else in collection order
        (with no filter: ``collection`` itself, when it is an :class:`ArticleRows`, which is not
        changed once made)."""
        if not self.filters:
            return collection if isinstance(collection, ArticleRows) else ArticleRows(collection)
        search = self.search
        others = [f for f in self.filters if f is not search]
        if search is not None:
            by_id = {a.id: a for a in collection}
            return ArticleRows(by_id[i] for i in search.ranked if i in by_id and all(f.keeps(i) for f in others))
        return ArticleRows(a for a in collection if all(f.keeps(a.id) for f in others))

    def line(self, shown: int) -> str:
        """The filter line: every filter in the order added, and the count."""
        parts = [f.label for f in self.filters]
        search = self.search
        tail = count(shown, "result" if search is not None else "article")
        if search is not None and search.error:
            tail = search.error
        elif search is not None:
            tail += ", best first"
        return " + ".join(parts) + " · " + tail
