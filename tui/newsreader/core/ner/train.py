"""Train the shipped CRF from ../shared/ner (``make train-ner``).

Documents are split by a hash of their key: one in five goes to validation and is never seen by
training, the gazetteer included. Training features use a gazetteer built without the sentence's
own fold (jackknife), so the model learns how far to trust a lexicon that does not know every name.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import time
from pathlib import Path

from newsreader.core.ner.corpora import Sentence, external_names, read_germeval, read_smartdata, spans_of
from newsreader.core.ner.features import Gazetteer, Lexicon, fold, sentence_features

MODEL_DIR = Path(__file__).parent / "model"
FOLDS = 5
USED = ("germeval2014", "smartdata", "wikiann_de", "ler_de")  # the folders of ../shared/ner training reads


def bucket(doc: str, n: int = FOLDS) -> int:
    return int.from_bytes(hashlib.blake2b(doc.encode(), digest_size=4).digest(), "big") % n


def is_validation(doc: str) -> bool:
    return bucket("val:" + doc) == 0


def territory_names() -> list[str]:
    """German names of countries and territories from CLDR (via Babel, a training-time extra)."""
    try:
        from babel import Locale
    except ImportError:
        raise SystemExit("training needs the 'train' extra: pip install -e '.[train]' (Babel)") from None
    loc = Locale("de")
    names = set(loc.territories.values())
    return sorted(n for n in names if n[:1].isalpha() and "(" not in n)


def build_lexicon(out: Path, size: int) -> Lexicon:
    """Write ``lexicon.bin``: the ``size`` most frequent words of spaCy's German lexeme data
    (spacy-lookups-data, MIT) with their Brown cluster and a frequency band."""
    try:
        import spacy_lookups_data
    except ImportError:
        raise SystemExit("training needs the 'train' extra: pip install -e '.[train]' (spacy-lookups-data)") from None
    data = Path(spacy_lookups_data.__file__).parent / "data"
    clusters = json.loads(gzip.open(data / "de_lexeme_cluster.json.gz", "rt", encoding="utf-8").read())
    probs = json.loads(gzip.open(data / "de_lexeme_prob.json.gz", "rt", encoding="utf-8").read())
    words = sorted((w for w in clusters if w in probs and clusters[w] and "\t" not in w and "\n" not in w),
                   key=lambda w: (-probs[w], w))[:size]
    path = out / "lexicon.bin"
    Lexicon({w: (f"{clusters[w]:b}", min(int(-probs[w]), 20)) for w in words}).write(path)
    return Lexicon.load(path)


def gazetteer_from(sentences: list[Sentence], extra: list[tuple[str, str]],
                   external: list[tuple[str, str]] = ()) -> Gazetteer:
    """The names of ``sentences``' spans, plus ``extra`` (CLDR territories), less single words
    more often not a name there; then ``external`` (WikiANN and LER names: their types marked
    ``x``, so the model weighs them on their own)."""
    gaz = Gazetteer(extra)
    as_entity: dict[str, int] = {}
    as_other: dict[str, int] = {}
    for s in sentences:
        for a, b, kind in spans_of(s.labels):
            gaz.add(s.tokens[a:b], kind)
            if b - a == 1:
                as_entity[fold(s.tokens[a])] = as_entity.get(fold(s.tokens[a]), 0) + 1
        for tok, lab in zip(s.tokens, s.labels):
            if lab == "O" and tok[:1].isupper():
                as_other[fold(tok)] = as_other.get(fold(tok), 0) + 1
    # single words more often ordinary than a name ("Regierung", "Die") leave the lexicon
    for key in [k for k in gaz.entries if len(k) == 1]:
        if as_other.get(key[0], 0) > as_entity.get(key[0], 0):
            gaz.remove(key)
    for name, kind in external:
        gaz.add(name.split(), "x" + kind)
    return gaz


def load_corpora(root: Path) -> list[Sentence]:
    ge = root / "germeval2014"
    sents = list(read_germeval(ge / "NER-de-dev.tsv")) + list(read_germeval(ge / "NER-de-test-part1.tsv"))
    for s in sents:
        s.doc = "germeval:" + s.doc
    sd = root / "smartdata" / "smartdata-train.jsonl.gz"
    for s in read_smartdata(sd):
        s.doc = "smartdata:" + s.doc
        sents.append(s)
    return sents


def jackknifed(sentences: list[Sentence], extra: list[tuple[str, str]],
               external: list[tuple[str, str]]) -> dict[int, Gazetteer]:
    """Each sentence's gazetteer (by ``id`` of the sentence): built from the other folds."""
    by_fold: dict[int, list[Sentence]] = {}
    for s in sentences:
        by_fold.setdefault(bucket("fold:" + s.doc), []).append(s)
    out = {}
    for k in sorted(by_fold):
        gaz = gazetteer_from([s for j, ss in by_fold.items() if j != k for s in ss], extra, external)
        for s in by_fold[k]:
            out[id(s)] = gaz
    return out


