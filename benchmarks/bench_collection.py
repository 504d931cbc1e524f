"""The collection pipeline at scale (issue 20): the current code against aebfc1d, in the same run.

The collection: N files (10,000 and 50,000; ``--n`` or ``BENCH_COLLECTION_N`` for others), made by
``corpus.shuffled(N)``: file i is real 10kGNAD article ``i mod 1029`` with its sentences shuffled
(seeded: the same files every run). Every run is a fresh process of the code it measures
(``sys.executable`` with ``PYTHONPATH`` at that code's ``tui`` folder: this checkout, or a git
worktree of aebfc1d the benchmark makes and removes, or ``--old PATH``); both are compiled to
bytecode first, as ``pip install`` does. The two alternate at every step (old, new; the next
repetition new, old), one run at a time, each with its own temporary XDG folders (data, state,
cache, config), removed afterwards.

The reader (one process per launch, ``timeout`` s at most, then its session is killed):
``NewsReaderApp([DIR])`` runs headless at 140×40 (``run_async``), after ``gc.disable()`` as
``newsreader`` does. Cold: fresh folders; warm: the second launch on the cold run's folders.
Times count from just before the benchmark starts the process (interpreter start included).

- first article on screen: the first screen update (``App._display``, turned into terminal
  output as a terminal would get it) with an article's text in the reader (as bench_ui).
- search answers: once the hub's ``index`` is set (aebfc1d: SearchReady, after every file is
  read; now: the first listing, a search covers the files read so far), a thread runs
  ``index.search("Regierung", limit=200)`` as the hub's search worker does (again every 0.1 s
  while it finds nothing); the time it returns hits.
- names complete: the hub's ``entities`` is set (EntitiesReady) and the status line shows no
  name finding in progress. Both are polled every 10 ms on the app's event loop.
- key latency: from the first article on, a ``j`` or ``k`` key event every 0.2 s, posted to the app
  (``Pilot.press`` waits for the app to be idle and cannot time a frame), 20 one way then 20 back,
  turning at either end of the list; timed is the key to the first screen update after which the
  list's cursor is on another article. Until names are complete (loading) and for 10 s after.
  Reported: the worst key and the 95th percentile, in ms.
- peak RSS: the benchmark reads /proc every 0.1 s for every process of the reader's session (the
  reader and its name-finding children); reported is the reader's peak (or its ``ru_maxrss`` if
  higher) + the peak of its children's summed RSS, and the peak of the sum of all (``in all``; at
  least the reader's peak).
  MB here is 2**20 bytes.
- sizes after the cold launch: the index (the cache folder's ``index/``) and the names cache
  (everything else in the cache folder), per 10,000 files; measured on a copy of the folder with
  the write-ahead logs the reader leaves checkpointed into their databases.

The command line, timed from start to exit by the benchmark: ``newsreader index DIR`` cold (fresh
folders; what it says it took is quoted), ``newsreader search --json Regierung DIR`` cold (fresh
folders), ``newsreader entities DIR`` warm (the reader's folders after its warm launch).

The machine has 2 cores and is shared: besides load averages, every run records how many cores
the rest of the machine used meanwhile (/proc/stat's busy time less the run's own processes).

``make bench BENCH=bench_collection`` runs it through run_all (10,000 and 50,000: an hour or more,
most of it aebfc1d's cold runs); ``python benchmarks/bench_collection.py --n
300`` prints the section for a small trial and writes nothing. Settings from the environment for
``run()``: ``BENCH_COLLECTION_N`` (``10000,50000``), ``BENCH_COLLECTION_OLD`` (a checkout of
aebfc1d to use), ``BENCH_COLLECTION_TIMEOUT`` (1800 s per run), ``BENCH_COLLECTION_RUNS`` (1).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402
from bench_ui import ARTICLE_SHOWN  # noqa: E402

TITLE = "## Collection pipeline (bench_collection)\n"
BASE = "aebfc1d"
SIZES = (10_000, 50_000)
TIMEOUT = 1800.0
WORD = "Regierung"  # in 18% of the real articles
KEY_PERIOD, KEYS_AFTER = 0.2, 10.0
MB = 2**20

# Runs in the reader's process: argv = the benchmark's time.monotonic() when it started the process,
# the folder, the search word, the key period, the seconds of keys after names are complete.
PROBE = r'''
import time
import sys
LAUNCHED = float(sys.argv[1])
import gc
gc.disable()  # what `newsreader` (newsreader.cli.main) does before it loads the app
import asyncio, json, os, resource, threading
from textual import events
from newsreader.app import NewsReaderApp
from newsreader.widgets.article_list import ArticleList
from newsreader.widgets.article_view import ArticleView

FOLDER, WORD, PERIOD, AFTER = sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
KEY_WAIT = 120.0  # a key whose screen update takes longer is counted at this


# What the probe reads of the reader: the same in aebfc1d and now. A hub that says these things
# differently needs only these three functions changed (article_shown: bench_ui's).
''' + ARTICLE_SHOWN + r'''

def search_index(hub):  # set once search answers (see the docstring)
    return hub.index


def names_complete(hub):  # EntitiesReady, and no name finding in progress
    progress = hub.progress
    return hub.entities is not None and not (progress and progress[0] == "Finding names")


def since():
    return time.monotonic() - LAUNCHED


app = NewsReaderApp([FOLDER])
marks = {}
keys = []         # [during loading, ms] per key
waiting = None    # the key waiting for its screen update: [posted, id under the cursor then, event]
the_list = None
display = app._display


def timed_display(screen, renderable):
    display(screen, renderable)
    if renderable is None:
        return
    renderable.render_segments(app.console)  # into terminal output, as a terminal gets it
    if "first_article" not in marks and article_shown(app):
        marks["first_article"] = since()
    if waiting is not None and the_list.highlighted_id != waiting[1]:
        waiting[1] = the_list.highlighted_id
        waiting.append(time.monotonic())
        waiting[2].set()


app._display = timed_display


def search(index):
    while True:
        result = index.search(WORD, limit=200)
        if result.hits or "names_complete" in marks:
            marks["search_hits"] = len(result.hits)
            marks["search_answers"] = since()
            return
        time.sleep(0.1)


async def watch(hub):
    while True:
        index = search_index(hub)
        if index is not None and "search_ready" not in marks:
            marks["search_ready"] = since()
            threading.Thread(target=search, args=(index,), daemon=True).start()
        if "names_complete" not in marks and names_complete(hub):
            marks["names_complete"] = since()
        await asyncio.sleep(0.01)


async def main():
    global the_list, waiting
    running = asyncio.create_task(app.run_async(headless=True, size=(140, 40)))
    while "first_article" not in marks:
        if running.done():
            running.result()
            raise SystemExit("the app ended before it showed an article")
        await asyncio.sleep(0.005)
    hub = app.screen
    the_list = hub.query_one(ArticleList)
    watcher = asyncio.create_task(watch(hub))
    down, moves = True, 0
    while "names_complete" not in marks or since() < marks["names_complete"] + AFTER:
        for task in (running, watcher):
            if task.done():  # the app ended, or the hub lacks what the probe reads: fail now, not at the timeout
                task.result()
                raise SystemExit("the app ended before names were complete")
        posted = time.monotonic()
        rows = len(the_list.articles)
        if rows >= 2:
            cursor = the_list.cursor
            if cursor <= 0 or cursor >= rows - 1:
                down = cursor <= 0
            elif moves % 20 == 0:
                down = not down
            waiting = [posted, the_list.highlighted_id, asyncio.Event()]
            loading = "names_complete" not in marks
            app.post_message(events.Key("j", "j") if down else events.Key("k", "k"))
            try:
                await asyncio.wait_for(waiting[2].wait(), KEY_WAIT)
                keys.append([loading, (waiting[3] - posted) * 1000])
            except asyncio.TimeoutError:
                keys.append([loading, KEY_WAIT * 1000])
            waiting = None
            moves += 1
        await asyncio.sleep(max(0.02, posted + PERIOD - time.monotonic()))
    watcher.cancel()
    articles = len(hub.by_id)
    app.exit()
    try:
        await asyncio.wait_for(running, 60)
    except Exception:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print("RESULT " + json.dumps({"marks": marks, "keys": keys, "articles": articles, "maxrss": maxrss}), flush=True)


try:
    asyncio.run(main())
except BaseException:
    import traceback
    sys.__stderr__.write(traceback.format_exc())
    sys.__stderr__.flush()
    os._exit(1)
'''


@dataclass
class Code:
    name: str  # as the table heads it
    tui: Path
    commit: str


# --- one run, watched ----------------------------------------------------------------------------

def _machine_busy() -> tuple[int, int]:
    """/proc/stat: the machine's busy and total jiffies so far."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


