"""Tagging with a CRFsuite model in numpy, a whole document at a time.

A linear-chain CRF scores a label at a token by adding up the weights of the token's attributes.
Our features (``features.FeatureExtractor``) are pieces taken from the token and its neighbours,
each piece fixed for a word (its own features, what it gives the word after it, ...). So each
piece's weights are summed once per distinct word into one vector per label, and a token's
scores are a few of those vectors added, for every token of the document in one numpy operation.
Viterbi and the marginals then run over all sentences of the document at once.

This gives the labels CRFsuite gives for the same model and features (test-checked); it does not
build the ~60 feature strings per token CRFsuite needs, nor look each up in the model's
dictionary, which took most of the tagging time.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from newsreader.core.ner.features import FeatureExtractor, Gazetteer, Lexicon, _Word

# What a word gives a token's scores, by its place: the token itself, its neighbours one and two
# before and after, and the token in context (after a word that opens a sentence, or inside).
OWN, PREV1, NEXT1, PREV2, NEXT2, SS_PREV, SS_NEXT, LEX_PREV, LEX_NEXT, AT_START, INSIDE = range(11)
_ROLE_NAMES = ("own", "prev1", "next1", "prev2", "next2", "ss_prev", "ss_next", "lex_prev", "lex_next",
               "at_start_lex", "inside_lex")  # the _Word attributes, in that order
_ROLES = len(_ROLE_NAMES)


class ModelFormatError(ValueError):
    pass


class CRFModel:
    """A CRFsuite model file (``crf1d``) as arrays: the labels, the attributes, the weight of each
    attribute for each label (``state``) and of each label following another (``trans``)."""

    def __init__(self, labels: list[str], attributes: list[str], state: np.ndarray, trans: np.ndarray):
        self.labels = labels
        self.attributes = attributes
        self.state = state
        self.trans = trans

    @classmethod
    def load(cls, path: Path) -> CRFModel:
        data = Path(path).read_bytes()
        try:
            (magic, _, kind, _, _, n_labels, n_attrs, off_feat, off_labels, off_attrs, _, _
             ) = struct.unpack_from("<4sI4sIIIIIIIII", data, 0)
            if magic != b"lCRF" or kind != b"FOMC":
                raise ModelFormatError(f"{path}: not a CRFsuite crf1d model")
            labels = cqdb_strings(data, off_labels, n_labels)
            attributes = cqdb_strings(data, off_attrs, n_attrs)
            chunk, size, count = struct.unpack_from("<4sII", data, off_feat)
            if chunk != b"FEAT" or size != 12 + 20 * count:
                raise ModelFormatError(f"{path}: no feature table where the header says")
            feats = np.frombuffer(data, dtype=np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("w", "<f8")]),
                                  count=count, offset=off_feat + 12)
        except struct.error as exc:
            raise ModelFormatError(f"{path}: truncated ({exc})") from None
        state = np.zeros((n_attrs, n_labels))
        trans = np.zeros((n_labels, n_labels))
        st, tr = feats[feats["type"] == 0], feats[feats["type"] == 1]
        if (st["src"] >= n_attrs).any() or (st["dst"] >= n_labels).any() or (tr["src"] >= n_labels).any() or (tr["dst"] >= n_labels).any():
            raise ModelFormatError(f"{path}: a feature refers past the labels or attributes")
        np.add.at(state, (st["src"], st["dst"]), st["w"])
        np.add.at(trans, (tr["src"], tr["dst"]), tr["w"])
        return cls(labels, attributes, state, trans)


def cqdb_strings(data: bytes, base: int, count: int) -> list[str]:
    """The strings of a CQDB chunk (CRFsuite's string <-> id dictionary), by id."""
    chunk, _, _, _, size, backward = struct.unpack_from("<4sIIIII", data, base)
    if chunk != b"CQDB" or size != count:
        raise ModelFormatError("a string table is not where the header says")
    key_size = struct.Struct("<I").unpack_from
    # each record: id, key size (with the final NUL), key
    return [data[base + at + 8:base + at + 7 + key_size(data, base + at + 4)[0]].decode("utf-8", "replace")
            for at in struct.unpack_from(f"<{size}I", data, base + backward)]


class _Pairs:
    """The model's attributes for a pair of words (``w-1w=a|b``) as numbers: each first word and
    each second word numbered, and the pairs as sorted codes ``first * seconds + second``."""

    def __init__(self, ids: dict[str, int], prefix: str):
        self.first: dict[str, int] = {}
        self.second: dict[str, int] = {}
        found: dict[tuple[int, int], int] = {}
        for attr, i in ids.items():
            if not attr.startswith(prefix):
                continue
            pair = attr[len(prefix):]
            # "a|b" split at every bar: a word may be "|" itself. A split no tokens give is never looked up.
            for at, c in enumerate(pair):
                if c == "|":
                    a = self.first.setdefault(pair[:at], len(self.first))
                    b = self.second.setdefault(pair[at + 1:], len(self.second))
                    found[a, b] = i
        self._width = max(1, len(self.second))
        codes = np.array([a * self._width + b for a, b in found], dtype=np.int64)
        order = np.argsort(codes)
        self._codes = codes[order]
        self._attrs = np.array(list(found.values()), dtype=np.int64)[order]

    def find(self, first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where the pairs (``first[k]``, ``second[k]``) are known: those ``k`` and the attributes."""
        if not len(self._codes):
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
        maybe = np.flatnonzero((first >= 0) & (second >= 0))
        code = first[maybe] * self._width + second[maybe]
        at = np.minimum(np.searchsorted(self._codes, code), len(self._codes) - 1)
        hit = self._codes[at] == code
        return maybe[hit], self._attrs[at[hit]]


class DocumentTagger:
    """Labels and marginals for the sentences of a document, from ``CRFModel`` and our features."""

    MAX_WORDS = 30_000  # words kept with their vectors (11 x 9 float32 each: 12 MB), then the most used half
    _ARRAYS = ("_roles", "_opens", "_caps", "_uses", "_codes")  # by word number, as _tokens

    def __init__(self, model: CRFModel, lexicon: Lexicon | None, gazetteer: Gazetteer | None):
        self.gazetteer = gazetteer
        ids = {a: i for i, a in enumerate(model.attributes)}  # the model itself is not kept: its arrays are
        # the features as the model's attribute ids (+1: FeatureExtractor drops what maps to a false value)
        self._features = FeatureExtractor(lexicon, keep={a: i + 1 for a, i in ids.items()})
        self._labels = np.array(model.labels, dtype=object)
        self._trans = model.trans
        self._exp_trans = np.exp(model.trans)
        # "w-1w=a|b" is a feature of b after a, "ww+1=a|b" of a before b
        self._before = _Pairs(ids, "w-1w=")
        self._after = _Pairs(ids, "ww+1=")
        self._vectors: dict[tuple, int] = {}  # a tuple of attribute ids -> its row in _extra
        self._extra = np.zeros((64, len(model.labels)))
        # the weights with a row of zeros first: attribute i is row i + 1, as the features give it
        self._state = np.concatenate([np.zeros((1, len(model.labels))), model.state])
        self._reset()

    def _reset(self) -> None:
        labels = len(self._labels)
        self._index: dict[str, int] = {}
        self._tokens: list[str] = []  # by number: the word, and its folded form (for the gazetteer)
        self._folded: list[str] = []
        self._roles = np.zeros((0, _ROLES, labels), dtype=np.float32)
        self._opens = np.zeros(0, dtype=bool)  # a sentence starts after it
        self._caps = np.zeros(0, dtype=bool)  # capitalised
        self._uses = np.zeros(0, dtype=np.int64)  # tokens it was (halved at each compaction)
        # each word's number as the first and as the second word of the pairs the model knows (or -1)
        self._codes = np.zeros((0, 4), dtype=np.int64)  # before: first, second; after: first, second
        self._features._words.clear()
        self._features._shared.clear()
        self._add([("\x00<s>", self._features._left), ("\x00</s>", self._features._right)])

    def _sum(self, ids: tuple) -> np.ndarray:
        return self._state[list(ids)].sum(axis=0)

    def _add(self, words: list[tuple[str, _Word]]) -> None:
        """Give the new ``words`` (token, its features) the next numbers and their vectors."""
        n = len(self._tokens)
        if n + len(words) > len(self._roles):
            size = min(max(n + len(words), len(self._roles) * 3 // 2, 256), self.MAX_WORDS + len(words))
            for name in self._ARRAYS:
                old = getattr(self, name)
                new = np.zeros((size, *old.shape[1:]), dtype=old.dtype)
                new[:n] = old[:n]
                setattr(self, name, new)
        ids: list[int] = []
        starts: list[int] = []
        for _, w in words:
            for role in _ROLE_NAMES:
                starts.append(len(ids))
                ids += getattr(w, role, ())  # an edge has only what its neighbours take from it
                if len(ids) == starts[-1]:
                    ids.append(0)  # the row of zeros: no attribute
        sums = np.add.reduceat(self._state[ids], starts, axis=0)
        self._roles[n:n + len(words)] = sums.reshape(len(words), _ROLES, -1)
        before, after = self._before, self._after
        for k, (tok, w) in enumerate(words, n):
            low = w.low
            self._opens[k] = w.opens
            self._caps[k] = getattr(w, "cap", False)
            self._codes[k] = (before.first.get(low, -1), before.second.get(low, -1),
                              after.first.get(low, -1), after.second.get(low, -1))
            self._index[tok] = k
            self._tokens.append(tok)
            self._folded.append(getattr(w, "folded", ""))

    def _compact(self) -> None:
        """Keep the half of the words used most (and the edges), renumbered; the uses halve, so
        that words common long ago give way to those of the texts now."""
        n = len(self._tokens)
        keep = np.sort(np.argsort(-self._uses[2:n], kind="stable")[:self.MAX_WORDS // 2] + 2)
        keep = np.concatenate([[0, 1], keep])
        for name in self._ARRAYS:
            setattr(self, name, getattr(self, name)[keep])
        self._uses //= 2
        self._tokens = [self._tokens[i] for i in keep.tolist()]
        self._folded = [self._folded[i] for i in keep.tolist()]
        self._index = {t: k for k, t in enumerate(self._tokens)}

    def _vector(self, ids: tuple) -> int:
        at = self._vectors.get(ids)
        if at is None:
            at = self._vectors[ids] = len(self._vectors)
            if at == len(self._extra):
                self._extra = np.concatenate([self._extra, np.zeros_like(self._extra)])
            self._extra[at] = self._sum(ids)
        return at

    def tag(self, doc: list[list[str]]) -> tuple[list[list[str]], list[np.ndarray]]:
        """Per sentence its labels and an array of each token's marginal probability of its label."""
        return self.tag_documents([doc])[0]

    def tag_documents(self, docs: list[list[list[str]]]) -> list[tuple[list[list[str]], list[np.ndarray]]]:
        """``tag`` for each document, all at once (the numpy work is shared: far faster for many)."""
        sentences = [s for doc in docs for s in doc if s]
        if not sentences:
            return [([[] for _ in doc], [np.zeros(0) for _ in doc]) for doc in docs]
        if len(self._tokens) > self.MAX_WORDS:
            self._compact()
        index = self._index
        # all sentences as one row of word numbers, each between two edges on either side
        flat: list[int] = []
        new: dict[str, int] = {}  # tokens not seen before -> their numbers to be
        first_new = len(self._tokens)
        for toks in sentences:
            flat += (0, 0)
            ids = list(map(index.get, toks))
            if None in ids:
                for k, i in enumerate(ids):
                    if i is None:
                        ids[k] = new.setdefault(toks[k], first_new + len(new))
            flat += ids
            flat += (1, 1)
        if new:
            features = self._features
            self._add([(t, features._word(t)) for t in new])
            features._words.clear()  # what is needed of them is kept here
            features._shared.clear()
        idx = np.array(flat)
        self._uses[:len(self._tokens)] += np.bincount(idx, minlength=len(self._tokens))
        at = np.flatnonzero(idx > 1)  # the place in ``flat`` of each token
        R = self._roles
        me, before, after = idx[at], idx[at - 1], idx[at + 1]
        scores = (R[me, OWN].astype(np.float64) + R[before, PREV1] + R[after, NEXT1] + R[idx[at - 2], PREV2]
                  + R[idx[at + 2], NEXT2] + R[before, SS_PREV] + R[after, SS_NEXT]
                  + R[before, LEX_PREV] + R[after, LEX_NEXT])
        scores += np.where(self._opens[before][:, None], R[me, AT_START], R[me, INSIDE])
        # the pairs of words the model knows, for the few tokens whose neighbour begins one
        state = self._state
        rows: list[int] = []  # tokens
        ids: list[int] = []  # the attribute each of them has
        codes = self._codes
        for pairs, a, b in ((self._before, codes[before, 0], codes[me, 1]), (self._after, codes[me, 2], codes[after, 3])):
            k, found = pairs.find(a, b)
            rows += k.tolist()
            ids += found.tolist()
        if rows:
            np.add.at(scores, rows, state[np.array(ids) + 1])
        if self.gazetteer is not None:
            # all sentences at once: an edge ("") is never part of a name
            folded = self._folded
            near = self._features.gazetteer_near([folded[i] for i in flat], np.flatnonzero(self._caps[idx]).tolist(),
                                                 self.gazetteer)
            if near:
                places = np.array(list(near))
                ks = np.searchsorted(at, places)
                ok = (ks < len(at)) & (at[np.minimum(ks, len(at) - 1)] == places)
                vecs = [self._vector(near[p]) for p in places[ok].tolist()]
                np.add.at(scores, ks[ok], self._extra[vecs])
        lengths = np.array([len(s) for s in sentences])
        best, probs = self._decode(scores, lengths)
        names = self._labels[best].tolist()
        out = []
        start = 0
        for doc in docs:
            labels: list[list[str]] = []
            confs: list[np.ndarray] = []
            for toks in doc:
                n = len(toks)
                labels.append(names[start:start + n])
                confs.append(probs[start:start + n])
                start += n
            out.append((labels, confs))
        return out

    def _decode(self, scores: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The best label number of each token (flat, as ``scores``) and its marginal probability.

        The sentences go side by side, longest first, so that step ``t`` works on the first
        ``live[t]`` of them (those longer than ``t``): on the tokens at ``starts[:live[t]] + t``.
        """
        order = np.argsort(-lengths, kind="stable")
        lens = lengths[order]
        starts = (np.cumsum(lengths) - lengths)[order]
        longest = int(lens[0])
        live = np.searchsorted(-lens, -np.arange(longest), side="left").tolist()  # sentences longer than t
        n, labels = len(lens), scores.shape[1]
        trans = self._trans
        score = scores[starts].copy()
        back = np.empty((len(scores), labels), dtype=np.intp)  # at a token: the best label before it, per label
        for t in range(1, longest):
            k = live[t]
            at = starts[:k] + t
            cand = score[:k, :, None] + trans
            back[at] = cand.argmax(axis=1)
            score[:k] = cand.max(axis=1) + scores[at]
        best = np.empty(len(scores), dtype=np.intp)
        cur = score.argmax(axis=1)
        best[starts + lens - 1] = cur
        for t in range(longest - 1, 0, -1):
            k = live[t]
            at = starts[:k] + t
            best[at - 1] = back[at, best[at]]
        E = np.exp(scores - scores.max(axis=1, keepdims=True))
        T = self._exp_trans
        alpha = np.empty_like(E)
        a = E[starts]
        a /= a.sum(axis=1, keepdims=True)
        alpha[starts] = a
        for t in range(1, longest):
            k = live[t]
            at = starts[:k] + t
            a = (a[:k] @ T) * E[at]
            a /= a.sum(axis=1, keepdims=True)
            alpha[at] = a
        beta = np.empty_like(E)
        b = np.ones((n, labels))
        beta[starts + lens - 1] = 1.0
        for t in range(longest - 2, -1, -1):
            k = live[t + 1]  # the sentences that go on after t
            at = starts[:k] + t
            b = (E[at + 1] * beta[at + 1]) @ T.T
            beta[at] = b / b.sum(axis=1, keepdims=True)
        p = alpha * beta
        rows = np.arange(len(scores))
        return best, p[rows, best] / p.sum(axis=1)
