"""Linking mentions to entities: inflected forms, surnames and spelling variants.

Per article: a genitive (``Putins``, ``Russlands``, ``Habeck’s``) maps to its base form when the
base is a name seen in the article or the collection, or a more frequent word in the lexicon; a
lone surname maps to the one full name in the article that ends with it (``Putin`` → ``Wladimir
Putin``). Across the collection: names whose folded forms are equal merge (``Kim Jong Un`` /
``Kim Jong-un`` / ``KIM JONG UN``), and near-equal names merge only when every word matches with a
small edit distance that grows with its length, so ``Kim Jong Un``, ``Kim Jong Il`` and
``Kim Young-ho`` stay three people. A lone name that is the last word of exactly one full name in
the article (or, failing that, the first word, as in ``Kim`` for ``Kim Jong Un``) links to it;
when two full names share it, it is left alone.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from newsreader.core.ner.features import fold
from newsreader.core.ner.types import LinkedMention, Mention

__all__ = ["Entity", "EntityIndex", "LinkedMention", "degenitive", "link_article", "name_key", "resolve", "same_name"]

_SPACES = re.compile(r"\s+")
_SPLIT = re.compile(r"[\s\-‐‑–]+")


@lru_cache(maxsize=1 << 16)  # names come again and again
def name_key(text: str) -> str:
    """Case, accents, hyphens and spacing do not matter: ``Kim Jong-un`` = ``kim jong un``."""
    return " ".join(w for w in _SPLIT.split(fold(text).replace("’", "'").strip("'")) if w)


def _allowed(word: str) -> int:
    return 0 if len(word) < 5 else 1 if len(word) < 9 else 2


def same_name(a: str, b: str) -> bool:
    """Spelling variants of one name: same words, each within an edit distance for its length."""
    return _same_words(name_key(a).split(), name_key(b).split())


def _same_words(wa: list[str], wb: list[str]) -> bool:
    from rapidfuzz.distance import Levenshtein  # loaded when names are compared: not for reading them

    if wa == wb:
        return True
    if len(wa) != len(wb) or not wa:
        return False
    return all(Levenshtein.distance(x, y, score_cutoff=_allowed(min(x, y, key=len))) <= _allowed(min(x, y, key=len))
               for x, y in zip(wa, wb))


def degenitive(text: str, is_known: Callable[[str, str], bool]) -> str:
    """``Putins`` → ``Putin`` when ``Putin`` is a known name; ``Paris`` stays ``Paris``.
    ``is_known(base, form)`` decides for a bare ``-s``; an apostrophe always marks a genitive."""
    for suffix in ("’s", "'s", "’", "'", "s"):
        if text.endswith(suffix) and len(text) - len(suffix) >= 3:
            base = text[: -len(suffix)]
            if suffix != "s" or is_known(base, text):
                return base
    return text


def link_article(mentions: Iterable[Mention],
                 is_known: Callable[[str, str], bool] | None = None) -> list[LinkedMention]:
    mentions = list(mentions)
    texts = {(_SPACES.sub(" ", m.text), m.type) for m in mentions}
    in_article = {t for t, _ in texts} | {t.split()[-1] for t, kind in texts if kind == "PER" and " " in t}

    def known(base: str, form: str) -> bool:
        return base in in_article or bool(is_known and is_known(base, form))

    linked = [LinkedMention(m, degenitive(_SPACES.sub(" ", m.text), known)) for m in mentions]
    by_last: dict[str, set[str]] = defaultdict(set)
    by_first: dict[str, set[str]] = defaultdict(set)
    for lm in linked:
        words = lm.base.split()
        if lm.mention.type == "PER" and len(words) > 1:
            by_last[words[-1]].add(lm.base)
            by_first[words[0]].add(lm.base)
    for lm in linked:
        if lm.mention.type == "PER" and " " not in lm.base:
            # a surname first (Putin → Wladimir Putin), else a name written first (Kim → Kim Jong Un)
            candidates = by_last.get(lm.base) or by_first.get(lm.base, set())
            if len(candidates) == 1:
                lm.base = next(iter(candidates))
    return linked


@dataclass
class Entity:
    canonical: str
    type: str
    aliases: Counter = field(default_factory=Counter)   # surface forms seen
    articles: set[str] = field(default_factory=set)
    mentions: int = 0

    def to_json(self) -> dict:
        return {"canonical": self.canonical, "type": self.type, "aliases": sorted(self.aliases),
                "articles": sorted(self.articles), "article_count": len(self.articles),
                "mentions": self.mentions}


Group = tuple[str, str]  # (type, name_key of an article-level name)


def resolve(groups: Mapping[Group, Counter]) -> tuple[dict[Group, Group], dict[Group, str]]:
    """Which groups are one entity, and its name. ``groups`` maps each (type, folded key) of the
    collection's article-level names to how often each spelling was the name. Returns each
    group's root (the groups of one entity share it) and each root's canonical spelling.

    One entity: keys of one type that are spelling variants (``same_name``), a genitive key and
    its base (``putins`` and ``putin``: in an article that has only the genitive, nothing said
    which it was), a lone surname and the one multi-word person of the collection it ends. The
    canonical name is the most frequent multi-word spelling, else the most frequent spelling.
    Works on the groups only: the cost does not grow with the number of mentions."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    parent = {k: k for k in groups}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    # near-equal spellings: compare only names of one type, word count and first letter
    blocks: dict[tuple, list[Group]] = defaultdict(list)
    for kind, key in groups:
        blocks[(kind, len(key.split()), key[:1])].append((kind, key))
    for members in blocks.values():
        if len(members) < 2:
            continue
        keys = [k for _, k in members]
        for i, a in enumerate(members):
            budget = 2 * (len(a[1].split()))
            # rapidfuzz finds the candidates in C; the word-by-word rule decides
            for _, _, j in process.extract(a[1], keys, scorer=Levenshtein.distance, score_cutoff=budget,
                                           limit=None):
                b = members[j]
                if j > i and find(a) != find(b) and _same_words(a[1].split(), b[1].split()):
                    parent[find(b)] = find(a)
    for kind, key in groups:  # a genitive whose base is a name of the collection
        if key.endswith("s") and len(key) > 3 and (kind, key[:-1]) in parent:
            parent[find((kind, key))] = find((kind, key[:-1]))
    # a lone surname joins the one multi-word person of the collection it ends
    last_words: dict[str, set] = defaultdict(set)
    for kind, key in groups:
        if kind == "PER" and " " in key:
            last_words[key.split()[-1]].add(find((kind, key)))
    for kind, key in groups:
        if kind == "PER" and " " not in key and len(last_words.get(key, ())) == 1:
            parent[find((kind, key))] = next(iter(last_words[key]))
    merged: dict[Group, Counter] = defaultdict(Counter)
    for k, counts in groups.items():
        merged[find(k)].update(counts)
    canonical = {root: max(counts.items(), key=lambda kv: (" " in kv[0], kv[1], len(kv[0]), kv[0]))[0]
                 for root, counts in merged.items()}
    return {k: find(k) for k in groups}, canonical


