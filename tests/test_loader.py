"""Every input format, discovery rules and skipping, on fixtures written here."""

from __future__ import annotations

import json
import os
from pathlib import Path

from newsreader.core.loader import load_paths

BODY = "Die Stadt baut eine neue Brücke über den Fluss. Die Arbeiten beginnen im Frühjahr.\n\nZweiter Absatz."


def one(folder: Path):
    result = load_paths([folder])
    assert not result.skipped, result.skipped
    (article,) = result.articles
    return article


def test_markdown_yaml_front_matter(tmp_path: Path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Neue Brücke für die Stadt\ndate: 2024-03-05\nsource: Stadtblatt\nauthor: Eva Berg\n"
        "url: https://example.org/a\ntags: [bau, stadt]\n---\n" + BODY, encoding="utf-8")
    a = one(tmp_path)
    assert (a.title, a.date.iso(), a.date.precision, a.source, a.author, a.url) == (
        "Neue Brücke für die Stadt", "2024-03-05", "day", "Stadtblatt", "Eva Berg", "https://example.org/a")
    assert a.body.startswith("Die Stadt baut")


def test_markdown_toml_front_matter_and_heading(tmp_path: Path):
    (tmp_path / "b.markdown").write_text('+++\ndate = "2024-03-05T10:30:00+01:00"\n+++\n# Brücke kommt\n\n' + BODY)
    a = one(tmp_path)
    assert (a.title, a.date.iso(), a.date.precision) == ("Brücke kommt", "2024-03-05T10:30", "minute")
    assert not a.body.startswith("#")


def test_json_array_and_object_fields(tmp_path: Path):
    records = [
        {"headline": "Erste Meldung", "published": "2024-01-02", "body": BODY, "link": "https://x/1",
         "publisher": {"name": "Kurier"}, "authors": [{"name": "A. B"}, {"name": "C. D"}]},
        {"title": "Zweite Meldung", "date": "März 2023", "content": "<p>Absatz <b>eins</b>.</p><p>Absatz zwei.</p>"},
        {"title": "kein Text"},
    ]
    (tmp_path / "x.json").write_text(json.dumps(records), encoding="utf-8")
    result = load_paths([tmp_path])
    by_title = {a.title: a for a in result.articles}
    first, second = by_title["Erste Meldung"], by_title["Zweite Meldung"]
    assert (first.date.iso(), first.source, first.author, first.url) == ("2024-01-02", "Kurier", "A. B, C. D", "https://x/1")
    assert (second.date.iso(), second.date.precision) == ("2023-03", "month")
    assert second.body == "Absatz eins.\n\nAbsatz zwei."
    assert len(result.articles) == 2


def test_json_lines(tmp_path: Path):
    lines = [json.dumps({"title": f"Meldung {i}", "text": f"Text Nummer {i}.", "date": f"2024-02-0{i}"}) for i in (1, 2, 3)]
    (tmp_path / "x.jsonl").write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    result = load_paths([tmp_path])
    assert [a.title for a in result.articles] == ["Meldung 3", "Meldung 2", "Meldung 1"]


def test_json_without_articles_is_skipped_with_reason(tmp_path: Path):
    (tmp_path / "cfg.json").write_text('{"setting": 1}')
    (tmp_path / "bad.json").write_text('{"title": ')
    result = load_paths([tmp_path])
    reasons = {Path(s.path).name: s.reason for s in result.skipped}
    assert "none has a text, body or content field" in reasons["cfg.json"]
    assert "invalid JSON" in reasons["bad.json"]


def test_rss_and_atom(tmp_path: Path):
    (tmp_path / "feed.rss").write_text("""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Tagesblatt</title>
<item><title>Erste Nachricht</title><link>https://t/1</link><pubDate>Tue, 16 Jan 2024 09:30:00 +0100</pubDate>
<description>&lt;p&gt;Inhalt der ersten Nachricht.&lt;/p&gt;</description></item>
<item><title>Zweite Nachricht</title><description>Inhalt zwei.</description></item>
</channel></rss>""", encoding="utf-8")
    (tmp_path / "feed.atom").write_text("""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atomblatt</title>
<entry><title>Atom-Eintrag</title><updated>2023-12-01T08:00:00Z</updated><author><name>Eva</name></author>
<content type="html">&lt;p&gt;Atom Inhalt.&lt;/p&gt;</content></entry></feed>""", encoding="utf-8")
    result = load_paths([tmp_path])
    by_title = {a.title: a for a in result.articles}
    first = by_title["Erste Nachricht"]
    assert (first.date.iso(), first.source, first.url, first.body) == ("2024-01-16T09:30", "Tagesblatt", "https://t/1", "Inhalt der ersten Nachricht.")
    assert by_title["Zweite Nachricht"].date is None
    atom = by_title["Atom-Eintrag"]
    assert (atom.date.iso(), atom.author, atom.source, atom.body) == ("2023-12-01T08:00", "Eva", "Atomblatt", "Atom Inhalt.")


