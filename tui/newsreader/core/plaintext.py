"""Plain-text articles, with or without the `` date YYYY-MM `` header, and the shared builder that
turns a body plus whatever metadata a format had into an :class:`Article`."""

from __future__ import annotations

import html
import re
from datetime import datetime

from newsreader.core.article import Article, ArticleDate, article_id
from newsreader.core.dates import find_stamp, infer_date, refine
from newsreader.core.metadata import analyse_text, clean_author, shorten

_HEADER = re.compile(r"\A[ \t]*date[ \t]+(\d{4})-(\d{2})\b[ \t]*\n?")
_ENTITY = re.compile(r"&(?:nbsp|amp|quot|lt|gt|apos|shy|ndash|mdash|bdquo|ldquo|rdquo|lsquo|rsquo|laquo|raquo|"
                     r"auml|ouml|uuml|Auml|Ouml|Uuml|szlig|euro|hellip|#\d{2,6}|#x[0-9a-fA-F]{2,5});")


def build_article(body: str, *, title: str | None = None, date: ArticleDate | None = None,
                  source: str | None = None, author: str | None = None, url: str | None = None) -> Article | None:
    """An article from a body and the metadata its format gave. Missing title, source, author and
    date are looked for in the text. Returns None when there is no text at all."""
    body = body.strip("\n").rstrip()
    if not body.strip() and not (title and title.strip()):
        return None
    title = " ".join(title.split()) if title and title.strip() else None
    meta = analyse_text(body, title=title)
    stamp = find_stamp(body)  # the full text: a stamp may stand on the headline line
    when = refine(date, stamp[0] if stamp else None)
    text = meta.body  # without the headline line; the whole body when the format gave a title
    if when is None:
        captions = [text[s:e] for s, e in meta.boilerplate] if title is None else []
        when = infer_date(text, captions)
    final_title = meta.title or shorten(text)
    return Article(
        id=article_id(final_title, text),
        title=final_title,
        body=text,
        date=when,
        source=source or meta.source,
        author=clean_author(author) or meta.author,
        url=url,
        kicker=meta.kicker,
        boilerplate=meta.boilerplate,
    )


def parse_plain_text(text: str) -> Article | None:
    date = None
    match = _HEADER.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        date = ArticleDate(datetime(int(match.group(1)), int(match.group(2)), 1), "month")
        text = text[match.end():]
    if len(_ENTITY.findall(text[:20000])) >= 2:  # text from a naive tag strip: &amp; &nbsp; remain
        text = html.unescape(text).replace("\u00a0", " ")
    return build_article(text, date=date)
