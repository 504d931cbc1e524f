"""Rules around the model (issue 21) and the name lists it is trained with, on hand-written input."""

import gzip
import json

import pytest

from newsreader.core.ner.corpora import external_names
from newsreader.core.ner.crf import _drop_place_adjectives, _extend_after_role
from newsreader.core.ner.features import Gazetteer


class _Lexicon:
    """Word list stand-in: ``common`` words are frequent (band 8), every other word unknown."""

    def __init__(self, common: set[str]):
        self.common = common

    def lookup(self, word: str):
        return ("0", 8) if word in self.common else None


def test_a_name_after_a_role_takes_its_rare_next_word():
    doc = [["Das", "sagte", "US-Außenminister", "Antony", "Blinken", "in", "Paris", "."],
           ["Es", "sprach", "Außenministerin", "Baerbock", "Journalisten", "an", "."],
           ["Kremlsprecher", "Dmitri", "Peskow", "widersprach", "."]]
    labels = [["O", "O", "O", "B-PER", "O", "O", "B-LOC", "O"],
              ["O", "O", "O", "B-PER", "O", "O", "O"],
              ["O", "O", "B-PER", "O", "O"]]
    out = _extend_after_role(doc, labels, _Lexicon({"Journalisten", "Das", "Es"}))
    assert out[0] == ["O", "O", "O", "B-PER", "I-PER", "O", "B-LOC", "O"]
    assert out[1] == labels[1]  # a common noun after the name is not part of it
    assert out[2] == ["O", "B-PER", "I-PER", "O", "O"]  # the first name the model left out


def test_without_a_role_a_name_keeps_its_length():
    doc = [["Gestern", "kam", "Antony", "Blinken", "."]]
    labels = [["O", "O", "B-PER", "O", "O"]]
    assert _extend_after_role(doc, labels, _Lexicon(set())) == labels


def test_a_place_adjective_before_a_noun_is_no_name():
    gaz = Gazetteer([("Moskau", "LOC"), ("Bremen", "LOC"), ("Hamburger", "ORG")])
    doc = [["Der", "Moskauer", "Angriffskrieg", "dauert", "an", "."],
           ["Die", "Bremer", "Stadtmusikanten", "spielten", "."],
           ["Er", "zog", "nach", "Moskau", "Ost", "."],
           ["Der", "Moskauer", "sagte", "nichts", "."],
           ["Der", "Pariser", "Vorort", "brannte", "."]]
    labels = [["O", "B-LOC", "O", "O", "O", "O"],
              ["O", "B-LOC", "O", "O", "O"],
              ["O", "O", "O", "B-LOC", "O", "O"],
              ["O", "B-LOC", "O", "O", "O"],
              ["O", "B-LOC", "O", "O", "O"]]
    out = _drop_place_adjectives(doc, labels, gaz)
    assert out[0][1] == "O" and out[1][1] == "O"  # Moskau, Bremen are known places
    assert out[2] == labels[2]  # a place itself stays
    assert out[3] == labels[3]  # not before a noun: a person from Moscow, say
    assert out[4] == labels[4]  # Paris is not in this gazetteer


def test_external_names_read_wikiann_and_ler_with_ler_classes_mapped(tmp_path):
    (tmp_path / "wikiann_de").mkdir()
    (tmp_path / "ler_de").mkdir()
    for split, text in (("train", "de:Angela\tB-PER\nde:Merkel\tI-PER\nde:in\tO\nde:Paris\tB-LOC\n\n"),
                        ("dev", "de:X\tB-ORG\n\n"), ("test", "de:Paris\tB-LOC\n")):
        with gzip.open(tmp_path / "wikiann_de" / f"{split}.filtered.gz", "wt", encoding="utf-8") as fh:
            fh.write(text)
    with gzip.open(tmp_path / "ler_de" / "ler-all.conll.gz", "wt", encoding="utf-8") as fh:
        fh.write("Das O\nBundesverfassungsgericht B-GRT\nin O\nKarlsruhe B-ST\n\n§ B-GS\n5 I-GS\nRichter O\n"
                 "Müller B-RR\n")
    assert external_names(tmp_path) == [("Angela Merkel", "PER"), ("Bundesverfassungsgericht", "ORG"),
                                        ("Karlsruhe", "LOC"), ("Müller", "PER"), ("Paris", "LOC")]


