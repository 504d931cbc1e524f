"""The reader's speed as a user feels it.

1. Launch to first article: a fresh process starts the app headless on the bundled seeds; the
   same for a bare Textual app that shows one Static. Times count from the first line of the
   process (imports included), alternating the two apps, 21 runs each; the ratio compares
   medians. The search index is warm (a first run builds it). Both stop at the first screen update that shows it (the bare app: its Static; ours: the
   article's text in the reader), turned into terminal output. The package is compiled to
   bytecode first, as ``pip install`` does.
2. Keystroke to screen update: in a Pilot session (``run_test``) on a 10,000-article collection,
   once the background work (index, names) is done, key events are posted to the app (in the
   list: ``j`` 150 times, then ``k``; in the reader: scrolling, the next/previous name, the
   highlight toggles) and every screen update after each is timed, including turning it into
   terminal output (headless Textual skips that step, so the benchmark does it). Reported: the
   time to the first update and to the last one before 60 ms of quiet (after a move in the
   list: the reader, names panel and status line showing the new article). ``Pilot.press`` is
   not used for timing: it waits for the app to be idle, at least 40 ms, so it cannot measure
   a frame.
3. 100,000 bookmarks (and 10, to compare): ``B`` opens the bookmarks view, ``d`` removes the
   bookmark under the cursor, timed as in 2. ``d`` shows the removal once the store has written the file (in a
   thread: reading and writing 100,000 bookmarks takes seconds); measured apart are the key to
   the removal shown, and the work on the screen's thread once the write is done (the hub's
   handler and the screen update that follows).
4. Quit with background work running: the real ``newsreader DIR`` (``python -m newsreader``) in a
   pseudo-terminal of 140×40 on 3,000 articles, with fresh cache, data and state folders, so the
   index is built and names are found from scratch. Once the status line shows names being found
   (``Finding names`` and a count), ``q`` is typed; timed is the key to the process's exit (reaped
   with ``waitpid``). Checked after each run: what the app wrote after ``q`` leaves the alternate
   screen (``ESC[?1049l``) and shows the cursor (``ESC[?25h``), the terminal is back in line mode
   with echo, and no process of the app's session (the name finder) runs 1 s after ``q``. 5 runs.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

# Both apps stop at the first screen update that shows what they are for (the bare app: its
# Static; the reader: the article's text), turned into terminal output as a terminal would get it.
FIRST_FRAME = """
def first_frame(app, shown):
    display = app._display
    def timed_display(screen, renderable):
        display(screen, renderable)
        if renderable is not None and not hasattr(app, "elapsed") and shown(app):
            renderable.render_segments(app.console)
            app.elapsed = time.perf_counter() - t0
            app.exit()
    app._display = timed_display
"""

# The reader shows an article: its text is in the reader's pane (the same test in aebfc1d and now).
ARTICLE_SHOWN = """
def article_shown(app):
    from newsreader.widgets.article_view import ArticleView

    try:
        view = app.screen.query_one(ArticleView)
    except Exception:
        return False
    return view.article is not None and not view.article.lazy and view.showing == view.article.id
"""

BARE = """
import time
t0 = time.perf_counter()
from textual.app import App
from textual.widgets import Static
""" + FIRST_FRAME + """
class Bare(App):
    def compose(self):
        yield Static("Ein Artikel")

app = Bare()
first_frame(app, lambda app: True)
app.run(headless=True)
print(app.elapsed)
"""

OURS = """
import time
t0 = time.perf_counter()
import gc
gc.disable()  # what `newsreader` (newsreader.cli.main) does before it loads the app
from newsreader.app import NewsReaderApp
""" + FIRST_FRAME + ARTICLE_SHOWN + """
app = NewsReaderApp()
first_frame(app, article_shown)
app.run(headless=True)
print(app.elapsed)
"""

KEYS = """
import asyncio, json, sys, time
from textual import events
from newsreader.app import NewsReaderApp
from newsreader.widgets.article_list import ArticleList
from newsreader.widgets.article_view import ArticleView

