"""Turn one file's cleaned text into articles: choose the format by name, then by content."""

from __future__ import annotations

from pathlib import Path

from newsreader.core.article import Article
from newsreader.core.htmltext import looks_like_html
from newsreader.core.plaintext import parse_plain_text
from newsreader.core.structured import NotArticles, parse_html, parse_json, parse_markdown, parse_xml

TEXT_SUFFIXES = {"", ".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}

__all__ = ["NotArticles", "parse_document"]


def parse_document(text: str, path: Path) -> list[Article]:
    """Articles of one file. Raises :class:`NotArticles` with a reason when there is none."""
    suffix = path.suffix.lower()
    head = text.lstrip()[:200]
    if suffix in HTML_SUFFIXES or (suffix in TEXT_SUFFIXES and looks_like_html(text)):
        return parse_html(text)
    if suffix in FEED_SUFFIXES or (suffix in TEXT_SUFFIXES and head.startswith("<?xml")):
        return parse_xml(text)
    if suffix in JSON_SUFFIXES:
        return parse_json(text)
    if suffix in MARKDOWN_SUFFIXES or (suffix in TEXT_SUFFIXES and head.startswith(("---\n", "+++\n"))):
        return parse_markdown(text)
    if suffix in TEXT_SUFFIXES:
        article = parse_plain_text(text)
        return [article] if article else []
    raise NotArticles(f"not an article file type ({suffix})")
