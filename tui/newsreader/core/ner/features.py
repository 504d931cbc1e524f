"""Token features for the CRF. Shared by training and tagging so they cannot drift apart."""

from __future__ import annotations

import re
import sys
import unicodedata
from array import array
from pathlib import Path
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
        self.entries: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.max_len = 1
        self._starts: dict[str, int] | None = None
        for name, kind in entries:
            self.add(name.split(), kind)

    def add(self, tokens: list[str], kind: str) -> None:
        key = tuple(fold(t) for t in tokens)
        if not key:
            return
        kinds = self.entries.get(key, ())
        if kind not in kinds:  # sorted, so features come in the same order in every process
            self.entries[key] = tuple(sorted((*kinds, kind)))
        self.max_len = max(self.max_len, len(key))
        self._starts = None

    def remove(self, key: tuple[str, ...]) -> None:
        del self.entries[key]
        self._starts = None

    def _longest_from(self) -> dict[str, int]:
        """First word of an entry -> length of the longest entry starting with it."""
        if self._starts is None:
            starts: dict[str, int] = {}
            for key in self.entries:
                if len(key) > starts.get(key[0], 0):
                    starts[key[0]] = len(key)
            self._starts = starts
        return self._starts

    def tag(self, tokens: list[str]) -> list[list[str]]:
        """Per token: features like ``gB-LOC`` / ``gI-PER`` from the longest matches."""
        folded = [fold(t) for t in tokens]
        starts = self._longest_from()
        entries = self.entries
        out: list[list[str]] = [[] for _ in tokens]
        i = 0
        while i < len(tokens):
            longest = starts.get(folded[i], 0) if tokens[i][:1].isupper() else 0
            for n in range(min(longest, len(tokens) - i), 0, -1):
                kinds = entries.get(tuple(folded[i:i + n]))
                if kinds:
                    for k in kinds:
                        out[i].append(f"gB-{k}")
                        for j in range(i + 1, i + n):
                            out[j].append(f"gI-{k}")
                    i += n
                    break
            else:
                w = folded[i]
                if len(w) > 3 and w[-1] == "s" and tokens[i][:1].isupper():  # genitive: Russlands
                    for k in entries.get((w[:-1],), ()):
                        out[i].append(f"gS-{k}")
                i += 1
        return out

    def to_json(self) -> list:
        return [[" ".join(k), sorted(v)] for k, v in sorted(self.entries.items())]

    @classmethod
    def from_json(cls, data: list) -> Gazetteer:
        g = cls()
        for name, kinds in data:  # keys were folded by ``to_json``; ASCII ones stay as they are
            key = tuple(t if t.isascii() else fold(t) for t in name.split())
            if key:
                g.entries[key] = tuple(sorted(set(g.entries.get(key, ())) | set(kinds)))
                if len(key) > g.max_len:
                    g.max_len = len(key)
        g._starts = None
        return g


class Lexicon:
    """Word clusters (Brown clusters as bit strings) and frequency bands for known words.

    Stored as ``lexicon.bin`` (see ``write``): the words sorted by their UTF-8 bytes in one blob
    with an offset table, and the cluster and band of each word in fixed-width arrays. Opening it
    reads four arrays instead of building a 250,000-entry dict (~0.5 s); a lookup is a binary search
    over the blob, remembered for the words seen before.
    """

    MAGIC = b"NRLEX1\n"

    def __init__(self, entries: dict[str, tuple[str, int]] | None = None):
        items = sorted((w.encode(), int(bits, 2), band) for w, (bits, band) in (entries or {}).items())
        self._blob = b"".join(w for w, _, _ in items)
        self._offsets = array("I", [0])
        for w, _, _ in items:
            self._offsets.append(self._offsets[-1] + len(w))
        self._clusters = array("I", (c for _, c, _ in items))
        self._bands = array("B", (b for _, _, b in items))
        self._memo: dict[str, tuple[str, int] | None] = {}
        self._features: dict[str, tuple[list[str], list[str], list[str]]] = {}

    def __len__(self) -> int:
        return len(self._clusters)

    def _find(self, word: str) -> tuple[str, int] | None:
        key = word.encode("utf-8", "surrogatepass")
        blob, off = self._blob, self._offsets
        lo, hi = 0, len(self._clusters)
        while lo < hi:
            mid = (lo + hi) // 2
            if blob[off[mid]:off[mid + 1]] < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self._clusters) and blob[off[lo]:off[lo + 1]] == key:
            return format(self._clusters[lo], "b"), self._bands[lo]
        return None

    def get(self, word: str) -> tuple[str, int] | None:
        try:
            return self._memo[word]
        except KeyError:
            pass
        if len(self._memo) > 200_000:
            self._memo.clear()
        hit = self._memo[word] = self._find(word)
        return hit

    def lookup(self, word: str) -> tuple[str, int] | None:
        hit = self.get(word)
        if hit is None and word.isupper() and len(word) > 1:
            hit = self.get(word.capitalize())
        return hit

    def write(self, path) -> None:
        n = len(self._clusters)
        with open(path, "wb") as fh:
            fh.write(self.MAGIC + n.to_bytes(4, "little"))
            for arr in (self._offsets, self._clusters, self._bands):
                fh.write(_little(arr).tobytes())
            fh.write(self._blob)

    @classmethod
    def load(cls, path) -> Lexicon:
        data = memoryview(Path(path).read_bytes())
        if bytes(data[:len(cls.MAGIC)]) != cls.MAGIC:
            raise ValueError(f"{path}: not a newsreader lexicon")
        pos = len(cls.MAGIC)
        n = int.from_bytes(data[pos:pos + 4], "little")
        pos += 4
        lex = cls()
        for name, code, count in (("_offsets", "I", n + 1), ("_clusters", "I", n), ("_bands", "B", n)):
            arr = array(code)
            size = arr.itemsize * count
            arr.frombytes(data[pos:pos + size])
            if sys.byteorder == "big":
                arr.byteswap()
            setattr(lex, name, arr)
            pos += size
        lex._blob = bytes(data[pos:])
        if len(lex._blob) != lex._offsets[-1]:
            raise ValueError(f"{path}: truncated lexicon")
        return lex