class Watch:
    """Samples every process of the session ``sid`` (a run started with a session of its own)
    every 0.1 s: RSS (the leader apart from the others) and CPU time; and the machine's busy time."""

    def __init__(self, sid: int) -> None:
        self.sid, self.peak_self, self.peak_children, self.peak_all = sid, 0, 0, 0
        self.cpu: dict[int, int] = {}
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.start = _machine_busy()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            own = others = 0
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[3]) != self.sid or fields[0] == "Z":
                    continue
                pid = int(stat.parent.name)
                rss = int(fields[21]) * self.page
                self.cpu[pid] = int(fields[11]) + int(fields[12])
                if pid == self.sid:
                    own = rss
                else:
                    others += rss
            self.peak_self = max(self.peak_self, own)
            self.peak_children = max(self.peak_children, others)
            self.peak_all = max(self.peak_all, own + others)

    def stop(self) -> float:
        """Ends the sampling; returns the cores the rest of the machine used meanwhile."""
        self._stop.set()
        self._thread.join()
        busy, total = _machine_busy()
        cores = os.cpu_count() or 1
        spent = (total - self.start[1]) / cores  # jiffies of one core over the run
        return max(0.0, (busy - self.start[0] - sum(self.cpu.values())) / spent) if spent else 0.0


def _env(code: Code, home: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(code.tui), XDG_CACHE_HOME=f"{home}/cache", XDG_DATA_HOME=f"{home}/data",
                XDG_STATE_HOME=f"{home}/state", XDG_CONFIG_HOME=f"{home}/config")


