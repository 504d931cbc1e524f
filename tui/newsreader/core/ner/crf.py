"""The default recognizer: a CRF trained by this project (see ``train.py``), shipped in ``model/``."""

from __future__ import annotations

import json
import struct
from collections import Counter
from functools import cached_property
from pathlib import Path

from newsreader.core.ner.corpora import spans_of
from newsreader.core.ner.features import FeatureExtractor, Gazetteer, Lexicon
from newsreader.core.ner.tokenize import scan, sentence_bounds
from newsreader.core.ner.types import Mention

MODEL_DIR = Path(__file__).parent / "model"
# Bump when the tagging code around the model changes, so cached mentions are recomputed.
LOGIC_VERSION = 4
RARE_BAND = 12  # lexicon bands (log-frequency ranks) from here on are rare: Ost, Ufer are 11, der, am 6-7


class CRFRecognizer:
    name = "crf"

    def __init__(self, model_dir: Path = MODEL_DIR, consistency: bool = True):
        import pycrfsuite

        self.model_dir = Path(model_dir)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(self.model_dir / "de-ner.crfsuite"))
        data = json.loads((self.model_dir / "gazetteer.json").read_text(encoding="utf-8"))
        self.gazetteer = Gazetteer.from_json(data)
        lex = self.model_dir / "lexicon.bin"
        self.lexicon = Lexicon.load(lex) if lex.exists() else None
        self.consistency = consistency

    @cached_property
    def _features(self) -> FeatureExtractor:
        """Made when the first text is tagged: a recognizer opened for its ``version`` alone does
        not read the model's attributes (~40 ms)."""
        keep = model_attributes((self.model_dir / "de-ner.crfsuite").read_bytes())
        return FeatureExtractor(self.lexicon, keep=keep)

    @property
    def version(self) -> str:
        meta = self.model_dir / "metrics.json"
        sha = json.loads(meta.read_text(encoding="utf-8"))["model_sha256"][:12] if meta.exists() else "?"
        return f"crf:{sha}:{LOGIC_VERSION}:{int(self.consistency)}"

    def is_known_base(self, base: str, form: str) -> bool:
        """Is ``base`` a word at least as common as ``form`` (so ``form`` is its genitive)?"""
        if self.lexicon is None:
            return False
        b, f = self.lexicon.lookup(base), self.lexicon.lookup(form)
        return b is not None and (f is None or b[1] <= f[1])

    def tag_sentence(self, tokens: list[str]) -> tuple[list[str], list[float | None]]:
        if not tokens:
            return [], []
        labels = self._tagger.tag(self._features(tokens, self.gazetteer))
        # The confidence of a mention is the lowest marginal of its tokens. Only tokens that can be
        # part of a mention need one: those tagged as a name, and capitalised ones that document
        # consistency may still tag. The rest (most tokens) are skipped for speed: None.
        marginal = self._tagger.marginal
        conf = [marginal(lab, i) if lab != "O" or tok[:1].isupper() else None
                for i, (lab, tok) in enumerate(zip(labels, tokens))]
        return labels, conf

    def tag_document(self, doc: list[list[str]]) -> tuple[list[list[str]], list[list[float | None]]]:
        tagged = [self.tag_sentence(toks) for toks in doc]
        labels = [t[0] for t in tagged]
        confs = [t[1] for t in tagged]
        if self.consistency:
            labels = _make_consistent(doc, labels)
            labels = _extend_by_syllable(doc, labels, self.lexicon)
        return labels, confs

    def recognize(self, text: str) -> list[Mention]:
        words, starts = scan(text)
        bounds = sentence_bounds(words, starts, text)
        labels, confs = self.tag_document([words[a:b] for a, b in zip(bounds, bounds[1:])])
        out: list[Mention] = []
        for first, labs, conf in zip(bounds, labels, confs):
            for a, b, kind in _spans(labs):
                start, end = starts[first + a], starts[first + b - 1] + len(words[first + b - 1])
                known = [c for c in conf[a:b] if c is not None]
                score = min(known) if known else 0.0
                out.append(Mention(start, end, text[start:end], kind, round(score, 3)))
        return out


def _spans(labels: list[str]) -> list[tuple[int, int, str]]:
    """``spans_of`` in order, at once for the many sentences without a name."""
    return sorted(spans_of(labels)) if labels.count("O") != len(labels) else []


def model_attributes(model: bytes) -> list[str] | None:
    """The attributes a CRFsuite model file knows (its attribute dictionary, a CQDB chunk), or
    None if the file is not laid out as expected."""
    try:
        magic, _, kind, _, _, _, count, _, _, base = struct.unpack_from("<4sI4sIIIIIII", model, 0)
        chunk, _, _, _, size, backward = struct.unpack_from("<4sIIIII", model, base)
        if magic != b"lCRF" or kind != b"FOMC" or chunk != b"CQDB" or size != count:
            return None
        key_size = struct.Struct("<I").unpack_from
        # each record: id, key size (with the final NUL), key
        return [model[base + at + 8:base + at + 7 + key_size(model, base + at + 4)[0]].decode("utf-8", "replace")
                for at in struct.unpack_from(f"<{size}I", model, base + backward)]
    except (struct.error, ValueError):
        return None


