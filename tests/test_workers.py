"""Background work is managed: a failure in any worker is a notice (the app goes on), and quitting
while names are being found ends the process at once, the name finder with it."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pytest

from newsreader.app import NewsReaderApp
from newsreader.core.bookmarks import BookmarkStore, ReadingState
from newsreader.core.search.index import SearchIndex
from newsreader.screens import main_screen
from newsreader.screens.main_screen import MainScreen

from test_app_reader import write
from test_hardening_ui import _read_until, in_a_terminal


def _boom(*_args, **_kwargs):
    raise RuntimeError("kaputt")


def _failure_notices(app) -> list[str]:
    return [str(n.message) for n in app._notifications if "failed" in str(n.message)]


async def _wait(pilot, app, condition, what: str) -> None:
    for _ in range(300):
        await pilot.pause()
        if condition():
            return
    raise AssertionError(f"never: {what}")


async def _running_hub(app, pilot) -> MainScreen:
    await _wait(pilot, app, lambda: isinstance(app.screen, MainScreen), "the hub is up")
    return app.screen


@pytest.mark.parametrize("target, name", [(SearchIndex, "refresh"), (BookmarkStore, "load")],
                         ids=["open_collection", "load_marks_and_reading"])
async def test_an_exception_in_a_start_up_worker_is_a_notice_and_the_app_goes_on(tmp_path, monkeypatch, target,
                                                                                  name):
    monkeypatch.setattr(target, name, _boom)
    app = NewsReaderApp([str(write(tmp_path))])
    async with app.run_test(size=(140, 40)) as pilot:
        await _running_hub(app, pilot)
        await _wait(pilot, app, lambda: _failure_notices(app), "a notice of the failure")
        assert "RuntimeError: kaputt" in _failure_notices(app)[0]
        await pilot.press("question_mark")  # still answering keys
        await _wait(pilot, app, lambda: not isinstance(app.screen, MainScreen), "the help opened")
        assert app.is_running


async def test_an_exception_in_the_bookmark_read_state_and_search_workers_is_a_notice(tmp_path, monkeypatch):
    monkeypatch.setattr(main_screen, "READ_AFTER_SECONDS", 0.05)
    monkeypatch.setattr(BookmarkStore, "add", _boom)
    monkeypatch.setattr(ReadingState, "mark_read", _boom)
    app = NewsReaderApp([str(write(tmp_path))])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await _running_hub(app, pilot)
        await _wait(pilot, app, lambda: hub.index is not None and hub.entities is not None, "loaded")
        await _wait(pilot, app, lambda: any("Reading state" in n or "task" in n for n in _failure_notices(app)),
                    "the failed mark-read said")
        await pilot.press("b")  # change_bookmark raises
        await _wait(pilot, app, lambda: len(_failure_notices(app)) >= 2, "the failed bookmark said")
        assert not hub.marks  # nothing shown as saved
        monkeypatch.setattr(SearchIndex, "search", _boom)
        await pilot.press("slash", "x")
        await _wait(pilot, app, lambda: any(n.startswith("The search failed") for n in _failure_notices(app)),
                    "the failed search said")
        assert app.is_running and isinstance(app.screen, MainScreen)


async def test_an_exception_in_the_theme_saving_worker_is_a_notice(tmp_path, monkeypatch):
    from newsreader.core.ui_state import UiState

    monkeypatch.setattr(UiState, "set", _boom)
    app = NewsReaderApp([str(write(tmp_path))])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = await _running_hub(app, pilot)
        app.theme = "nord"  # save_theme raises
        await _wait(pilot, app, lambda: _failure_notices(app), "the failed save said")
        assert "RuntimeError: kaputt" in _failure_notices(app)[0]
        assert app.is_running and app.theme == "nord" and app.screen is hub


def _children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"


def test_q_while_names_are_found_in_3000_files_ends_the_process_and_the_name_finder_within_a_second(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(3000):
        (folder / f"a{i:04d}.txt").write_text(
            f"Meldung {i} aus Berlin\n\nBundeskanzler Olaf Scholz traf am Montag in Berlin den Präsidenten "
            f"Emmanuel Macron. Die Nato-Staaten berieten in Brüssel über die Ukraine. Nummer {i}.", encoding="utf-8")
    with in_a_terminal([sys.executable, "-m", "newsreader", str(folder)]) as (proc, master, slave):
        out = bytearray()
        counting = re.compile(rb"Finding names [0-9]")  # the first batch of names is in
        _read_until(master, out, lambda: counting.search(out) is not None, timeout=120)
        assert counting.search(out), "name finding never started"
        finders = _children_of(proc.pid)
        assert finders, "names are found in a child process"
        os.write(master, b"q")
        start = time.monotonic()
        _read_until(master, out, lambda: proc.poll() is not None and not any(map(_alive, finders)), timeout=30)
        took = time.monotonic() - start
    assert proc.returncode == 0
    assert not any(map(_alive, finders))
    assert took <= 1.0, f"the process took {took:.2f} s to go"