def _run(args: list[str], code: Code, home: Path, timeout: float) -> dict:
    """One process of ``code`` with ``home``'s folders, watched; killed (its session) after ``timeout``."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, *args], env=_env(code, home), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    watch = Watch(proc.pid)
    try:
        out, err = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        timed_out = True
    wall = time.monotonic() - started
    others = watch.stop()
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # a child left of this run (the session is its own)
    except ProcessLookupError:
        pass
    return {"wall": wall, "rc": proc.returncode, "out": out, "err": err, "timed_out": timed_out, "others": others,
            "peak_self": watch.peak_self, "peak_children": watch.peak_children, "peak_all": watch.peak_all}


def _failed(what: str, code: Code, run: dict) -> RuntimeError:
    return RuntimeError(f"{what} with {code.name} failed (exit code {run['rc']}):\n{run['err'][-3000:]}")


READER = ("first", "search", "names", "key_max", "key_p95", "keys", "keys_loading", "rss_self", "rss_children",
          "rss_all", "articles", "hits")


def reader(code: Code, folder: Path, home: Path, timeout: float) -> dict:
    """One launch of the reader: the measures of the docstring (all None when it timed out)."""
    run = _run(["-c", PROBE, repr(time.monotonic()), str(folder), WORD, str(KEY_PERIOD), str(KEYS_AFTER)],
               code, home, timeout)
    if run["timed_out"]:
        return dict.fromkeys(READER) | {"timed_out": True, "others": run["others"]}
    lines = [line for line in run["out"].splitlines() if line.startswith("RESULT ")]
    if run["rc"] or not lines:
        raise _failed("the reader", code, run)
    data = json.loads(lines[-1][7:])
    marks = data["marks"]
    if not marks.get("search_hits"):
        raise RuntimeError(f"{code.name}: the search for {WORD!r} found nothing")
    keys = sorted(ms for _, ms in data["keys"])
    return {"first": marks["first_article"], "search": marks["search_answers"], "names": marks["names_complete"],
            "key_max": keys[-1] if keys else None,
            "key_p95": keys[min(len(keys) - 1, int(0.95 * (len(keys) - 1)))] if keys else None,
            "keys": len(keys), "keys_loading": sum(1 for loading, _ in data["keys"] if loading),
            "rss_self": max(run["peak_self"], data["maxrss"]), "rss_children": run["peak_children"],
            "rss_all": max(run["peak_all"], data["maxrss"]), "articles": data["articles"],
            "hits": marks["search_hits"], "timed_out": False, "others": run["others"]}


def command(code: Code, args: list[str], home: Path, timeout: float) -> dict:
    """One ``newsreader`` command: its wall time, and what it wrote (for the notes)."""
    run = _run(["-m", "newsreader", *args], code, home, timeout)
    if run["rc"] and not run["timed_out"]:
        raise _failed(f"newsreader {args[0]}", code, run)
    said = re.search(r"indexed in ([\d.]+) s", run["err"])
    return {"wall": None if run["timed_out"] else run["wall"], "said": float(said.group(1)) if said else None,
            "timed_out": run["timed_out"], "others": run["others"]}


def sizes(home: Path) -> dict:
    """newsreader's cache folder: the index (``index/``) and everything else (the names cache),
    as stored once written out: measured on a copy whose write-ahead logs are checkpointed (the
    reader leaves them, and the next open checkpoints them)."""
    with tempfile.TemporaryDirectory(prefix="bench-collection-") as tmp:
        cache = Path(tmp) / "cache"
        shutil.copytree(home / "cache" / "newsreader", cache, ignore=shutil.ignore_patterns("*-shm"))
        for db in cache.rglob("*.sqlite"):
            con = sqlite3.connect(db)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.close()
        files = [p for p in cache.rglob("*") if p.is_file()]
        index = sum(p.stat().st_size for p in files if p.relative_to(cache).parts[0] == "index")
        total = sum(p.stat().st_size for p in files)
    return {"index": index, "names": total - index, "total": total}


# --- the two codes -------------------------------------------------------------------------------

def _git(*args: str, cwd: Path = REPO) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=True).stdout.strip()


@contextmanager
def baseline(path: str | None):
    """aebfc1d's code: ``path`` if it is a checkout already (kept); else a git worktree of this
    repository made there (or in a temporary folder) and removed at the end."""
    if path and (Path(path) / "tui" / "newsreader").is_dir():
        yield Code(BASE, Path(path) / "tui", _git("rev-parse", "--short", "HEAD", cwd=Path(path)))
        return
    parent = None if path else tempfile.mkdtemp(prefix="bench-collection-")
    tree = Path(path) if path else Path(parent) / BASE
    _git("worktree", "add", "--detach", str(tree), BASE)
    try:
        yield Code(BASE, tree / "tui", _git("rev-parse", "--short", "HEAD", cwd=tree))
    finally:
        _git("worktree", "remove", "--force", str(tree))
        if parent:
            shutil.rmtree(parent, ignore_errors=True)


def current() -> Code:
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = _git("status", "--porcelain", "--untracked-files=no", "--", "tui")
    return Code("now", REPO / "tui", commit + (" with uncommitted changes in tui/" if dirty else ""))


# --- the benchmark -------------------------------------------------------------------------------

def measure(codes: list[Code], n: int, runs: int, timeout: float) -> dict:
    """Every measure for N files, ``runs`` times, the codes alternating: {code name: {measure: [values]}}."""
    folder = corpus.shuffled(n)
    found: dict[str, dict[str, list]] = {c.name: {} for c in codes}

    def keep(code: Code, prefix: str, values: dict) -> None:
        for key, value in values.items():
            found[code.name].setdefault(f"{prefix}{key}", []).append(value)

    for rep in range(runs):
        order = codes if rep % 2 == 0 else codes[::-1]
        with tempfile.TemporaryDirectory(prefix="bench-collection-") as tmp:
            home = {c.name: Path(tmp) / c.name for c in codes}
            for state in ("cold", "warm"):
                for code in order:
                    print(f"  {n:,} files, {code.name}: reader {state} …", flush=True)
                    launch = reader(code, folder, home[code.name], timeout)
                    keep(code, f"{state}_", launch)
                    if state == "cold":  # what it stored (nothing to compare when it was stopped)
                        keep(code, "size_", dict.fromkeys(("index", "names", "total"), None) | {"timed_out": True}
                             if launch["timed_out"] else sizes(home[code.name]) | {"timed_out": False})
            for code in order:
                print(f"  {n:,} files, {code.name}: entities warm …", flush=True)
                keep(code, "cli_entities_", command(code, ["entities", str(folder)], home[code.name], timeout))
            for name, args in (("index", ["index", str(folder)]), ("search", ["search", "--json", WORD, str(folder)])):
                for code in order:
                    print(f"  {n:,} files, {code.name}: {name} cold …", flush=True)
                    keep(code, f"cli_{name}_", command(code, args, Path(tmp) / f"{code.name}-{name}", timeout))
    return found


def _median(values: list | None):
    if not values or any(v is None for v in values):
        return None
    return statistics.median(values)


def _seconds(s: float, _found=None) -> str:
    return f"{s:.2f} s" if s < 10 else f"{s:.1f} s" if s < 100 else f"{s:.0f} s"


def _ms(v: float) -> str:
    return f"{v:.0f} ms" if v >= 10 else f"{v:.1f} ms"


def _rss(state: str):
    def cell(total: float, found: dict) -> str:
        reader, children = (_median(found[f"{state}_rss_{who}"]) / MB for who in ("self", "children"))
        return f"{reader:.0f} + {children:.0f} MB (in all {total / MB:.0f})"
    return cell


def _keys(state: str):
    def cell(worst: float, found: dict) -> str:
        p95, count = (_median(found[f"{state}_{what}"]) for what in ("key_p95", "keys"))
        return f"{_ms(worst)} (p95 {_ms(p95)}, {count:.0f} keys)"
    return cell


def _per_10k(n: int):
    return lambda size, _found: f"{size * 10_000 / n / MB:.1f} MB"


# the targets by (run, measure, N; None: any N): (text, test of the new value, the ratio and N)
TARGETS = {
    ("cold", "first", 10_000): ("≤ 1.0 s", lambda v, r, n: v <= 1.0),
    ("cold", "search", 10_000): ("≤ 4 s", lambda v, r, n: v <= 4),
    ("cold", "names", 10_000): ("≤ 40 s", lambda v, r, n: v <= 40),
    ("cold", "search", 50_000): ("≤ 20 s", lambda v, r, n: v <= 20),
    ("cold", "names", 50_000): ("≤ 200 s", lambda v, r, n: v <= 200),
    ("warm", "first", 50_000): ("≤ 0.6 s", lambda v, r, n: v <= 0.6),
    ("warm", "names", 50_000): ("≤ 1 s", lambda v, r, n: v <= 1),
    ("cold", "key_max", 50_000): ("≤ 50 ms", lambda v, r, n: v <= 50),
    ("warm", "key_max", 50_000): ("≤ 50 ms", lambda v, r, n: v <= 50),
    ("cold", "rss_all", 50_000): ("≤ 400 MB in all", lambda v, r, n: v <= 400 * MB),
    ("warm", "rss_all", 50_000): ("≤ 400 MB in all", lambda v, r, n: v <= 400 * MB),
    ("cli_index", "wall", 10_000): (f"≤ 0.4× {BASE}", lambda v, r, n: r <= 0.4),
    ("cli_entities", "wall", 10_000): (f"≤ 0.25× {BASE}", lambda v, r, n: r <= 0.25),
    ("size", "total", None): ("≤ 60 MB", lambda v, r, n: v * 10_000 / n <= 60 * MB),
}


def table(results: dict[int, dict], codes: list[Code], timeout: float) -> list[str]:
    """The issue's table: a row per measure, files and launch; the two codes side by side."""
    old, new = (c.name for c in codes)
    lines = [f"| measure | files | {BASE} | now | now ÷ {BASE} | target |", "|---|---:|---:|---:|---:|---|"]

    def row(label: str, n: int, run: str, measure: str, cell) -> None:
        found = results[n]
        values = {c: _median(found[c].get(f"{run}_{measure}")) for c in (old, new)}
        timed_out = {c: any(found[c].get(f"{run}_timed_out", [])) for c in (old, new)}
        shown = {c: f"timed out (> {timeout:.0f} s)" if timed_out[c] else "—" if values[c] is None
                 else cell(values[c], found[c]) for c in (old, new)}
        ratio = values[new] / values[old] if values[old] and values[new] is not None else None
        target = TARGETS.get((run, measure, n)) or TARGETS.get((run, measure, None))
        goal = ""
        if target is not None:
            met = values[new] is not None and ratio is not None and target[1](values[new], ratio, n)
            goal = f"{target[0]} {'✓' if met else '✗'}"
        lines.append(f"| {label} | {n:,} | {shown[old]} | {shown[new]} | "
                     f"{f'{ratio:.2f}×' if ratio is not None else '—'} | {goal} |")

    ns = sorted(results)
    for label, measure in (("first article on screen", "first"), ("search answers", "search"),
                           ("names complete", "names")):
        for n in ns:
            for state in ("cold", "warm"):
                row(f"{label}, {state}", n, state, measure, _seconds)
    for label, measure, cell in (("peak RSS, reader + name children", "rss_all", _rss),
                                 ("key latency, worst", "key_max", _keys)):
        for state in ("cold", "warm"):
            for n in ns:
                row(f"{label}, {state}", n, state, measure, cell(state))
    for label, run in (("`newsreader index DIR`, cold", "cli_index"),
                       ("`newsreader search --json QUERY DIR`, cold", "cli_search"),
                       ("`newsreader entities DIR`, warm", "cli_entities")):
        for n in ns:
            row(label, n, run, "wall", _seconds)
    for n in ns:
        for label, measure in (("index", "index"), ("names cache", "names"), ("index + names", "total")):
            row(f"{label}, per 10,000 files", n, "size", measure, _per_10k(n))
    return lines