class EntityIndex:
    """The collection's entities, in memory. Feed it every article's mentions, then ``build()``.
    Each article is linked on its own (``link_article``), then the collection's names are
    resolved (``resolve``): as the collection's index stores them (``core.search.names``)."""

    def __init__(self, is_known: Callable[[str, str], bool] | None = None):
        self._is_known = is_known
        self._per_article: dict[str, list[LinkedMention]] = {}

    def add(self, article_id: str, mentions: Iterable[Mention]) -> None:
        self._per_article[article_id] = link_article(mentions, self._is_known)

    def build(self) -> list[Entity]:
        groups: dict[Group, Counter] = defaultdict(Counter)
        for linked in self._per_article.values():
            for lm in linked:
                groups[(lm.mention.type, name_key(lm.base))][lm.base] += 1
        root_of, canonical = resolve(groups)
        entities: dict[Group, Entity] = {}
        for aid, linked in self._per_article.items():
            for lm in linked:
                root = root_of[(lm.mention.type, name_key(lm.base))]
                lm.canonical = canonical[root]
                ent = entities.setdefault(root, Entity(canonical[root], lm.mention.type))
                ent.aliases[lm.mention.text] += 1
                ent.articles.add(aid)
                ent.mentions += 1
        return sorted(entities.values(), key=lambda e: (-len(e.articles), -e.mentions, e.canonical))

    def linked(self, article_id: str) -> list[LinkedMention]:
        return self._per_article.get(article_id, [])
