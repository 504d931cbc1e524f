"""Search: index build, per-keystroke latency against a naive scan, relaunch cost, quality.

Collections: 10,000 and 100,000 synthetic articles (benchmarks/corpus.py explains how they are
made from the real 10kGNAD texts), and the 1,028 real articles themselves for quality.
Every measurement runs in a fresh process; latencies are ``elapsed_ms`` measured inside
``SearchIndex.search`` (parse, expand, SQLite, ranking, snippets), per keystroke of typing each
query one character at a time. Entity names are not recognised for these builds (the recognizer
costs about as much per article as the rest of indexing together; its speed is in the entity
section), so ``per:``-style filters are not part of the keystroke mix.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

QUERIES = HERE / "search_queries.json"
EXTRA = ["wien fluechtlinge", "date:2016..2017 regierung", "-wien asyl", '"faule kredite"',
         "source:standard", "bundeskanzer faymann", "oesterreich griechenland", "praesident obama syrien"]
NAIVE_SAMPLE = 30

BUILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from newsreader.core.search.index import SearchIndex
idx = SearchIndex(__import__('pathlib').Path(sys.argv[2]))
rep = idx.refresh([sys.argv[1]])
t1 = time.perf_counter()
vocabulary = idx.db.execute("SELECT count(*) FROM vocab").fetchone()[0]
print(json.dumps({"seconds": t1 - t0, "articles": len(idx), "vocabulary": vocabulary,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

TYPE = """
import json, resource, sys, time
from pathlib import Path
from newsreader.core.search.index import SearchIndex
idx = SearchIndex(Path(sys.argv[2]))
idx.refresh([sys.argv[1]])
idx.ensure_vocabulary()
seqs = json.loads(sys.argv[3])
lat = []
for q in seqs:
    for i in range(1, len(q) + 1):
        lat.append((q[:i], idx.search(q[:i], limit=20).elapsed_ms))
