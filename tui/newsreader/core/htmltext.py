"""Main text and metadata of an HTML page, with the standard library's HTMLParser.

No extractor dependency: the well-kept ones (trafilatura, readability-lxml) pull in lxml and
tens of MB; news pages mark their content well enough (``<article>``, ``<main>``, ``<p>``) that
a block-based pass does the job. Navigation, scripts, styles, forms, asides, footers and
captions are left out; link-heavy blocks (menus) too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "footer", "aside", "form", "button",
         "iframe", "select", "figcaption", "object", "canvas", "menu", "dialog"}
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dd", "dt",
           "div", "section", "article", "main", "header", "br", "tr", "figure", "address", "summary"}
_VOID = {"br", "img", "meta", "link", "input", "hr", "source", "wbr", "area", "base", "col", "embed", "param", "track"}
_DATE_META = ("article:published_time", "og:article:published_time", "datepublished", "date", "pubdate",
              "publishdate", "publish-date", "dc.date.issued", "dc.date", "dcterms.date", "dcterms.created",
              "sailthru.date", "parsely-pub-date", "article.published", "published_time", "firstpublishedtime")


@dataclass(slots=True)
class _Block:
    tag: str
    depth_article: bool
    depth_main: bool
    text: list[str] = field(default_factory=list)
    link_chars: int = 0


@dataclass(slots=True)
class HtmlDoc:
    title: str | None = None
    page_title: str | None = None
    text: str = ""
    date: str | None = None
    author: str | None = None
    site: str | None = None
    url: str | None = None


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.blocks: list[_Block] = []
        self.skip_depth = 0
        self.stack: list[str] = []
        self.in_article = 0
        self.in_main = 0
        self.in_link = 0
        self.in_title = False
        self.in_h1 = False
        self.title: list[str] = []
        self.h1: list[str] = []
        self.ld_json: list[str] = []
        self.in_ld = False
        self.time_datetime: str | None = None
        self.current = _Block("body", False, False)

    def _flush(self, tag: str) -> None:
        if "".join(self.current.text).strip():
            self.blocks.append(self.current)
        self.current = _Block(tag, self.in_article > 0, self.in_main > 0)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"])
            return
        if tag == "script" and "ld+json" in a.get("type", ""):
            self.in_ld = True
        if tag == "time" and a.get("datetime") and self.time_datetime is None:
            self.time_datetime = a["datetime"]
        if a.get("itemprop", "").lower() == "datepublished" and (a.get("datetime") or a.get("content")):
            self.meta.setdefault("datepublished", a.get("datetime") or a.get("content") or "")
        if tag in _VOID:
            if tag == "br":
                self.current.text.append("\n")
                if self.in_h1:
                    self.h1.append(" ")
            return
        self.stack.append(tag)
        if tag in _SKIP or self.skip_depth:
            self.skip_depth += 1
            return
        if tag == "title":
            self.in_title = True
        if tag == "h1":
            self.in_h1 = True
        if tag == "article":
            self.in_article += 1
        if tag == "main":
            self.in_main += 1
        if tag == "a":
            self.in_link += 1
        if tag in _BLOCKS:
            self._flush(tag)
            if self.in_h1:
                self.h1.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self.stack:
            return
        while self.stack:  # close what was left open inside this element
            open_tag = self.stack.pop()
            if self.skip_depth:
                self.skip_depth -= 1
                if open_tag == "script":
                    self.in_ld = False
            else:
                if open_tag == "title":
                    self.in_title = False
                elif open_tag == "h1":
                    self.in_h1 = False
                elif open_tag == "article":
                    self.in_article -= 1
                elif open_tag == "main":
                    self.in_main -= 1
                elif open_tag == "a":
                    self.in_link = max(0, self.in_link - 1)
                if open_tag in _BLOCKS:
                    self._flush(open_tag)
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.in_ld:
            self.ld_json.append(data)
            return
        if self.skip_depth:
            return
        if self.in_title:
            self.title.append(data)
            return
        if self.in_h1:
            self.h1.append(data)
        self.current.text.append(data)
        if self.in_link:
            self.current.link_chars += len(data.strip())


def _clean(parts: list[str]) -> str:
    text = "".join(parts)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _ld_fields(chunks: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}

    def visit(node: object) -> None:
        if isinstance(node, dict):
            for key in ("datePublished", "headline", "dateCreated"):
                value = node.get(key)
                if isinstance(value, str):
                    found.setdefault(key, value)
            author = node.get("author")
            if isinstance(author, dict) and isinstance(author.get("name"), str):
                found.setdefault("author", author["name"])
            elif isinstance(author, list) and author and isinstance(author[0], dict) and isinstance(author[0].get("name"), str):
                found.setdefault("author", author[0]["name"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    for chunk in chunks:
        try:
            visit(json.loads(chunk))
        except (ValueError, RecursionError):
            continue
    return found


def extract_html(markup: str) -> HtmlDoc:
    parser = _Extractor()
    parser.feed(markup)
    parser.close()
    parser._flush("end")
    blocks = parser.blocks
    for scope in ("depth_article", "depth_main"):
        inner = [b for b in blocks if getattr(b, scope)]
        if sum(len("".join(b.text)) for b in inner) >= 200:
            blocks = inner
            break
    texts = []
    texts = _keep(blocks) or [t for t in (_clean(b.text) for b in blocks) if t]
    ld = _ld_fields(parser.ld_json)
    meta = parser.meta
    date = next((meta[k] for k in _DATE_META if meta.get(k)), None) or ld.get("datePublished") \
        or ld.get("dateCreated") or parser.time_datetime
    h1 = _clean(parser.h1) or None
    title = meta.get("og:title") or ld.get("headline") or (h1 if h1 and len(h1) <= 200 else None)
    return HtmlDoc(title=title, page_title=_clean(parser.title) or None, text="\n\n".join(texts), date=date,
                   author=meta.get("author") or meta.get("article:author") or ld.get("author"),
                   site=meta.get("og:site_name"), url=meta.get("og:url"))


def _keep(blocks: list[_Block]) -> list[str]:
    """The blocks that read like content, not like navigation or widgets."""
    texts = []
    for block in blocks:
        text = _clean(block.text)
        if not text:
            continue
        if block.link_chars > 0.5 * len(text) and block.tag not in ("p", "blockquote"):
            continue  # a menu or a list of links
        if block.tag in ("div", "section", "body", "td", "li", "header", "figure", "end") and len(text) < 40 \
                and not re.search(r"[.!?:]$", text):
            continue  # short fragments: buttons, labels, widgets
        texts.append(text)
    return texts


def looks_like_html(text: str) -> bool:
    head = text[:5000].lstrip().lower()
    return (head.startswith("<!doctype html") or re.match(r"<(html|head|body)\b", head) is not None
            or head.startswith("<?xml") and "<html" in head)
