"""Issue 20: ``newsreader index`` finds names in one child process per core, as the reader does,
and ends them when it is done or interrupted."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.cli import main
from newsreader.core.ner import process
from newsreader.core.search.index import SearchIndex, default_index_path

from test_workers import _alive


def folder_of(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(n):
        (folder / f"{i:02}.txt").write_text(
            f"Besuch in Leipzig Nummer {i}\n\nAngela Merkel sprach am Montag in Leipzig mit Vertretern "
            f"der Deutschen Bahn über den Ausbau der Strecke nach Dresden. Meldung {i}.\n", encoding="utf-8")
    return folder


@pytest.fixture
def made(monkeypatch) -> list:
    made: list = []

    class Recording(process.ProcessRecognizer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)
            self.seen_pids: set[int] = set()

        def collect(self, job):
            self.seen_pids.update(self.pids())
            return super().collect(job)

    monkeypatch.setattr(process, "ProcessRecognizer", Recording)
    return made


def gone(pid: int) -> bool:
    return not _alive(pid)  # a child ended but not yet reaped (a zombie) is as good as gone


def test_index_finds_names_in_child_processes_and_ends_them(tmp_path, made, capsys):
    folder = folder_of(tmp_path, process.MANY + 5)
    assert main(["index", str(folder)]) == 0
    assert len(made) == 1 and made[0].seen_pids  # the names were found in children
    assert made[0].pids() == [] and all(gone(pid) for pid in made[0].seen_pids)
    index = SearchIndex(default_index_path([str(folder)]))
    assert index.pending_entities() == 0
    assert {(e.type, e.canonical) for e in index.entities()} >= {("PER", "Angela Merkel"), ("LOC", "Leipzig")}


def test_a_few_files_are_done_in_process(tmp_path, made, capsys):
    folder = folder_of(tmp_path, 3)
    assert main(["index", str(folder)]) == 0
    assert made == []
    assert SearchIndex(default_index_path([str(folder)])).pending_entities() == 0


def test_an_interrupted_index_ends_its_children_at_once(tmp_path, made, monkeypatch, capsys):
    folder = folder_of(tmp_path, process.MANY + 5)
    started: list[int] = []

    def interrupted(self, recognizer, *args, **kwargs):
        recognizer.collect(recognizer.submit(["Angela Merkel in Leipzig."]))  # a child is running
        started.extend(recognizer.pids())
        raise KeyboardInterrupt

    monkeypatch.setattr(SearchIndex, "recognize_pending", interrupted)
    with pytest.raises((KeyboardInterrupt, SystemExit)):
        main(["index", str(folder)])
    assert started and made[0].stopped
    assert all(gone(pid) for pid in started)
