"""Words shown to users: counted nouns (``1 result``, ``2 results``) and the names of the entity types."""

from __future__ import annotations

TYPE_NAMES = {"PER": "People", "LOC": "Places", "ORG": "Organisations", "MISC": "Other names"}


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun in the right number, with thousands separators: ``count(1, "file")``
    is ``1 file``, ``count(1200, "article")`` is ``1,200 articles``."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
