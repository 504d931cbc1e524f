"""Tokens with character offsets, and sentences, for German running text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A word keeps inner hyphens, apostrophes and dots ("Kim Jong-un", "D'Alema", "36.000", "U.S.A");
# every other non-space character is a token of its own.
_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")
# Abbreviations after which a full stop does not end a sentence.
_ABBREV = frozenset(
    "bzw ca etc ggf inkl usw vgl z.B d.h u.a s.o dr prof nr st str mio mrd jh jhd abs art bspw "
    "evtl gegr geb hl min max sog u.ä u.v.m v.a z.T mr mrs ms sen gen".split()
)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def sentences(tokens: list[Token], text: str) -> list[list[Token]]:
    """Split tokens into sentences at . ! ? (not after abbreviations, initials or ordinals) and
    at blank lines or line breaks that end a line of text."""
    out: list[list[Token]] = []
    current: list[Token] = []
    for i, tok in enumerate(tokens):
        if current and "\n" in text[current[-1].end:tok.start]:
            out.append(current)
            current = []
        current.append(tok)
        if tok.text in ".!?" and len(current) > 1:
            prev = current[-2].text
            if tok.text == "." and (prev.lower() in _ABBREV or (len(prev) == 1 and prev.isalpha())
                                    or prev.isdigit()):
                continue
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is None or nxt.text[:1].isupper() or not nxt.text[:1].isalnum():
                out.append(current)
                current = []
    if current:
        out.append(current)
    return out
