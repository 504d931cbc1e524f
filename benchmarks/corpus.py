"""Synthetic collections of N articles made from the real texts in ../shared/corpora/10kgnad.

How the texts are varied, so that the vocabulary grows the way a real collection's does:

- Article i starts from real article ``i mod 1028`` and keeps its sentences in order.
- Two sentences from other random real articles are inserted at random places (news reuse
  sentences, and this spreads words across documents).
- Each capitalised word that is not the first of its sentence is, with probability 0.12,
  replaced by a new word: a prefix of one real capitalised word joined to the suffix of another
  (``Regier`` + ``ungsbank``), drawn with a Zipf distribution from a pool of ``6 * N`` such
  words. New names and compounds thus keep appearing as N grows (Heaps' law) while frequent
  ones repeat, instead of N copies of one vocabulary.
- Each article gets a month between 2015-01 and 2024-12 in the header (`` date YYYY-MM ``), so
  date filters select real subsets.

The real text is not committed; collections are written to a temporary folder and reused
between runs (``benchmarks/.corpus-N`` is ignored by git).

:func:`shuffled` makes the plainer collection of issue 20's figures (bench_collection): file i is
real article ``i mod 1029`` with its sentences in a random order, nothing else changed.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent / "shared" / "corpora" / "10kgnad"
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„\"])")
_WORD = re.compile(r"\b[A-ZÄÖÜ][a-zäöüß]{3,}\b")


def available() -> bool:
    return SOURCE.is_dir()


def real_texts() -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(SOURCE.glob("*.txt"))]


def make(n: int, seed: int = 20261122) -> Path:
    out = HERE / f".corpus-{n}"
    marker = out / ".complete"
    if marker.exists():
        return out
    out.mkdir(exist_ok=True)
    rng = random.Random(seed)
    texts = [t for _, t in real_texts()]
    sentences = [_SENT.split(t) for t in texts]
    words = sorted({w for t in texts for w in _WORD.findall(t)})
    pool_size = 6 * n
    pool_rng = random.Random(seed + 1)
    pool = []
    for _ in range(pool_size):
        a, b = pool_rng.choice(words), pool_rng.choice(words)
        pool.append(a[: pool_rng.randint(3, max(3, len(a) - 1))] + b[pool_rng.randint(1, len(b) - 3):].lower())
    # Zipf weights over the pool
    weights = [1.0 / (r + 1) for r in range(pool_size)]
    cum = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)

    def new_word() -> str:
        import bisect

        return pool[min(bisect.bisect_left(cum, rng.random() * total), pool_size - 1)]

    for i in range(n):
        sents = list(sentences[i % len(texts)])
        for _ in range(2):
            other = sentences[rng.randrange(len(texts))]
            sents.insert(rng.randint(1, len(sents)), rng.choice(other))
        varied = []
        for s in sents:
            first = True

            def repl(m: re.Match) -> str:
                nonlocal first
                if first and m.start() == 0:
                    first = False
                    return m.group()
                return new_word() if rng.random() < 0.12 else m.group()

            varied.append(_WORD.sub(repl, s))
        year, month = 2015 + rng.randrange(10), 1 + rng.randrange(12)
        (out / f"{i:06d}.txt").write_text(f" date {year}-{month:02d} " + " ".join(varied) + "\n", encoding="utf-8")
    marker.write_text("ok")
    return out


def shuffled(n: int, seed: int = 20) -> Path:
    """N files, file i a copy of real article ``i mod 1029`` with its sentences shuffled, each
    file by its own random generator (seeded with ``seed`` and i): the same files every time.
    Written once to ``benchmarks/.corpus-shuffled-N`` and reused."""
    out = HERE / f".corpus-shuffled-{n}"
    marker = out / ".complete"
    if marker.exists():
        return out
    out.mkdir(exist_ok=True)
    texts = [t for _, t in real_texts()]
    for i in range(n):
        sentences = _SENT.split(texts[i % len(texts)].strip())
        random.Random(f"{seed}:{i}").shuffle(sentences)
        (out / f"{i:06d}.txt").write_text(" ".join(sentences) + "\n", encoding="utf-8")
    marker.write_text("ok")
    return out