def _little(arr: array) -> array:
    if sys.byteorder == "big":
        arr = array(arr.typecode, arr)
        arr.byteswap()
    return arr


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


# Features of a word on its own, computed once per distinct word: (lower, head features, short
# shape, flag features). Tagging spends most of its time here otherwise.
_WORD_CACHE: dict[str, tuple[str, list[str], str, list[str]]] = {}
_NO_LEXICON: dict[str, tuple[list[str], list[str], list[str]]] = {}


def _word_features(tok: str) -> tuple[str, list[str], str, list[str]]:
    hit = _WORD_CACHE.get(tok)
    if hit is not None:
        return hit
    if len(_WORD_CACHE) > 200_000:
        _WORD_CACHE.clear()
    low = tok.lower()
    ss = short_shape(tok)
    head = ["b", "w=" + low, "sh=" + shape(tok), "ss=" + ss,
            "s1=" + low[-1:], "s2=" + low[-2:], "s3=" + low[-3:], "s4=" + low[-4:],
            "p2=" + low[:2], "p3=" + low[:3]]
    flags = []
    if tok.isupper() and len(tok) > 1:
        flags.append("allcaps")
    if "-" in tok:
        flags.append("hyph")
        h, _, tail = tok.rpartition("-")
        flags.append("hyph_tail=" + tail.lower())
        flags.append("hyph_head=" + h.lower())
    if len(tok) <= 2:
        flags.append("short")
    hit = _WORD_CACHE[tok] = (low, head, ss, flags)
    return hit


def _lexicon_features(lexicon: Lexicon | None, tok: str) -> tuple[list[str], list[str], list[str]]:
    """The word's cluster features as itself, as the previous and as the next word."""
    if lexicon is None:
        return _NO_LEXICON.setdefault(tok, ([], [], []))
    cache = lexicon._features
    hit = cache.get(tok)
    if hit is None:
        if len(cache) > 200_000:
            cache.clear()
        hit = cache[tok] = (_lex_features(lexicon, tok, "", True), _lex_features(lexicon, tok, "-1", False),
                            _lex_features(lexicon, tok, "+1", False))
    return hit


def sentence_features(tokens: list[str], gazetteer: Gazetteer | None = None,
                      lexicon: Lexicon | None = None) -> list[list[str]]:
    n = len(tokens)
    gaz = gazetteer.tag(tokens) if gazetteer else [[] for _ in tokens]
    words = [_word_features(t) for t in tokens]
    lex = [_lexicon_features(lexicon, t) for t in tokens]
    lows = ["<s>", "<s>"] + [w[0] for w in words] + ["</s>", "</s>"]
    shapes = ["<s>"] + [w[2] for w in words] + ["</s>"]
    feats: list[list[str]] = []
    for i, tok in enumerate(tokens):
        low, head, _, flags = words[i]
        prev, nxt = lows[i + 1], lows[i + 3]
        f = head + [
            "w-1=" + prev, "w+1=" + nxt,
            "w-2=" + lows[i], "w+2=" + lows[i + 4],
            "w-1w=" + prev + "|" + low,
            "ww+1=" + low + "|" + nxt,
            "ss-1=" + shapes[i],
            "ss+1=" + shapes[i + 2],
        ]
        if i == 0 or tokens[i - 1] in _QUOTES or tokens[i - 1] in ":.!?":
            f.append("start")
            if tok[:1].isupper():
                f.append("start_cap")
        elif tok[:1].isupper():
            f.append("mid_cap")  # capitalised inside a sentence: a noun or a name
        f += flags
        f += gaz[i]
        if i > 0:
            f.extend("-1" + g for g in gaz[i - 1])
        if i + 1 < n:
            f.extend("+1" + g for g in gaz[i + 1])
        f += lex[i][0]
        if i > 0:
            f += lex[i - 1][1]
        if i + 1 < n:
            f += lex[i + 1][2]
        feats.append(f)
    return feats
