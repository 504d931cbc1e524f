"""Search storage: SQLite FTS5 against our own inverted-index tables, on the same texts and queries.

The issue left the choice open ("FTS5 or our own tables, whichever measures better"); this is the
measurement behind the choice. Both stores get the same folded title and body of every article of
the synthetic collections (benchmarks/corpus.py), and answer the same retrieval step the reader
runs per keystroke: every query word must match (the word being typed as its ≤ 30 most frequent
completions, as SearchIndex does), ranked by BM25 with the title weighted 4 and the body 1, top 20.
Word expansion happens in memory before either store is asked, so it is left out of the timing;
fuzzy expansion, filters and snippets are left out too, because they are the same code for both.

- FTS5: a contentless ``fts5(title, body)`` table; ``MATCH`` with ``bm25(fts, 4, 1)``.
- Own tables: ``postings(term, col, doc, tf)`` and ``doclen(doc, col, len)`` as WITHOUT ROWID
  tables, ``terms(term, df)``; BM25 (k1 = 1.2, b = 0.75, idf from ``terms``) computed in one SQL
  statement with ``GROUP BY doc HAVING`` every query word matched.

Both run in one process, alternating per keystroke, so noise hits both alike.
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
from bench_search import QUERIES, pct  # noqa: E402

COMPLETIONS = 30

MEASURE = r"""
import json, math, sqlite3, sys, time
from collections import Counter
from pathlib import Path
from newsreader.core.loader import load_paths
from newsreader.core.search.fold import folded_text

folder, tmp, queries = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
K1, B, W, COMPLETIONS = 1.2, 0.75, (4.0, 1.0), 30
docs = [(folded_text(a.title), folded_text(a.body)) for a in load_paths([folder]).articles]

# --- FTS5
t0 = time.perf_counter()
fts = sqlite3.connect(tmp / "fts.sqlite")
fts.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 0')")
with fts:
    fts.executemany("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", ((i, t, b) for i, (t, b) in enumerate(docs)))
fts.execute("INSERT INTO fts(fts) VALUES ('optimize')")
fts.commit()
fts_build = time.perf_counter() - t0

# --- own tables
t0 = time.perf_counter()
own = sqlite3.connect(tmp / "own.sqlite")
own.executescript('''
    CREATE TABLE postings (term TEXT, col INTEGER, doc INTEGER, tf INTEGER, PRIMARY KEY (term, col, doc)) WITHOUT ROWID;
    CREATE TABLE doclen (doc INTEGER, col INTEGER, len INTEGER, PRIMARY KEY (doc, col)) WITHOUT ROWID;
    CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER) WITHOUT ROWID;
''')
postings, lens, df = [], [], Counter()
for doc, cols in enumerate(docs):
    seen = set()
    for col, text in enumerate(cols):
        words = text.split()
        lens.append((doc, col, len(words)))
        for term, tf in Counter(words).items():
            postings.append((term, col, doc, tf))
            seen.add(term)
    df.update(seen)
postings.sort()
with own:
    own.executemany("INSERT INTO postings VALUES (?, ?, ?, ?)", postings)
    own.executemany("INSERT INTO doclen VALUES (?, ?, ?)", lens)
    own.executemany("INSERT INTO terms VALUES (?, ?)", sorted(df.items()))
own_build = time.perf_counter() - t0
del postings, lens
n_docs = len(docs)
avg = [sum(len(d[c].split()) for d in docs) / n_docs for c in (0, 1)]

vocab = sorted(df)
import bisect
def completions(prefix):
    i = bisect.bisect_left(vocab, prefix)
    out = []
    while i < len(vocab) and vocab[i].startswith(prefix):
        out.append(vocab[i]); i += 1
    return sorted(out, key=lambda w: -df[w])[:COMPLETIONS]

def groups_for(typed):
    words = folded_text(typed).split()
    if not words:
        return None
    last_typing = not typed.endswith(" ")
    groups = [[w] for w in words]
    if last_typing:
        if len(words[-1]) < 3:
            groups = groups[:-1]
        else:
            groups[-1] = completions(words[-1]) or [words[-1]]
    return groups or None

def run_fts(groups):
    expr = " AND ".join("(" + " OR ".join(f'"{w}"' for w in g) + ")" for g in groups)
    return [r for r, in fts.execute(f"SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, {W[0]}, {W[1]}) LIMIT 20", [expr])]