async def main():
    app = NewsReaderApp([sys.argv[1]])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = app.screen
        for _ in range(20000):  # until the background work is done: the index and the names
            await pilot.pause(0.1)
            if hub.listed_final and hub.index is not None and hub.entities is not None:
                break
        frames = []
        display = app._display
        def timed_display(screen, renderable):  # every screen update, turned into terminal output
            display(screen, renderable)
            if renderable is not None:
                renderable.render_segments(app.console)
                frames.append(time.perf_counter())
        app._display = timed_display
        await pilot.pause(0.3)
        results = {}
        async def keys(name, sequence):
            first, settled, counts = [], [], []
            for key in sequence:
                frames.clear()
                t0 = time.perf_counter()
                character = {"right_square_bracket": "]", "left_square_bracket": "["}.get(key, key if len(key) == 1 else None)
                app.post_message(events.Key(key, character))
                while True:  # settled: no further update for 60 ms
                    await asyncio.sleep(0.002)
                    now = time.perf_counter()
                    if frames and now - frames[-1] > 0.06 or now - t0 > 3:
                        break
                if frames:
                    first.append((frames[0] - t0) * 1000)
                    settled.append((frames[-1] - t0) * 1000)
                    counts.append(len(frames))
            results[name] = {"keys": len(sequence), "first": first, "settled": settled, "frames": counts}
        hub.query_one(ArticleList).focus()
        await pilot.pause(0.3)
        await keys("list", ["j"] * 150 + ["k"] * 150)
        hub.query_one(ArticleView).focus()
        await pilot.pause(0.3)
        await keys("reader", ["down"] * 40 + ["up"] * 20 + ["pagedown"] * 10 + ["pageup"] * 10
                   + ["right_square_bracket"] * 30 + ["left_square_bracket"] * 10 + ["1", "1", "2", "2"])
        print(json.dumps({"articles": len(hub.articles), "results": results}))

asyncio.run(main())
"""


BOOKMARKS = """
import asyncio, json, sys, time
from textual import events
from newsreader.app import NewsReaderApp
from newsreader.core.paths import data_dir, ensure
from newsreader.screens.bookmarks_screen import BookmarksScreen

N = int(sys.argv[2])
marks = {f"{i:016x}": {"title": f"Artikel Nummer {i} über etwas", "date": "2024-01-02", "source": "Kurier",
                       "created": f"2024-01-01T{i:09d}"} for i in range(N)}
(ensure(data_dir()) / "bookmarks.json").write_text(json.dumps({"version": 1, "bookmarks": marks}))

async def main():
    app = NewsReaderApp([sys.argv[1]])
    async with app.run_test(size=(140, 40)) as pilot:
        hub = app.screen
        for _ in range(6000):
            await pilot.pause(0.05)
            if len(hub.marks) == N and hub.entities is not None:
                break
        frames = []
        display = app._display
        def timed_display(screen, renderable):
            display(screen, renderable)
            if renderable is not None:
                renderable.render_segments(app.console)
                frames.append(time.perf_counter())
        app._display = timed_display
        handled = []  # (start, end) of the hub's work on a saved change: _place_mark … _show_marks
        place, show = hub._place_mark, hub._show_marks
        def timed_place(*args):
            handled.append([time.perf_counter(), None])
            place(*args)
        def timed_show():
            show()
            if handled:
                handled[-1][1] = time.perf_counter()
        hub._place_mark, hub._show_marks = timed_place, timed_show
        await pilot.pause(0.3)
        out = {}
        for _ in range(5):
            frames.clear()
            t0 = time.perf_counter()
            app.post_message(events.Key("B", "B"))
            while not (isinstance(app.screen, BookmarksScreen) and frames):
                await asyncio.sleep(0.001)
            out.setdefault("open", []).append((frames[0] - t0) * 1000)
            await asyncio.sleep(0.2)
            view = app.screen
            count = len(hub.marks)
            frames.clear()
            handled.clear()
            t0 = time.perf_counter()
            app.post_message(events.Key("d", "d"))
            while len(hub.marks) == count or not handled or handled[-1][1] is None or frames[-1] < handled[-1][1]:
                await asyncio.sleep(0.001)
            start, end = handled[-1]
            after = next(f for f in frames if f >= end)
            out.setdefault("removed", []).append(after - t0)
            out.setdefault("ui", []).append((after - start) * 1000)
            app.post_message(events.Key("escape", None))
            while app.screen is view:
                await asyncio.sleep(0.01)
        print(json.dumps(out))

