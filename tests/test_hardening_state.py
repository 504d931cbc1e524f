"""Issue 18, the user's state files and the command line: escape sequences in bookmarks, read-only
and full folders, deep nesting, a lock another newsreader holds, a symlinked bookmarks.json and
odd command lines. Read-only and full folders are a small tmpfs as root (CI), chmod otherwise."""

from __future__ import annotations

import errno
import json
import os
import pty
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from hostile import APC, CSI_PARAMS, DCS, ESCAPES, OSC_LINK, OSC_TITLE
from test_hostile import _read_pty

from newsreader.cli import main
from newsreader.core import store as store_module
from newsreader.core.bookmarks import Bookmark, BookmarkStore, ReadingState
from newsreader.core.config import config_path, load_config
from newsreader.core.loader import load_paths
from newsreader.core.paths import data_dir
from newsreader.core.store import json_text
from newsreader.resources import seeds_dir

PAYLOADS = [OSC_TITLE, OSC_LINK, DCS, CSI_PARAMS, APC]
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
DEEP = "[" * 1000 + "]" * 1000  # 2 KB, deeper than Python's parsers go


def mark(i: int, **kw) -> Bookmark:
    return Bookmark(id=f"{i:016x}", title=f"Artikel {i}", date="2024-01-02", source="APA", path=f"/x/{i}.txt", **kw)


