"""`newsreader list`: the seeds in the agreed order, JSON fields, skipped files on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def run_list(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsreader", "list", *args], capture_output=True, text=True)


def test_seeds_listing():
    out = run_list("--json")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    summary = [(Path(r["path"]).name[:3], r["date"], r["date_precision"], r["date_inferred"]) for r in rows]
    assert summary == [
        ("002", "2024-06", "month", False),
        ("004", "2024-01-16", "day", True),
        ("003", "2023-09-14T07:12", "minute", False),
        ("001", "2023-09", "month", False),
        ("000", "2023-09", "month", False),
    ]
    by_file = {Path(r["path"]).name[:3]: r for r in rows}
    assert by_file["004"]["title"].startswith("Nordkorea lobt")
    assert by_file["004"]["source"] == "Reuters"
    assert by_file["003"]["title"] == "Putin nimmt offenbar Einladung zu Gegenbesuch an"
    for row in rows:  # every title is a real headline or sentence start, not a credit or counter
        assert len(row["title"]) > 20 and not row["title"].startswith(("(Foto", "©", "2/2", "Von "))
        assert set(row) >= {"id", "title", "date", "date_precision", "date_inferred", "source", "author", "path"}


def test_oldest_first_keeps_undated_last(tmp_path: Path):
    (tmp_path / "a.txt").write_text(" date 2020-01 Alt.")
    (tmp_path / "b.txt").write_text(" date 2022-01 Neu.")
    (tmp_path / "c.txt").write_text("Ohne Datum.")
    rows = [json.loads(x) for x in run_list(str(tmp_path), "--json", "--oldest-first").stdout.splitlines()]
    assert [r["title"] for r in rows] == ["Alt.", "Neu.", "Ohne Datum."]


def test_skipped_go_to_stderr_exit_zero_with_articles(tmp_path: Path):
    (tmp_path / "ok.txt").write_text("Ein Artikel.")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x00\x00")
    out = run_list(str(tmp_path), "--json")
    assert out.returncode == 0
    assert len(out.stdout.splitlines()) == 1
    assert f"skipped {tmp_path / 'bad.txt'}: binary" in out.stderr


def test_nothing_loadable_exits_nonzero(tmp_path: Path):
    (tmp_path / "bad.txt").write_bytes(b"\x00")
    out = run_list(str(tmp_path))
    assert out.returncode == 1
    assert "skipped" in out.stderr


def test_readable_table():
    out = run_list()
    lines = out.stdout.splitlines()
    assert len(lines) == 5
    assert lines[1].startswith("~16 Jan 2024") and "Reuters" in lines[1]