def run_own(groups):
    terms = sorted({w for g in groups for w in g})
    marks = ",".join("?" * len(terms))
    dfs = dict(own.execute(f"SELECT term, df FROM terms WHERE term IN ({marks})", terms))
    rows = [(w, gi, math.log((n_docs - dfs[w] + 0.5) / (dfs[w] + 0.5) + 1))
            for gi, g in enumerate(groups) for w in g if w in dfs]
    if not rows:
        return []
    values = ",".join("(?, ?, ?)" for _ in rows)
    sql = (f"WITH q(term, grp, idf) AS (VALUES {values}) "
           f"SELECT p.doc, SUM(q.idf * p.tf * {K1 + 1} / (p.tf + {K1} * ({1 - B} + {B} * l.len / "
           f"CASE p.col WHEN 0 THEN {avg[0]} ELSE {avg[1]} END)) * CASE p.col WHEN 0 THEN {W[0]} ELSE {W[1]} END) AS s "
           "FROM q JOIN postings p ON p.term = q.term JOIN doclen l ON l.doc = p.doc AND l.col = p.col "
           "GROUP BY p.doc HAVING COUNT(DISTINCT q.grp) = ? ORDER BY s DESC LIMIT 20")
    return [r for r, _ in own.execute(sql, [x for row in rows for x in row] + [len(groups)])]

lat_fts, lat_own, overlap = [], [], []
for q in queries:
    for i in range(1, len(q) + 1):
        groups = groups_for(q[:i])
        if groups is None:
            continue
        t0 = time.perf_counter(); a = run_fts(groups); t1 = time.perf_counter()
        b = run_own(groups); t2 = time.perf_counter()
        lat_fts.append((t1 - t0) * 1000); lat_own.append((t2 - t1) * 1000)
        if a or b:
            overlap.append(len(set(a) & set(b)) / max(len(a), len(b)))
fts.close(); own.close()
print(json.dumps({"docs": n_docs, "fts": {"build": fts_build, "mb": (tmp / "fts.sqlite").stat().st_size / 2**20, "lat": lat_fts},
                  "own": {"build": own_build, "mb": (tmp / "own.sqlite").stat().st_size / 2**20, "lat": lat_own},
                  "overlap": sum(overlap) / len(overlap)}))
"""


def run(sizes: tuple[int, ...] = (10_000, 100_000)) -> str:
    title = "## Search storage: FTS5 against own tables\n\n"
    if not corpus.available():
        return title + "Skipped: ../shared/corpora/10kgnad is not present on this machine.\n"
    # plain words only: filters, phrases and exclusions are the same code in front of either store
    queries = [" ".join(w for w in q["q"].split() if w.isalpha()) for q in json.loads(QUERIES.read_text())["queries"]]
    lines = [title, f"The same folded titles and bodies in both; {len(queries)} hand-written queries typed one "
                    "character at a time; each keystroke asks for the top 20 by BM25 (title 4, body 1), every word "
                    f"required, the word being typed as its ≤ {COMPLETIONS} most frequent completions. Timed: the SQL "
                    "step only (word expansion, snippets and filters are the same code for both). Both stores in one "
                    "process, alternating per keystroke (benchmarks/bench_backend.py).\n",
             "| articles | store | build s | size MB | p50 ms | p95 ms | max ms |", "|---:|---|---:|---:|---:|---:|---:|"]
    notes, ratios = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = corpus.make(n)
            work = Path(tmp, str(n))
            work.mkdir()
            out = subprocess.run([sys.executable, "-c", MEASURE, str(folder), str(work), json.dumps(queries)],
                                 capture_output=True, text=True, check=True)
            data = json.loads(out.stdout.strip().splitlines()[-1])
            for key, label in (("fts", "FTS5"), ("own", "own tables")):
                d = data[key]
                lines.append(f"| {data['docs']:,} | {label} | {d['build']:.1f} | {d['mb']:.0f} | {pct(d['lat'], 0.5):.1f} | "
                             f"{pct(d['lat'], 0.95):.1f} | {max(d['lat']):.1f} |")
            ratio = statistics.median(data["own"]["lat"]) / statistics.median(data["fts"]["lat"])
            ratios.append(ratio)
            notes.append(f"{data['docs']:,} articles: own tables' median {ratio:.1f}× FTS5's over "
                         f"{len(data['fts']['lat'])} keystrokes; the two top-20 lists share "
                         f"{data['overlap'] * 100:.0f}% of their articles on average (FTS5 scores columns a little "
                         "differently, so they are not identical).")
    lines.append("\n" + "\n".join(f"- {x}" for x in notes))
    faster = [r for r in ratios if r > 1]
    verdict = ("FTS5 answered faster at every size measured" if len(faster) == len(ratios) else
               "own tables answered faster at " + ", ".join(f"{n:,}" for n, r in zip(sizes, ratios) if r <= 1) + " articles")
    lines.append(f"\n{verdict}. The reader uses FTS5, which also gives phrases and NEAR in C.\n")
    return "\n".join(lines)


if __name__ == "__main__":
    print(run(tuple(int(a) for a in sys.argv[1:]) or (10_000,)))
