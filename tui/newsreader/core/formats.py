"""Turn one file's cleaned text into articles, by format."""

from __future__ import annotations

from pathlib import Path

from newsreader.core.article import Article
from newsreader.core.plaintext import parse_plain_text


def parse_document(text: str, path: Path) -> list[Article]:
    return [parse_plain_text(text)]
