"""Articles from structured files: JSON / JSON Lines, Markdown front matter, RSS/Atom, NewsML, HTML."""

from __future__ import annotations

import json
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

from newsreader.core.article import Article, ArticleDate
from newsreader.core.dates import parse_meta_date
from newsreader.core.htmltext import extract_html
from newsreader.core.metadata import TITLE_PARTS, agency_name, clean_page_title
from newsreader.core.plaintext import build_article


class NotArticles(ValueError):
    """The file parsed, but holds no article; the message says why."""


# ---------------------------------------------------------------- field names shared by formats
TITLE_KEYS = ("title", "headline", "name")
DATE_KEYS = ("date", "published", "published_at", "publishedAt", "pubDate", "datePublished", "pub_date",
             "created", "created_at", "timestamp", "time", "updated", "modified", "dateCreated")
TEXT_KEYS = ("text", "body", "content", "article", "fulltext", "full_text", "articleBody", "maintext",
             "description", "summary", "abstract", "teaser")
URL_KEYS = ("url", "link", "href", "permalink", "canonical_url")
SOURCE_KEYS = ("source", "publisher", "source_name", "site", "site_name", "outlet", "feed", "medium", "newspaper")
AUTHOR_KEYS = ("author", "authors", "byline", "creator", "writer")


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> Any:
    lowered = {k.lower(): v for k, v in obj.items() if isinstance(k, str)}
    for key in keys:
        value = lowered.get(key.lower())
        if value not in (None, "", [], {}):
            return value
    return None


