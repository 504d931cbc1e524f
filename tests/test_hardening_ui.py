"""Issue 18, the reader's side: a read-only or full folder, a damaged ui.json, a date at the end
of the calendar, SIGTERM / SIGHUP, a crash and 100,000 bookmarks never end the reader, hang it or
leave the terminal broken. Each test is named after the item of the issue it covers.

Read-only and full folders are small tmpfs mounts when we are root and may mount (CI runs as
root, and chmod does not stop root); otherwise chmod makes a folder read-only and a full one is
simulated where files are created.
"""

from __future__ import annotations

import errno
import json
import os
import pty
import re
import signal
import subprocess
import sys
import tempfile
import termios
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_app_reader import press_and_wait, ready, write
from test_hostile import _read_pty
from textual.widgets import Input, Static

from newsreader.app import NewsReaderApp
from newsreader.core.bookmarks import BookmarkStore
from newsreader.core.paths import cache_dir, data_dir, state_dir
from newsreader.screens.bookmarks_screen import BookmarksScreen
from newsreader.screens.note_screen import NoteScreen
from newsreader.widgets.article_list import ArticleList

ESC = "\x1b"


# --- folders that cannot be written ----------------------------------------------------------------

def _can_mount() -> bool:
    if os.geteuid() != 0:
        return False
    with tempfile.TemporaryDirectory() as probe:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], capture_output=True).returncode:
            return False
        subprocess.run(["umount", probe], check=True)
    return True


CAN_MOUNT = _can_mount()


@contextmanager
def limited_folder(folder: Path, how: str, files: dict[str, bytes] | None = None):
    """``folder`` holding ``files``, then made read-only (``how="ro"``) or full (``"full"``)."""
    folder.mkdir(parents=True, exist_ok=True)
    if CAN_MOUNT:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], check=True)
        try:
            for name, data in (files or {}).items():
                (folder / name).write_bytes(data)
            if how == "ro":
                subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
            else:
                with open(folder / "filler", "wb", buffering=0) as fh:  # every byte of the 64 KB taken
                    try:
                        while True:
                            fh.write(b"\0" * 4096)
                    except OSError as exc:
                        assert exc.errno == errno.ENOSPC
            yield
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=True)
        return
    for name, data in (files or {}).items():
        (folder / name).write_bytes(data)
    if how == "ro":
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    real = tempfile.mkstemp  # what paths.atomic_write creates a file with

    def mkstemp(*args, dir=None, **kwargs):
        if dir is not None and Path(dir) == folder:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, dir=dir, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "mkstemp", mkstemp)
        yield


def recorded(app: NewsReaderApp) -> list[str]:
    """Every notice the app shows from now on (screens notify through the app)."""
    seen: list[str] = []
    real = app.notify

    def notify(message, *args, **kwargs):
        seen.append(str(message))
        return real(message, *args, **kwargs)

    app.notify = notify
    return seen


def starred(hub) -> list[bool]:
    """Whether each line of the article list, as drawn, starts with the bookmark star."""
    article_list = hub.query_one(ArticleList)
    return [article_list.render_line(y).text.startswith("★") for y in range(article_list.row_count)]


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return write(tmp_path)


def _bookmarks_file(marks: dict[str, dict], version: int = 1) -> bytes:
    return json.dumps({"version": version, "bookmarks": marks}).encode()


# --- 5: read-only and full folders -------------------------------------------------------------------

async def test_h05_read_only_data_and_cache_folders_open_the_reader_and_b_says_not_bookmarked(folder):
    saved = {"00000000deadbeef": {"title": "Ein gespeicherter Artikel", "created": "2024-01-01T00:00:00+00:00"}}
    with limited_folder(data_dir(), "ro", {"bookmarks.json": _bookmarks_file(saved)}), \
            limited_folder(cache_dir(), "ro"):
        app = NewsReaderApp([str(folder)])
        notices = recorded(app)
        async with app.run_test(size=(140, 40)) as pilot:
            hub = await ready(app, pilot)
            assert list(hub.marks) == ["00000000deadbeef"]  # read without a single write
            assert len(hub.articles) == 4 and hub.entities  # names found, with no cache to keep them
            before = len(notices)
            await press_and_wait(app, pilot, "b")
            assert app.is_running
            new = notices[before:]
            assert len(new) == 1, new
            assert new[0].startswith("Not bookmarked: cannot save bookmarks file ")
            assert "bookmarks.json" in new[0] and "nothing was changed" in new[0]
            assert hub.current.id not in hub.marks and not any(starred(hub))
            await press_and_wait(app, pilot, "B", "d")  # the bookmarks view: the row stays
            assert notices[-1].startswith("Bookmark not removed: cannot save bookmarks file ")
            assert isinstance(app.screen, BookmarksScreen) and app.screen.query_one("#bookmarks-table").row_count == 1
        assert [b.id for b in BookmarkStore().load()[0]] == ["00000000deadbeef"]


