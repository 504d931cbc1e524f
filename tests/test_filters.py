"""core.filters: filters combine by intersection, a search orders, escape peels the newest."""

from __future__ import annotations

from newsreader.core.article import Article
from newsreader.core.filters import (BookmarkedFilter, NameFilter, SearchFilter, SourceFilter, UnreadFilter,
                                     View)


def _articles(n: int) -> list[Article]:
    return [Article(id=f"a{i}", title=f"Titel {i}", body="Text", source="dpa" if i % 2 else "apa")
            for i in range(n)]


def test_filters_keep_the_intersection_in_collection_order():
    arts = _articles(10)
    view = (View().add(NameFilter(frozenset({"a1", "a2", "a3", "a5", "a8"}), "PER", "Olaf Scholz"))
            .add(UnreadFilter(frozenset({"a2", "a3", "a5", "a9"}))))
    assert [a.id for a in view.apply(arts)] == ["a2", "a3", "a5"]
    view = view.add(SourceFilter(frozenset(a.id for a in arts if a.source == "dpa"), "dpa"))
    assert [a.id for a in view.apply(arts)] == ["a3", "a5"]


def test_a_search_orders_the_results_best_first_and_keeps_only_what_the_others_allow():
    arts = _articles(10)
    view = View().add(BookmarkedFilter(frozenset({"a1", "a4", "a7"})))
    view = view.add(SearchFilter(query="kim", ranked=("a7", "a0", "a1", "a4")))
    assert [a.id for a in view.apply(arts)] == ["a7", "a1", "a4"]
    assert view.allowed(arts, but="search") == {"a1", "a4", "a7"}
    assert view.allowed(arts) == {"a1", "a4", "a7"}
    assert View().allowed(arts) is None


def test_a_filter_of_the_same_kind_replaces_the_old_one_in_its_place_and_escape_peels_the_newest():
    name = NameFilter(frozenset({"a1"}), "PER", "A")
    view = View().add(name).add(SearchFilter(query="x", ranked=("a1",))).add(UnreadFilter(frozenset({"a1"})))
    view = view.add(NameFilter(frozenset({"a2"}), "LOC", "Berlin"))
    assert [f.kind for f in view.filters] == ["name", "search", "unread"]
    assert view.get("name").name == "Berlin"
    assert [f.kind for f in view.without_last().filters] == ["name", "search"]
    assert [f.kind for f in view.without_last().without_last().without_last().filters] == []
    assert not View()


def test_the_filter_line_names_every_filter_in_order():
    view = View().add(NameFilter(frozenset(), "PER", "Olaf Scholz")).add(SearchFilter(query="wahl"))
    assert view.line(3) == "People: Olaf Scholz + Search “wahl” · 3 results, best first"
    bad = view.add(SearchFilter(query="date:x", error="date: wants YYYY"))
    assert bad.line(0).endswith("+ Search “date:x” · date: wants YYYY")
    assert View().add(UnreadFilter(frozenset())).line(1) == "Unread · 1 article"
    both = View().add(SourceFilter(frozenset(), "taz {x}")).add(BookmarkedFilter(frozenset()))
    assert both.line(2) == "Source: taz {x} + Bookmarked · 2 articles"  # braces in a source are its text
