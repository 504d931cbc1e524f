"""The CRF recognizer's fast path: tokens without objects, features cached per word and cut to the
model's attributes. It must tag exactly as the plain features do."""

from __future__ import annotations

import pytest

from newsreader.core.ner.crf import MODEL_DIR, CRFRecognizer, model_attributes
from newsreader.core.ner.features import FeatureExtractor, sentence_features
from newsreader.core.ner.tokenize import scan, sentences, tokenize

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


def test_model_attributes_are_the_attributes_the_tagger_knows(crf):
    info = crf._tagger.info()  # python-crfsuite's own reading of the model
    assert sorted(model_attributes((MODEL_DIR / "de-ner.crfsuite").read_bytes())) == sorted(
        {attr for attr, _ in info.state_features})


def test_model_attributes_of_other_bytes_are_none():
    model = (MODEL_DIR / "de-ner.crfsuite").read_bytes()
    assert model_attributes(b"") is None
    assert model_attributes(b"not a model at all, but long enough to hold a header") is None
    assert model_attributes(model[:60_000]) is None  # cut before the attribute dictionary


def test_features_cut_to_the_model_tag_as_the_full_features(crf):
    tagger = crf._tagger
    for tokens in SENTENCES:
        full = sentence_features(tokens, crf.gazetteer, crf.lexicon)
        cut = crf._features(tokens, crf.gazetteer)
        assert all(len(c) < len(f) for c, f in zip(cut, full))  # something was left out
        results = []
        for feats in (full, cut):
            labels = tagger.tag(feats)
            marginals = [[tagger.marginal(lab, i) for lab in tagger.labels()] for i in range(len(tokens))]
            results.append((labels, marginals))
        assert results[0] == results[1]  # the very same floats


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
