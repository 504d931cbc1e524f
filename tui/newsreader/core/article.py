"""The article model: what every loader produces and every view shows."""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime
from typing import Literal

Precision = Literal["month", "day", "minute"]

_MONTHS_DE = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")


@dataclass(frozen=True, slots=True)
class ArticleDate:
    """A date that knows how much of it is known, and whether it was only inferred from the text."""

    value: datetime
    precision: Precision
    inferred: bool = False

    def iso(self) -> str:
        v = self.value
        if self.precision == "month":
            return f"{v.year:04d}-{v.month:02d}"
        if self.precision == "day":
            return f"{v.year:04d}-{v.month:02d}-{v.day:02d}"
        return f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}"

    @classmethod
    def from_iso(cls, text: str) -> ArticleDate | None:
        """The inverse of :meth:`iso` (``YYYY-MM``, ``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM``); None for
        anything else, so a damaged value in a user file is shown as it is, not trusted."""
        precision = {7: "month", 10: "day", 16: "minute"}.get(len(text))
        try:
            if precision is None or not text.isascii():
                return None
            value = datetime.strptime(text, {"month": "%Y-%m", "day": "%Y-%m-%d", "minute": "%Y-%m-%dT%H:%M"}[precision])
        except ValueError:
            return None
        return cls(value, precision)  # type: ignore[arg-type]

    def display(self, with_time: bool = True) -> str:
        """Short human form at its precision; inferred dates carry a leading ``~``."""
        v = self.value
        month = _MONTHS_DE[v.month - 1]
        if self.precision == "month":
            text = f"{month} {v.year}"
        elif self.precision == "day" or not with_time:
            text = f"{v.day:02d} {month} {v.year}"
        else:
            text = f"{v.day:02d} {month} {v.year} {v.hour:02d}:{v.minute:02d}"
        return ("~" if self.inferred else "") + text

    def sort_key(self) -> tuple[int, ...]:
        """Ascending key. A month-only date sorts before the exact dates of its month, so that
        newest-first (descending) lists it after them."""
        v = self.value
        if self.precision == "month":
            return (v.year, v.month, 0, 0, 0, 0)
        minute = (v.hour, v.minute) if self.precision == "minute" else (0, 0)
        return (v.year, v.month, 1, v.day, *minute)


@dataclass(slots=True)
class Article:
    """One article. ``body`` is the displayed text; entity offsets index into it."""

    id: str
    title: str
    body: str
    date: ArticleDate | None = None
    source: str | None = None
    author: str | None = None
    url: str | None = None
    paths: list[str] = field(default_factory=list)
    kicker: str | None = None
    redecoded: bool = False
    boilerplate: list[tuple[int, int]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    lazy: bool = False  # listed from the index without its body yet (see SearchIndex.fill)

    @property
    def path(self) -> str:
        return self.paths[0] if self.paths else ""

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.iso() if self.date else None,
            "date_precision": self.date.precision if self.date else None,
            "date_inferred": bool(self.date and self.date.inferred),
            "source": self.source,
            "author": self.author,
            "url": self.url,
            "path": self.path,
            "paths": list(self.paths),
            "redecoded": self.redecoded,
        }


    def to_record(self) -> dict:
        """Everything needed to rebuild the article without its file (for the search index)."""
        d = self.date
        return {
            "id": self.id, "title": self.title, "body": self.body,
            "date": [d.value.isoformat(), d.precision, d.inferred] if d else None,
            "source": self.source, "author": self.author, "url": self.url, "paths": list(self.paths),
            "kicker": self.kicker, "redecoded": self.redecoded,
            "boilerplate": [list(span) for span in self.boilerplate], "notices": list(self.notices),
        }

    @classmethod
    def from_record(cls, r: dict) -> Article:
        date = None
        if r.get("date"):
            value, precision, inferred = r["date"]
            date = ArticleDate(datetime.fromisoformat(value), precision, inferred)
        return cls(id=r["id"], title=r["title"], body=r["body"], date=date, source=r.get("source"),
                   author=r.get("author"), url=r.get("url"), paths=list(r.get("paths") or []),
                   kicker=r.get("kicker"), redecoded=bool(r.get("redecoded")),
                   boilerplate=[(a, b) for a, b in r.get("boilerplate") or []],
                   notices=list(r.get("notices") or []))


