"""The entity recognizer, linking, cache, optional spaCy backend and evaluation."""

from __future__ import annotations

import hashlib
import os
import json
import subprocess
import sys

import pytest

from newsreader.core.ner import get_recognizer
from newsreader.core.ner.cache import EntityCache, recognize_all
from newsreader.core.ner.corpora import germeval_label, read_germeval, spans_of
from newsreader.core.ner.crf import MODEL_DIR, CRFRecognizer
from newsreader.core.ner.evaluate import score
from newsreader.core.ner.link import EntityIndex, degenitive, link_article, same_name
from newsreader.core.ner.spacy_backend import SpacyRecognizer
from newsreader.core.ner.tokenize import sentences, tokenize
from newsreader.core.ner.types import Mention

TEXT = ("Bundeskanzler Olaf Scholz hat am Montag in Paris den französischen Präsidenten Emmanuel Macron "
        "getroffen. Scholz sagte, Deutschland und Frankreich stünden an der Seite der Ukraine. "
        "Der Siemens-Konzern und die Europäische Zentralbank äußerten sich nicht.")


@pytest.fixture(scope="module")
def crf() -> CRFRecognizer:
    return CRFRecognizer()


def test_tokens_keep_offsets_and_inner_hyphens():
    toks = tokenize("Kim Jong-un traf z.B. 36.000 Menschen.")
    assert [t.text for t in toks] == ["Kim", "Jong-un", "traf", "z.B", ".", "36.000", "Menschen", "."]
    assert all("Kim Jong-un traf z.B. 36.000 Menschen."[t.start:t.end] == t.text for t in toks)


def test_sentences_do_not_split_after_abbreviations_or_ordinals():
    text = "Am 3. Oktober kam Dr. Meier. Dann ging er."
    sents = sentences(tokenize(text), text)
    assert [" ".join(t.text for t in s) for s in sents] == ["Am 3 . Oktober kam Dr . Meier .", "Dann ging er ."]


def test_recognizer_finds_people_places_organisations(crf):
    found = {(m.text, m.type) for m in crf.recognize(TEXT)}
    assert ("Olaf Scholz", "PER") in found
    assert ("Emmanuel Macron", "PER") in found
    assert ("Paris", "LOC") in found
    assert ("Ukraine", "LOC") in found
    assert ("Europäische Zentralbank", "ORG") in found
    assert not any(t in {"Bundeskanzler", "Montag", "Präsidenten"} for t, _ in found)


def test_mentions_are_offsets_into_the_text_with_confidence(crf):
    mentions = crf.recognize(TEXT)
    assert mentions
    for m in mentions:
        assert TEXT[m.start:m.end] == m.text
        assert 0.0 < m.confidence <= 1.0


def test_document_consistency_tags_repeated_names(crf):
    # the second "Scholz" stands alone at a sentence start; the article already knows him as a person
    found = [(m.text, m.type) for m in crf.recognize(TEXT)]
    assert ("Scholz", "PER") in found


def test_empty_and_nameless_text(crf):
    assert crf.recognize("") == []
    assert crf.recognize("und oder aber , . !") == []


def test_germeval_labels_map_to_four_types():
    assert germeval_label("B-OTH") == "B-MISC"
    assert germeval_label("I-PER") == "I-PER"
    assert germeval_label("B-LOCderiv") == "O"
    assert germeval_label("B-ORGpart") == "O"
    assert germeval_label("O") == "O"


def test_read_germeval_and_spans(tmp_path):
    tsv = tmp_path / "g.tsv"
    tsv.write_text("#\tsource\n1\tAngela\tB-PER\tO\n2\tMerkel\tI-PER\tO\n3\tbesucht\tO\tO\n"
                   "4\tdeutsche\tB-LOCderiv\tO\n5\tStädte\tO\tO\n\n", encoding="utf-8")
    (sent,) = read_germeval(tsv)
    assert sent.tokens == ["Angela", "Merkel", "besucht", "deutsche", "Städte"]
    assert spans_of(sent.labels) == {(0, 2, "PER")}