def _make_consistent(doc: list[list[str]], labels: list[list[str]]) -> list[list[str]]:
    """A name tagged once is tagged at its other mentions in the same document (majority type);
    the surname of a tagged person counts as that person's name."""
    labels = _split_joined_people(doc, labels)
    names: dict[tuple[str, ...], Counter] = {}
    for toks, labs in zip(doc, labels):
        for a, b, kind in _spans(labs):
            names.setdefault(tuple(toks[a:b]), Counter())[kind] += 1
            if kind == "PER" and b - a > 1 and len(toks[b - 1]) > 2:
                names.setdefault((toks[b - 1],), Counter())[kind] += 1
    if not names:
        return labels
    best = {k: max(c, key=c.get) for k, c in names.items() if k[0][:1].isupper()}  # = most_common(1)
    longest: dict[str, int] = {}  # first word of a known name -> length of the longest such name
    for k in best:
        longest[k[0]] = max(longest.get(k[0], 0), len(k))
    out = []
    for toks, labs in zip(doc, labels):
        labs = list(labs)
        if longest.keys().isdisjoint(toks):  # most sentences: nothing to tag
            out.append(labs)
            continue
        i = 0
        while i < len(toks):
            if labs[i] != "O" or toks[i] not in longest:
                i += 1
                continue
            for n in range(min(longest[toks[i]], len(toks) - i), 0, -1):
                kind = best.get(tuple(toks[i:i + n]))
                if kind and all(lab == "O" for lab in labs[i:i + n]) and (i + n == len(toks) or labs[i + n] == "O" or labs[i + n].startswith("B-")):
                    labs[i] = "B-" + kind
                    for j in range(i + 1, i + n):
                        labs[j] = "I-" + kind
                    i += n
                    break
            else:
                i += 1
        out.append(labs)
    return out


def _extend_by_syllable(doc: list[list[str]], labels: list[list[str]], lexicon) -> list[list[str]]:
    """East Asian given names end in short syllables the model often leaves out (``Kim Jong`` for
    ``Kim Jong Un``): a person's name of two or more words takes a following capitalised word of
    two to four letters that is rare in German (not in the word list, or in its rare bands) and
    is not a name of its own in the document."""
    if lexicon is None:
        return labels
    spans = [_spans(labs) for labs in labels]
    alone = {toks[a] for toks, sent in zip(doc, spans) for a, b, kind in sent if b - a == 1}
    out = []
    for toks, labs, sent in zip(doc, labels, spans):
        labs = list(labs)
        for a, b, kind in sent:
            if kind != "PER" or b - a < 2 or b >= len(toks) or labs[b] != "O":
                continue
            nxt = toks[b]
            if not (2 <= len(nxt) <= 4 and nxt.isalpha() and nxt[0].isupper() and nxt[1:].islower()) or nxt in alone:
                continue
            hit = lexicon.lookup(nxt)
            if hit is None or hit[1] >= RARE_BAND:
                labs[b] = "I-PER"
        out.append(labs)
    return out


def _split_joined_people(doc: list[list[str]], labels: list[list[str]]) -> list[list[str]]:
    """``Putin Kim`` in "empfing Putin Kim im Kreml" is two people when the document knows both
    parts as names on their own and never the whole. So is ``Xi Jinping Kim`` in "gratulierte
    Xi Jinping Kim" when ``Kim`` stands alone elsewhere and begins another person's full name
    (``Kim Jong Un``): a name that begins a full name is not that name's last word, the surname
    a Western full name ends with (``Anna Maria Schmidt`` and ``Schmidt`` stay one person)."""
    spans = [(si, a, b) for si, labs in enumerate(labels) for a, b, kind in _spans(labs) if kind == "PER"]
    whole = Counter(tuple(doc[si][a:b]) for si, a, b in spans)
    known_from: dict[tuple[str, ...], set[tuple[str, ...]]] = {}  # a name part -> the names giving it
    for key in whole:
        known_from.setdefault(key, set()).add(key)
        if len(key) > 1:
            known_from.setdefault(key[-1:], set()).add(key)

    def known_elsewhere(part: tuple[str, ...], key: tuple[str, ...]) -> bool:
        return bool(known_from.get(part, set()) - {key})  # not only as a piece of this very name

    out = [list(labs) for labs in labels]
    for si, a, b in spans:
        key = tuple(doc[si][a:b])
        if b - a < 2 or whole[key] > 1:
            continue
        last = doc[si][b - 1]
        if b - a >= 3 and (last,) in whole and any(len(k) > 1 and k[0] == last and k != key for k in whole):
            out[si][b - 1] = "B-PER"
            continue
        for k in range(a + 1, b):
            left, right = tuple(doc[si][a:k]), tuple(doc[si][k:b])
            if known_elsewhere(left, key) and known_elsewhere(right, key):
                out[si][k] = "B-PER"
                break
    return out