def section(results: dict[int, dict], codes: list[Code], runs: int, timeout: float, load: tuple) -> str:
    old, new = codes
    notes = []
    for n, found in sorted(results.items()):
        for code in codes:
            f = found[code.name]
            said = _median(f.get("cli_index_said"))
            if _median(f["cold_articles"]) is not None:
                notes.append(f"{n:,} files, {code.name}: {_median(f['cold_articles']):,.0f} articles listed; "
                             f"`{WORD}` {_median(f['cold_hits']):.0f} hits (limit 200); "
                             f"{_median(f['cold_keys_loading']):.0f} keys while loading cold")
            if said is not None:
                notes.append(f"{n:,} files, {code.name}: `newsreader index` said “indexed in {said:.1f} s”")
    others = [v for found in results.values() for f in found.values() for key, values in f.items()
              if key.endswith("_others") for v in values]
    text = [
        TITLE,
        f"Issue 20's table on copies of the 1,029 10kGNAD articles with shuffled sentences "
        f"(`corpus.shuffled`), {BASE} (`{old.commit}`, a checkout of its own) beside the current code "
        f"(`{new.commit}`), alternating, in one run; {runs} run{'s' if runs > 1 else ''} of each"
        f"{'' if runs == 1 else ' (medians), the order reversed every other run'}. Cold: fresh data, state, "
        "cache and config folders; warm: the second launch on them. Reader times count from the process's start "
        "(headless, 140×40): the first screen update with an article's text; a search for "
        f"`{WORD}` giving hits once the hub's index is set; the hub's `entities` set with no name finding "
        "in progress. Keys: `j`/`k` every 0.2 s from the first article until 10 s after names are complete, "
        "key to the screen update showing the cursor moved. RSS sampled every 0.1 s over the reader's process "
        "session (MB = 2²⁰ bytes). Commands timed from start to exit. Sizes: the cache folder after the cold "
        "launch. ✓/✗: the current code against the issue's target. The method in full: the module's docstring.\n",
        *table(results, codes, timeout),
        "",
        *(f"- {note}." for note in notes),
        "",
        f"Noise: {os.cpu_count()} cores, shared; load average {load[0]:.2f} at the start and {load[1]:.2f} at the "
        f"end; the rest of the machine used {min(others, default=0):.2f}–{max(others, default=0):.2f} cores "
        "during the runs (its busy time in /proc/stat less the runs' own processes). Each run waited at most "
        f"{timeout:.0f} s.\n",
    ]
    return "\n".join(text)


