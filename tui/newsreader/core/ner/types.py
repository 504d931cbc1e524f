"""What every recognizer returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

TYPES = ("PER", "LOC", "ORG", "MISC")


@dataclass(frozen=True, slots=True)
class Mention:
    """A recognised name: character offsets into the text it was found in."""

    start: int
    end: int
    text: str
    type: str
    confidence: float = 1.0


@dataclass
class LinkedMention:
    """A mention with the article-level name it stands for (``link.link_article``) and the
    collection's name for it (``canonical``: the entity's, once the names are resolved)."""

    mention: Mention
    base: str
    canonical: str = ""


@dataclass
class ArticleEntities:
    """The names found in one article."""

    title: list[LinkedMention] = field(default_factory=list)  # offsets into article.title
    body: list[LinkedMention] = field(default_factory=list)   # offsets into article.body


class Recognizer(Protocol):
    name: str

    @property
    def version(self) -> str: ...

    def recognize(self, text: str) -> list[Mention]: ...
