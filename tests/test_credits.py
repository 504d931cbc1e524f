"""Captions, credits, bylines and agency lines (issue 21): recognised by general rules, kept in the
text (dimmed by the reader), and kept out of name finding, so out of the names panel and the counts.
Every text here is written by the test."""

from pathlib import Path

import pytest

from newsreader.core.article import names_text, ner_texts
from newsreader.core.metadata import analyse_text, credit_lines
from newsreader.core.ner.crf import CRFRecognizer
from newsreader.core.plaintext import build_article, parse_plain_text


def dimmed(text: str, title: str | None = None) -> list[str]:
    meta = analyse_text(text, title=title)
    return [meta.body[s:e] for s, e in meta.boilerplate]


@pytest.mark.parametrize("line", [
    "Bild: ANNA MÜLLER (APA/AFP/POOL/ANNA MÜLLER)",
    "(Foto: picture alliance / ASSOCIATED PRESS)",
    "Foto: dpa/Kay Nietfeld",
    "Fotos: Getty Images",
    "© Reuters. Die Ministerin trifft sich am 16. Januar in Rom mit ihrem Amtskollegen.",
    "Copyright 2024 dpa-infocom GmbH",
    "Die Ministerin in Rom mit ihrem Amtskollegen. REUTERS/Remo Casilli/Pool",
    "Der Hafen von Triest am Morgen (AFP/Marco Bertorello)",
    "Quelle: n-tv.de, dpa",
    "(dpa)",
    "dpa/AFP/lw",
    "Mit Material von AFP und Reuters",
    "Grafik: Statistisches Landesamt",
])
def test_credit_lines_below_the_lead_are_boilerplate(line: str):
    paragraphs = "\n\n".join(f"Absatz {i} erzählt, was in der Stadt geschah." for i in range(45))
    text = f"Neue Brücke über den Fluss eröffnet\n\n{paragraphs}\n\n{line}\n\nDer letzte Absatz."
    assert dimmed(text) == [line]


@pytest.mark.parametrize("line", [
    "Weiter ging es nach Lyon, berichtete dpa/AFP am Abend.",
    "Die Agentur Getty Images verkauft Bilder an Zeitungen in aller Welt, auch an diese.",
    "Der Verein hat eine neue Quelle für sein Geld gefunden: Spenden.",
    "Das Bild, das die Ministerin zeigte, war alt.",
])
def test_sentences_that_mention_agencies_or_photos_stay_text(line: str):
    text = f"Neue Brücke über den Fluss eröffnet\n\nDer erste Absatz.\n\n{line}\n\nDer letzte Absatz."
    assert dimmed(text) == []


def test_a_long_paragraph_that_ends_in_a_credit_is_not_dimmed_whole():
    long = "Die Ministerin sprach lange über die Pläne der Regierung für die Häfen des Landes. " * 6
    assert credit_lines(long + "REUTERS/Remo Casilli", 10_000) == []  # a paragraph, not a caption


def test_credits_are_dimmed_also_when_the_format_gave_a_title():
    article = build_article("Erster Absatz.\n\nFoto: dpa/Kay Nietfeld\n\nZweiter Absatz.", title="Ein Titel")
    assert [article.body[s:e] for s, e in article.boilerplate] == ["Foto: dpa/Kay Nietfeld"]


def test_names_text_blanks_boilerplate_and_keeps_offsets():
    article = parse_plain_text("Hafen von Triest wird größer\n\nBild: ANNA MÜLLER (APA/AFP/POOL/ANNA MÜLLER)\n\n"
                               "Der Bürgermeister von Triest stellte die Pläne vor.\n\n(dpa)")
    text = names_text(article)
    assert len(text) == len(article.body)
    assert "POOL" not in text and "dpa" not in text
    assert text.index("Der Bürgermeister") == article.body.index("Der Bürgermeister")
    assert ner_texts([article]) == [article.title, text]


def test_no_name_is_found_in_a_credit():
    article = parse_plain_text("Hafen von Triest wird größer\n\nBild: ANNA MÜLLER (APA/AFP/POOL/ANNA MÜLLER)\n\n"
                               "Der Bürgermeister von Triest, Roberto Dipiazza, stellte am Montag die Pläne vor.\n\n"
                               "Mit Material von AFP und Reuters")
    rec = CRFRecognizer()
    everywhere = {m.text for m in rec.recognize(article.body)}
    assert "POOL" in everywhere or "AFP" in everywhere  # the text has names in its credits to lose
    found = [(m.text, m.type) for m in rec.recognize(names_text(article))]
    assert ("Triest", "LOC") in found
    assert not any(name in ("POOL", "AFP", "APA", "Reuters", "ANNA MÜLLER") for name, _ in found)
