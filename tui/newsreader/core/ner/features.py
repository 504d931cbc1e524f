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
_UNMAPPED = re.compile(r"[^aA0\-.']")
_QUOTES = frozenset('"„“”«»‚‘’\'')


def shape(word: str) -> str:
    s = word.translate(_SHAPE_MAP)
    if _UNMAPPED.search(s):  # letters outside German's, and signs
        s = "".join(c if c in "aA0-.'" else ("x" if c.isalpha() else "#") for c in s)
    return s if len(s) <= 5 else s[:2] + _collapse(s[2:])


def short_shape(word: str) -> str:
    return _collapse(shape(word))


def _collapse(s: str) -> str:
    """Runs of one character as one: ``Aaaa-00`` -> ``Aa-0``. (A function, not ``r"\\1"``,
    which ``re`` expands in Python at every match.)"""
    return _REPEAT.sub(_first, s)


def _first(m: re.Match) -> str:
    return m[1]


def fold(word: str) -> str:
    """Lower case without accents, for lexicon lookups (``Pjöngjang`` ~ ``pjongjang``)."""
    if word.isascii():
        return word.lower()
    return "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))


class Gazetteer:
    """Known names as token sequences with their types; longest match wins."""

    def __init__(self, entries: Iterable[tuple[str, str]] = ()):  # (name, TYPE)
        # folded words -> types. A gazetteer read from a file (``from_json``) keys them joined by
        # spaces instead, with the number of their types in ``_combos`` (JSON gives that dict as it
        # is: no pass over 45,000 names at load, and small ints are shared: ~5 MB less)
        self.entries: dict = {}
        self.joined = False
        self._combos: list[tuple[str, ...]] = []
        self.max_len = 1
        self._starts: dict[str, int] | None = None
        for name, kind in entries:
            self.add(name.split(), kind)

    def kinds(self, key: tuple[str, ...]) -> tuple[str, ...] | list[str]:
        """The types of the name of folded words ``key`` (none: empty)."""
        if self.joined:
            at = self.entries.get(" ".join(key))
            return () if at is None else self._combos[at]
        return self.entries.get(key, ())

    def add(self, tokens: list[str], kind: str) -> None:
        if self.joined:
            raise ValueError("a gazetteer read from its file is not added to")
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
                words = key.split() if self.joined else key
                if len(words) > starts.get(words[0], 0):
                    starts[words[0]] = len(words)
            self._starts = starts
        return self._starts

    def tag(self, tokens: list[str]) -> list[list[str]]:
        """Per token: features like ``gB-LOC`` / ``gI-PER`` from the longest matches."""
        hits = self.hits([fold(t) for t in tokens], [i for i, t in enumerate(tokens) if t[:1].isupper()])
        return [hits.get(i, []) for i in range(len(tokens))]

    def hits(self, folded: list[str], caps: list[int]) -> dict[int, list[str]]:
        """``tag`` for the tokens with any features, from the folded tokens and the indices of the
        capitalised ones (only those begin a match)."""
        starts = self._longest_from()
        if self.joined:
            combos, entries = self._combos, self.entries

            def get(words: list[str], default=None):
                at = entries.get(" ".join(words))
                return default if at is None else combos[at]
        else:
            plain = self.entries.get

            def get(words: list[str], default=None):
                return plain(tuple(words), default)
        n = len(folded)
        out: dict[int, list[str]] = {}
        after = 0  # the end of the last match: a match does not begin inside another
        for i in caps:
            if i < after:
                continue
            w = folded[i]
            for m in range(min(starts.get(w, 0), n - i), 0, -1):
                kinds = get(folded[i:i + m])
                if kinds:
                    for k in kinds:
                        out.setdefault(i, []).append(f"gB-{k}")
                        for j in range(i + 1, i + m):
                            out.setdefault(j, []).append(f"gI-{k}")
                    after = i + m
                    break
            else:
                if len(w) > 3 and w[-1] == "s":  # genitive: Russlands
                    for k in get([w[:-1]], ()):
                        out.setdefault(i, []).append(f"gS-{k}")
        return out

    def to_json(self) -> dict:
        """What the file holds: each name (its folded words joined by spaces) with the number of
        its sorted types in ``kinds``, and for each first word the length of the longest name it
        begins."""
        if self.joined:
            named = {k: self._combos[v] for k, v in self.entries.items()}
        else:
            named = {" ".join(k): tuple(sorted(v)) for k, v in self.entries.items()}
        combos = sorted(set(named.values()))
        number = {c: i for i, c in enumerate(combos)}
        return {"kinds": [list(c) for c in combos], "names": {k: number[v] for k, v in sorted(named.items())},
                "starts": dict(sorted(self._longest_from().items())), "max_len": self.max_len}

    @classmethod
    def from_json(cls, data: dict) -> Gazetteer:
        g = cls()
        g.entries, g._starts, g.max_len, g.joined = data["names"], data["starts"], data["max_len"], True
        g._combos = [tuple(c) for c in data["kinds"]]
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
        if len(self._memo) > 50_000:  # the words of a few thousand articles
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


