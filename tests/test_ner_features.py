"""The CRF recognizer's fast path: tokens without objects, features cached per word and cut to the
model's attributes. It must tag exactly as the plain features do."""

from __future__ import annotations

import pytest

from newsreader.core.ner.crf import MODEL_DIR, CRFRecognizer
from newsreader.core.ner.decode import CRFModel, DocumentTagger, ModelFormatError
from newsreader.core.ner.features import FeatureExtractor, sentence_features
from newsreader.core.ner.tokenize import scan, sentences, tokenize

MODEL_FILE = MODEL_DIR / "de-ner.crfsuite"
SENTENCES = [
    "Bundeskanzler Olaf Scholz hat am Montag in Paris den Präsidenten Emmanuel Macron getroffen .".split(),
    "„ Die USA-Regierung und Kim Jong-un “ : Gespräche in Pjöngjang , sagte Russlands Außenminister .".split(),
    "ÄRGER IN BERLIN – SPD-CHEF sagt a|b | 36.000 Mal Nein !".split(),
    ["Vereinigte", "Staaten", "von", "Amerika"],
    ["Wien"],
]


@pytest.fixture(scope="module")
def crf() -> CRFRecognizer:
    return CRFRecognizer()


@pytest.fixture(scope="module")
def crfsuite():
    """python-crfsuite's own tagger for the shipped model: what ``decode`` must agree with."""
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODEL_FILE))
    return tagger


def test_the_model_is_read_as_crfsuite_reads_it(crfsuite):
    model = CRFModel.load(MODEL_FILE)
    info = crfsuite.info()
    assert model.labels == crfsuite.labels()
    assert sorted(model.attributes) == sorted({attr for attr, _ in info.state_features})
    labels = {lab: i for i, lab in enumerate(model.labels)}
    attrs = {a: i for i, a in enumerate(model.attributes)}
    for (attr, lab), weight in list(info.state_features.items())[::97]:
        assert model.state[attrs[attr], labels[lab]] == pytest.approx(weight, abs=1e-6)  # the dump has 6 decimals
    for (a, b), weight in info.transitions.items():
        assert model.trans[labels[a], labels[b]] == pytest.approx(weight, abs=1e-6)


@pytest.mark.parametrize("damage", [lambda b: b"", lambda b: b"not a model at all, but long enough to hold a header",
                                    lambda b: b[:60_000], lambda b: b"lCRX" + b[4:]])
def test_a_damaged_model_file_is_refused(tmp_path, damage):
    bad = tmp_path / "de-ner.crfsuite"
    bad.write_bytes(damage(MODEL_FILE.read_bytes()))
    with pytest.raises(ModelFormatError):
        CRFModel.load(bad)


MARGINAL_TOLERANCE = 1e-7  # DocumentTagger keeps word vectors as float32


def _crfsuite_tags(crfsuite, crf, tokens):
    crfsuite.set(sentence_features(tokens, crf.gazetteer, crf.lexicon))
    labels = crfsuite.tag()
    return labels, [crfsuite.marginal(lab, i) for i, lab in enumerate(labels)]


def test_decode_tags_as_crfsuite_does_from_the_full_features(crf, crfsuite):
    """``decode`` adds up per-word weight vectors instead of handing CRFsuite ~60 strings a token;
    labels and marginals must be CRFsuite's, for lone sentences and documents tagged together.
    (Marginals to 1e-7: a word's vectors are kept as float32, half the memory; mentions keep
    their confidence to three places.)"""
    tagger = DocumentTagger(CRFModel.load(MODEL_FILE), crf.lexicon, crf.gazetteer)
    docs = [SENTENCES, SENTENCES[::-1], [SENTENCES[4]], [[], SENTENCES[0], []]]
    for doc, (labels, marginals) in zip(docs, tagger.tag_documents(docs)):
        assert len(labels) == len(doc)
        for tokens, labs, probs in zip(doc, labels, marginals):
            want, want_probs = _crfsuite_tags(crfsuite, crf, tokens) if tokens else ([], [])
            assert labs == want
            assert list(probs) == pytest.approx(want_probs, abs=MARGINAL_TOLERANCE)
    assert any(lab != "O" for labs in tagger.tag(SENTENCES)[0] for lab in labs)  # names were found


def test_decode_agrees_with_crfsuite_on_running_text_when_its_word_memory_is_emptied(crf, crfsuite):
    tagger = DocumentTagger(CRFModel.load(MODEL_FILE), crf.lexicon, crf.gazetteer)
    tagger.MAX_WORDS = 5  # emptied before nearly every document
    text = ("Wladimir Putin hat am Dienstag in Moskau den nordkoreanischen Machthaber Kim Jong Un empfangen. "
            "Putin sprach von einem „historischen Treffen“, berichtete die Agentur Interfax.\n"
            "Auch Außenminister Sergej Lawrow und Vertreter von Gazprom nahmen teil. Kim reiste danach "
            "nach Wladiwostok weiter, wo die Vereinten Nationen keine Beobachter hatten. ÄRGER IN BERLIN: "
            "Die SPD-Fraktion im Bundestag verlangte von Bundeskanzler Olaf Scholz eine Erklärung.")
    doc = [[t.text for t in s] for s in sentences(tokenize(text), text)]
    for _ in range(2):
        labels, probs = tagger.tag(doc)
        for tokens, labs, ps in zip(doc, labels, probs):
            want, want_probs = _crfsuite_tags(crfsuite, crf, tokens)
            assert labs == want
            assert list(ps) == pytest.approx(want_probs, abs=MARGINAL_TOLERANCE)
    assert len(tagger._tokens) <= len({t for s in doc for t in s}) + 2


def test_features_stay_the_same_when_the_word_cache_is_emptied(crf):
    small = FeatureExtractor(crf.lexicon)
    small.MAX_WORDS = 3
    for tokens in SENTENCES + SENTENCES:
        assert small(tokens, crf.gazetteer) == FeatureExtractor(crf.lexicon)(tokens, crf.gazetteer)
    assert len(small._words) <= 4


def test_scan_gives_each_token_and_where_it_starts():
    text = "\u00a0Kim\u2028Jong-un\r\n\ttraf  z.B.\u3000D'Alema…"
    assert scan(text) == (["Kim", "Jong-un", "traf", "z.B", ".", "D'Alema", "…"], [1, 5, 15, 21, 24, 26, 33])
    assert [(t.text, t.start, t.end) for t in tokenize(text)][-2:] == [("D'Alema", 26, 33), ("…", 33, 34)]


def test_sentences_end_at_line_breaks_and_stops_before_a_capital():
    text = "Erste Zeile\nZweite Zeile. dann klein weiter!\n\n„Zitat.“ Neuer Satz"
    assert [" ".join(t.text for t in s) for s in sentences(tokenize(text), text)] == [
        "Erste Zeile", "Zweite Zeile . dann klein weiter !", "„ Zitat .", "“ Neuer Satz"]


def test_a_lone_surrogate_does_not_stop_the_recognizer(crf):
    # a JSON "\ud800" escape gives one; python-crfsuite cannot encode it, so it must never reach it
    found = {(m.text, m.type) for m in crf.recognize("Olaf Scholz traf \ud800 in Paris.")}
    assert {("Olaf Scholz", "PER"), ("Paris", "LOC")} <= found