def test_a_gazetteer_read_from_its_file_finds_what_the_built_one_finds():
    built = Gazetteer([("Moskau", "LOC"), ("Kim Jong Un", "PER"), ("Deutsche Bahn", "ORG"), ("Köln", "LOC")])
    built.add(["Deutsche", "Bahn"], "xORG")
    read = Gazetteer.from_json(json.loads(json.dumps(built.to_json())))
    tokens = "Kim Jong Un fuhr mit der Deutsche Bahn von Moskau nach Köln , Moskaus Zentrum .".split()
    assert read.tag(tokens) == built.tag(tokens)
    assert read.tag(tokens)[0] == ["gB-PER"] and read.tag(tokens)[6] == ["gB-ORG", "gB-xORG"]
    assert read.tag(tokens)[13] == ["gS-LOC"]  # the genitive of a known place
    assert list(read.kinds(("koln",))) == list(built.kinds(("koln",))) == ["LOC"]
    assert list(read.kinds(("paris",))) == []
    with pytest.raises(ValueError):
        read.add(["Paris"], "LOC")


class _Decoder:
    """The model's part, given: these labels (marginals 1.0) for the one document tagged."""

    def __init__(self, labels):
        self.labels = labels

    def tag_documents(self, docs):
        return [(self.labels, [[1.0] * len(s) for s in self.labels]) for _ in docs]


def test_a_name_after_a_role_is_made_whole_before_its_last_syllable_is_added():
    from newsreader.core.ner.crf import CRFRecognizer

    rec = CRFRecognizer()
    doc = [["Die", "Außenministerin", "Choe", "Son", "Hui", "begann", "Gespräche", "."],
           ["Das", "sagte", "Choe", "."]]
    rec.__dict__["_decoder"] = _Decoder([["O"] * 8, ["O", "O", "B-PER", "O"]])
    ((_, labels, _),) = rec._tag([doc])
    # Choe is a name (tagged in the second sentence), Son follows the role's name, Hui the syllable
    assert labels[0][2:5] == ["B-PER", "I-PER", "I-PER"]


def test_names_the_model_is_unsure_of_are_dropped_before_consistency():
    from newsreader.core.ner.crf import _confident

    model = [["B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG"]]
    probs = [[0.9, 0.45, 0.99, 0.7, 0.99, 0.5]]
    assert _confident(model, probs, 0.5) == [["O", "O", "O", "B-LOC", "O", "B-ORG"]]
    assert _confident(model, probs, 0.0) == model  # turned off


def test_an_unsure_name_is_not_spread_by_document_consistency():
    from newsreader.core.ner.crf import CRFRecognizer

    doc = [["Gestern", "sprach", "Zorbas", "."], ["Zorbas", "lachte", "."]]
    model = [["O", "O", "B-PER", "O"], ["O", "O", "O"]]

    class Unsure(_Decoder):
        def tag_documents(self, docs):
            return [(self.labels, [[0.99, 0.99, 0.3, 0.99], [0.9, 0.99, 0.99]]) for _ in docs]

    rec = CRFRecognizer()
    rec.__dict__["_decoder"] = Unsure(model)
    ((_, labels, _),) = rec._tag([doc])
    assert labels == [["O"] * 4, ["O"] * 3]
    sure = CRFRecognizer(min_confidence=0.0)
    sure.__dict__["_decoder"] = Unsure(model)
    ((_, labels, _),) = sure._tag([doc])
    assert labels[1][0] == "B-PER"  # kept, it is spread to the other mention
