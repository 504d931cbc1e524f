"""Bookmarks are never lost: crashes, two instances, damaged files, export and import."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsreader.cli import main
from newsreader.core.bookmarks import Bookmark, BookmarkStore, ReadingState, StoreError
from newsreader.core.paths import data_dir


def mark(i: int, **kw) -> Bookmark:
    return Bookmark(id=f"{i:016x}", title=f"Artikel {i}", date="2024-01-02", source="APA", path=f"/x/{i}.txt", **kw)


def test_store_lives_in_the_user_data_folder():
    assert BookmarkStore().path == data_dir() / "bookmarks.json"
    assert str(data_dir()).startswith(os.environ["XDG_DATA_HOME"])


def test_add_update_remove_and_snapshot(tmp_path):
    store = BookmarkStore(tmp_path / "b.json")
    store.add(mark(1, note="lesen", tags=["nk"]))
    store.add(mark(2))
    first_created = store.load()[0][1].created
    store.add(Bookmark(id=mark(1).id, title="Artikel 1 (neu)", tags=["ru"]))  # update keeps note, merges tags
    marks = {b.id: b for b in store.load()[0]}
    one = marks[mark(1).id]
    assert (one.title, one.note, one.tags, one.created) == ("Artikel 1 (neu)", "lesen", ["nk", "ru"], first_created)
    assert (marks[mark(2).id].date, marks[mark(2).id].source, marks[mark(2).id].path) == ("2024-01-02", "APA", "/x/2.txt")
    assert store.remove(mark(2).id) is True
    assert store.remove(mark(2).id) is False
    assert [b.id for b in store.load()[0]] == [mark(1).id]
    data = json.loads((tmp_path / "b.json").read_text())
    assert data["version"] == 1 and list(data["bookmarks"]) == [mark(1).id]


def test_writes_are_atomic_and_leave_no_temporary_files(tmp_path):
    store = BookmarkStore(tmp_path / "b.json")
    for i in range(5):
        store.add(mark(i))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.json", "b.json.lock"]


# --- crash safety --------------------------------------------------------------------------------

WRITER = """
import sys
from pathlib import Path
from newsreader.core.bookmarks import Bookmark, BookmarkStore
store = BookmarkStore(Path(sys.argv[1]))
start = int(sys.argv[2])
for i in range(start, start + 100000):
    store.add(Bookmark(id=f"{i:016x}", title=f"Artikel {i} " + "x" * 200, note="n" * (i % 50)))
    print(i, flush=True)
"""


def test_sigkill_at_random_moments_never_loses_a_returned_write(tmp_path):
    path = tmp_path / "b.json"
    rng = random.Random(7)
    confirmed: set[int] = set()
    next_id = 0
    kills = 0
    while kills < 100:
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(next_id)],
                                 stdout=subprocess.PIPE, text=True)
        first = child.stdout.readline()  # it is writing now
        if first:
            confirmed.add(int(first))
        time.sleep(rng.uniform(0, 0.03))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        for line in out.splitlines():
            confirmed.add(int(line))
        kills += 1
        data = json.loads(path.read_text(encoding="utf-8"))  # always parses
        have = {int(k, 16) for k in data["bookmarks"]}
        missing = confirmed - have
        assert not missing, f"kill {kills}: lost {sorted(missing)[:5]}"
        next_id = max(confirmed | have) + 1
    assert len(confirmed) >= 100
    # a kill between creating and renaming the temporary file leaves that file behind, never
    # a damaged b.json
    leftovers = [p for p in tmp_path.iterdir() if p.name not in ("b.json", "b.json.lock")]
    assert all(p.name.startswith(".b.json.") and p.name.endswith(".tmp") for p in leftovers)


# --- two instances ---------------------------------------------------------------------------------

ADDER = """
import sys
from pathlib import Path
from newsreader.core.bookmarks import Bookmark, BookmarkStore
store = BookmarkStore(Path(sys.argv[1]))
base = int(sys.argv[2])
for i in range(200):
    store.add(Bookmark(id=f"{base + i:016x}", title=f"Artikel {base + i}"))
