"""German-aware folding shared by the index and the queries.

A word is folded to lower case (``casefold``: ``ẞ``/``ß`` → ``ss``), umlauts become their
two-letter spellings (``ä`` → ``ae``, ``ö`` → ``oe``, ``ü`` → ``ue``), and other accents are
dropped (``é`` → ``e``). So ``Müller``, ``MUELLER`` and ``müller`` are one term, and a missing
umlaut (``Pjongjang`` for ``Pjöngjang``) is one edit away, which the typo tolerance covers.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

from newsreader.core.article import pieces

WORD = re.compile(r"[^\W_]+")
_DIGRAPH_PAIRS = (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("æ", "ae"), ("œ", "oe"))
_DIGRAPHS = str.maketrans(dict(_DIGRAPH_PAIRS))


def fold_word(word: str) -> str:
    return _unaccented(word.casefold().translate(_DIGRAPHS))


def _unaccented(w: str) -> str:
    if w.isascii():
        return w
    w = unicodedata.normalize("NFKD", w)
    return "".join(c for c in w if not unicodedata.combining(c))


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """(folded word, start, end) for every word of ``text``; offsets index the original text."""
    for m in WORD.finditer(text):
        folded = fold_word(m.group())
        if folded:
            yield folded, m.start(), m.end()


def folded_text(text: str) -> str:
    """Folded words separated by spaces (how queries are read)."""
    return " ".join(filter(None, map(_folded_piece, pieces(text))))


def _folded_piece(text: str) -> str:
    """``" ".join(map(fold_word, WORD.findall(text)))``, folding all the words at once: case
    folding and the digraphs work letter by letter and never make or take a space, so the
    words stay apart; only words that are not ASCII then are folded one by one."""
    folded = " ".join(WORD.findall(text)).casefold()
    for letter, pair in _DIGRAPH_PAIRS:  # as translate(_DIGRAPHS), twenty times faster on a long text
        folded = folded.replace(letter, pair)
    return folded if folded.isascii() else " ".join(map(_unaccented, folded.split(" ")))


# a compound starts where a run of letters starts: without the look-behind the engine tried a
# match at every letter of every word (a match found later in a run is found at its start too)
_HYPHENATED = re.compile(r"(?<![^\W\d_])[^\W\d_]{2,}(?:-[^\W\d_]{2,})+")


def index_text(text: str) -> str:
    """The text as the index sees it: the folded words, then every hyphenated compound once more
    written as one word (``Cyber-Kriminelle`` → ``cyberkriminelle``), because German writes the
    same compound both ways. The joined forms go after the text, so phrases and nearness are
    measured on the text as written. A long text is folded a piece at a time (``pieces``): the
    list of its words would take ten times its size."""
    folded = folded_text(text)
    if "-" not in text:
        return folded
    # a compound has no space in it: only the words with a hyphen are searched (the pattern
    # tried at every word of the text took 60% of the time to index it)
    joined = dict.fromkeys(fold_word(m.group().replace("-", "")) for piece in pieces(text)
                           for word in piece.split() if "-" in word for m in _HYPHENATED.finditer(word))
    return folded + " " + " ".join(joined) if joined else folded


def max_edits(term: str) -> int:
    """Typos allowed for a term: none below 4 letters, one up to 7, two from 8."""
    n = len(term)
    return 0 if n < 4 else 1 if n < 8 else 2


_DIGRAPH = re.compile(r"ae|oe|ue|ss")


@functools.lru_cache(maxsize=4096)
def _key(term: str) -> str:
    """The longest piece of a folded term that any original spelling contains verbatim in lower
    case: the parts between ``ae``/``oe``/``ue``/``ss``, which may have been ``ä``/``ö``/``ü``/``ß``."""
    return max(_DIGRAPH.split(term), key=len)


@functools.lru_cache(maxsize=256)
def _minimal_keys(terms: frozenset[str]) -> frozenset[str]:
    """Keys no other key is part of: finding ``bund`` also finds ``bundes``."""
    keys = sorted({_key(t) for t in terms}, key=len)
    kept: list[str] = []
    for k in keys:
        if not any(small in k for small in kept):
            kept.append(k)
    return frozenset(kept)


def find_terms(text: str, terms: frozenset[str]) -> Iterator[tuple[int, int]]:
    """Spans of the words of ``text`` whose folded form is one of ``terms``, in text order.

    Fast path: find each term's verbatim piece with ``str.find`` and check the word around it;
    words are folded only where a piece occurs. Terms with a short piece, and texts whose lower
    case changes length, take the slow path of folding every word."""
    low = text.lower()
    keys = _minimal_keys(terms)
    if len(low) != len(text) or any(len(k) < 2 for k in keys):
        for w, s, e in words(text):
            if w in terms:
                yield s, e
        return
    spans: set[tuple[int, int]] = set()
    for key in keys:
        pos = low.find(key)
        while pos >= 0:
            m = _word_at(text, pos)
            if m and fold_word(text[m[0]:m[1]]) in terms:
                spans.add(m)
            pos = low.find(key, (m[1] if m else pos + 1))
    yield from sorted(spans)


def _word_at(text: str, pos: int) -> tuple[int, int] | None:
    start = pos
    while start > 0 and (text[start - 1].isalnum()):
        start -= 1
    m = WORD.match(text, start)
    return (m.start(), m.end()) if m and m.end() > pos else None