def test_html_main_text_and_meta(tmp_path: Path):
    (tmp_path / "page.html").write_text("""<!DOCTYPE html><html><head><title>Brücke | Stadtblatt</title>
<meta property="og:site_name" content="Stadtblatt"><meta name="author" content="Eva Berg">
<meta property="article:published_time" content="2024-03-05T10:30:00+01:00">
<script>var x = "<p>nicht dies</p>";</script><style>p {color: red}</style></head>
<body><nav><a href="/">Start</a> <a href="/p">Politik</a></nav>
<article><h1>Neue Brücke für die Stadt</h1><p>Die Stadt baut eine neue Brücke über den Fluss, und zwar bald.</p>
<figure><img src="x.jpg"><figcaption>Foto: Archiv</figcaption></figure>
<p>Die Arbeiten beginnen im Frühjahr &amp; dauern zwei Jahre.</p></article>
<footer>Impressum Datenschutz</footer></body></html>""", encoding="utf-8")
    a = one(tmp_path)
    assert (a.title, a.source, a.author, a.date.iso()) == ("Neue Brücke für die Stadt", "Stadtblatt", "Eva Berg", "2024-03-05T10:30")
    assert a.body == ("Die Stadt baut eine neue Brücke über den Fluss, und zwar bald.\n\n"
                      "Die Arbeiten beginnen im Frühjahr & dauern zwei Jahre.")


def test_html_saved_as_txt_is_recognised(tmp_path: Path):
    (tmp_path / "page.txt").write_text("<html><body><p>Ein ganzer Absatz mit Inhalt, der lang genug ist.</p></body></html>")
    assert one(tmp_path).body == "Ein ganzer Absatz mit Inhalt, der lang genug ist."


def test_newsml_item(tmp_path: Path):
    (tmp_path / "wire.xml").write_text("""<?xml version="1.0" encoding="UTF-8"?>
<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><itemSet><newsItem>
<rightsInfo><copyrightHolder qcode="nprov:dpa"/></rightsInfo>
<itemMeta><firstCreated>2017-12-20T14:49:36+01:00</firstCreated></itemMeta>
<contentMeta><headline>Prozess gegen Konzernchef</headline></contentMeta>
<contentSet><inlineXML><html xmlns="http://www.w3.org/1999/xhtml"><body><p>Mailand (dpa) - Der Chef muss vor Gericht.</p></body></html></inlineXML></contentSet>
</newsItem></itemSet></newsMessage>""", encoding="utf-8")
    a = one(tmp_path)
    assert (a.title, a.source, a.date.iso()) == ("Prozess gegen Konzernchef", "dpa", "2017-12-20T14:49")
    assert a.body == "Mailand (dpa) - Der Chef muss vor Gericht."


def test_cp1252_file_is_marked_redecoded(tmp_path: Path):
    (tmp_path / "alt.txt").write_bytes("Straßenbahn „fährt“ wieder – für 3 €.\n\nMehr.".encode("cp1252"))
    a = one(tmp_path)
    assert a.redecoded and a.title == "Straßenbahn „fährt“ wieder – für 3 €."


def test_bom_crlf_header(tmp_path: Path):
    (tmp_path / "w.txt").write_bytes(b"\xef\xbb\xbf date 2021-04 Erster Satz hier.\r\n\r\nZweiter Absatz.\r\n")
    a = one(tmp_path)
    assert a.date.iso() == "2021-04" and "\r" not in a.body and a.title == "Erster Satz hier."


def test_same_article_twice_appears_once_with_both_paths(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text(BODY)
    (tmp_path / "y.txt").write_text(BODY.replace("\n\n", "\r\n\r\n") + "\n")
    result = load_paths([tmp_path])
    (article,) = result.articles
    assert sorted(Path(p).name for p in article.paths) == ["x.txt", "y.txt"]


def test_id_survives_rename(tmp_path: Path):
    (tmp_path / "x.txt").write_text(BODY)
    before = load_paths([tmp_path]).articles[0].id
    (tmp_path / "x.txt").rename(tmp_path / "renamed.txt")
    assert load_paths([tmp_path]).articles[0].id == before


def test_hidden_entries_ignored_symlink_loop_survived(tmp_path: Path):
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.txt").write_text("Versteckter Artikel.")
    (tmp_path / ".dot.txt").write_text("Versteckt.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(BODY)
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    result = load_paths([tmp_path])
    assert [Path(a.path).name for a in result.articles] == ["a.txt"]


def test_bad_files_are_skipped_with_reasons_and_the_rest_loads(tmp_path: Path):
    (tmp_path / "good.txt").write_text(BODY)
    (tmp_path / "empty.txt").write_text("  \n\n ")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (tmp_path / "pic.png").write_bytes(b"\x89PNG\r\n")
    result = load_paths([tmp_path, tmp_path / "missing.txt"])
    reasons = {Path(s.path).name: s.reason for s in result.skipped}
    assert len(result.articles) == 1
    assert reasons["empty.txt"] == "empty (no text)"
    assert "binary" in reasons["bin.txt"]
    assert "not an article file type" in reasons["pic.png"]
    assert reasons["missing.txt"] == "no such file or folder"


def test_order_newest_first_month_after_exact_undated_last(tmp_path: Path):
    (tmp_path / "m.txt").write_text(" date 2023-09 Monatsartikel steht hier.")
    (tmp_path / "d.md").write_text("---\ndate: 2023-09-14\n---\nTagesartikel.")
    (tmp_path / "n.md").write_text("---\ndate: 2023-08-31\n---\nAugustartikel.")
    (tmp_path / "u.txt").write_text("Undatierter Artikel.")
    titles = [a.title for a in load_paths([tmp_path]).articles]
    assert titles == ["Tagesartikel.", "Monatsartikel steht hier.", "Augustartikel.", "Undatierter Artikel."]