async def refused_bookmark(folder: Path) -> str:
    """Press b in a reader that cannot save bookmarks: it goes on, shows no star, says "Bookmarked"
    nowhere and "Not bookmarked" once; that notice."""
    app = NewsReaderApp([str(folder)])
    notices = recorded(app)
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        await press_and_wait(app, pilot, "b")
        assert app.is_running
        failed = [n for n in notices if n.startswith("Not bookmarked: ")]
        assert len(failed) == 1, failed
        assert not hub.marks and not any(starred(hub))
        assert not any(n.startswith("Bookmarked") for n in notices)
    return failed[0]


async def test_h05_full_data_folder_b_says_not_bookmarked_and_shows_no_star(folder):
    with limited_folder(data_dir(), "full", {"bookmarks.json": _bookmarks_file({})}):
        failed = await refused_bookmark(folder)
        assert "No space left on device" in failed and "bookmarks.json" in failed
        assert BookmarkStore().load()[0] == []


async def test_h05_bookmarks_file_of_a_newer_version_b_shows_no_star(folder):
    (data_dir()).mkdir(parents=True, exist_ok=True)
    (data_dir() / "bookmarks.json").write_bytes(_bookmarks_file({}, version=99))
    assert "newer newsreader" in await refused_bookmark(folder)
    assert json.loads((data_dir() / "bookmarks.json").read_bytes())["version"] == 99


async def test_h05_full_state_folder_marking_read_is_one_notice_and_the_reader_goes_on(folder, monkeypatch):
    monkeypatch.setattr("newsreader.screens.main_screen.READ_AFTER_SECONDS", 0.05)
    with limited_folder(state_dir(), "full"):
        app = NewsReaderApp([str(folder)])
        notices = recorded(app)
        async with app.run_test(size=(140, 40)) as pilot:
            hub = await ready(app, pilot)
            for key in ("", "j", "j"):  # three articles opened long enough to count as read
                if key:
                    await pilot.press(key)
                for _ in range(100):
                    await pilot.pause(0.05)
                    await app.workers.wait_for_complete()
                    if any(n.startswith("Not marked read: ") for n in notices):
                        break
            assert app.is_running
            failed = [n for n in notices if n.startswith("Not marked read: ")]
            assert len(failed) == 1, failed  # said once, not once per article
            assert "reading.json" in failed[0] and "No space left on device" in failed[0]
            assert hub.read == set()  # nothing is shown as read that was not saved
            assert "4 unread" in str(hub.query_one("#status", Static).content)
            await pilot.press("j")
            assert hub.current.title == "Rückblick auf ein langes Jahr"  # still answering keys


# --- 6: dates at the end of the calendar --------------------------------------------------------------

def test_h06_date_range_reaching_year_9999_or_1_is_an_answer_not_a_traceback(tmp_path):
    (tmp_path / "z.txt").write_text(" date 9999-12 Ein Artikel aus der Zukunft\n\nDie Zukunft beginnt heute.",
                                    encoding="utf-8")
    (tmp_path / "a.txt").write_text(" date 0001-01 Ein Artikel aus der Antike\n\nDie Antike war lang.",
                                    encoding="utf-8")

    def search(query: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "newsreader", "search", query, str(tmp_path)],
                              capture_output=True, text=True, timeout=60)

    for query, found in [("Zukunft date:9999", True), ("Zukunft date:9999-12", True),
                         ("Zukunft date:2020..9999-12-31", True), ("Zukunft date:9999-12-31", False),
                         ("Antike date:0001..0001", True), ("Antike date:..0001-01-01", True)]:
        run = search(query)
        assert "Traceback" not in run.stderr and "Error" not in run.stderr, (query, run.stderr)
        assert (run.returncode, "aus der" in run.stdout) == ((0, True) if found else (1, False)), (query, run)
    run = search("x date:0000")
    assert run.returncode == 2 and run.stderr == "newsreader: date '0000': there is no year 0; the first is 0001\n"


async def test_h06_date_9999_12_31_typed_into_the_search_box_keeps_the_reader_open(folder):
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        await press_and_wait(app, pilot, "slash", *"date:9999-12-31")
        assert app.is_running and hub.articles == []
        assert "0 results" in str(hub.query_one("#filter", Static).content)
        hub.query_one("#search", Input).value = ""
        await press_and_wait(app, pilot, *"date:0000")
        assert app.is_running and "there is no year 0" in str(hub.query_one("#filter", Static).content)


# --- 7: a damaged ui.json ------------------------------------------------------------------------------