def _as_text(value: Any) -> str | None:
    """Flatten a field value: strings, numbers, {"name": …}, lists of them."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        return _as_text(_first(value, ("name", "title", "text", "value", "#text", "content")))
    if isinstance(value, list):
        parts = [p for p in (_as_text(v) for v in value) if p]
        return ", ".join(parts) or None
    return None


def _body_text(value: Any) -> str | None:
    text = _as_text(value) if not isinstance(value, list) else "\n\n".join(filter(None, map(_as_text, value)))
    if text and re.search(r"<(p|br|div|span|a|b|i|em|strong|h\d)\b[^>]*>", text, re.IGNORECASE):
        text = extract_html(text).text
    return text


def article_from_record(obj: dict[str, Any]) -> Article | None:
    """One article object with the common field names; None when it has no text field."""
    body = _body_text(_first(obj, TEXT_KEYS))
    title = _as_text(_first(obj, TITLE_KEYS))
    if not body:
        return None
    date_value = _first(obj, DATE_KEYS)
    return build_article(
        body,
        title=title,
        date=parse_meta_date(date_value),
        source=_as_text(_first(obj, SOURCE_KEYS)),
        author=_as_text(_first(obj, AUTHOR_KEYS)),
        url=_as_text(_first(obj, URL_KEYS)),
    )


def _records(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            if isinstance(item, dict):
                yield item
    elif isinstance(data, dict):
        for key in ("articles", "items", "entries", "data", "results", "docs", "documents", "posts"):
            if isinstance(data.get(key), list):
                yield from _records(data[key])
                return
        yield data


def parse_json(text: str) -> list[Article]:
    """A JSON array (or an object holding one) of articles, or JSON Lines."""
    try:
        records = list(_records(json.loads(text)))
    except json.JSONDecodeError as whole_error:
        records = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                records.extend(_records(json.loads(line)))
            except json.JSONDecodeError:
                continue  # one broken line does not cost the others
        if not records:
            raise NotArticles(f"invalid JSON ({whole_error.msg} at line {whole_error.lineno})") from None
    except RecursionError:
        raise NotArticles("JSON nested too deeply") from None
    articles = [a for a in map(article_from_record, records) if a is not None]
    if not articles:
        raise NotArticles("JSON without article objects (none has a text, body or content field)")
    return articles


# ---------------------------------------------------------------- Markdown with front matter
_FRONT = re.compile(r"\A(?P<fence>---|\+\+\+)[ \t]*\n(?P<meta>.*?)\n(?P=fence)[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_HEADING = re.compile(r"\A\s*#\s+(?P<title>.+?)\s*#*\s*(?:\n|\Z)")


def parse_markdown(text: str) -> list[Article]:
    meta: dict[str, Any] = {}
    match = _FRONT.match(text)
    if match:
        raw = match["meta"]
        try:
            if match["fence"] == "+++":
                meta = tomllib.loads(raw)
            else:
                import yaml  # PyYAML, imported only for files that need it

                loaded = yaml.safe_load(raw)
                meta = loaded if isinstance(loaded, dict) else {}
        except Exception as exc:  # a broken header: keep the text, say so
            raise NotArticles(f"front matter could not be read ({type(exc).__name__})") from None
        text = text[match.end():]
    title = _as_text(_first(meta, TITLE_KEYS))
    heading = _MD_HEADING.match(text)
    if heading and (title is None or heading["title"].strip() == title):
        title = title or heading["title"].strip()
        text = text[heading.end():]
    article = build_article(
        text, title=title, date=parse_meta_date(_first(meta, DATE_KEYS)),
        source=_as_text(_first(meta, SOURCE_KEYS)), author=_as_text(_first(meta, AUTHOR_KEYS)),
        url=_as_text(_first(meta, URL_KEYS)),
    )
    return [article] if article else []


# ---------------------------------------------------------------- RSS / Atom and NewsML
def parse_feed(text: str) -> list[Article]:
    import feedparser  # imported only for feed files

    feed = feedparser.parse(text.encode("utf-8"), response_headers={"content-type": "application/xml; charset=utf-8"})
    site = _as_text(feed.feed.get("title")) if feed.get("feed") else None
    articles = []
    for entry in feed.entries:
        content = entry.get("content")
        body = _body_text(content[0].get("value")) if content else None
        body = body or _body_text(entry.get("summary"))
        raw_date = entry.get("published") or entry.get("updated")
        date = _feed_date(raw_date, entry.get("published_parsed") or entry.get("updated_parsed"))
        source = entry.get("source", {}).get("title") if isinstance(entry.get("source"), dict) else None
        article = build_article(body or "", title=_as_text(entry.get("title")), date=date,
                                source=_as_text(source) or site, author=_as_text(entry.get("author")),
                                url=_as_text(entry.get("link")))
        if article:
            articles.append(article)
    if not articles and not feed.entries:
        raise NotArticles("XML that is neither an RSS/Atom feed with entries nor a NewsML item")
    return articles


def _feed_date(raw: str | None, parsed: Any) -> ArticleDate | None:
    found = parse_meta_date(raw) if raw else None
    if found or parsed is None:
        return found
    from datetime import datetime

    has_time = bool(raw and re.search(r"\d{1,2}:\d{2}", raw))
    value = datetime(*parsed[:5])
    return ArticleDate(value, "minute" if has_time else "day")


def parse_newsml(text: str) -> list[Article]:
    """A NewsML-G2 news item (what agencies like dpa deliver): headline, dates, XHTML body."""
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise NotArticles(f"invalid XML ({exc})") from None
    articles = []
    for item in root.iter():
        if not item.tag.endswith("newsItem"):
            continue

        def find(name: str, scope: ET.Element = item) -> ET.Element | None:
            return next((el for el in scope.iter() if el.tag.rsplit("}", 1)[-1] == name), None)

        headline = find("headline")
        body = find("body")
        when = next((el.text for name in ("contentCreated", "firstCreated", "versionCreated")
                     if (el := find(name)) is not None and el.text), None)
        credit = find("creditline") or find("copyrightHolder")
        body_markup = ET.tostring(body, encoding="unicode") if body is not None else ""
        article = build_article(
            extract_html(body_markup).text if body_markup else "",
            title=(headline.text or "").strip() if headline is not None else None,
            date=parse_meta_date(when),
            source=agency_name(credit.get("qcode", "").split(":")[-1]) if credit is not None else None,
        )
        if article:
            articles.append(article)
    return articles


def parse_xml(text: str) -> list[Article]:
    if re.search(r"<newsMessage\b|<newsItem\b", text[:5000]):
        return parse_newsml(text)
    return parse_feed(text)


# ---------------------------------------------------------------- HTML
def parse_html(text: str) -> list[Article]:
    doc = extract_html(text)
    title = clean_page_title(doc.title, doc.site, doc.url) if doc.title else None
    if not title and doc.page_title:  # "Headline | Site" -> "Headline"
        title = TITLE_PARTS.split(clean_page_title(doc.page_title, doc.site, doc.url))[0]
    body = doc.text
    if title and body.startswith(title):
        body = body[len(title):].lstrip("\n")
    if not body.strip():
        raise NotArticles("HTML page without readable text")
    article = build_article(body, title=title, date=parse_meta_date(doc.date), source=doc.site,
                            author=doc.author, url=doc.url)
    return [article] if article else []
