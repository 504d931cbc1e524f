"""Loading 1,000 real article files cold: a fresh process reads, decodes and parses them.

Corpus: the first 1,000 files of ../shared/corpora/10kgnad (real Der Standard articles).
Each of 3 runs is a new Python process, so the parse is cold (imports are timed separately
and not counted in files/s). The OS page cache is warm after the first run; run 1 is reported
separately for that reason.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpora" / "10kgnad"
N_FILES = 1000
RUNS = 3

CHILD = """
import json, sys, time
t0 = time.perf_counter()
from newsreader.core.loader import load_paths
t1 = time.perf_counter()
result = load_paths([sys.argv[1]])
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "articles": len(result.articles),
                  "skipped": len(result.skipped), "files": result.files_read}))
"""


def run() -> str:
    title = "## Loading 1,000 files cold\n\n"
    if not CORPUS.is_dir():
        return title + "Skipped: ../shared/corpora/10kgnad is not present on this machine.\n"
    files = sorted(CORPUS.glob("*.txt"))[:N_FILES]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for f in files:  # symlinks would be followed; copies keep the corpus read-only and complete
            (folder / f.name).write_bytes(f.read_bytes())
        runs = []
        for _ in range(RUNS):
            out = subprocess.run([sys.executable, "-c", CHILD, str(folder)], capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout))
    rates = [r["files"] / r["load_s"] for r in runs]
    rows = "\n".join(
        f"| {i + 1} | {r['files']} | {r['articles']} | {r['skipped']} | {r['load_s']:.3f} | {r['files'] / r['load_s']:.0f} | {r['import_s'] * 1000:.0f} |"
        for i, r in enumerate(runs)
    )
    return (
        title
        + f"Corpus: first {len(files)} files of `corpora/10kgnad`, copied to a temporary folder; each run a fresh process.\n\n"
        "| run | files | articles | skipped | load s | files/s | import ms |\n|---|---|---|---|---|---|---|\n"
        + rows
        + f"\n\nMedian: **{statistics.median(rates):.0f} files/s**.\n"
    )
