"""`newsreader show` and `newsreader entities` on files the test writes itself."""

from __future__ import annotations

import json

from newsreader.cli import main

ARTICLE_A = """Nato-Chef Jens Stoltenberg warnt Russland

Brüssel. Nato-Generalsekretär Jens Stoltenberg hat Russland am Dienstag vor einer weiteren
Eskalation gewarnt. Stoltenberg sagte in Brüssel, die Unterstützung für die Ukraine werde
fortgesetzt. Russlands Regierung wies die Vorwürfe zurück.
"""

ARTICLE_B = """Stoltenberg besucht Kiew

Kiew. Der Nato-Generalsekretär ist überraschend in die Ukraine gereist. Stoltenberg traf dort
Präsident Wolodymyr Selenskyj und sprach mit Vertretern der Vereinten Nationen.
"""


def _collection(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    return tmp_path


def test_show_json_has_entities_with_offsets_and_canonical_names(tmp_path, capsys):
    folder = _collection(tmp_path)
    assert main(["show", str(folder / "a.txt"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    body = data["body"]
    assert data["entities"], "no entities found"
    for ent in data["entities"]:
        assert body[ent["start"]:ent["end"]] == ent["text"]
        assert ent["type"] in {"PER", "LOC", "ORG", "MISC"}
    by_text = {(e["text"], e["type"]): e["canonical"] for e in data["entities"]}
    assert by_text[("Stoltenberg", "PER")] == "Jens Stoltenberg"
    assert by_text[("Russlands", "LOC")] == "Russland"
    assert ("Brüssel", "LOC") in by_text


def test_show_by_id_in_a_collection(tmp_path, capsys):
    folder = _collection(tmp_path)
    main(["list", str(folder), "--json"])
    ids = {json.loads(line)["path"].rsplit("/", 1)[-1]: json.loads(line)["id"]
           for line in capsys.readouterr().out.splitlines()}
    assert main(["show", ids["b.txt"], str(folder), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == ids["b.txt"] and data["title"] == "Stoltenberg besucht Kiew"
    # linked across the collection: article b only says "Stoltenberg"
    assert {e["canonical"] for e in data["entities"] if e["text"] == "Stoltenberg"} == {"Jens Stoltenberg"}
    assert main(["show", "0000000000000000", str(folder)]) == 1
    assert "no article" in capsys.readouterr().err


def test_entities_index_json(tmp_path, capsys):
    folder = _collection(tmp_path)
    assert main(["entities", str(folder), "--json"]) == 0
    index = {(e["canonical"], e["type"]): e for e in map(json.loads, capsys.readouterr().out.splitlines())}
    stoltenberg = index[("Jens Stoltenberg", "PER")]
    assert stoltenberg["article_count"] == 2
    assert set(stoltenberg["aliases"]) >= {"Jens Stoltenberg", "Stoltenberg"}
    assert stoltenberg["mentions"] >= 4
    assert index[("Ukraine", "LOC")]["article_count"] == 2


def test_unavailable_backend_falls_back_with_a_message(tmp_path, capsys):
    folder = _collection(tmp_path)
    assert main(["entities", str(folder), "--ner", "spacy:de_not_installed"]) == 0
    captured = capsys.readouterr()
    assert "spacy:de_not_installed" in captured.err and "built-in recognizer" in captured.err
    assert "Jens Stoltenberg" in captured.out