asyncio.run(main())
"""


def _time(code: str, env: dict) -> float:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return float(out.stdout.strip().splitlines()[-1])


def run() -> str:
    import compileall

    import newsreader

    title = "## Reader: launch and keystrokes\n\n"
    # as `pip install` does: the package's modules compiled once, so no run pays for compiling
    compileall.compile_dir(Path(newsreader.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, XDG_CACHE_HOME=f"{home}/cache", XDG_DATA_HOME=f"{home}/data",
                   XDG_STATE_HOME=f"{home}/state", XDG_CONFIG_HOME=f"{home}/config")
        _time(OURS, env)  # builds the index and the entity cache once
        bare, ours = [], []
        for _ in range(21):  # the machine's speed changes from one second to the next: many pairs
            bare.append(_time(BARE, env))
            ours.append(_time(OURS, env))
        lines = [title,
                 "| app | median s | min s | max s |", "|---|---:|---:|---:|",
                 f"| bare Textual app, one Static | {statistics.median(bare):.3f} | {min(bare):.3f} | {max(bare):.3f} |",
                 f"| newsreader on the seeds, first article shown | {statistics.median(ours):.3f} | {min(ours):.3f} | "
                 f"{max(ours):.3f} |",
                 f"\nRatio of medians: **{statistics.median(ours) / statistics.median(bare):.2f}×** (target ≤ 1.20×).\n"]
        if corpus.available():
            folder = corpus.make(10_000)
            out = subprocess.run([sys.executable, "-c", KEYS, str(folder)], capture_output=True, text=True,
                                 check=True, env=env, timeout=1800)
            data = json.loads(out.stdout.strip().splitlines()[-1])
            lines.append(f"Keystrokes on {data['articles']:,} articles at 140×40 (one frame at 60 Hz is 16.7 ms). "
                         "In the list: `j` ×150 then `k` ×150. In the reader (focused): `down` ×40, `up` ×20, "
                         "`pagedown` ×10, `pageup` ×10, `]` ×30, `[` ×10 (the next and previous name), `1 1 2 2` "
                         "(highlights off and on). First update: the first screen update after the key; settled: "
                         "the last one before 60 ms of quiet (in the list, the reader and the names panel showing "
                         "the new article).\n")
            lines.append("| keys | measure | keys with an update | p50 ms | p95 ms | max ms | within one frame |\n"
                         "|---|---|---:|---:|---:|---:|---:|")
            for group, label in (("list", "list"), ("reader", "reader")):
                result = data["results"][group]
                for measure in ("first", "settled"):
                    t = sorted(result[measure])
                    p = lambda q: t[min(len(t) - 1, int(q * (len(t) - 1)))]  # noqa: E731
                    lines.append(f"| {label} | {'first update' if measure == 'first' else 'settled'} | "
                                 f"{len(t)} of {result['keys']} | {p(0.5):.1f} | {p(0.95):.1f} | {t[-1]:.1f} | "
                                 f"{sum(1 for x in t if x <= 1000 / 60) * 100 / len(t):.0f}% |")
            per_key = {g: sum(r["frames"]) / max(1, len(r["frames"])) for g, r in data["results"].items()}
            lines.append(f"\nScreen updates per key: list {per_key['list']:.1f}, reader {per_key['reader']:.1f}.\n")
        else:
            lines.append("Keystrokes: skipped (../shared/corpora/10kgnad is not present).\n")
        lines.append(bookmarks(env))
    lines.append(quitting() if corpus.available() else
                 "Quit with background work running: skipped (../shared/corpora/10kgnad is not present).\n")
    return "\n".join(lines)


def bookmarks(env: dict) -> str:
    """Section 3: ``B`` and ``d``, 5 of each on the seeds, with 100,000 bookmarks and with 10."""
    from newsreader.resources import seeds_dir

    m = {}
    for n in (10, 100_000):
        with tempfile.TemporaryDirectory() as data:
            out = subprocess.run([sys.executable, "-c", BOOKMARKS, str(seeds_dir()), str(n)], capture_output=True,
                                 text=True, env=dict(env, XDG_DATA_HOME=data), timeout=1800)
        if out.returncode:
            raise RuntimeError(f"the bookmarks benchmark failed:\n{out.stderr}")
        m[n] = {k: statistics.median(v) for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items()}
    big, small = m[100_000], m[10]
    return ("Bookmarks view, 5 times each (medians), 100,000 bookmarks (10 in brackets): `B` opens it in "
            f"**{big['open']:.1f} ms** ({small['open']:.1f} ms), key to the first screen update showing it; "
            f"`d` shows the removal {big['removed']:.2f} s ({small['removed']:.3f} s) after the key, once the store "
            f"has read and written the whole file in a thread, of which **{big['ui']:.1f} ms** "
            f"({small['ui']:.1f} ms) on the screen's thread: the hub's handler and the next screen update.\n")


QUIT_FILES, QUIT_RUNS = 3_000, 5
QUIT_WAIT = 30.0  # seconds after `q` before a run counts as hung (and the app is killed)
# the status line's progress of name finding: "Finding names" and a count, in one run of text
FINDING = re.compile(rb"Finding names[^\x1b]*?\d[^\x1b]*")


def quitting() -> str:
    """Section 4: ``q`` while names are being found, QUIT_RUNS times, each with fresh XDG folders."""
    folder = corpus.make(QUIT_FILES)
    runs = []
    for _ in range(QUIT_RUNS):
        with tempfile.TemporaryDirectory() as home:
            runs.append(_quit_once(folder, home))
    times = [r["gone"] for r in runs if r["gone"] is not None]
    hung = len(runs) - len(times)
    restored = sum(r["alternate screen left"] and r["cursor shown"] and r["line mode and echo"] for r in runs)
    yes = {True: "yes", False: "**no**"}
    lines = ["Quit with background work running (target: the process is gone ≤ 1 s after `q`, the terminal "
             f"restored): `newsreader DIR` in a 140×40 pseudo-terminal on {QUIT_FILES:,} articles with fresh "
             "cache, data and state folders, `q` typed once the status line shows names being found. "
             "Gone: the key to the process's exit; restored: what it wrote after `q` leaves the alternate "
             "screen and shows the cursor, and the terminal is back in line mode with echo.\n",
             "| run | status line when `q` was typed | gone after s | alternate screen left | cursor shown | "
             "line mode and echo | processes left 1 s after `q` |", "|---:|---|---:|---|---|---|---:|"]
    for n, r in enumerate(runs, 1):
        gone = f"{r['gone']:.3f}" if r["gone"] is not None else f"**> {QUIT_WAIT:.0f}** (killed)"
        lines.append(f"| {n} | {r['status']} | {gone} | {yes[r['alternate screen left']]} | {yes[r['cursor shown']]} "
                     f"| {yes[r['line mode and echo']]} | {r['left']} |")
    gone = f"gone after median **{statistics.median(times):.3f} s**, max {max(times):.3f} s" if times else ""
    if hung:
        gone += f"{'; ' if times else ''}{hung} of {len(runs)} runs still running {QUIT_WAIT:.0f} s after `q`"
    lines.append(f"\n{gone[0].upper()}{gone[1:]}; the terminal restored in {restored} of {len(runs)} runs.\n")
    return "\n".join(lines)


def _quit_once(folder: Path, home: str) -> dict:
    """One run of section 4: start the app on a pty, wait for name finding, type ``q``, time the exit."""
    import fcntl
    import pty
    import select
    import signal
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor", XDG_CACHE_HOME=f"{home}/cache",
               XDG_DATA_HOME=f"{home}/data", XDG_STATE_HOME=f"{home}/state", XDG_CONFIG_HOME=f"{home}/config")
    proc = subprocess.Popen([sys.executable, "-m", "newsreader", str(folder)], stdin=slave, stdout=slave,
                            stderr=slave, env=env, start_new_session=True, close_fds=True)
    out = bytearray()

    def read(seconds: float) -> None:  # what the app writes in the next ``seconds``
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if select.select([master], [], [], min(left, 0.005))[0]:
                try:
                    out.extend(os.read(master, 65536))
                except OSError:
                    return

    try:
        deadline, checked, found = time.monotonic() + 600, 0, None
        while found is None:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the quit benchmark: the app never showed names being found "
                                   f"(exit code {proc.returncode}); its last output:\n{bytes(out[-2000:])!r}")
            read(0.05)
            found = FINDING.search(out, max(0, checked - 200))
            checked = len(out)
        start = len(out)
        t0 = time.perf_counter()
        os.write(master, b"q")
        while proc.poll() is None and time.perf_counter() - t0 < QUIT_WAIT:
            read(0.005)
        gone = time.perf_counter() - t0 if proc.returncode is not None else None
        read(0.3)  # what it wrote last
        while _session_left(proc.pid) and time.perf_counter() - t0 < 1:
            time.sleep(0.01)
        after = bytes(out[start:])
        lflag = termios.tcgetattr(slave)[3]
        return {"status": re.sub(r"[|\\`*_]", " ", found.group().decode("utf-8", "replace")).strip(),
                "gone": gone, "alternate screen left": b"\x1b[?1049l" in after, "cursor shown": b"\x1b[?25h" in after,
                "line mode and echo": bool(lflag & termios.ICANON and lflag & termios.ECHO),
                "left": _session_left(proc.pid)}
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the app's session only: anything still left of this run
        except ProcessLookupError:
            pass
        proc.wait()
        os.close(master)
        os.close(slave)


def _session_left(session: int) -> int:
    """How many processes of ``session`` (the app started with a session of its own) still run."""
    left = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after the command's name: state, ppid, pgrp, session
        except OSError:
            continue
        left += int(fields[3]) == session and fields[0] != "Z"
    return left


if __name__ == "__main__":
    print(run())
