"""Title, source and author by general rules, on texts the tests write (not the seeds)."""

from newsreader.core.metadata import analyse_text, first_sentence, shorten, split_kicker
from newsreader.core.plaintext import parse_plain_text


def test_photo_credit_and_gallery_counter_are_not_titles():
    text = "(Foto: dpa / Agentur)\n\n3/7\n\nBahnstreik legt den Fernverkehr lahm\n\nDie Gewerkschaft hat …\n\nMehr Text."
    meta = analyse_text(text)
    assert meta.title == "Bahnstreik legt den Fernverkehr lahm"
    dimmed = [meta.body[s:e] for s, e in meta.boilerplate]
    assert dimmed == ["(Foto: dpa / Agentur)", "3/7"]
    assert "Bahnstreik legt" not in meta.body  # shown as the title, not twice


def test_trailing_agency_byline_person_byline_and_dateline():
    text = ("Regierung plant neue Regeln für Drohnen Von AFP\n\nBild: © AFP. Eine Drohne über Paris.\n\n"
            "Von Marie Dubois und Jan Meier\n\nPARIS (AFP) – Die Regierung will …\n\nZweiter Absatz.")
    meta = analyse_text(text)
    assert meta.title == "Regierung plant neue Regeln für Drohnen"
    assert meta.source == "AFP"
    assert meta.author == "Marie Dubois, Jan Meier"


def test_dateline_alone_gives_source():
    meta = analyse_text("Hochwasser in Bayern steigt weiter\n\nMÜNCHEN (dpa) – Die Pegel steigen.\n\nMehr.")
    assert meta.source == "dpa"
    assert meta.author is None


def test_kicker_headline_and_stamp_on_one_line():
    text = "Streit um den Haushalt Lindner legt neuen Entwurf vor Stand: 03.11.2023 18:45 Uhr\n\nDer Finanzminister …\n\nMehr."
    meta = analyse_text(text)
    assert meta.kicker == "Streit um den Haushalt"
    assert meta.title == "Lindner legt neuen Entwurf vor"


def test_split_kicker_needs_a_sentence_after_it():
    assert split_kicker("Nahost Konflikt Gaza") == (None, "Nahost Konflikt Gaza")
    assert split_kicker("Wahl in Hessen Rhein gewinnt deutlich") == ("Wahl in Hessen", "Rhein gewinnt deutlich")


def test_no_headline_first_sentence_not_cut_at_ordinals_or_abbreviations():
    text = "Zum 75. Jahrestag der Gründung sprach Dr. Weber u.a. über die Zukunft. Danach folgte ein Empfang."
    assert first_sentence(text) == "Zum 75. Jahrestag der Gründung sprach Dr. Weber u.a. über die Zukunft."
    assert analyse_text(text).title == "Zum 75. Jahrestag der Gründung sprach Dr. Weber u.a. über die Zukunft."


def test_long_first_sentence_shortened_at_word_boundary():
    long = "Die " + "sehr " * 60 + "lange Meldung endet hier."
    title = shorten(first_sentence(long))
    assert len(title) <= 140 and title.endswith("…") and not title[:-1].endswith(" ")
    assert long.startswith(title[:-1])


def test_plain_text_header_and_title():
    article = parse_plain_text(" date 2022-05 Erster Satz des Artikels steht hier. Zweiter Satz folgt.")
    assert article.date.iso() == "2022-05" and article.date.precision == "month"
    assert article.title == "Erster Satz des Artikels steht hier."
    assert article.body.startswith("Erster Satz")


def test_stamp_refines_header_month():
    article = parse_plain_text(" date 2023-11 Haushalt Lindner legt Entwurf vor Stand: 03.11.2023 18:45 Uhr\n\nText.\n\nMehr.")
    assert (article.date.iso(), article.date.inferred) == ("2023-11-03T18:45", False)


def test_entities_from_naive_tag_strip_are_unescaped():
    article = parse_plain_text("Zwei &amp; drei&nbsp;Sätze mit &quot;Zitat&quot;.")
    assert article.body == 'Zwei & drei Sätze mit "Zitat".'


def test_stamp_and_code_lines_are_not_headlines():
    meta = analyse_text("Mo, 11:41 Uhr\n\nwindow.x = {a: 1};\n\nStadt eröffnet neuen Park\n\nDer Park …")
    assert meta.title == "Stadt eröffnet neuen Park"


def test_kicker_headline_and_stamp_on_separate_lines():
    text = "Streit um den Haushalt\n\nLindner legt neuen Entwurf vor\n\nStand: 03.11.2023 18:45 Uhr\n\nDer Finanzminister …\n\nMehr."
    meta = analyse_text(text)
    assert (meta.kicker, meta.title) == ("Streit um den Haushalt", "Lindner legt neuen Entwurf vor")
    assert meta.body.startswith("Stand: 03.11.2023")
    assert [meta.body[s:e] for s, e in meta.boilerplate] == ["Stand: 03.11.2023 18:45 Uhr"]
    article = parse_plain_text(text)
    assert (article.title, article.date.iso(), article.date.inferred) == ("Lindner legt neuen Entwurf vor", "2023-11-03T18:45", False)


def test_page_titles_lose_the_site_name_a_domain_and_a_date_stamp():
    from newsreader.core.metadata import clean_page_title

    assert clean_page_title("Neue Brücke für Musterstadt | Stadtblatt", "Stadtblatt") == "Neue Brücke für Musterstadt"
    assert clean_page_title("Neue Brücke für Musterstadt - STADT BLATT", "stadtblatt.de") == "Neue Brücke für Musterstadt"
    assert clean_page_title("Stadtblatt | Neue Brücke", None, "https://www.stadtblatt.de/a/1") == "Neue Brücke"
    assert clean_page_title("Neue Brücke — beispiel-zeitung.at") == "Neue Brücke"
    assert clean_page_title("Neue Brücke eröffnet : 06.11.2023, 11.41 Uhr") == "Neue Brücke eröffnet"
    # what is not the site stays: two teams, a date inside the headline, an unknown last part
    assert clean_page_title("Dortmund - Gladbach 2:1", "Kicker") == "Dortmund - Gladbach 2:1"
    assert clean_page_title("Wahl am 12.03.2024 verschoben") == "Wahl am 12.03.2024 verschoben"
    assert clean_page_title("Durch die Gegend | Mit Musik in Wien", "Radio X") == "Durch die Gegend | Mit Musik in Wien"


def test_navigation_lists_configuration_and_css_are_not_headlines():
    for junk in ("- Artikel-Informationen\n- Suche\n", "| Weitere Artikel zum Thema |\n", "Ergebnis 661 bis 680 von 795\n",
                 "application: 'app-desktop'\n", "img.wp-smiley,\n", "beispiel-zeitung.info\n"):
        text = junk + "\nDie Stadt baut eine neue Brücke über den Fluss. Sie soll 2026 fertig sein.\n"
        assert analyse_text(text).title == "Die Stadt baut eine neue Brücke über den Fluss.", junk
