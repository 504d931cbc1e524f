"""Entity recognition: model load time, tagging speed, and the cache on a relaunch.

Corpus: the first 300 files of ../shared/corpora/10kgnad. Load time is measured in a fresh
process (import; opening the recognizer; then the first sentence tagged, which reads the
gazetteer and the CRF). Tagging speed is tokens per second over the bodies.
The cache figure compares a first run (recognizer runs, cache empty) with a second run over the
same articles in a new process (all from the cache).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpora" / "10kgnad"
N_FILES = 300

LOAD = """
import json, time
t0 = time.perf_counter()
from newsreader.core.ner.crf import CRFRecognizer
t1 = time.perf_counter()
rec = CRFRecognizer()
t2 = time.perf_counter()
rec.recognize("Angela Merkel besuchte Paris.")  # the gazetteer and the CRF's weights are read for the first text
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "open_s": t2 - t1, "ready_s": t3 - t1}))
"""

TAG = """
import json, os, sys, time
from newsreader.core.loader import load_paths
from newsreader.core.ner.crf import CRFRecognizer
from newsreader.core.ner.tokenize import tokenize
from newsreader.core.ner.collection import analyse
from newsreader.core.ner.cache import EntityCache
from pathlib import Path
arts = load_paths([sys.argv[1]]).articles
rec = CRFRecognizer()
tokens = sum(len(tokenize(a.body)) for a in arts)
t0 = time.perf_counter()
res = analyse(arts, rec, EntityCache(Path(sys.argv[2])))
t1 = time.perf_counter()
print(json.dumps({"articles": len(arts), "tokens": tokens, "seconds": t1 - t0,
                  "entities": len(res.entities), "mentions": sum(e.mentions for e in res.entities)}))
"""


def run() -> str:
    title = "## Entity recognition\n\n"
    if not CORPUS.is_dir():
        return title + "Skipped: ../shared/corpora/10kgnad is not present on this machine.\n"
    loads = [json.loads(subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True,
                                       check=True).stdout) for _ in range(3)]
    load = sorted(loads, key=lambda r: r["open_s"])[1]
    files = sorted(CORPUS.glob("*.txt"))[:N_FILES]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "articles")
        folder.mkdir()
        for f in files:
            (folder / f.name).write_bytes(f.read_bytes())
        cache = Path(tmp, "entities.sqlite")
        cold = json.loads(subprocess.run([sys.executable, "-c", TAG, str(folder), str(cache)],
                                         capture_output=True, text=True, check=True).stdout)
        warm = json.loads(subprocess.run([sys.executable, "-c", TAG, str(folder), str(cache)],
                                         capture_output=True, text=True, check=True).stdout)
    return (
        title
        + f"Corpus: first {len(files)} files of `corpora/10kgnad` ({cold['articles']} articles, "
        f"{cold['tokens']:,} body tokens; titles are tagged too).\n\n"
        "| measure | value |\n|---|---|\n"
        f"| import of the recognizer module | {load['import_s'] * 1000:.0f} ms |\n"
        f"| opening the recognizer (its word list), median of 3 processes | {load['open_s'] * 1000:.0f} ms |\n"
        f"| … and ready to tag (the gazetteer and the CRF's weights read, one sentence tagged), same process | {load['ready_s'] * 1000:.0f} ms |\n"
        f"| first run: recognise + link, empty cache | {cold['seconds']:.2f} s ({cold['tokens'] / cold['seconds']:,.0f} tokens/s) |\n"
        f"| relaunch: same articles, cache warm | {warm['seconds']:.2f} s |\n"
        f"| entities / mentions found | {cold['entities']:,} / {cold['mentions']:,} |\n"
    )