def test_score_counts_exact_spans_only():
    gold = [{(0, 2, "PER"), (5, 6, "LOC")}]
    pred = [{(0, 2, "PER"), (5, 7, "LOC"), (8, 9, "ORG")}]
    rep = score(gold, pred)
    assert rep["PER"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert rep["LOC"]["precision"] == 0.0 and rep["LOC"]["recall"] == 0.0
    assert rep["overall"]["precision"] == round(1 / 3, 4)
    assert rep["overall"]["recall"] == 0.5


def test_evaluate_command_prints_json(tmp_path):
    tsv = tmp_path / "g.tsv"
    tsv.write_text("#\ta\n1\tOlaf\tB-PER\tO\n2\tScholz\tI-PER\tO\n3\treist\tO\tO\n4\tnach\tO\tO\n"
                   "5\tParis\tB-LOC\tO\n6\t.\tO\tO\n\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "newsreader.ner.evaluate", "--germeval", str(tsv)],
                         capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    assert report["sentences"] == 1
    assert set(report) >= {"PER", "LOC", "ORG", "MISC", "overall"}
    assert report["overall"]["support"] == 2
    assert report["PER"]["recall"] == 1.0 and report["LOC"]["recall"] == 1.0


def test_shipped_model_matches_its_recorded_scores():
    metrics = json.loads((MODEL_DIR / "metrics.json").read_text())
    model = (MODEL_DIR / "de-ner.crfsuite").read_bytes()
    assert metrics["model_sha256"] == hashlib.sha256(model).hexdigest()
    overall = metrics["validation"]["all"]["overall"]
    assert overall["f1"] >= 0.70 and overall["precision"] >= 0.75


# --- linking -------------------------------------------------------------------------------------

def _m(text: str, kind: str, start: int = 0) -> Mention:
    return Mention(start, start + len(text), text, kind)


def test_genitives_map_to_their_base_form():
    known = {"Russland", "Nordkorea"}
    assert degenitive("Putins", lambda b, f: False) == "Putins"  # unknown base: left alone
    assert degenitive("Russlands", lambda b, f: b in known) == "Russland"
    assert degenitive("Paris", lambda b, f: b in known) == "Paris"
    assert degenitive("Habeck’s", lambda b, f: False) == "Habeck"
    linked = link_article([_m("Wladimir Putin", "PER"), _m("Putins", "PER"), _m("Nordkoreas", "LOC")],
                          lambda b, f: b in known)
    assert [lm.base for lm in linked] == ["Wladimir Putin", "Wladimir Putin", "Nordkorea"]


def test_surname_links_to_the_one_full_name_in_the_article():
    linked = link_article([_m("Wladimir Putin", "PER"), _m("Putin", "PER")])
    assert [lm.base for lm in linked] == ["Wladimir Putin", "Wladimir Putin"]
    two = link_article([_m("Anna Müller", "PER"), _m("Jens Müller", "PER"), _m("Müller", "PER")])
    assert two[2].base == "Müller"  # ambiguous: not guessed


def test_spelling_variants_merge_but_different_people_do_not():
    assert same_name("Kim Jong Un", "Kim Jong-un")
    assert same_name("Stoltenberg", "Stoltenbreg")
    assert not same_name("Kim Jong Un", "Kim Jong Il")
    assert not same_name("Kim Jong Un", "Kim Young-ho")
    index = EntityIndex()
    index.add("a", [_m("Kim Jong Un", "PER"), _m("Kim Jong Il", "PER")])
    index.add("b", [_m("Kim Jong-un", "PER"), _m("Kim Young-ho", "PER"), _m("Kim Jong-un", "PER")])
    ents = {e.canonical: e for e in index.build()}
    assert set(ents) == {"Kim Jong-un", "Kim Jong Il", "Kim Young-ho"}
    assert ents["Kim Jong-un"].aliases == {"Kim Jong Un": 1, "Kim Jong-un": 2}
    assert ents["Kim Jong-un"].articles == {"a", "b"}
    assert ents["Kim Jong-un"].mentions == 3


def test_index_links_a_lone_surname_across_articles():
    index = EntityIndex()
    index.add("a", [_m("Jens Stoltenberg", "PER")])
    index.add("b", [_m("Stoltenberg", "PER"), _m("Stoltenbergs", "PER")])
    (ent,) = index.build()
    assert ent.canonical == "Jens Stoltenberg" and ent.articles == {"a", "b"} and ent.mentions == 3
    assert [lm.canonical for lm in index.linked("b")] == ["Jens Stoltenberg", "Jens Stoltenberg"]


# --- cache ---------------------------------------------------------------------------------------

class CountingRecognizer:
    name = "count"
    version = "count:1"

    def __init__(self):
        self.calls = 0

    def recognize(self, text):
        self.calls += 1
        return [_m(w, "LOC", text.index(w)) for w in text.split() if w == "Berlin"]


def test_cache_skips_unchanged_texts_across_runs(tmp_path):
    path = tmp_path / "entities.sqlite"
    rec = CountingRecognizer()
    first = recognize_all(["in Berlin", "nichts", "in Berlin"], rec, EntityCache(path))
    assert rec.calls == 2  # the duplicate text is recognised once
    again = recognize_all(["in Berlin", "nichts", "neu in Berlin"], rec, EntityCache(path))
    assert rec.calls == 3  # only the new text
    assert again[0] == first[0] == [Mention(3, 9, "Berlin", "LOC", 1.0)]
    assert again[2] == [Mention(7, 13, "Berlin", "LOC", 1.0)]


def test_corrupt_cache_is_moved_aside_and_rebuilt(tmp_path):
    path = tmp_path / "entities.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = EntityCache(path)
    assert cache.notice and "moved to" in cache.notice and str(path) in cache.notice
    aside = list(tmp_path.glob("entities.sqlite.broken-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
    assert recognize_all(["in Berlin"], CountingRecognizer(), cache)[0][0].text == "Berlin"


# --- optional spaCy backend -------------------------------------------------------------------------

class _Ent:
    def __init__(self, start, end, label):
        self.start_char, self.end_char, self.label_ = start, end, label


class _FakeNLP:
    meta = {"version": "9.9"}

    def __call__(self, text):
        class Doc:
            ents = [_Ent(0, 5, "PER"), _Ent(12, 18, "GPE"), _Ent(19, 24, "DATE")]
        return Doc()


def test_spacy_adapter_maps_labels_with_a_fake_model():
    loaded = []
    rec = SpacyRecognizer("de_fake", load=lambda name: loaded.append(name) or _FakeNLP())
    text = "Maria wohnt Berlin heute"
    assert loaded == ["de_fake"]
    assert rec.recognize(text) == [Mention(0, 5, "Maria", "PER", 1.0), Mention(12, 18, "Berlin", "LOC", 1.0)]
    assert rec.version == "spacy:de_fake:9.9:2"  # the model's version, then how texts are made (NER_TEXTS)


def test_missing_spacy_model_falls_back_with_a_message():
    rec, message = get_recognizer("spacy:de_does_not_exist")
    assert isinstance(rec, CRFRecognizer)
    assert "spacy:de_does_not_exist" in message and "built-in recognizer" in message
    rec, message = get_recognizer(None)
    assert isinstance(rec, CRFRecognizer) and message is None


def test_config_file_chooses_the_backend(tmp_path):
    from newsreader.core.config import config_path, load_config

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('ner = "spacy:de_core_news_lg"\n', encoding="utf-8")
    assert load_config().ner == "spacy:de_core_news_lg"
    config_path().write_text("ner = [", encoding="utf-8")
    cfg = load_config()
    assert cfg.ner == "crf" and "ignored" in cfg.notices[0]


def test_a_name_written_first_links_when_unambiguous():
    linked = link_article([_m("Kim Jong Un", "PER"), _m("Kim", "PER")])
    assert linked[1].base == "Kim Jong Un"
    both = link_article([_m("Kim Jong Un", "PER"), _m("Kim Jong Il", "PER"), _m("Kim", "PER")])
    assert both[2].base == "Kim"


def test_two_known_people_run_together_are_split(crf):
    doc = [["Wladimir", "Putin", "kam", "."], ["Kim", "lachte", "."], ["Dann", "empfing", "Putin", "Kim", "."]]
    labels = [["B-PER", "I-PER", "O", "O"], ["B-PER", "O", "O"], ["O", "O", "B-PER", "I-PER", "O"]]
    from newsreader.core.ner.crf import _split_joined_people

    assert _split_joined_people(doc, labels)[2] == ["O", "O", "B-PER", "B-PER", "O"]
    # a name whose first word stands alone elsewhere is not two people: "Kim" and once "Kim Jong"
    doc = [["Kim", "lachte", "."], ["Dann", "kam", "Kim", "Jong", "."]]
    labels = [["B-PER", "O", "O"], ["O", "O", "B-PER", "I-PER", "O"]]
    assert _split_joined_people(doc, labels) == labels


def test_a_name_that_begins_another_full_name_is_split_off_the_end():
    from newsreader.core.ner.crf import _split_joined_people

    # "gratulierte Xi Jinping Kim": Kim stands alone and begins Kim Jong Un
    doc = [["Kim", "Jong", "Un", "kam", "."], ["Kim", "lachte", "."], ["Es", "gratulierte", "Xi", "Jinping", "Kim", "."]]
    labels = [["B-PER", "I-PER", "I-PER", "O", "O"], ["B-PER", "O", "O"], ["O", "O", "B-PER", "I-PER", "I-PER", "O"]]
    assert _split_joined_people(doc, labels)[2] == ["O", "O", "B-PER", "I-PER", "B-PER", "O"]
    # a surname that ends a full name stays with it: "Anna Maria Schmidt", later "Schmidt"
    doc = [["Anna", "Maria", "Schmidt", "kam", "."], ["Schmidt", "lachte", "."], ["Peter", "Schmidt", "nicht", "."]]
    labels = [["B-PER", "I-PER", "I-PER", "O", "O"], ["B-PER", "O", "O"], ["B-PER", "I-PER", "O", "O"]]
    assert _split_joined_people(doc, labels) == labels


def test_process_recognizer_gives_the_same_mentions_as_in_process(crf):
    from newsreader.core.ner.process import ProcessRecognizer

    rec = ProcessRecognizer(crf, "crf")
    try:
        texts = [TEXT, "", "In Wien regnet es."]
        assert rec.recognize_many(texts) == [crf.recognize(t) for t in texts]
        assert rec.failed is None and rec.version == crf.version
    finally:
        rec.close()
    # a closed (or dead) child: recognition still works, in-process
    assert rec.recognize(TEXT) == crf.recognize(TEXT)


def test_lexicon_round_trips_through_its_file(tmp_path):
    from newsreader.core.ner.features import Lexicon

    words = {"Berlin": ("1010", 8), "Zürich": ("110", 11), "und": ("1", 2), "Ärger": ("10011", 14)}
    path = tmp_path / "lexicon.bin"
    Lexicon(words).write(path)
    lex = Lexicon.load(path)
    assert len(lex) == 4
    for word, hit in words.items():
        assert lex.lookup(word) == hit
    assert lex.lookup("ZÜRICH") == ("110", 11)  # an all-caps word falls back to its capitalised form
    assert lex.lookup("Bern") is None and lex.lookup("") is None and lex.lookup("zz") is None
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(ValueError, match="truncated"):
        Lexicon.load(path)


def test_recognizer_gives_the_same_result_in_every_process():
    """Python randomises string hashing per process; nothing in tagging may depend on set order."""
    code = ("import json,sys; from newsreader.core.ner.crf import CRFRecognizer; "
            "print(json.dumps([[m.start, m.end, m.type, m.confidence] for m in CRFRecognizer().recognize(sys.argv[1])]))")
    text = TEXT + " Benfica gewann gegen Porto. Benfica Lissabon jubelte, Porto und Benfica trafen sich in Lissabon."
    outs = {subprocess.run([sys.executable, "-c", code, text], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
            for seed in (1, 2, 3, 4)}
    assert len(outs) == 1 and json.loads(outs.pop())


def test_a_short_rare_syllable_after_a_name_completes_it():
    from newsreader.core.ner.crf import _extend_by_syllable

    class Words:  # frequency bands as in the shipped word list: low is frequent
        bands = {"Am": 7, "Un": 12, "Kim": 11, "Ost": 11}

        def lookup(self, word):
            return ("0", self.bands[word]) if word in self.bands else None

    doc = [["Kim", "Jong", "Un", "kam", "."], ["Angela", "Merkel", "Am", "Montag", "."],
           ["Es", "gratulierte", "Xi", "Jinping", "Kim", "."], ["Kim", "lachte", "."], ["Peter", "Müller", "Ost", "."],
           ["Jong", "Un", "?"]]
    labels = [["B-PER", "I-PER", "O", "O", "O"], ["B-PER", "I-PER", "O", "O", "O"],
              ["O", "O", "B-PER", "I-PER", "O", "O"], ["B-PER", "O", "O"], ["B-PER", "I-PER", "O", "O"],
              ["B-PER", "O", "O"]]
    out = _extend_by_syllable(doc, labels, Words())
    assert out[0] == ["B-PER", "I-PER", "I-PER", "O", "O"]  # Kim Jong Un
    assert out[1] == labels[1]  # "Am" is a common word
    assert out[2] == labels[2]  # Kim is a name of its own in this document
    assert out[4] == labels[4]  # "Ost" is a German word, not rare enough
    assert out[5] == labels[5]  # one word is not a full name to complete
