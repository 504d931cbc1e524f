"""Load articles from the user's files and folders: discover, decode, parse, de-duplicate."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.core.article import Article, sort_articles
from newsreader.core.discover import Skipped, discover
from newsreader.core.formats import NotArticles, parse_document
from newsreader.core.textclean import BinaryFile, clean_text, decode_bytes

MAX_FILE_BYTES = 64 * 1024 * 1024

Progress = Callable[[int, str], None]


@dataclass(slots=True)
class LoadResult:
    articles: list[Article] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files_read: int = 0

    @property
    def redecoded(self) -> list[Article]:
        return [a for a in self.articles if a.redecoded]


class LoadError(Exception):
    """A file that gives no article; the message is the reason shown to the user."""


def read_text(path: Path) -> tuple[str, bool]:
    """The cleaned text of ``path`` and whether it was re-decoded from cp1252."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LoadError(f"too large ({size / 2**20:.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror or exc}") from None
    try:
        decoded = decode_bytes(data)
    except BinaryFile as exc:
        raise LoadError(str(exc)) from None
    del data  # a large file is not held twice
    return clean_text(decoded.text), decoded.redecoded


def load_file(path: Path) -> list[Article]:
    """All articles in one file. Raises :class:`LoadError` with a reason when there are none."""
    text, redecoded = read_text(path)
    text = text.rstrip()  # means nothing to any format; gone here, no parser copies a long text to drop it
    if not text:
        raise LoadError("empty (no text)")
    try:
        with warnings.catch_warnings():  # a library's warning about a page (dateutil's
            warnings.simplefilter("ignore")  # UnknownTimezoneWarning) is not for the terminal
            articles = parse_document(text, path)
    except NotArticles as exc:
        raise LoadError(str(exc)) from None
    if not articles:
        raise LoadError("no article found in it")
    for article in articles:
        article.paths = [str(path)]
        article.redecoded = redecoded
        if redecoded:
            article.notices.append("not valid UTF-8: read as Windows-1252 (cp1252)")
    return articles


def load_paths(paths: Iterable[str | os.PathLike[str]], progress: Progress | None = None) -> LoadResult:
    """Load everything below ``paths``. The same article (same id) in several files appears
    once, with every path it was found at. Never raises for a bad file: it is skipped with a reason."""
    result = LoadResult()
    by_id: dict[str, Article] = {}
    for path in discover(paths, result.skipped):
        result.files_read += 1
        if progress is not None:
            progress(result.files_read, str(path))
        try:
            articles = load_file(path)
        except LoadError as exc:
            result.skipped.append(Skipped(str(path), str(exc)))
            continue
        except Exception as exc:  # a parser bug must not take down the whole load
            result.skipped.append(Skipped(str(path), f"could not be parsed ({type(exc).__name__}: {exc})"))
            continue
        for article in articles:
            known = by_id.get(article.id)
            if known is None:
                by_id[article.id] = article
            elif article.path not in known.paths:
                known.paths.append(article.path)
    result.articles = sort_articles(list(by_id.values()))
    return result