async def test_h07_deeply_nested_ui_json_is_moved_aside_with_one_notice(folder):
    ui = state_dir() / "ui.json"
    ui.parent.mkdir(parents=True, exist_ok=True)
    nested = b"[" * 1000 + b"]" * 1000
    ui.write_bytes(nested)
    app = NewsReaderApp([str(folder)])
    notices = recorded(app)
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(app, pilot)
        assert app.is_running
        about = [n for n in notices if "ui.json" in n]
        assert len(about) == 1 and "nested too deeply" in about[0] and "moved to" in about[0], notices
    aside = list(ui.parent.glob("ui.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == nested and str(aside[0]) in about[0]
    assert not ui.exists()


async def test_h07_ui_json_that_is_not_json_is_never_overwritten(folder):
    ui = state_dir() / "ui.json"
    ui.parent.mkdir(parents=True, exist_ok=True)
    ui.write_bytes(b'{"theme": "nord", oops')
    app = NewsReaderApp([str(folder)])
    notices = recorded(app)
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(app, pilot)
        assert [n for n in notices if "ui.json" in n and "could not be read" in n]
        app.theme = "gruvbox"  # saved: to a new ui.json, the damaged one is kept aside
        await app.workers.wait_for_complete()
    (aside,) = ui.parent.glob("ui.json.corrupt-*")
    assert aside.read_bytes() == b'{"theme": "nord", oops'
    assert json.loads(ui.read_bytes()) == {"version": 1, "settings": {"theme": {"value": "gruvbox"}}}


async def test_ui_json_without_a_version_keeps_its_theme_and_gets_one_at_the_next_change(folder):
    ui = state_dir() / "ui.json"
    ui.parent.mkdir(parents=True, exist_ok=True)
    ui.write_text('{"theme": "nord"}')  # as newsreader wrote it before ui.json had a version
    app = NewsReaderApp([str(folder)])
    notices = recorded(app)
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(app, pilot)
        assert app.theme == "nord" and not [n for n in notices if "ui.json" in n]
        app.theme = "gruvbox"
        await app.workers.wait_for_complete()
    assert json.loads(ui.read_bytes()) == {"version": 1, "settings": {"theme": {"value": "gruvbox"}}}
    assert not list(ui.parent.glob("ui.json.corrupt-*"))


async def test_ui_json_of_a_newer_version_is_read_and_never_changed(folder):
    ui = state_dir() / "ui.json"
    ui.parent.mkdir(parents=True, exist_ok=True)
    newer = '{"version": 7, "settings": {"theme": {"value": "nord"}, "layout": {"value": "wide"}}}'
    ui.write_text(newer)
    app = NewsReaderApp([str(folder)])
    notices = recorded(app)
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(app, pilot)
        assert app.theme == "nord"
        assert [n for n in notices if "ui.json" in n and "newer newsreader" in n]
        app.theme = "gruvbox"
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and [n for n in notices if "ui.json" in n and "lasts until you quit" in n]
    assert ui.read_text() == newer


# --- 8 and 9: the real app in a terminal ------------------------------------------------------------

@contextmanager
def in_a_terminal(args: list[str], **popen):
    """The process on a pty (40×140) whose slave the test keeps open to read its modes after."""
    import fcntl
    import struct

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=popen.pop("stderr", slave), env=env,
                            start_new_session=True, close_fds=True, **popen)
    try:
        yield proc, master, slave
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
        os.close(slave)


def _read_until(master: int, out: bytearray, done, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end and not done():
        _read_pty(master, min(end, time.monotonic() + 0.1), out)


def _until_quiet(master: int, out: bytearray, seen: bytes, timeout: float = 60) -> None:
    """Read until ``seen`` was drawn and then nothing more for a second (loading is over)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        size = len(out)
        _read_pty(master, time.monotonic() + 1.0, out)
        if seen in out and len(out) == size:
            return
    raise AssertionError(f"{seen!r} was never drawn, or the screen never settled")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_h08_sigterm_and_sighup_give_the_terminal_back(folder, signum):
    with in_a_terminal([sys.executable, "-m", "newsreader", str(folder)]) as (proc, master, slave):
        out = bytearray()
        _until_quiet(master, out, b"Stoltenberg warnt Russland")
        assert not termios.tcgetattr(slave)[3] & termios.ICANON  # the app has the terminal in raw mode
        start = len(out)
        os.kill(proc.pid, signum)
        _read_until(master, out, lambda: proc.poll() is not None, timeout=10)
        _read_pty(master, time.monotonic() + 0.3, out)  # what it wrote last
        assert proc.poll() is not None, "still running 10 s after the signal"
        last = bytes(out[start:])
        lflag = termios.tcgetattr(slave)[3]
    assert b"\x1b[?1049l" in last  # out of the alternate screen
    assert b"\x1b[?25h" in last  # cursor shown
    assert b"\x1b[?1000l" in last and b"\x1b[?1003l" in last and b"\x1b[?1006l" in last  # no mouse reports
    assert lflag & termios.ICANON and lflag & termios.ECHO  # line mode and echo back
    assert proc.returncode == 128 + signum


CRASHING = """\
from newsreader.app import NewsReaderApp

def crash(self):
    raise RuntimeError("a bug in the reader, made by the test")

NewsReaderApp._started = crash  # runs once the first screen is up
from newsreader.cli import main

raise SystemExit(main([{folder!r}]))
"""


def test_h09_a_crash_exits_non_zero_and_says_where_the_log_is(folder, tmp_path):
    script = tmp_path / "crashing.py"
    script.write_text(CRASHING.format(folder=str(folder)), encoding="utf-8")
    with in_a_terminal([sys.executable, str(script)]) as (proc, master, slave):
        out = bytearray()
        _read_until(master, out, lambda: proc.poll() is not None, timeout=60)
        _read_pty(master, time.monotonic() + 0.3, out)
    assert proc.returncode == 1
    logs = list(state_dir().glob("crash-*.log"))
    assert len(logs) == 1
    # after the terminal is given back (Textual draws on stderr): one line, no traceback
    after = re.sub(rb"\x1b\[[?>]?[0-9;]*[a-zA-Z]", b"", bytes(out[out.rindex(b"\x1b[?1049l"):]))
    assert after == f"newsreader: crashed; the details are in {logs[0]}\r\n".encode()
    assert b"Traceback" not in out and b"a bug in the reader" not in out
    log = logs[0].read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and "in crash" in log
    assert "RuntimeError: a bug in the reader, made by the test" in log


# --- 13: 100,000 bookmarks -------------------------------------------------------------------------

async def test_h13_100k_bookmarks_view_opens_and_removes_a_row_without_building_every_row(folder, monkeypatch):
    marks = {f"{i:016x}": {"title": f"Artikel Nummer {i}", "date": "2024-01-02", "created": f"2024-01-01T{i:09d}"}
             for i in range(100_000)}
    data_dir().mkdir(parents=True, exist_ok=True)
    (data_dir() / "bookmarks.json").write_bytes(_bookmarks_file(marks))
    from newsreader.core.article import ArticleDate

    formatted = []  # every bookmark date formatted for a row of the view
    real = ArticleDate.from_iso.__func__
    monkeypatch.setattr(ArticleDate, "from_iso", classmethod(lambda cls, iso: formatted.append(iso) or real(cls, iso)))
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await ready(app, pilot)
        for _ in range(600):
            if len(hub.marks) == 100_000:
                break
            await pilot.pause(0.05)
        kept = hub.marks
        formatted.clear()
        await pilot.press("B")
        await pilot.pause()
        assert isinstance(app.screen, BookmarksScreen)
        assert "100,000 bookmarks" in str(app.screen.query_one("#bookmarks-title", Static).content)
        assert 0 < len(formatted) <= 200  # the lines on screen (drawn twice, say), not 100,000 rows
        await pilot.press("down", "down")
        top = hub.mark_order[2]
        assert top.id == f"{99_997:016x}"  # newest first
        formatted.clear()
        await pilot.press("d")
        for _ in range(600):  # the store writes 100,000 bookmarks: seconds, in a thread
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            if top.id not in hub.marks:
                break
        assert top.id not in hub.marks and len(hub.marks) == 99_999
        assert hub.marks is kept  # the hub changed one entry, it did not rebuild its bookmarks
        assert 0 < len(formatted) <= 200  # the view drew the lines on screen again, nothing more
        assert "99,999 bookmarks" in str(app.screen.query_one("#bookmarks-title", Static).content)
        assert app.screen.query_one("#bookmarks-table").selected.id == f"{99_996:016x}"  # the next one
    assert top.id not in {b.id for b in BookmarkStore().load()[0]}


# --- 1: text from files reaches widgets only through textclean.visible ----------------------------

async def test_h01_bookmark_fields_reach_the_note_editor_only_through_visible(folder):
    title, note = f"Titel {ESC}]0;pwned{ESC}\\ mit Folgen", f"Notiz {ESC}[31mrot"
    data_dir().mkdir(parents=True, exist_ok=True)
    (data_dir() / "bookmarks.json").write_bytes(_bookmarks_file(
        {"00000000deadbeef": {"title": title, "note": note, "created": "2024-01-01T00:00:00+00:00"}}))
    app = NewsReaderApp([str(folder)])
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("B", "e")
        assert isinstance(app.screen, NoteScreen)
        heading = str(app.screen.query_one("#note-title", Static).content)
        value = app.screen.query_one("#note-input", Input).value
        assert "Titel" in heading and ESC not in heading
        assert "Notiz" in value and ESC not in value
        await pilot.press("escape")
        row = app.screen.query_one("#bookmarks-table").render_row(0, 120).plain
        assert "Titel" in row and "Notiz" in row and ESC not in row
