"""Readers for the annotated NER corpora the model is trained and evaluated on.

GermEval 2014 (TSV): the outer level is used. ``PER``/``LOC``/``ORG`` keep their type and ``OTH``
becomes ``MISC``. The ``…deriv`` labels (``deutschen`` from Deutschland) and ``…part`` labels
(``Europa`` inside ``Europaparlament``-like compounds such as ``EU-weit``) are mapped to ``O``:
the reader highlights names, and a derived adjective or a compound that only contains a name is
not one.

SmartData (JSON Lines, character spans): ``person`` → PER; ``location`` and every
``location-*`` (city, street, stop, route) → LOC; ``organization`` and ``organization-company``
→ ORG; every other type (dates, numbers, triggers, positions, …) → O. Spans that start with a
lower-case letter (``italienische``) are derivations and become O, as in GermEval. The corpus has
no MISC.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.core.ner.tokenize import sentences, tokenize

TYPES = ("PER", "LOC", "ORG", "MISC")
_GERMEVAL = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "OTH": "MISC"}


@dataclass
class Sentence:
    tokens: list[str]
    labels: list[str]          # BIO with our four types
    doc: str                   # document key, for splits and document-level features
    spaces: list[bool] = field(default_factory=list)  # token followed by whitespace


def germeval_label(raw: str) -> str:
    if raw == "O" or len(raw) < 3:
        return "O"
    prefix, kind = raw[:2], raw[2:]
    mapped = _GERMEVAL.get(kind)  # "LOCderiv", "ORGpart" … are not in the map
    return prefix + mapped if mapped else "O"


def read_germeval(path: str | Path) -> Iterator[Sentence]:
    tokens: list[str] = []
    labels: list[str] = []
    doc = ""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("#"):
                doc = line
                continue
            if not line.strip():
                if tokens:
                    yield Sentence(tokens, _repair(labels), doc, [True] * len(tokens))
                tokens, labels = [], []
                continue
            cols = line.split("\t")
            tokens.append(cols[1])
            labels.append(germeval_label(cols[2]))
    if tokens:
        yield Sentence(tokens, _repair(labels), doc, [True] * len(tokens))


def _repair(labels: list[str]) -> list[str]:
    """An I- that follows O (its B- was a deriv/part label) becomes B-."""
    out = []
    for i, lab in enumerate(labels):
        if lab.startswith("I-") and (i == 0 or out[-1][2:] != lab[2:]):
            lab = "B-" + lab[2:]
        out.append(lab)
    return out


def smartdata_type(kind: str) -> str | None:
    kind = kind.lower().replace("_", "-")
    if kind == "person":
        return "PER"
    if kind == "location" or kind.startswith("location-"):
        return "LOC"
    if kind in ("organization", "organization-company"):
        return "ORG"
    return None


def read_smartdata(path: str | Path) -> Iterator[Sentence]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            text = doc["text"]["string"] if isinstance(doc["text"], dict) else doc["text"]
            mentions = doc.get("conceptMentions") or {}
            if isinstance(mentions, dict):
                mentions = mentions.get("array") or []
            spans = []
            for m in mentions:
                kind = smartdata_type(m.get("type") or "")
                start, end = m["span"]["start"], m["span"]["end"]
                if kind and text[start:end][:1].isupper():  # "italienische" is a derivation, not a name
                    spans.append((start, end, kind))
            toks = tokenize(text)
            labels = _labels_for(toks, spans)
            index = {id(t): i for i, t in enumerate(toks)}
            for sent in sentences(toks, text):
                idx = [index[id(t)] for t in sent]
                spaces = [t.end < len(text) and text[t.end].isspace() for t in sent]
                yield Sentence([t.text for t in sent], _repair([labels[i] for i in idx]), doc["id"], spaces)


def _labels_for(tokens, spans) -> list[str]:
    labels = ["O"] * len(tokens)
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        inside = [i for i, t in enumerate(tokens) if t.start >= start and t.end <= end]
        if not inside or any(labels[i] != "O" for i in inside):
            continue
        for n, i in enumerate(inside):
            labels[i] = ("B-" if n == 0 else "I-") + kind
    return labels


def spans_of(labels: list[str]) -> set[tuple[int, int, str]]:
    """(first token, last token + 1, type) for every BIO span."""
    out = set()
    start = kind = None
    for i, lab in enumerate(labels + ["O"]):
        if start is not None and not (lab.startswith("I-") and lab[2:] == kind):
            out.add((start, i, kind))
            start = kind = None
        if lab.startswith("B-") or (lab.startswith("I-") and start is None):
            start, kind = i, lab[2:]
    return out


# LER's fine classes as ours (its SOURCE.txt's coarse mapping); the legal-norm classes have none
LER_TYPES = {"PER": "PER", "RR": "PER", "AN": "PER", "LD": "LOC", "ST": "LOC", "STR": "LOC", "LDS": "LOC",
             "ORG": "ORG", "UN": "ORG", "INN": "ORG", "GRT": "ORG", "MRK": "ORG"}


def read_columns(path: str | Path, sep: str, prefix: str = "") -> Iterator[tuple[list[str], list[str]]]:
    """Token and tag per line, a blank line between sentences (WikiANN, LER); ``prefix`` is
    taken off each token (WikiANN's ``de:``)."""
    tokens: list[str] = []
    tags: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if tokens:
                    yield tokens, tags
                tokens, tags = [], []
                continue
            token, _, tag = line.rpartition(sep)
            tokens.append(token[len(prefix):] if prefix and token.startswith(prefix) else token)
            tags.append(tag)
    if tokens:
        yield tokens, tags


def external_names(root: str | Path) -> list[tuple[str, str]]:
    """Names and their types from WikiANN (its three splits) and LER (mapped by ``LER_TYPES``),
    for the gazetteer: (name, type), sorted, each once. Their sentences are not trained on."""
    root = Path(root)
    found: set[tuple[str, str]] = set()
    for split in ("train", "dev", "test"):
        for tokens, tags in read_columns(root / "wikiann_de" / f"{split}.filtered.gz", "\t", "de:"):
            found.update((" ".join(tokens[a:b]), kind) for a, b, kind in spans_of(tags))
    for tokens, tags in read_columns(root / "ler_de" / "ler-all.conll.gz", " "):
        tags = [t[:2] + LER_TYPES[t[2:]] if t[2:] in LER_TYPES else "O" for t in tags]
        found.update((" ".join(tokens[a:b]), kind) for a, b, kind in spans_of(tags))
    return sorted((name, kind) for name, kind in found if len(name) > 1)