def run(sizes_n: list[int] | None = None, old: str | None = None, timeout: float | None = None,
        runs: int | None = None) -> str:
    """The section, for run_all.py; arguments default to the environment (see the docstring)."""
    env = os.environ.get
    sizes_n = sizes_n or [int(x) for x in env("BENCH_COLLECTION_N", ",".join(map(str, SIZES))).split(",")]
    old = old or env("BENCH_COLLECTION_OLD") or None
    timeout = timeout or float(env("BENCH_COLLECTION_TIMEOUT", TIMEOUT))
    runs = runs or int(env("BENCH_COLLECTION_RUNS", "1"))
    if not corpus.available():
        return TITLE + "\nSkipped: ../shared/corpora/10kgnad is not present.\n"
    load = [os.getloadavg()[0]]
    with baseline(old) as base:
        codes = [base, current()]
        for code in codes:
            compileall.compile_dir(code.tui / "newsreader", quiet=1)
        results = {}
        for n in sorted(sizes_n):
            results[n] = measure(codes, n, runs, timeout)
    load.append(os.getloadavg()[0])
    return section(results, codes, runs, timeout, tuple(load))


def main() -> int:
    parser = argparse.ArgumentParser(description="issue 20's collection benchmark; prints its Markdown section")
    parser.add_argument("--n", help="file counts, comma-separated (default 10000,50000)")
    parser.add_argument("--old", help=f"a checkout of {BASE} to use (else a worktree is made and removed)")
    parser.add_argument("--timeout", type=float, help=f"seconds per run (default {TIMEOUT:.0f})")
    parser.add_argument("--runs", type=int, help="runs of each (default 1)")
    args = parser.parse_args()
    print(run([int(x) for x in args.n.split(",")] if args.n else None, args.old, args.timeout, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
