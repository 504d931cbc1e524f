"""The default recognizer: a CRF trained by this project (see ``train.py``), shipped in ``model/``."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cached_property
from pathlib import Path

from newsreader.core.article import NER_TEXTS
from newsreader.core.ner.corpora import spans_of
from newsreader.core.ner.features import Gazetteer, Lexicon, fold
from newsreader.core.ner.tokenize import scan, sentence_bounds
from newsreader.core.ner.types import Mention

MODEL_DIR = Path(__file__).parent / "model"
# Bump when the tagging code around the model changes, so cached mentions are recomputed.
LOGIC_VERSION = 7
GROUP_CHARS = 100_000  # texts tagged together (numpy's work is shared by all their sentences)
# a name the model finds is kept when it is at least this sure of each of its words (the marginal
# of the word's label): below one half, the model itself thinks the name more likely wrong
MIN_CONFIDENCE = 0.5
RARE_BAND = 12  # lexicon bands (log-frequency ranks) from here on are rare: Ost, Ufer are 11, der, am 6-7


class CRFRecognizer:
    name = "crf"

    def __init__(self, model_dir: Path = MODEL_DIR, consistency: bool = True, min_confidence: float = MIN_CONFIDENCE):
        self.model_dir = Path(model_dir)
        self.min_confidence = min_confidence
        lex = self.model_dir / "lexicon.bin"
        self.lexicon = Lexicon.load(lex) if lex.exists() else None
        self.consistency = consistency

    @cached_property
    def gazetteer(self) -> Gazetteer:
        """Read when the first text is tagged: the reader opens a recognizer for its version and
        word list alone, and 45,000 names take about 15 MB."""
        return Gazetteer.from_json(json.loads((self.model_dir / "gazetteer.json").read_text(encoding="utf-8")))

    @cached_property
    def _decoder(self):
        """Made when the first text is tagged (numpy and the model's weights, ~0.1 s): a
        recognizer opened for its ``version`` alone does not pay for them."""
        from newsreader.core.ner.decode import CRFModel, DocumentTagger

        return DocumentTagger(CRFModel.load(self.model_dir / "de-ner.crfsuite"), self.lexicon, self.gazetteer)

    @property
    def version(self) -> str:
        meta = self.model_dir / "metrics.json"
        sha = json.loads(meta.read_text(encoding="utf-8"))["model_sha256"][:12] if meta.exists() else "?"
        return f"crf:{sha}:{LOGIC_VERSION}:{int(self.consistency)}:{NER_TEXTS}"

    def is_known_base(self, base: str, form: str) -> bool:
        """Is ``base`` a word at least as common as ``form`` (so ``form`` is its genitive)?"""
        if self.lexicon is None:
            return False
        b, f = self.lexicon.lookup(base), self.lexicon.lookup(form)
        return b is not None and (f is None or b[1] <= f[1])

    def tag_document(self, doc: list[list[str]]) -> tuple[list[list[str]], list[list[float | None]]]:
        """Per sentence of ``doc`` (its tokens) the labels, and for the tokens that can be part of
        a mention (tagged as a name by the model, or capitalised, which document consistency may
        still tag) the model's marginal probability of its label; None for the others."""
        ((model, labels, probs),) = self._tag([doc])
        confs = [[float(p) if lab != "O" or tok[:1].isupper() else None for tok, lab, p in zip(toks, labs, ps)]
                 for toks, labs, ps in zip(doc, model, probs)]
        return labels, confs

    def _tag(self, docs: list[list[list[str]]]) -> list[tuple[list[list[str]], list[list[str]], list]]:
        """For each document: the model's labels, the labels after document consistency, and the
        marginal of each model label. The documents are tagged together (far faster than one by one)."""
        out = []
        for doc, (model, probs) in zip(docs, self._decoder.tag_documents(docs)):
            labels = _confident(model, probs, self.min_confidence)
            if self.consistency:
                labels = _make_consistent(doc, labels)
                labels = _extend_after_role(doc, labels, self.lexicon)
                labels = _extend_by_syllable(doc, labels, self.lexicon)  # after: Choe Son (role) + Hui
                labels = _drop_place_adjectives(doc, labels, self.gazetteer)
            out.append((model, labels, probs))
        return out

    def recognize(self, text: str) -> list[Mention]:
        return self.recognize_many([text])[0]

    def recognize_many(self, texts: list[str]) -> list[list[Mention]]:
        """The mentions in each text. The texts are tagged together, :data:`GROUP_CHARS`
        characters at a time (``decode.DocumentTagger.tag_documents``)."""
        out: list[list[Mention]] = []
        group: list[tuple[str, list[str], list[int], list[int]]] = []
        size = 0
        for i, text in enumerate(texts):
            words, starts = scan(text)
            group.append((text, words, starts, sentence_bounds(words, starts, text)))
            size += len(text)
            if size >= GROUP_CHARS or i == len(texts) - 1:
                out += self._mentions(group)
                group, size = [], 0
        return out

    def _mentions(self, group) -> list[list[Mention]]:
        docs = [[words[a:b] for a, b in zip(bounds, bounds[1:])] for _, words, _, bounds in group]
        out = []
        for (text, words, starts, bounds), doc, (model, labels, probs) in zip(group, docs, self._tag(docs)):
            found: list[Mention] = []
            for first, toks, raw, labs, ps in zip(bounds, doc, model, labels, probs):
                for a, b, kind in _spans(labs):
                    start, end = starts[first + a], starts[first + b - 1] + len(words[first + b - 1])
                    # the lowest marginal of the tokens that can be part of a mention (see tag_document)
                    known = [ps[i] for i in range(a, b) if raw[i] != "O" or toks[i][:1].isupper()]
                    score = float(min(known)) if known else 0.0
                    found.append(Mention(start, end, text[start:end], kind, round(score, 3)))
            out.append(found)
        return out


def _confident(model: list[list[str]], probs: list, least: float) -> list[list[str]]:
    """The model's labels without the names it is unsure of: a name is dropped when the marginal
    of any of its words' labels is below ``least``."""
    if least <= 0:
        return model
    out = []
    for labs, ps in zip(model, probs):
        spans = _spans(labs)
        if spans and any(min(ps[a:b]) < least for a, b, _ in spans):
            labs = list(labs)
            for a, b, _ in spans:
                if min(ps[a:b]) < least:
                    labs[a:b] = ["O"] * (b - a)
        out.append(labs)
    return out


def _spans(labels: list[str]) -> list[tuple[int, int, str]]:
    """``spans_of`` in order; it looks only at the tokens with a label other than O."""
    if labels.count("O") == len(labels):  # most sentences
        return []
    out = []
    start = kind = None
    prev = -2
    for i in [i for i, lab in enumerate(labels) if lab != "O"]:
        lab = labels[i]
        if start is not None and (i != prev + 1 or lab[:2] != "I-" or lab[2:] != kind):
            out.append((start, prev + 1, kind))
            start = None
        if start is None and lab[:2] in ("B-", "I-"):
            start, kind = i, lab[2:]
        prev = i
    if start is not None:
        out.append((start, prev + 1, kind))
    return out


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


# A title or role before a person's name (``US-Außenminister``, ``Kremlsprecher``, ``Frau``): the
# word's last part, in lower case.
_ROLE = re.compile(
    r"(?:minister|präsident|kanzler|chef|sprecher|sekretär|vorsitzende|senator|gouverneur|botschafter|"
    r"abgeordnete|bürgermeister|trainer|direktor|leiter|general|admiral|könig|prinz|prinzessin|papst|bischof|"
    r"kardinal|richter|anwalt|anwältin|professor|kommissar|beauftragte|gesandte|diplomat|politiker|"
    r"regisseur|autor|sänger|schauspieler|spieler|stürmer|torwart|kapitän|premier|machthaber|diktator|"
    r"herrscher|führer|ökonom|experte|expertin|analyst|forscher|unternehmer|manager|gründer|ceo|herr|frau|"
    r"kandidat|kommandeur|oberst|major|leutnant|sheriff|staatschef|regierungschef|oppositionsführer)"
    r"(?:in|en|n|r)?$")


def _is_role(word: str) -> bool:
    return word[:1].isupper() and _ROLE.search(word.lower()) is not None


def _rare_capitalised(word: str, lexicon) -> bool:
    """A capitalised word that is rare in German (not in the word list, or in its rare bands)."""
    if not (len(word) >= 2 and word[0].isupper() and word.replace("-", "").isalpha()):
        return False
    hit = lexicon.lookup(word)
    return hit is None or hit[1] >= RARE_BAND


def _extend_after_role(doc: list[list[str]], labels: list[list[str]], lexicon) -> list[list[str]]:
    """After a title or role a person is named in full (``US-Außenminister Antony Blinken``): a
    person's name of one word right after such a word takes the capitalised word that follows
    it, or the one before it, when that word is rare in German and the model left it out."""
    if lexicon is None:
        return labels
    out = []
    for toks, labs in zip(doc, labels):
        labs = list(labs)
        for a, b, kind in _spans(labs):
            if kind != "PER" or b - a != 1:
                continue
            if a >= 1 and _is_role(toks[a - 1]) and b < len(toks) and labs[b] == "O" \
                    and _rare_capitalised(toks[b], lexicon):
                labs[b] = "I-PER"
            elif a >= 2 and _is_role(toks[a - 2]) and labs[a - 1] == "O" and _rare_capitalised(toks[a - 1], lexicon):
                labs[a - 1], labs[a] = "B-PER", "I-PER"
        out.append(labs)
    return out


def _drop_place_adjectives(doc: list[list[str]], labels: list[list[str]], gazetteer: Gazetteer) -> list[list[str]]:
    """``Moskauer`` in "der Moskauer Angriffskrieg" is an adjective made from a place, not a place
    (the training data label it so): a place of one word ending in ``-er``, before a capitalised
    word that is no name, whose stem is a known place (``Moskau``; ``Bremen`` for ``Bremer``) is
    no name."""
    out = []
    for toks, labs in zip(doc, labels):
        labs = list(labs)
        for a, b, kind in _spans(labs):
            word = toks[a]
            if kind != "LOC" or b - a != 1 or len(word) < 5 or not word.endswith("er") or b >= len(toks):
                continue
            if labs[b] != "O" or not toks[b][:1].isupper():
                continue
            stem = fold(word[:-2])
            if any(any(k.endswith("LOC") for k in gazetteer.kinds((form,))) for form in (stem, stem + "en")):
                labs[a] = "O"
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
