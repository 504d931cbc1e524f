"""Name finding in child processes: several children, pipelined batches, faults and stopping."""

from __future__ import annotations

import os
import re
import signal
import threading
import time

import pytest

from newsreader.core.ner.cache import EntityCache, recognize_all
from newsreader.core.ner.crf import CRFRecognizer
from newsreader.core.ner.process import ProcessRecognizer, recognize_batches
from newsreader.core.stopping import Stopped

from conftest import REPO


@pytest.fixture(scope="module")
def crf() -> CRFRecognizer:
    return CRFRecognizer()


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """A few hundred German texts from the seed articles: each sentence, each two sentences
    together, each whole article."""
    articles = [p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt"))]
    out = list(articles)
    for article in articles:
        sentences = [s for s in re.split(r"(?<=[.!?\"])\s+", article) if s.strip()]
        out += sentences + [a + " " + b for a, b in zip(sentences, sentences[1:])]
    assert len(out) > 250
    return out


@pytest.fixture(scope="module")
def expected(crf, texts) -> list:
    return [crf.recognize(t) for t in texts]


def wait_for(condition, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def reaped(pid: int) -> bool:
    """The child was waited for: it is no zombie (nor running)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def count_submits(rec: ProcessRecognizer) -> list[int]:
    """The size of each batch submitted to ``rec`` from now on."""
    sizes = []
    submit = rec.submit
    rec.submit = lambda batch: (sizes.append(len(batch)), submit(batch))[1]
    return sizes


def test_two_children_give_the_in_process_mentions_in_order(crf, texts, expected):
    rec = ProcessRecognizer(crf, "crf", children=2)
    try:
        assert rec.recognize_many(texts) == expected  # shared out between the two
        pids = rec.pids()
        assert len(pids) == 2
        # batches collected in another order than submitted still answer their own texts
        tickets = [rec.submit(texts[i:i + 20]) for i in range(0, len(texts), 20)]
        for n in reversed(range(len(tickets))):
            assert rec.collect(tickets[n]) == expected[20 * n:20 * n + 20]
        assert rec.collect(rec.submit([])) == []
        odd = ["Der Bürgermeister von Köln traf Ángela Merkel in Łódź – „München“ 🙂.", "",
               "Köln \udcff traf Merkel."]
        assert rec.recognize_many(odd) == [crf.recognize(t) for t in odd]  # any character (a lone surrogate too)
        assert rec.failed is None
    finally:
        rec.close()
    assert rec.pids() == [] and all(map(reaped, pids))


def test_recognize_all_sends_the_next_batches_before_it_stores_one(crf, texts, expected):
    rec = ProcessRecognizer(crf, "crf", children=2)
    submitted = count_submits(rec)
    cache = EntityCache(None)
    at_put = []
    put = cache.put
    cache.put = lambda items, model: (at_put.append(len(submitted)), put(items, model))
    progress = []
    try:
        found = recognize_all(texts, rec, cache, lambda done, total: progress.append((done, total)), batch=25)
        assert found == expected
    finally:
        rec.close()
    unique = len(set(texts))
    batches = -(-unique // 25)
    # two children holding two batches each, and one more sent before the first is stored
    assert at_put == [min(n + 5, batches) for n in range(batches)]
    assert sum(submitted) == unique and progress[-1] == (unique, unique)
    assert all(done <= total for done, total in progress)
    # everything is in the cache now: the in-process recognizer is not asked again
    assert recognize_all(texts, ExplodingRecognizer(crf), cache) == expected


def test_recognize_all_splits_a_small_batch_for_the_children(crf, texts, expected):
    rec = ProcessRecognizer(crf, "crf", children=2)
    submitted = count_submits(rec)
    try:
        assert len(set(texts[:41])) == 41
        assert recognize_all(texts[:41], rec, EntityCache(None)) == expected[:41]  # fewer than a batch of 200
        assert submitted == [21, 20] and len(rec.pids()) == 2
    finally:
        rec.close()


class ExplodingRecognizer:
    def __init__(self, inner):
        self.name, self.version = inner.name, inner.version

    def recognize(self, text):
        raise AssertionError("recognised again")


def test_recognize_batches_hands_back_each_batch_with_its_mentions(crf, texts, expected):
    batches = [(n, texts[n:n + 30]) for n in range(0, 120, 30)]
    inline = list(recognize_batches(crf, batches, lambda b: b[1]))
    rec = ProcessRecognizer(crf, "crf", children=2)
    try:
        piped = list(recognize_batches(rec, batches, lambda b: b[1]))
    finally:
        rec.close()
    assert inline == piped == [(b, expected[b[0]:b[0] + 30]) for b in batches]


def test_a_child_killed_mid_way_loses_nothing(crf, texts, expected):
    rec = ProcessRecognizer(crf, "crf", children=2)
    try:
        tickets = [rec.submit(texts[i:i + 15]) for i in range(0, len(texts), 15)]
        first = rec.collect(tickets[0])
        wait_for(lambda: len(rec.pids()) == 2)
        victim = rec.pids()[0]
        os.kill(victim, signal.SIGKILL)
        rest = [rec.collect(t) for t in tickets[1:]]
        assert [m for batch in [first, *rest] for m in batch] == expected
        wait_for(lambda: rec.pids() != [] and victim not in rec.pids())
        assert len(rec.pids()) == 1 and rec.failed
        wait_for(lambda: reaped(victim))
        # the last child killed too: what it held is recognised in-process
        tickets = [rec.submit(texts[i:i + 40]) for i in range(0, len(texts), 40)]
        os.kill(rec.pids()[0], signal.SIGKILL)
        assert [m for t in tickets for m in rec.collect(t)] == expected
        assert rec.pids() == []
    finally:
        rec.close()


def test_stop_from_another_thread_ends_a_waiting_call_at_once(crf, texts):
    rec = ProcessRecognizer(crf, "crf", children=2)
    rec.recognize_many(texts[:4])  # both children are up
    pids = rec.pids()
    assert len(pids) == 2
    outcome = []

    def call():
        try:
            rec.recognize_many(texts * 20)  # many seconds of work
            outcome.append("answered")
        except Stopped:
            outcome.append("stopped")

    waiting = threading.Thread(target=call)
    waiting.start()
    wait_for(lambda: rec.pids() == pids and waiting.is_alive())
    assert rec.failed is None
    start = time.monotonic()
    rec.stop()
    waiting.join(timeout=0.5)
    assert not waiting.is_alive() and time.monotonic() - start < 0.5
    assert outcome == ["stopped"]
    assert all(map(reaped, pids))
    with pytest.raises(Stopped):
        rec.recognize("In Wien regnet es.")
    with pytest.raises(Stopped):
        rec.submit(["In Wien regnet es."])
    rec.close()


def test_children_start_as_batches_wait_up_to_the_count(crf, texts, expected):
    cores = len(os.sched_getaffinity(0))
    rec = ProcessRecognizer(crf, "crf")
    try:
        assert rec.children == min(cores, 4)
        assert len(rec.pids()) == 1  # the first at once, the others when it answers and more wait
    finally:
        rec.close()
    rec = ProcessRecognizer(crf, "crf", children=3)
    try:
        tickets = [rec.submit(texts[i:i + 20]) for i in range(0, 60, 20)]
        assert len(rec.pids()) == 1  # submitting starts none: the first batch has the CPU to itself
        assert [m for t in tickets for m in rec.collect(t)] == expected[:60]
        assert len(rec.pids()) >= 2  # the first answer came while other batches waited
        assert rec.recognize_many(texts) == expected
        assert len(rec.pids()) == 3  # never more than asked for
    finally:
        rec.close()


def test_a_child_runs_at_a_lower_cpu_priority(crf):
    rec = ProcessRecognizer(crf, "crf", children=1)
    try:
        rec.recognize("In Wien regnet es.")  # answered: the child has lowered its priority
        (pid,) = rec.pids()
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, pid) == min(ours + 10, 19)
        with open(f"/proc/{pid}/stat") as stat:  # the same, as the kernel reports it
            assert int(stat.read().rsplit(")", 1)[1].split()[16]) == min(ours + 10, 19)
    finally:
        rec.close()
