"""Entities of a whole collection: recognise (through the cache), link, index."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from newsreader.core.article import Article, ner_texts
from newsreader.core.ner.cache import EntityCache, recognize_all
from newsreader.core.ner.link import Entity, EntityIndex, LinkedMention
from newsreader.core.ner.types import ArticleEntities, Recognizer

__all__ = ["ArticleEntities", "CollectionEntities", "analyse", "default_cache", "mention_json"]


@dataclass
class CollectionEntities:
    by_article: dict[str, ArticleEntities]
    entities: list[Entity]
    notices: list[str] = field(default_factory=list)

    def to_json(self) -> list[dict]:
        return [e.to_json() for e in self.entities]


def default_cache(on_notice: Callable[[str], None] | None = None) -> EntityCache:
    from newsreader.core.paths import cache_dir

    return EntityCache(cache_dir() / "entities.sqlite", on_notice=on_notice)


def analyse(articles: Sequence[Article], recognizer: Recognizer, cache: EntityCache | None = None,
            progress: Callable[[int, int], None] | None = None) -> CollectionEntities:
    cache = cache if cache is not None else EntityCache(None)
    found = recognize_all(ner_texts(articles), recognizer, cache, progress)
    index = EntityIndex(getattr(recognizer, "is_known_base", None))
    split: dict[str, int] = {}
    for n, article in enumerate(articles):
        title_ms, body_ms = found[2 * n], found[2 * n + 1]
        split[article.id] = len(title_ms)
        index.add(article.id, title_ms + body_ms)
    entities = index.build()
    by_article = {}
    for article in articles:
        linked = index.linked(article.id)
        k = split[article.id]
        by_article[article.id] = ArticleEntities(linked[:k], linked[k:])
    return CollectionEntities(by_article, entities, cache.new_notices())


def mention_json(lm: LinkedMention) -> dict:
    m = lm.mention
    return {"start": m.start, "end": m.end, "text": m.text, "type": m.type, "canonical": lm.canonical,
            "confidence": m.confidence}