# Names are looked for in the first this many characters of a body, the part the reader lays out:
# recognising a 50 MB text would take the better part of an hour.
MAX_NER_CHARS = 200_000
# How ``ner_texts`` makes the texts (in every recognizer's version: names found in texts made
# otherwise are found again). 2: boilerplate lines blanked out.
NER_TEXTS = 2


def ner_texts(articles: Iterable[Article]) -> list[str]:
    """The texts names are found in: each article's title, then the first ``MAX_NER_CHARS`` of its
    body with its boilerplate lines (credits, captions, bylines: ``Article.boilerplate``) blanked
    out, so that no name is found there (not ``POOL`` of ``REUTERS/…/POOL`` as a place) and none is
    counted; the offsets stay those of the body."""
    return [t for a in articles for t in (a.title, names_text(a))]


def names_text(article: Article) -> str:
    """The part of the body names are found in (see ``ner_texts``)."""
    text = article.body[:MAX_NER_CHARS]
    spans = [(s, e) for s, e in article.boilerplate if 0 <= s < e <= len(text)]
    if not spans:
        return text
    parts, at = [], 0
    for start, end in sorted(spans):
        start = max(start, at)
        if start >= end:
            continue
        parts += [text[at:start], re.sub(r"[^\n]", " ", text[start:end])]
        at = end
    parts.append(text[at:])
    return "".join(parts)


PIECE = 1 << 20  # long texts are worked on a piece of about this many characters at a time
_SPACE = re.compile(r"\s")


def pieces(text: str, size: int | None = None) -> Iterator[str]:
    """``text`` in pieces of at least ``size`` characters (default ``PIECE``; the last may be
    shorter), each ending after a whitespace character: no word, hyphenated compound or Unicode
    composition spans two pieces. A text shorter than that is one piece, itself."""
    size = size or PIECE
    start = 0
    while start < len(text):
        space = _SPACE.search(text, start + size)
        end = space.end() if space else len(text)
        yield text[start:end]
        start = end


def article_id(title: str, body: str) -> str:
    """Stable id from the normalised content: the same text in two files, or a renamed file,
    gets the same id. Whitespace, case and Unicode composition do not matter.

    The hash is of ``" ".join(NFC(title + "\\n" + body).casefold().split())``, taken a
    :func:`pieces` at a time, so a 60 MB body needs no copies of its size."""
    digest = hashlib.blake2b(digest_size=8)
    wrote = gap = False  # a word was hashed; whitespace came after the last one
    for piece in itertools.chain((title, "\n"), pieces(body)):
        norm = unicodedata.normalize("NFC", piece).casefold()
        words = norm.split()  # every run of whitespace (str.isspace, as re's \s) becomes one space
        if words:
            if wrote and (gap or norm[0].isspace()):
                digest.update(b" ")
            digest.update(" ".join(words).encode("utf-8"))
            wrote, gap = True, norm[-1].isspace()
        elif norm:
            gap = True
    return digest.hexdigest()


class ArticleRows(list):
    """A list of articles in the order shown, not changed once made, that knows the row of each
    article (by id) and the longest source: worked out once, on first use. Whoever makes a long
    one in a worker asks for them there, so that a screen showing it does not (50,000 articles:
    10 ms on the screen's thread at every listing)."""

    @cached_property
    def rows(self) -> dict[str, int]:
        return {a.id: i for i, a in enumerate(self)}

    @cached_property
    def longest_source(self) -> int:
        return max((len(a.source) for a in self if a.source), default=0)


def rows_of(articles: Sequence[Article]) -> dict[str, int]:
    """The row of each article of ``articles`` by id (an :class:`ArticleRows`' own, once made)."""
    return articles.rows if isinstance(articles, ArticleRows) else {a.id: i for i, a in enumerate(articles)}


def sort_articles(articles: Sequence[Article], newest_first: bool = True) -> ArticleRows:
    """Dated articles by date (newest first by default), undated last in either order.
    Ties break on path so the order is stable and reverses exactly with the toggle."""
    dated = [a for a in articles if a.date is not None]
    undated = [a for a in articles if a.date is None]
    dated.sort(key=lambda a: (a.date.sort_key(), a.path), reverse=newest_first)  # type: ignore[union-attr]
    undated.sort(key=lambda a: a.path, reverse=newest_first)
    out = ArticleRows(dated)
    out += undated
    return out
