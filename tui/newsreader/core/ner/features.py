"""Token features for the CRF. Shared by training and tagging so they cannot drift apart."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_SHAPE_MAP = str.maketrans({c: "a" for c in "abcdefghijklmnopqrstuvwxyzäöüß"} |
                           {c: "A" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ"} |
                           {c: "0" for c in "0123456789"})
_REPEAT = re.compile(r"(.)\1+")
_QUOTES = frozenset('"„“”«»‚‘’\'')


def shape(word: str) -> str:
    s = word.translate(_SHAPE_MAP)
    s = "".join(c if c in "aA0-.'" else ("x" if c.isalpha() else "#") for c in s)
    return s if len(s) <= 5 else s[:2] + _REPEAT.sub(r"\1", s[2:])


def short_shape(word: str) -> str:
    return _REPEAT.sub(r"\1", shape(word))


def fold(word: str) -> str:
    """Lower case without accents, for lexicon lookups (``Pjöngjang`` ~ ``pjongjang``)."""
    if word.isascii():
        return word.lower()
    return "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))


class Gazetteer:
    """Known names as token sequences with their types; longest match wins."""

    def __init__(self, entries: Iterable[tuple[str, str]] = ()):  # (name, TYPE)
        self.entries: dict[tuple[str, ...], set[str]] = {}
        self.max_len = 1
        for name, kind in entries:
            self.add(name.split(), kind)

    def add(self, tokens: list[str], kind: str) -> None:
        key = tuple(fold(t) for t in tokens)
        if not key:
            return
        self.entries.setdefault(key, set()).add(kind)
        self.max_len = max(self.max_len, len(key))

    def tag(self, tokens: list[str]) -> list[list[str]]:
        """Per token: features like ``gB-LOC`` / ``gI-PER`` from the longest matches."""
        folded = [fold(t) for t in tokens]
        out: list[list[str]] = [[] for _ in tokens]
        i = 0
        while i < len(tokens):
            for n in range(min(self.max_len, len(tokens) - i), 0, -1):
                kinds = self.entries.get(tuple(folded[i:i + n]))
                if kinds and tokens[i][:1].isupper():
                    for k in kinds:
                        out[i].append(f"gB-{k}")
                        for j in range(i + 1, i + n):
                            out[j].append(f"gI-{k}")
                    i += n
                    break
            else:
                w = folded[i]
                if len(w) > 3 and w[-1] == "s" and tokens[i][:1].isupper():  # genitive: Russlands
                    for k in self.entries.get((w[:-1],), ()):
                        out[i].append(f"gS-{k}")
                i += 1
        return out

    def to_json(self) -> list:
        return [[" ".join(k), sorted(v)] for k, v in sorted(self.entries.items())]

    @classmethod
    def from_json(cls, data: list) -> Gazetteer:
        g = cls()
        for name, kinds in data:
            for k in kinds:
                g.add(name.split(), k)
        return g


class Lexicon:
    """Word clusters (Brown clusters as bit strings) and frequency bands for known words."""

    def __init__(self, clusters: dict[str, tuple[str, int]] | None = None):
        self.clusters = clusters or {}

    def lookup(self, word: str) -> tuple[str, int] | None:
        hit = self.clusters.get(word)
        if hit is None and word.isupper() and len(word) > 1:
            hit = self.clusters.get(word.capitalize())
        return hit

    @classmethod
    def load(cls, path) -> Lexicon:
        import gzip

        clusters: dict[str, tuple[str, int]] = {}
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                word, bits, band = line.rstrip("\n").split("\t")
                clusters[word] = (bits, int(band))
        return cls(clusters)


def _lex_features(lexicon: Lexicon | None, word: str, prefix: str, full: bool) -> list[str]:
    if lexicon is None:
        return []
    hit = lexicon.lookup(word)
    if hit is None:
        return [prefix + "c=none"]
    bits, band = hit
    if not full:
        return [prefix + "c6=" + bits[:6], prefix + "c=" + bits]
    return [prefix + "c4=" + bits[:4], prefix + "c6=" + bits[:6], prefix + "c10=" + bits[:10],
            prefix + "c=" + bits, prefix + "band=" + str(band)]


def _word(tokens: list[str], i: int) -> str:
    if i < 0:
        return "<s>"
    if i >= len(tokens):
        return "</s>"
    return tokens[i].lower()


def sentence_features(tokens: list[str], gazetteer: Gazetteer | None = None,
                      lexicon: Lexicon | None = None) -> list[list[str]]:
    gaz = gazetteer.tag(tokens) if gazetteer else [[] for _ in tokens]
    shapes = [short_shape(t) for t in tokens]
    feats: list[list[str]] = []
    for i, tok in enumerate(tokens):
        low = tok.lower()
        f = [
            "b",
            "w=" + low,
            "sh=" + shape(tok),
            "ss=" + shapes[i],
            "s1=" + low[-1:], "s2=" + low[-2:], "s3=" + low[-3:], "s4=" + low[-4:],
            "p2=" + low[:2], "p3=" + low[:3],
            "w-1=" + _word(tokens, i - 1), "w+1=" + _word(tokens, i + 1),
            "w-2=" + _word(tokens, i - 2), "w+2=" + _word(tokens, i + 2),
            "w-1w=" + _word(tokens, i - 1) + "|" + low,
            "ww+1=" + low + "|" + _word(tokens, i + 1),
            "ss-1=" + (shapes[i - 1] if i else "<s>"),
            "ss+1=" + (shapes[i + 1] if i + 1 < len(tokens) else "</s>"),
        ]
        if i == 0 or tokens[i - 1] in _QUOTES or tokens[i - 1] in ":.!?":
            f.append("start")
            if tok[:1].isupper():
                f.append("start_cap")
        elif tok[:1].isupper():
            f.append("mid_cap")  # capitalised inside a sentence: a noun or a name
        if tok.isupper() and len(tok) > 1:
            f.append("allcaps")
        if "-" in tok:
            f.append("hyph")
            head, _, tail = tok.rpartition("-")
            f.append("hyph_tail=" + tail.lower())
            f.append("hyph_head=" + head.lower())
        if len(tok) <= 2:
            f.append("short")
        for g in gaz[i]:
            f.append(g)
        if i > 0:
            f.extend("-1" + g for g in gaz[i - 1])
        if i + 1 < len(tokens):
            f.extend("+1" + g for g in gaz[i + 1])
        f.extend(_lex_features(lexicon, tok, "", True))
        if i > 0:
            f.extend(_lex_features(lexicon, tokens[i - 1], "-1", False))
        if i + 1 < len(tokens):
            f.extend(_lex_features(lexicon, tokens[i + 1], "+1", False))
        feats.append(f)
    return feats
