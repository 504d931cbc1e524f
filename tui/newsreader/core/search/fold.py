"""German-aware folding shared by the index and the queries.

A word is folded to lower case (``casefold``: ``ẞ``/``ß`` → ``ss``), umlauts become their
two-letter spellings (``ä`` → ``ae``, ``ö`` → ``oe``, ``ü`` → ``ue``), and other accents are
dropped (``é`` → ``e``). So ``Müller``, ``MUELLER`` and ``müller`` are one term, and a missing
umlaut (``Pjongjang`` for ``Pjöngjang``) is one edit away, which the typo tolerance covers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

WORD = re.compile(r"[^\W_]+")
_DIGRAPHS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "æ": "ae", "œ": "oe"})


def fold_word(word: str) -> str:
    w = word.casefold().translate(_DIGRAPHS)
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
    """The text as the index sees it: folded words separated by spaces."""
    return " ".join(fold_word(m.group()) for m in WORD.finditer(text))


def max_edits(term: str) -> int:
    """Typos allowed for a term: none below 4 letters, one up to 7, two from 8."""
    n = len(term)
    return 0 if n < 4 else 1 if n < 8 else 2
