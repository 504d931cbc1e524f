"""Plain-text articles, with or without the ``date YYYY-MM`` header."""

from __future__ import annotations

import re
from datetime import datetime

from newsreader.core.article import Article, ArticleDate, article_id

_HEADER = re.compile(r"\A\s*date\s+(\d{4})-(\d{2})\b[ \t]*")


def parse_plain_text(text: str) -> Article:
    date = None
    match = _HEADER.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        date = ArticleDate(datetime(int(match.group(1)), int(match.group(2)), 1), "month")
        text = text[match.end() :]
    body = text.strip()
    first = body.split("\n", 1)[0].strip()
    title = first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "…"
    return Article(id=article_id(title, body), title=title, body=body, date=date)
