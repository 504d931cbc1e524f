"""The reader's speed as a user feels it.

1. Launch to first article: a fresh process starts the app headless on the bundled seeds and
   stops when the reader pane shows an article; the same for a bare Textual app that shows one
   Static. Times count from the first line of the process (imports included), alternating the two
   apps, 7 runs each; the ratio compares medians. The search index is warm (a first run builds it).
2. Keystroke to screen update: in a Pilot session (``run_test``) on a 10,000-article collection,
   once the background work (index, names) is done, a key event is posted to the app (``j`` 150
   times, then ``k``) and every screen update after it is timed, including turning it into
   terminal output (headless Textual skips that step, so the benchmark does it). Reported: the
   time to the first update (the list cursor moved) and to the last one before 60 ms of quiet
   (the reader, entity panel and status line updated). ``Pilot.press`` is not used for timing:
   it waits for the app to be idle, at least 40 ms, so it cannot measure a frame.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

BARE = """
import time
t0 = time.perf_counter()
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("Ein Artikel")
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        self.elapsed = time.perf_counter() - t0
        self.exit()

app = Bare()
app.run(headless=True)
print(app.elapsed)
"""

OURS = """
import time
t0 = time.perf_counter()
from newsreader.app import NewsReaderApp
from newsreader.widgets.article_view import ArticleView

class Timed(NewsReaderApp):
    def on_mount(self):
        super().on_mount()
        self.set_interval(0.002, self.check)
    def check(self):
        try:
            view = self.screen.query_one(ArticleView)
        except Exception:
            return
        if view.article is not None and not view.article.lazy:
            self.call_after_refresh(self.done)
    def done(self):
        if not hasattr(self, "elapsed"):
            self.elapsed = time.perf_counter() - t0
            self.exit()

app = Timed()
app.run(headless=True)
print(app.elapsed)
"""

KEYS = """
import asyncio, json, sys, time
from textual import events
from newsreader.app import NewsReaderApp

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
        first, settled, counts = [], [], []
        for key in ["j"] * 150 + ["k"] * 150:
            frames.clear()
            t0 = time.perf_counter()
            app.post_message(events.Key(key, key))
            while True:  # settled: no further update for 60 ms
                await asyncio.sleep(0.002)
                now = time.perf_counter()
                if frames and now - frames[-1] > 0.06 or now - t0 > 3:
                    break
            if frames:
                first.append((frames[0] - t0) * 1000)
                settled.append((frames[-1] - t0) * 1000)
                counts.append(len(frames))
        print(json.dumps({"articles": len(hub.articles), "first": first, "settled": settled, "frames": counts}))

asyncio.run(main())
"""


def _time(code: str, env: dict) -> float:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return float(out.stdout.strip().splitlines()[-1])


def run() -> str:
    import os

    title = "## Reader: launch and keystrokes\n\n"
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, XDG_CACHE_HOME=f"{home}/cache", XDG_DATA_HOME=f"{home}/data",
                   XDG_STATE_HOME=f"{home}/state", XDG_CONFIG_HOME=f"{home}/config")
        _time(OURS, env)  # builds the index and the entity cache once
        bare, ours = [], []
        for _ in range(7):
            bare.append(_time(BARE, env))
            ours.append(_time(OURS, env))
        lines = [title,
                 "| app | median s | min s | max s |", "|---|---:|---:|---:|",
                 f"| bare Textual app, one Static | {statistics.median(bare):.3f} | {min(bare):.3f} | {max(bare):.3f} |",
                 f"| newsreader on the seeds, first article shown | {statistics.median(ours):.3f} | {min(ours):.3f} | "
                 f"{max(ours):.3f} |",
                 f"\nRatio of medians: **{statistics.median(ours) / statistics.median(bare):.2f}×** (target ≤ 1.25×).\n"]
        if corpus.available():
            folder = corpus.make(10_000)
            out = subprocess.run([sys.executable, "-c", KEYS, str(folder)], capture_output=True, text=True,
                                 check=True, env=env, timeout=1800)
            data = json.loads(out.stdout.strip().splitlines()[-1])
            lines.append(f"Keystrokes on {data['articles']:,} articles (`j` ×150 then `k` ×150, 140×40), "
                         f"{len(data['first'])} with a screen update; one frame at 60 Hz is 16.7 ms:\n")
            lines.append("| measure | p50 ms | p95 ms | max ms | within one frame |\n|---|---:|---:|---:|---:|")
            for label, key in (("key → first screen update (list cursor moved)", "first"),
                               ("key → last screen update (reader, entity panel, status settled)", "settled")):
                t = sorted(data[key])
                p = lambda q: t[min(len(t) - 1, int(q * (len(t) - 1)))]  # noqa: E731
                lines.append(f"| {label} | {p(0.5):.1f} | {p(0.95):.1f} | {t[-1]:.1f} | "
                             f"{sum(1 for x in t if x <= 1000 / 60) * 100 / len(t):.0f}% |")
            lines.append(f"\nScreen updates per key: {sum(data['frames']) / len(data['frames']):.1f}.\n")
        else:
            lines.append("Keystrokes: skipped (../shared/corpora/10kgnad is not present).\n")
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
