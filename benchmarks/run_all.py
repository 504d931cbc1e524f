"""Run every benchmark and write docs/benchmarks.md. `make bench` calls this.

Each bench_*.py module has run() -> str (a Markdown section). Benchmarks that need the real
corpora in ../shared say so in their section and are skipped when it is absent.
"""

from __future__ import annotations

import datetime
import importlib
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

BENCHES = ["bench_load", "bench_ner", "bench_search", "bench_ui"]


def main() -> int:
    sections = []
    for name in BENCHES:
        print(f"running {name} …", flush=True)
        sections.append(importlib.import_module(name).run())
    header = (
        "# Benchmarks\n\n"
        "Written by `make bench` (benchmarks/run_all.py); do not edit by hand.\n\n"
        f"Last run: {datetime.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. The machine is shared and noisy: compare figures "
        "measured in the same run, not across runs.\n"
    )
    out = REPO / "docs" / "benchmarks.md"
    out.write_text(header + "\n" + "\n".join(sections))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
