"""Tokens with character offsets, and sentences, for German running text."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# A word keeps inner hyphens, apostrophes and dots ("Kim Jong-un", "D'Alema", "36.000", "U.S.A");
# every other non-space character is a token of its own.
_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")
# Abbreviations after which a full stop does not end a sentence.
_ABBREV = frozenset(
    "bzw ca etc ggf inkl usw vgl z.B d.h u.a s.o dr prof nr st str mio mrd jh jhd abs art bspw "
    "evtl gegr geb hl min max sog u.ä u.v.m v.a z.T mr mrs ms sen gen".split()
)
_STOPS = frozenset(".!?")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    words, starts = scan(text)
    return [Token(w, s, s + len(w)) for w, s in zip(words, starts)]


def scan(text: str) -> tuple[list[str], list[int]]:
    """The tokens of ``text`` and where each starts: what ``tokenize`` gives, without the objects."""
    words = _TOKEN.findall(text)
    starts = []
    find, pos = text.find, 0
    for w in words:  # only white space lies between two tokens, and no token starts with it
        pos = find(w, pos)
        starts.append(pos)
        pos += len(w)
    return words, starts


def sentences(tokens: list[Token], text: str) -> list[list[Token]]:
    """Split tokens into sentences at . ! ? (not after abbreviations, initials or ordinals) and
    at blank lines or line breaks that end a line of text."""
    bounds = sentence_bounds([t.text for t in tokens], [t.start for t in tokens], text)
    return [tokens[a:b] for a, b in zip(bounds, bounds[1:])]


def sentence_bounds(words: list[str], starts: list[int], text: str) -> list[int]:
    """``sentences`` on the output of ``scan``: the index of each sentence's first token, then
    ``len(words)``."""
    n = len(words)
    breaks = set()  # tokens with a line break before them
    pos = text.find("\n")
    while pos >= 0:
        i = bisect_right(starts, pos)
        if i >= n:
            break
        if i:
            breaks.add(i)
        pos = text.find("\n", starts[i])
    stops = [i for i, w in enumerate(words) if w in _STOPS]
    bounds = [0]
    for i in sorted(breaks.union(stops)):
        if i in breaks and i > bounds[-1]:
            bounds.append(i)
        if words[i] in _STOPS and i > bounds[-1]:
            prev = words[i - 1]
            if words[i] == "." and (prev.lower() in _ABBREV or (len(prev) == 1 and prev.isalpha())
                                    or prev.isdigit()):
                continue
            nxt = words[i + 1] if i + 1 < n else None
            if nxt is None or nxt[:1].isupper() or not nxt[:1].isalnum():
                bounds.append(i + 1)
    if bounds[-1] < n:
        bounds.append(n)
    return bounds
