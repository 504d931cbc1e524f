"""Run every benchmark and write docs/benchmarks.md. `make bench` calls this.

Each bench_*.py module has run() -> str (a Markdown section). Benchmarks that need the real
corpora in ../shared say so in their section and are skipped when it is absent.
"""

from __future__ import annotations

import datetime
import importlib
import os
import platform
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

BENCHES = ["bench_load", "bench_ner", "bench_search", "bench_backend", "bench_ui", "bench_collection"]


def _sections(text: str) -> dict[str, str]:
    """The sections of a report by their ``## `` title line."""
    out: dict[str, str] = {}
    for part in ("\n" + text).split("\n## ")[1:]:
        out[part.split("\n", 1)[0]] = "## " + part.rstrip("\n") + "\n"
    return out


def main(argv: list[str] | None = None) -> int:
    """``run_all.py`` runs every benchmark; ``run_all.py bench_ner …`` re-runs only those and
    replaces their sections in the existing report (each section says when it was measured)."""
    names = list(argv if argv is not None else sys.argv[1:]) or BENCHES
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHES)}", file=sys.stderr)
        return 2
    out = REPO / "docs" / "benchmarks.md"
    old = _sections(out.read_text()) if out.exists() and names != BENCHES else {}
    today = datetime.date.today().isoformat()
    new: dict[str, str] = {}
    for name in names:
        print(f"running {name} …", flush=True)
        section = importlib.import_module(name).run().rstrip("\n") + f"\n\n_Measured {today} ({name}.py)._\n"
        new[section.split("\n", 1)[0][3:]] = section
    merged = {**old, **new} if old else new

    # sections in the order of BENCHES, whenever each was measured (titles from the modules' sources)
    titles = [m.group(1) for name in BENCHES
              for m in [re.search(r'"## (.+?)\\n', (HERE / f"{name}.py").read_text(encoding="utf-8"))] if m]
    merged = dict(sorted(merged.items(), key=lambda kv: titles.index(kv[0]) if kv[0] in titles else len(titles)))
    header = (
        "# Benchmarks\n\n"
        "Written by `make bench` (benchmarks/run_all.py); do not edit by hand.\n\n"
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
        "It is shared and noisy: compare figures measured in the same run (within one section), "
        "not across runs.\n"
    )
    out.write_text(header + "\n" + "\n".join(merged.values()))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