def train(sentences: list[Sentence], gazetteers: dict[int, Gazetteer], lexicon: Lexicon | None,
          out: Path, params: dict) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    by_fold: dict[int, list[Sentence]] = {}
    for s in sentences:
        by_fold.setdefault(bucket("fold:" + s.doc), []).append(s)
    for k, fold_sents in by_fold.items():  # in the order training always had
        for s in fold_sents:
            trainer.append(sentence_features(s.tokens, gazetteers[id(s)], lexicon), s.labels)
    trainer.set_params(params)
    trainer.train(str(out))


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsreader.ner.train")
    parser.add_argument("--data", default="../shared/ner", help="folder with germeval2014/ and smartdata/")
    parser.add_argument("--out", default=str(MODEL_DIR))
    parser.add_argument("--c1", type=float, default=0.15)
    parser.add_argument("--c2", type=float, default=0.05)
    parser.add_argument("--iterations", type=int, default=150)
    parser.add_argument("--lexicon-size", type=int, default=250_000)
    parser.add_argument("--only", choices=["germeval", "smartdata"], help="train on one corpus (experiments)")
    parser.add_argument("--no-external", action="store_true", help="no WikiANN/LER names in the gazetteer (experiments)")
    args = parser.parse_args(argv)

    from newsreader.core.ner.evaluate import evaluate_sentences

    root = Path(args.data)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sents = load_corpora(root)
    train_set = [s for s in sents if not is_validation(s.doc)]
    if args.only:
        train_set = [s for s in train_set if s.doc.startswith(args.only)]
    val_set = [s for s in sents if is_validation(s.doc)]
    extra = [(n, "LOC") for n in territory_names()]
    external = [] if args.no_external else external_names(root)
    params = {"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
              "feature.possible_transitions": True}
    t0 = time.perf_counter()
    model_path = out / "de-ner.crfsuite"
    lexicon = build_lexicon(out, args.lexicon_size)
    gazetteers = jackknifed(train_set, extra, external)
    train(train_set, gazetteers, lexicon, model_path, params)
    gaz = gazetteer_from(train_set, extra, external)
    (out / "gazetteer.json").write_text(json.dumps(gaz.to_json(), ensure_ascii=False, separators=(",", ":")),
                                        encoding="utf-8")
    seconds = time.perf_counter() - t0

    from newsreader.core.ner.crf import CRFRecognizer

    def figures(rec) -> dict:
        return {"all": evaluate_sentences(rec, val_set),
                "germeval": evaluate_sentences(rec, [s for s in val_set if s.doc.startswith("germeval")]),
                "smartdata": evaluate_sentences(rec, [s for s in val_set if s.doc.startswith("smartdata")])}

    report = {
        "validation": figures(CRFRecognizer(out)),
        "sizes": {"train_sentences": len(train_set), "validation_sentences": len(val_set),
                  "train_tokens": sum(len(s.tokens) for s in train_set),
                  "validation_tokens": sum(len(s.tokens) for s in val_set),
                  "gazetteer_entries": len(gaz.entries), "external_names": len(external),
                  "lexicon_words": len(lexicon) if lexicon else 0, "cldr_territories": len(extra)},
        "params": params,
        "train_seconds": round(seconds, 1),
        "data_sha256": {p.relative_to(root).as_posix(): file_sha256(p) for p in sorted(root.rglob("*"))
                        if p.is_file() and p.suffix in (".tsv", ".gz") and p.relative_to(root).parts[0] in USED},
        "model_sha256": file_sha256(model_path),
    }
    (out / "metrics.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report["validation"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