print(json.dumps({"latencies": lat, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

NAIVE = """
import json, sys, time
from pathlib import Path
from rapidfuzz import fuzz, process, utils
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
texts = [utils.default_process(t) for t in texts]
out = []
for q in json.loads(sys.argv[2]):
    t0 = time.perf_counter()
    process.extract(utils.default_process(q), texts, scorer=fuzz.partial_ratio, limit=20)
    out.append((time.perf_counter() - t0) * 1000)
print(json.dumps(out))
"""

RELAUNCH = """
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from newsreader.core.search.index import SearchIndex
idx = SearchIndex(Path(sys.argv[2]))
arts = idx.articles(bodies=False)
t1 = time.perf_counter()
idx.refresh([sys.argv[1]])
t2 = time.perf_counter()
print(json.dumps({"seconds": t1 - t0, "refresh": t2 - t1, "articles": len(arts)}))
"""

QUALITY = """
import json, sys
from pathlib import Path
from newsreader.core.search.index import SearchIndex
idx = SearchIndex(None)
idx.refresh([sys.argv[1]])
rows = []
for item in json.loads(Path(sys.argv[2]).read_text())["queries"]:
    res = idx.search(item["q"], limit=10)
    names = [Path(h.article.path).name for h in res.hits]
    rows.append({"q": item["q"], "rank": names.index(item["file"]) + 1 if item["file"] in names else None})
print(json.dumps(rows))
"""


LONG_QUERIES = ["haushalt", "zebrastreifen", "stadt haushalt", "bericht -zebrastreifen", '"langer bericht"',
                "verkehrsamt", "bahnhof date:2000.."]

LONG_TYPE = """
import json, sys
from pathlib import Path
from newsreader.core.search.index import SearchIndex, default_index_path
idx = SearchIndex(default_index_path([sys.argv[1]]))
idx.ensure_vocabulary()
lat = []
for q in json.loads(sys.argv[2]):
    for i in range(1, len(q) + 1):
        lat.append(idx.search(q[:i], limit=20).elapsed_ms)
print(json.dumps(lat))
"""


def write_long_article(path: Path, megabytes: float = 60, seed: int = 18) -> Path:
    """One plain-text article of about ``megabytes`` MB of German-looking text: words of two to
    four German syllables (umlauts included) drawn with a Zipf law from a pool of 60,000, plus
    the short words of German, in sentences and paragraphs; 'Zebrastreifen' once, at the end.
    (tests/test_hardening_db.py uses it too.)"""
    rng = random.Random(seed)
    syllables = ("ber lin ge mein de rat haus halt schaft ung stadt ver kehr bahn hof wirt markt land tag wahl "
                 "recht amt zeit kunft bund bau werk heit keit über grün füh rung spä ter schul kir che").split()
    short = "und der die das in mit von für auf über nach bei sich nicht ein eine den dem im zu ist wird hat".split()
    pool = list(dict.fromkeys("".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(90_000)))[:60_000]
    cum = [0.0]
    for i in range(len(pool)):
        cum.append(cum[-1] + 1 / (i + 1))
    cum = cum[1:]
    paragraphs = []
    for _ in range(3000):
        words = [w.capitalize() if rng.random() < 0.3 else w
                 for w in rng.choices(pool, cum_weights=cum, k=60)] + rng.choices(short, k=50)
        rng.shuffle(words)
        sentences = [" ".join(words[i:i + 11]) for i in range(0, len(words), 11)]
        paragraphs.append((". ".join(s[0].upper() + s[1:] for s in sentences) + ".\n\n").encode("utf-8"))
    size = int(megabytes * 2**20)
    with path.open("wb") as out:
        written = out.write("Der Haushalt der Stadt: ein sehr langer Bericht\n\n".encode("utf-8"))
        while written < size:
            written += out.write(rng.choice(paragraphs))
        out.write(b"Am Ende steht ein Zebrastreifen.\n")
    return path


def _peak_mb(args: list[str], env: dict) -> tuple[float, float]:
    """Peak RSS (MB) and seconds of a command, measured on the process itself (wait4)."""
    import time

    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise RuntimeError(f"{args} failed ({status})")
    return usage.ru_maxrss / 1024, time.perf_counter() - t0


def long_article(megabytes: float = 60) -> str:
    """`newsreader index` on a folder with one long article: peak memory over the same command on
    one short article, and per-keystroke search latency afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, XDG_CACHE_HOME=str(Path(tmp, "cache")), XDG_CONFIG_HOME=str(Path(tmp, "config")))
        small, big = Path(tmp, "small"), Path(tmp, "big")
        small.mkdir()
        big.mkdir()
        (small / "kurz.txt").write_text("Ein kurzer Bericht\n\nDer Rat der Stadt tagt in Berlin.\n", encoding="utf-8")
        size = write_long_article(big / "lang.txt", megabytes).stat().st_size / 2**20
        cmd = [sys.executable, "-m", "newsreader", "index"]
        base, _ = _peak_mb([*cmd, str(small)], env)
        peak, seconds = _peak_mb([*cmd, str(big)], env)
        out = subprocess.run([sys.executable, "-c", LONG_TYPE, str(big), json.dumps(LONG_QUERIES)], env=env,
                             capture_output=True, text=True, check=True)
        lat = json.loads(out.stdout)
    return (f"One long article ({size:.0f} MB of German-looking text, benchmarks/bench_search.py "
            f"`write_long_article`): `newsreader index` takes {seconds:.0f} s and **{peak - base:.0f} MB** above the same "
            f"command on one short article ({(peak - base) / size:.1f}× the file; peak {peak:.0f} MB). Searching it "
            f"afterwards, {len(lat)} keystrokes of {len(LONG_QUERIES)} queries: p50 {pct(lat, 0.5):.1f} ms, "
            f"p95 {pct(lat, 0.95):.1f} ms, max {max(lat):.1f} ms (snippets read only the first "
            "100 KB of a text).\n")


def _run(code: str, *args: str) -> object:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p * (len(s) - 1))))]


def run(sizes: tuple[int, ...] = (10_000, 100_000)) -> str:
    title = "## Search\n\n"
    if not corpus.available():
        return (title + "Skipped: ../shared/corpora/10kgnad is not present on this machine.\n\n"
                + long_article())
    queries = [q["q"] for q in json.loads(QUERIES.read_text())["queries"]] + EXTRA
    keystrokes = sum(len(q) for q in queries)
    rows = []
    relaunch = {}
    with tempfile.TemporaryDirectory() as tmp:
        seeds_db = Path(tmp, "seeds.sqlite")
        seeds = str(HERE.parent / "seeds")
        _run(RELAUNCH, seeds, str(seeds_db))
        relaunch["seeds"] = statistics.median(_run(RELAUNCH, seeds, str(seeds_db))["seconds"] for _ in range(3))
        relaunch["seeds_refresh"] = statistics.median(_run(RELAUNCH, seeds, str(seeds_db))["refresh"] for _ in range(3))
        for n in sizes:
            folder = corpus.make(n)
            db = Path(tmp, f"{n}.sqlite")
            build = _run(BUILD, str(folder), str(db))
            typed = _run(TYPE, str(folder), str(db), json.dumps(queries))
            lat = [ms for _, ms in typed["latencies"]]
            step = max(1, len(typed["latencies"]) // NAIVE_SAMPLE)
            sample = typed["latencies"][::step][:NAIVE_SAMPLE]
            naive = _run(NAIVE, str(folder), json.dumps([q for q, _ in sample]))
            ours_on_sample = [ms for _, ms in sample]
            if n == 10_000:
                runs = [_run(RELAUNCH, str(folder), str(db)) for _ in range(3)]
                relaunch["10k"] = statistics.median(r["seconds"] for r in runs)
                relaunch["10k_refresh"] = statistics.median(r["refresh"] for r in runs)
            rows.append({"n": n, "build": build, "p50": pct(lat, 0.5), "p95": pct(lat, 0.95), "max": max(lat),
                         "naive_p50": statistics.median(naive), "ours_sample_p50": statistics.median(ours_on_sample),
                         "rss": typed["rss_mb"], "db_mb": db.stat().st_size / 2**20})
    quality = _run(QUALITY, str(corpus.SOURCE), str(QUERIES))
    top3 = sum(1 for r in quality if r["rank"] and r["rank"] <= 3)
    misses = [f"`{r['q']}` (rank {r['rank'] or '>10'})" for r in quality if not r["rank"] or r["rank"] > 3]

    lines = [title, "Collections: made from the 1,028 real 10kGNAD texts as benchmarks/corpus.py describes: two "
             "sentences from other articles mixed into each, capitalised words replaced (p = 0.12) by new compounds "
             "drawn with a Zipf law from a pool of 6 × N, so the vocabulary grows with N; a month per article.\n",
             f"Keystroke mix: {len(queries)} queries ({len(queries) - len(EXTRA)} from the quality set, "
             f"{len(EXTRA)} with phrases, exclusions, date and source filters) typed one character at a time: "
             f"{keystrokes} searches per collection, top 20 results with snippets each.\n",
             "| articles | build s | vocabulary | index MB | peak RSS MB (search process) | p50 ms | p95 ms | max ms | naive scan p50 ms | speed-up |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        b = r["build"]
        speedup = r["naive_p50"] / r["ours_sample_p50"] if r["ours_sample_p50"] else float("inf")
        lines.append(f"| {r['n']:,} | {b['seconds']:.1f} | {b['vocabulary']:,} | {r['db_mb']:.0f} | {r['rss']:.0f} | "
                     f"{r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | {r['naive_p50']:.0f} | {speedup:,.0f}× |")
    lines.append(f"\nNaive scan: rapidfuzz `process.extract(query, texts, scorer=fuzz.partial_ratio, limit=20)` over "
                 f"the preprocessed full texts, on {NAIVE_SAMPLE} keystrokes sampled evenly from the same mix; the "
                 "speed-up compares medians on that sample. Build: a fresh process parses every file and "
                 "fills the index (no entity recognition); peak RSS of the build process: "
                 + ", ".join(f"{r['n']:,}: {r['build']['rss_mb']:.0f} MB" for r in rows) + ".\n")
    if "10k" in relaunch:
        lines.append(f"Warm relaunch, as the reader does it (fresh process: imports, open the index, list every "
                     f"article without its text): seeds {relaunch['seeds']:.2f} s, 10,000 articles "
                     f"{relaunch['10k']:.2f} s: **+{relaunch['10k'] - relaunch['seeds']:.2f} s** (median of 3). "
                     f"The check of every file for changes follows in the background: "
                     f"{relaunch['seeds_refresh']:.3f} s for the seeds, {relaunch['10k_refresh']:.2f} s for 10,000 files.\n")
    lines.append(f"Quality on the 1,028 real articles: the intended article is in the top 3 for **{top3} of "
                 f"{len(quality)}** hand-written queries ({100 * top3 / len(quality):.0f}%; "
                 "benchmarks/search_queries.json). Missed: " + (", ".join(misses) or "none") + ".\n")
    lines.append(long_article())
    return "\n".join(lines)


if __name__ == "__main__":
    print(run(tuple(int(a) for a in sys.argv[1:]) or (10_000,)))
