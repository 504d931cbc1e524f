"""Exact-span evaluation: ``python -m newsreader.ner.evaluate --germeval FILE``.

Outer GermEval level; ``OTH`` counts as MISC and the ``deriv``/``part`` labels as no entity (see
``corpora.py``). A predicted span counts only when its start, end and type all match.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict

from newsreader.core.ner.corpora import Sentence, read_germeval, spans_of
from newsreader.core.ner.types import TYPES


def score(gold: list[set], pred: list[set]) -> dict:
    counts = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for g, p in zip(gold, pred):
        for span in p:
            counts[span[2]][0 if span in g else 1] += 1
        for span in g - p:
            counts[span[2]][2] += 1
    def prf(tp, fp, fn):
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}
    out = {t: prf(*counts[t]) for t in TYPES}
    total = [sum(counts[t][i] for t in TYPES) for i in range(3)]
    out["overall"] = prf(*total)
    return out


def evaluate_sentences(recognizer, sentences: list[Sentence]) -> dict:
    """Tag the sentences document by document (so document-level consistency applies) and score."""
    docs: dict[str, list[Sentence]] = {}
    for s in sentences:
        docs.setdefault(s.doc, []).append(s)
    gold, pred = [], []
    for doc in docs.values():
        labels, _ = recognizer.tag_document([s.tokens for s in doc])
        for s, labs in zip(doc, labels):
            gold.append(spans_of(s.labels))
            pred.append(spans_of(list(labs)))
    return score(gold, pred)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsreader.ner.evaluate",
                                     description="Precision, recall and F1 per type on a GermEval-format TSV.")
    parser.add_argument("--germeval", required=True, metavar="FILE", help="GermEval 2014 TSV file")
    args = parser.parse_args(argv)
    from newsreader.core.ner.crf import CRFRecognizer

    try:
        sents = list(read_germeval(args.germeval))
    except (OSError, UnicodeDecodeError, IndexError) as exc:
        print(f"newsreader.ner.evaluate: cannot read {args.germeval}: {exc}", file=sys.stderr)
        return 2
    # GermEval sentences are independent: one document each
    for i, s in enumerate(sents):
        s.doc = f"{i}"
    report = evaluate_sentences(CRFRecognizer(), sents)
    report["sentences"] = len(sents)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
