"""Decoding and the documented removals."""

import pytest

from newsreader.core.textclean import BinaryFile, clean_text, decode_bytes

GERMAN = "Größe „Zitat“ – 5 € für Müßiggänger"


def test_utf8_with_and_without_bom():
    assert decode_bytes(GERMAN.encode("utf-8")).text == GERMAN
    with_bom = decode_bytes(b"\xef\xbb\xbf" + GERMAN.encode("utf-8"))
    assert with_bom.text == GERMAN and not with_bom.redecoded


def test_invalid_utf8_falls_back_to_cp1252_not_latin1():
    decoded = decode_bytes(GERMAN.encode("cp1252"))
    assert decoded.redecoded and decoded.encoding == "cp1252"
    assert decoded.text == GERMAN  # „ “ – € are cp1252-only: latin-1 would give C1 controls


def test_cp1252_undefined_bytes_do_not_fail():
    decoded = decode_bytes("Maß ".encode("cp1252") + b"\x81\x8d")
    assert decoded.redecoded
    assert clean_text(decoded.text) == "Maß "


def test_utf16_with_bom():
    assert decode_bytes(GERMAN.encode("utf-16")).text == GERMAN


def test_binary_is_refused():
    with pytest.raises(BinaryFile):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_line_endings_soft_hyphens_zero_width_nbsp():
    raw = "Zei\u00adle eins\r\nzwei\rdrei\u200b\u200c\u200d\u2060\ufeff Ende\u00a0hier\u202fda"
    assert clean_text(raw) == "Zeile eins\nzwei\ndrei Ende hier da"


def test_terminal_controls_removed_whole():
    raw = ("a\x1b[2Jb\x1b]0;pwned title\x07c\x1bP1;2|secret\x1b\\d\x9b31me\x9d8;;http://x\x9cf"
           "\x00g\x07h\x7fi\x85j\tk\nl\u202eevil\u202c")
    assert clean_text(raw) == "abcdefghij\tk\nlevil"


def test_visible_makes_control_characters_and_undecodable_bytes_harmless():
    from newsreader.core.textclean import visible

    name = "evil\x1b]0;pwned\x07\nname\u202e" + b"\xff".decode("utf-8", "surrogateescape") + ".txt"
    shown = visible(name)
    assert shown == "evil\\x1b]0;pwned\\x07\\x0aname\\u202e\\xff.txt"
    assert not any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or 0xd800 <= ord(c) <= 0xdfff for c in shown)
    assert visible("Grüße aus Köln") == "Grüße aus Köln"


def test_counted_nouns_agree_with_their_number():
    from newsreader.core.wording import count

    assert count(1, "file") == "1 file"
    assert count(0, "file") == "0 files"
    assert count(2, "result") == "2 results"
    assert count(12345, "article") == "12,345 articles"
    assert count(3, "Eintrag", "Einträge") == "3 Einträge"


def test_utf8_pieces_in_a_cp1252_file_are_repaired_and_cp1252_text_is_left_alone():
    mixed = "Mäscot – das Schaf".encode("cp1252") + b" / " + "Mäscot „Schaf“ 20° €".encode("utf-8")
    decoded = decode_bytes(mixed)
    assert decoded.redecoded and decoded.text == "Mäscot – das Schaf / Mäscot „Schaf“ 20° €"
    # pure cp1252 whose byte pairs could pass for UTF-8 (ß then “ is DF 93) stays as written
    for text in ("„Fuß“ und Grüße", "Ärger… Österreich °C", "Maß‚ Straße–Ecke", "São Paulo, Ã am Ende: Ã"):
        assert decode_bytes(text.encode("cp1252") + b"\xff").text == text + "ÿ"