"""


def test_two_processes_adding_at_once_lose_nothing(tmp_path):
    path = tmp_path / "b.json"
    procs = [subprocess.Popen([sys.executable, "-c", ADDER, str(path), str(base)]) for base in (0, 100000)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    ids = set(json.loads(path.read_text())["bookmarks"])
    assert len(ids) == 400
    assert ids == {f"{i:016x}" for i in range(200)} | {f"{100000 + i:016x}" for i in range(200)}


# --- damaged files ---------------------------------------------------------------------------------

def _good_file(path: Path, n: int = 3) -> str:
    store = BookmarkStore(path)
    for i in range(n):
        store.add(mark(i))
    return path.read_text()


def test_truncated_file_is_moved_aside_and_whole_entries_recovered(tmp_path):
    path = tmp_path / "b.json"
    text = _good_file(path)
    cut = text.index(f'"{mark(2).id}"') + 30  # the third bookmark is cut off
    path.write_text(text[:cut])
    marks, loaded = BookmarkStore(path).load()
    assert sorted(b.id for b in marks) == [mark(0).id, mark(1).id]
    (notice,) = loaded.notices
    aside = list(tmp_path.glob("b.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_text() == text[:cut]
    assert "could not be read" in notice and f"moved to {aside[0]}" in notice and "2 bookmarks recovered" in notice
    # what was recovered is the file now, and the next write keeps it
    assert sorted(json.loads(path.read_text())["bookmarks"]) == [mark(0).id, mark(1).id]
    BookmarkStore(path).add(mark(9))
    assert sorted(b.id for b in BookmarkStore(path).load()[0]) == [mark(0).id, mark(1).id, mark(9).id]


def test_binary_garbage_is_moved_aside_never_replaced_silently(tmp_path):
    path = tmp_path / "b.json"
    garbage = bytes(range(256)) * 8
    path.write_bytes(garbage)
    marks, loaded = BookmarkStore(path).load()
    assert marks == []
    assert "could not be read" in loaded.notices[0] and "0 bookmarks recovered" in loaded.notices[0]
    (aside,) = tmp_path.glob("b.json.corrupt-*")
    assert aside.read_bytes() == garbage
    assert not path.exists()  # not replaced by an empty file


def test_wrong_types_keep_the_good_entries_and_a_copy_of_the_original(tmp_path):
    path = tmp_path / "b.json"
    data = {"version": 1, "bookmarks": {"a": {"title": "Gut", "tags": []}, "b": {"title": 42},
                                        "c": {"title": "Tags falsch", "tags": "x"}, "d": "kein Objekt"}}
    path.write_text(json.dumps(data))
    marks, loaded = BookmarkStore(path).load()
    assert [b.id for b in marks] == ["a"]
    assert "3 entries with wrong fields were ignored" in loaded.notices[0]
    (copy,) = tmp_path.glob("b.json.corrupt-*")
    assert json.loads(copy.read_text()) == data
    path.write_text(json.dumps({"version": 1, "bookmarks": ["not", "a", "mapping"]}))
    marks, loaded = BookmarkStore(path).load()
    assert marks == [] and "'bookmarks' is not an object" in loaded.notices[0]


def test_file_from_a_newer_version_is_read_but_never_written(tmp_path):
    path = tmp_path / "b.json"
    text = json.dumps({"version": 99, "bookmarks": {"a": {"title": "Aus der Zukunft", "new_field": 1}}})
    path.write_text(text)
    store = BookmarkStore(path)
    marks, loaded = store.load()
    assert [b.title for b in marks] == ["Aus der Zukunft"]
    assert loaded.read_only and "newer newsreader" in loaded.notices[0] and "format 99" in loaded.notices[0]
    with pytest.raises(StoreError, match="newer newsreader"):
        store.add(mark(1))
    with pytest.raises(StoreError):
        store.remove("a")
    assert path.read_text() == text


# --- export / import -------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_into_an_empty_store_round_trips(tmp_path, fmt):
    src = BookmarkStore(tmp_path / "a.json")
    src.add(mark(1, note='Notiz mit "Anführungszeichen", Komma; und Umlaut ä', tags=["nk", "ru"]))
    src.add(mark(2))
    src.add(Bookmark(id="ffff000011112222", title="Ohne Datum"))
    before = src.load()[0]
    text = BookmarkStore.export(before, fmt)
    dst = BookmarkStore(tmp_path / "b.json")
    assert dst.merge(BookmarkStore.parse_import(text)[0]) == 3
    assert dst.load()[0] == before
    assert dst.merge(BookmarkStore.parse_import(text)[0]) == 0  # never duplicates
    assert dst.load()[0] == before


def test_markdown_export_lists_every_bookmark():
    text = BookmarkStore.export([mark(1, note="wichtig"), mark(2)], "md")
    assert text.startswith("# Bookmarks")
    assert "**Artikel 1** (2024-01-02 · APA)" in text and "  - wichtig" in text and mark(2).id in text


def test_reading_state(tmp_path):
    state = ReadingState(tmp_path / "r.json")
    state.mark_read("a")
    state.mark_read("b")
    state.mark_read("a", read=False)
    assert state.load()[0] == {"b"}


# --- command line ----------------------------------------------------------------------------------

def test_bookmarks_command_line(tmp_path, capsys):
    main(["list", "--json"])
    seeds = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    first = seeds[0]["id"]
    assert main(["bookmarks", "add", first, "--note", "später lesen", "--tag", "nk"]) == 0
    assert main(["bookmarks", "add", "0000000000000000"]) == 1
    capsys.readouterr()
    assert main(["bookmarks", "list", "--json"]) == 0
    (row,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert (row["id"], row["title"], row["note"], row["tags"]) == (first, seeds[0]["title"], "später lesen", ["nk"])
    out = tmp_path / "export.json"
    assert main(["bookmarks", "export", "--format", "json", "-o", str(out)]) == 0
    assert main(["bookmarks", "remove", first]) == 0
    assert main(["bookmarks", "remove", first]) == 1
    assert main(["bookmarks", "import", str(out)]) == 0
    assert "1 bookmark added, 0 already there" in capsys.readouterr().err
    assert main(["bookmarks", "export", "--format", "md"]) == 0
    assert seeds[0]["title"][:20] in capsys.readouterr().out