class _Word:
    """What the features of a sentence take from one word: its own features, which do not depend
    on its neighbours, and the pieces its neighbours take from it. Each piece is a tuple of
    feature strings, so a token's features are a few tuples joined."""

    __slots__ = ("low", "folded", "cap", "opens", "own", "prev1", "next1", "prev2", "next2", "pair_left",
                 "pair_right", "ss_prev", "ss_next", "lex", "lex_prev", "lex_next", "at_start", "inside",
                 "at_start_lex", "inside_lex")


class FeatureExtractor:
    """``sentence_features`` with the features of each distinct word computed once.

    ``keep``: when given, only the features in it are produced, each as the value it maps to
    (a true one). A CRF adds up the weights of the attributes it knows and skips the others, so a
    tagger given only the model's attributes computes exactly the same scores; ``decode`` maps
    each to its attribute's id + 1.
    """

    MAX_WORDS = 200_000

    def __init__(self, lexicon: Lexicon | None = None, keep: dict[str, object] | None = None):
        self.lexicon = lexicon
        self._keep = keep
        self._pair_prefixes: set[str] | None = None
        if self._keep is not None:  # "w-1w=a|b" and "ww+1=a|b" can be kept only if "w-1w=a|" can
            self._pair_prefixes = {f[:i + 1] for f in self._keep if f.startswith(("w-1w=", "ww+1="))
                                   for i, c in enumerate(f) if c == "|"}
        self._words: dict[str, _Word] = {}
        self._shared: dict[tuple, tuple] = {}
        self._left = self._edge("<s>")
        self._right = self._edge("</s>")

    def _kept(self, feats: Iterable[str]) -> tuple:
        """``feats`` as a tuple, one object for all the words that have the same (most share
        their clusters, suffixes or flags with others)."""
        return self._share(tuple(feats) if self._keep is None else tuple(filter(None, map(self._keep.get, feats))))

    def _share(self, feats: tuple) -> tuple:
        return self._shared.setdefault(feats, feats)

    def _pair(self, prefix: str) -> str | None:
        prefixes = self._pair_prefixes
        return prefix if prefixes is None or prefix in prefixes else None

    def _edge(self, mark: str) -> _Word:
        """The word before the first (``<s>``) or after the last (``</s>``) of a sentence."""
        w = _Word()
        w.low = mark
        w.opens = True  # the first word of a sentence is at its start
        w.prev1, w.next1 = self._kept(["w-1=" + mark]), self._kept(["w+1=" + mark])
        w.prev2, w.next2 = self._kept(["w-2=" + mark]), self._kept(["w+2=" + mark])
        w.ss_prev, w.ss_next = self._kept(["ss-1=" + mark]), self._kept(["ss+1=" + mark])
        w.pair_left = self._pair("w-1w=" + mark + "|")
        w.lex_prev = w.lex_next = ()
        return w

    def _word(self, tok: str) -> _Word:
        if len(self._words) > self.MAX_WORDS:
            self._words.clear()
            self._shared.clear()
        kept = self._kept
        w = self._words[tok] = _Word()
        low = tok.lower()
        sh = shape(tok)
        ss = _collapse(sh)
        folded = fold(tok)
        w.low, w.folded, w.cap = low, low if folded == low else folded, tok[:1].isupper()
        w.opens = tok in _QUOTES or tok in ":.!?"
        w.own = kept(["b", "w=" + low, "sh=" + sh, "ss=" + ss,
                      "s1=" + low[-1:], "s2=" + low[-2:], "s3=" + low[-3:], "s4=" + low[-4:],
                      "p2=" + low[:2], "p3=" + low[:3]])
        w.prev1, w.next1 = kept(["w-1=" + low]), kept(["w+1=" + low])
        w.prev2, w.next2 = kept(["w-2=" + low]), kept(["w+2=" + low])
        w.pair_left, w.pair_right = self._pair("w-1w=" + low + "|"), self._pair("ww+1=" + low + "|")
        w.ss_prev, w.ss_next = kept(["ss-1=" + ss]), kept(["ss+1=" + ss])
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
        lex = self.lexicon
        w.lex = kept(_lex_features(lex, tok, "", True))
        w.lex_prev, w.lex_next = kept(_lex_features(lex, tok, "-1", False)), kept(_lex_features(lex, tok, "+1", False))
        w.at_start = kept(["start", "start_cap", *flags] if w.cap else ["start", *flags])
        w.inside = kept(["mid_cap", *flags] if w.cap else flags)  # capitalised inside a sentence: a noun or a name
        w.at_start_lex, w.inside_lex = self._share(w.at_start + w.lex), self._share(w.inside + w.lex)
        return w

    def __call__(self, tokens: list[str], gazetteer: Gazetteer | None = None) -> list[list]:
        """Per token, its features: the word's own, then its neighbours' (see ``_Word``)."""
        words, word, keep = self._words, self._word, self._keep
        recs = [words.get(t) or word(t) for t in tokens]
        near = self._gazetteer_features(recs, gazetteer) if gazetteer else None
        padded = [self._left, self._left, *recs, self._right, self._right]
        feats = []
        for i, (p2, p, w, nx, n2) in enumerate(zip(padded, padded[1:], recs, padded[3:], padded[4:])):
            f = [*w.own, *p.prev1, *nx.next1, *p2.prev2, *n2.next2]
            if p.pair_left is not None:
                pair = p.pair_left + w.low
                if keep is None or (pair := keep.get(pair)) is not None:
                    f.append(pair)
            if w.pair_right is not None:
                pair = w.pair_right + nx.low
                if keep is None or (pair := keep.get(pair)) is not None:
                    f.append(pair)
            f += p.ss_prev
            f += nx.ss_next
            g = near.get(i) if near else None
            if g is None:
                f += w.at_start_lex if p.opens else w.inside_lex
            else:
                f += w.at_start if p.opens else w.inside
                f += g
                f += w.lex
            f += p.lex_prev
            f += nx.lex_next
            feats.append(f)
        return feats

    def _gazetteer_features(self, recs: list[_Word], gazetteer: Gazetteer) -> dict[int, tuple]:
        return self.gazetteer_near([r.folded for r in recs], [i for i, r in enumerate(recs) if r.cap], gazetteer)

    def gazetteer_near(self, folded: list[str], caps: list[int], gazetteer: Gazetteer) -> dict[int, tuple]:
        """Token index -> its gazetteer features, then its neighbours' (``-1gB-LOC``, ``+1gI-PER``),
        for the tokens that have any; from the folded tokens and the indices of the capitalised ones."""
        hits = gazetteer.hits(folded, caps)
        if not hits:
            return {}
        n = len(folded)
        out = {}
        for i in sorted({j for h in hits for j in (h - 1, h, h + 1) if 0 <= j < n}):
            out[i] = self._kept([*hits.get(i, ()), *("-1" + g for g in hits.get(i - 1, ())),
                                 *("+1" + g for g in hits.get(i + 1, ()))])
        return out


_PLAIN: dict[int, FeatureExtractor] = {}  # id(lexicon) -> its extractor (which holds it: the id stays its own)


def sentence_features(tokens: list[str], gazetteer: Gazetteer | None = None,
                      lexicon: Lexicon | None = None) -> list[list[str]]:
    extractor = _PLAIN.get(id(lexicon))
    if extractor is None:
        extractor = _PLAIN[id(lexicon)] = FeatureExtractor(lexicon)
    return extractor(tokens, gazetteer)