def assert_harmless(text: str | bytes) -> None:
    """No control character (escape sequences), bidi control or payload of one."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    assert not RAW_CONTROLS.search(text), repr(RAW_CONTROLS.search(text))
    for payload in PAYLOADS:
        assert payload not in text, payload


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    """The real command (the XDG folders are the test's, from conftest)."""
    return subprocess.run([sys.executable, "-m", "newsreader", *args], capture_output=True, timeout=timeout)


def bookmarks_file(data: dict) -> Path:
    path = data_dir() / "bookmarks.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def seed_id() -> str:
    return load_paths([str(seeds_dir())]).articles[0].id


def poisoned(text: str) -> str:
    return f"{text}{ESCAPES}ende"


# --- 1: escape sequences through bookmarks ---------------------------------------------------------

def test_h01_imported_bookmarks_are_cleaned_and_every_cli_output_is_harmless(tmp_path):
    incoming = tmp_path / "hostile-export.json"
    good = {"id": "0123456789abcdef", "title": poisoned("Gift"), "note": poisoned("Notiz"), "date": "2024-01-02",
            "source": poisoned("Quelle"), "path": f"/x/{ESCAPES}.txt", "created": "2024-01-02T00:00:00+00:00",
            "tags": [poisoned("tag"), "ok"]}
    evil_id = {"id": f"abcd{ESCAPES}", "title": "Fremde Id"}
    incoming.write_text(json.dumps({"version": 1, "bookmarks": [good, evil_id]}, ensure_ascii=False), encoding="utf-8")
    out = cli("bookmarks", "import", str(incoming))
    assert out.returncode == 0, out.stderr
    assert "1 bookmark added, 0 already there; 1 skipped" in out.stderr.decode()
    assert_harmless(data_dir().joinpath("bookmarks.json").read_bytes())  # stored clean
    (row,) = [json.loads(line) for line in cli("bookmarks", "list", "--json").stdout.splitlines()]
    assert (row["id"], row["title"], row["note"], row["source"], row["tags"]) == (
        "0123456789abcdef", "Giftende", "Notizende", "Quelleende", ["tagende", "ok"])
    for args in (["list"], ["list", "--json"], ["export", "--format", "md"], ["export", "--format", "csv"],
                 ["export", "--format", "json"]):
        out = cli("bookmarks", *args)
        assert out.returncode == 0, (args, out.stderr)
        assert b"Giftende" in out.stdout, args
        assert_harmless(out.stdout)
        assert_harmless(out.stderr)


def test_h01_a_hand_edited_bookmarks_file_and_reading_state_are_cleaned(capsys):
    bookmarks_file({"version": 1, "bookmarks": {
        "0123456789abcdef": {"title": poisoned("Gift"), "note": poisoned("Notiz"), "tags": [poisoned("t")],
                             "path": poisoned("/x/"), "created": poisoned("2024")},
        f"ab{ESCAPES}cd": {"title": "Id mit Steuerzeichen", "tags": []}}})
    marks, loaded = BookmarkStore().load()
    assert [(b.id, b.title, b.note, b.tags, b.path) for b in marks] == [
        ("0123456789abcdef", "Giftende", "Notizende", ["tende"], "/x/ende")]
    assert "1 entries with wrong fields were ignored" in loaded.notices[0]  # the id with escapes
    state = ReadingState()
    state.store.path.parent.mkdir(parents=True, exist_ok=True)
    state.store.path.write_text(json.dumps({"version": 1, "read": {"0123456789abcdef": {"at": poisoned("2024")},
                                                                   f"x{ESCAPES}": {"at": "2024"}}}))
    read, _ = state.load()
    assert read == {"0123456789abcdef"}
    assert state.store.load().entries["0123456789abcdef"]["at"] == "2024ende"
    assert main(["bookmarks", "list"]) == 0
    out = capsys.readouterr()
    assert_harmless(out.out + out.err)


def test_h01_json_output_escapes_every_character_a_terminal_acts_on():
    data = {"title": "a\x00b\x1b[31mc\x07\x7f\x85\x9b6n\x9d0;x\x9c\u202eevil\u2066d", "n": 1}
    text = json_text(data)
    assert not RAW_CONTROLS.search(text)  # json escapes C0 itself, C1/DEL/bidi need json_safe
    assert json.loads(text) == data
    with_surrogate = {"path": "/x/\udcff\x9b.txt"}  # a file name that is not UTF-8
    text = json_text(with_surrogate, indent=1)
    text.encode("utf-8")
    assert json.loads(text) == with_surrogate and not RAW_CONTROLS.search(text)


def test_h01_cli_messages_help_and_file_names_go_through_one_cleaner(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / f"evil\x1b]0;{OSC_TITLE}\x07.txt").write_text("Titel aus der Datei\n\nText des Artikels.\n")
    out = cli("list", str(folder))
    assert out.returncode == 0, out.stderr
    assert b"Titel aus der Datei" in out.stdout and b"\\x1b]0;" in out.stdout  # the name, made visible
    assert b"\x1b" not in out.stdout
    out = cli("list", f"--x\x1b]0;{OSC_TITLE}\x07")  # argparse quotes the unknown option
    assert out.returncode == 2 and b"unrecognized arguments" in out.stderr
    assert b"\x1b" not in out.stderr and b"\x07" not in out.stderr


def _read_until(fd: int, out: bytearray, needle: bytes, timeout: float) -> bool:
    """Read the terminal until ``needle`` appears in what was written since ``out`` was this long."""
    start, until = len(out), time.monotonic() + timeout
    while needle not in out[start:] and time.monotonic() < until:
        _read_pty(fd, min(until, time.monotonic() + 0.1), out)
    return needle in out[start:]


def test_h01_real_terminal_never_receives_bookmark_payloads_in_the_list_or_the_note_editor(tmp_path):
    bookmarks_file({"version": 1, "bookmarks": {"0123456789abcdef": {
        "title": poisoned("Gift"), "note": poisoned("Notiz"), "tags": [], "created": "2024-01-02T00:00:00+00:00"}}})
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
    proc = subprocess.Popen([sys.executable, "-m", "newsreader"], stdin=slave, stdout=slave, stderr=slave,
                            env=env, start_new_session=True, close_fds=True)
    os.close(slave)
    out = bytearray()
    try:
        listed = _read_until(master, out, b"Nordkorea", 60)  # the seeds are listed
        os.write(master, b"B")
        shown = _read_until(master, out, b"Gift", 20)  # the bookmarks view
        os.write(master, b"e")
        edited = _read_until(master, out, b"Note for", 20) and _read_until(master, out, b"Notiz", 20)
    finally:
        proc.kill()
        proc.wait(timeout=10)
        os.close(master)
    screen = bytes(out)
    for payload in PAYLOADS:
        assert payload.encode() not in screen, payload
    assert b"\xc2\x9b" not in screen and b"\x9b6n" not in screen
    assert (listed, shown, edited) == (True, True, True)
    assert b"Giftende" in screen and b"Notizende" in screen  # title and note shown, cleaned


# --- 5: read-only and full data folders ------------------------------------------------------------

@contextmanager
def small_folder(path: Path):
    """``path`` as a 64 KB file system of its own (a tmpfs: root is not stopped by chmod), or a
    plain folder when mounting is not possible. Yields whether it is a tmpfs."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(path)], capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", str(path)], check=True)
        else:
            os.chmod(path, 0o755)


def read_only(path: Path, mounted: bool, on: bool = True) -> None:
    if mounted:
        subprocess.run(["mount", "-o", f"remount,{'ro' if on else 'rw'}", str(path)], check=True)
    else:
        os.chmod(path, 0o555 if on else 0o755)


def test_h05_read_only_data_folder_lists_and_exports_and_a_change_is_one_message(capsys):
    folder = data_dir()
    path = folder / "bookmarks.json"
    with small_folder(folder) as mounted:
        BookmarkStore().add(mark(1))
        (folder / "bookmarks.json.lock").unlink()  # a restored or synced folder has none
        before = path.read_bytes()
        read_only(folder, mounted)
        assert main(["bookmarks", "list"]) == 0
        assert "Artikel 1" in capsys.readouterr().out
        assert main(["bookmarks", "export", "--format", "csv"]) == 0
        assert "Artikel 1" in capsys.readouterr().out
        assert main(["bookmarks", "remove", mark(1).id]) == 1
        why = "Read-only file system" if mounted else "Permission denied"
        assert capsys.readouterr().err == (f"newsreader: cannot save bookmarks file {path}: its lock file "
                                           f"{path}.lock cannot be created: {why}; nothing was changed\n")
        assert path.read_bytes() == before
        # a damaged file in a read-only folder: read as well as it can be, left where it is
        read_only(folder, mounted, on=False)
        path.write_bytes(before[:-20])
        read_only(folder, mounted)
        assert main(["bookmarks", "list"]) == 0
        err = capsys.readouterr().err
        assert err.startswith(f"newsreader: bookmarks file {path} could not be read (") and err.count("\n") == 2
        assert "the file was left as it is (its lock file" in err
        assert path.read_bytes() == before[:-20] and sorted(os.listdir(folder)) == ["bookmarks.json"]
        read_only(folder, mounted, on=False)


def test_h05_full_data_folder_refuses_a_bookmark_in_one_message_and_keeps_the_file(capsys, monkeypatch, seed_id):
    folder = data_dir()
    path = folder / "bookmarks.json"
    with small_folder(folder) as mounted:
        BookmarkStore().add(mark(1))
        before = path.read_bytes()
        if mounted:
            with open(folder / "filler", "wb", buffering=0) as fh:
                with pytest.raises(OSError) as full:
                    while True:
                        fh.write(b"\0" * 4096)
                assert full.value.errno == errno.ENOSPC
        else:  # no file system of our own to fill: the write fails as it would on one
            def no_space(fd):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            monkeypatch.setattr(os, "fsync", no_space)
        assert main(["bookmarks", "add", seed_id]) == 1
        assert capsys.readouterr().err == (f"newsreader: cannot save bookmarks file {path}: No space left on device; "
                                           "nothing was changed\n")
        assert path.read_bytes() == before
        assert not [p for p in os.listdir(folder) if p.endswith(".tmp")]


# --- 7: deep nesting ---------------------------------------------------------------------------------

def test_h07_deeply_nested_bookmarks_file_is_moved_aside_like_other_damage(capsys):
    good = json.dumps({"title": "Noch ganz", "tags": []})
    text = f'{{"version": 1, "bookmarks": {{"{mark(1).id}": {good}, "b": {{"title": "x", "tags": {DEEP}}}}}}}'
    path = data_dir() / "bookmarks.json"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    assert main(["bookmarks", "list"]) == 0
    out = capsys.readouterr()
    (aside,) = path.parent.glob("bookmarks.json.corrupt-*")
    assert out.err.splitlines()[0] == (f"newsreader: bookmarks file {path} could not be read (nested too deeply); "
                                       f"moved to {aside}; 1 bookmarks recovered")
    assert aside.read_text() == text and "Noch ganz" in out.out


def test_h07_deeply_nested_config_is_ignored_with_a_notice():
    config_path().parent.mkdir(parents=True)
    config_path().write_text(f"ner = {DEEP}\n")
    cfg = load_config()
    assert cfg.ner == "crf" and cfg.notices == [f"config {config_path()} ignored: nested too deeply"]


def test_h07_deeply_nested_import_file_cannot_be_imported(tmp_path, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text(f'{{"bookmarks": {DEEP}}}')
    assert main(["bookmarks", "import", str(deep)]) == 2
    assert capsys.readouterr().err == f"newsreader: cannot import {deep}: nested too deeply\n"


# --- 10: a lock held by another newsreader ---------------------------------------------------------

HOLDER = """
import sys
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("locked", flush=True)
sys.stdin.read()
"""


@contextmanager
def lock_held_elsewhere(lock: Path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)


def test_h10_reads_do_not_wait_for_a_lock_another_newsreader_holds():
    BookmarkStore().add(mark(1))
    with lock_held_elsewhere(data_dir() / "bookmarks.json.lock"):
        started = time.monotonic()
        for args in (["list"], ["export", "--format", "md"]):
            out = cli("bookmarks", *args, timeout=20)
            assert out.returncode == 0, out.stderr
            assert b"Artikel 1" in out.stdout
        print(f"two reads in {time.monotonic() - started:.1f} s with the lock held")


def test_h10_a_change_that_cannot_get_the_lock_is_one_message(capsys, monkeypatch):
    monkeypatch.setattr(store_module, "LOCK_TIMEOUT", 0.5, raising=False)
    BookmarkStore().add(mark(1))
    path = data_dir() / "bookmarks.json"
    before = path.read_bytes()
    with lock_held_elsewhere(data_dir() / "bookmarks.json.lock"):
        assert main(["bookmarks", "remove", mark(1).id]) == 1
    assert capsys.readouterr().err == (f"newsreader: cannot save bookmarks file {path}: another newsreader holds its "
                                       f"lock {path}.lock (waited 0.5 s); nothing was changed\n")
    assert path.read_bytes() == before


# --- 12: a symlinked bookmarks.json ---------------------------------------------------------------

def test_h12_symlinked_bookmarks_file_stays_a_link_and_its_target_is_replaced_atomically(tmp_path, monkeypatch):
    synced = tmp_path / "Sync"
    synced.mkdir()
    target = synced / "bookmarks.json"
    BookmarkStore(target).add(mark(1))
    link = data_dir() / "bookmarks.json"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    replaced = []
    real_replace = os.replace

    def spy(src, dst):
        replaced.append((Path(src).parent, Path(dst)))
        real_replace(src, dst)
    monkeypatch.setattr(os, "replace", spy)
    BookmarkStore().add(mark(2))
    assert replaced == [(synced, target)]  # the temporary file was in the target's folder
    assert link.is_symlink() and link.resolve() == target
    assert sorted(json.loads(target.read_text())["bookmarks"]) == [mark(1).id, mark(2).id]
    # damage in the target: the original is kept beside the target, the link stays a link
    text = target.read_text()
    target.write_text(text[:text.index(f'"{mark(2).id}"') + 20])
    marks, loaded = BookmarkStore().load()
    assert [b.id for b in marks] == [mark(1).id]
    (aside,) = synced.glob("bookmarks.json.corrupt-*")
    assert f"moved to {aside}" in loaded.notices[0]
    assert link.is_symlink() and link.resolve() == target
    assert sorted(p.name for p in link.parent.iterdir()) == ["bookmarks.json", "bookmarks.json.lock"]


# --- 14: odd command lines -------------------------------------------------------------------------

def test_h14_remove_takes_the_id_prefix_add_takes(capsys, seed_id):
    assert main(["bookmarks", "add", seed_id[:6]]) == 0
    assert main(["bookmarks", "remove", seed_id[:6]]) == 0
    assert BookmarkStore().load()[0] == []
    bookmarks_file({"version": 1, "bookmarks": {"abcd0001": {"title": "Eins", "tags": []},
                                                "abcd0002": {"title": "Zwei", "tags": []}}})
    capsys.readouterr()
    assert main(["bookmarks", "remove", "abcd"]) == 1
    assert capsys.readouterr().err == "newsreader: 2 bookmarks with an id starting 'abcd'; give more of the id\n"
    assert main(["bookmarks", "remove", "abc"]) == 1  # under four characters: the whole id
    assert len(BookmarkStore().load()[0]) == 2
    assert main(["bookmarks", "remove", "abcd0002"]) == 0
    assert [b.id for b in BookmarkStore().load()[0]] == ["abcd0001"]


def test_h14_search_takes_a_query_that_starts_with_a_dash(capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("-per:stoltenberg\n"))
    assert main(["search", "--stdin", "--json"]) == 0
    expected = [r["id"] for r in json.loads(capsys.readouterr().out)["results"]]
    assert expected  # the seeds have articles without Stoltenberg
    assert main(["search", "-per:stoltenberg", "--json"]) == 0
    assert [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()] == expected
    assert main(["search", "--limit", "1", "-per:stoltenberg", str(seeds_dir()), "--json"]) == 0
    assert [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()] == expected[:1]


def test_h14_import_reads_a_bom_and_says_why_a_file_is_not_an_export(tmp_path, capsys):
    export = BookmarkStore.export([mark(1)], "json")
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + export.encode())
    assert main(["bookmarks", "import", str(bom)]) == 0
    assert "1 bookmark added, 0 already there\n" in capsys.readouterr().err
    csv_bom = tmp_path / "bom.csv"
    csv_bom.write_bytes(b"\xef\xbb\xbf" + BookmarkStore.export([mark(2)], "csv").encode())
    assert main(["bookmarks", "import", str(csv_bom)]) == 0
    assert "1 bookmark added, 0 already there\n" in capsys.readouterr().err
    for name, text, why in [
            ("settings.json", '{"theme": "dark"}', "not a bookmarks export: it has no list of bookmarks"),
            ("numbers.json", "[1, 2, 3]", "not a bookmarks export: none of its 3 entries has an id and a title"),
            ("notes.txt", "Einkaufsliste\nBrot\n",
             "not a bookmarks export: neither JSON nor CSV with the columns id and title"),
            ("empty.json", "", "the file is empty")]:
        path = tmp_path / name
        path.write_text(text)
        assert main(["bookmarks", "import", str(path)]) == 2, name
        assert capsys.readouterr().err == f"newsreader: cannot import {path}: {why}\n"
    assert sorted(b.id for b in BookmarkStore().load()[0]) == [mark(1).id, mark(2).id]


def test_h14_export_goes_to_a_file_in_a_folder_that_exists(tmp_path, capsys):
    BookmarkStore().add(mark(1))
    assert main(["bookmarks", "export", "-o", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"newsreader: cannot export to {tmp_path}: it is a folder; nothing was written\n"
    missing = tmp_path / "no" / "such" / "x.json"
    assert main(["bookmarks", "export", "-o", str(missing)]) == 2
    assert capsys.readouterr().err == (f"newsreader: cannot export to {missing}: the folder {missing.parent} does not "
                                       "exist; nothing was written\n")
    assert not (tmp_path / "no").exists()
    assert main(["bookmarks", "export", "-o", str(tmp_path / "x.json")]) == 0
    assert json.loads((tmp_path / "x.json").read_text())["bookmarks"][0]["id"] == mark(1).id


def test_h14_importing_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "bookmarks.fifo"
    os.mkfifo(fifo)
    out = cli("bookmarks", "import", str(fifo), timeout=30)
    assert out.returncode == 2
    assert out.stderr.decode() == f"newsreader: cannot import {fifo}: not a regular file\n"
    store = data_dir() / "bookmarks.json"  # the store reads the same way
    store.parent.mkdir(parents=True)
    os.mkfifo(store)
    out = cli("bookmarks", "list", timeout=30)
    assert out.returncode == 1
    assert out.stderr.decode() == f"newsreader: bookmarks file {store} cannot be read: not a regular file\n"
