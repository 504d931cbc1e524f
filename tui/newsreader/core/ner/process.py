"""A recognizer that runs in child processes, so that recognising a large collection in the
background does not take the interpreter lock (or the CPU) from the user interface.

Each child (``python -m newsreader.core.ner.process SPEC``) lowers its own CPU priority, builds the
recognizer once and answers each JSON line of texts with one JSON line of mentions. Plain
subprocesses with pipes, not multiprocessing: they need no file descriptors of the parent (a
Textual app replaces the standard streams), and when they fail the parent recognises in-process.

Batches are pipelined: :meth:`ProcessRecognizer.submit` queues a batch and returns at once,
:meth:`ProcessRecognizer.collect` waits for its mentions. The children take batches from one
queue, each holding at most :data:`PER_CHILD` (one being tagged, the next waiting in its pipe), so
none idles while the caller stores the last answer. :func:`recognize_batches` does this for any
recognizer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

from newsreader.core.heap import trimmer
from newsreader.core.ner.types import Mention
from newsreader.core.stopping import Stopped

MAX_CHILDREN = 4
PER_CHILD = 2  # batches a child holds: the one it tags and the next, already in its pipe
NICE = 10  # a child's CPU priority below the reader's
MANY = 20  # texts to tag for which child processes pay off (starting one takes a fraction of a second)

B = TypeVar("B")


def for_many(recognizer, spec: str, pending: int):
    """``recognizer`` tagging in child processes when ``pending`` texts wait, else itself. The
    caller ends the children: ``close()`` when done, ``stop()`` when it gives up."""
    return ProcessRecognizer(recognizer, spec) if pending > MANY else recognizer


def default_children() -> int:
    """One child per core this process may run on, at most :data:`MAX_CHILDREN`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on every platform
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_CHILDREN))


class _Job:
    """A submitted batch: its texts, and their mentions once a child (or the caller) has them."""

    __slots__ = ("texts", "result")

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.result: list[list[Mention]] | None = None


class _Child:
    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.sent: deque[_Job] = deque()  # written to it (or being written), in order, not answered
        self.alive = True
        self.reader: threading.Thread | None = None


class ProcessRecognizer:
    """Wraps the recognizer ``inner`` (used for its name, version and lexicon, and as the
    fallback) and does the tagging in up to ``children`` child processes (default
    :func:`default_children`). The first starts at once, another each time a child answers while
    more batches wait (so that on a busy machine the others do not slow the first batch down). A
    child that fails hands its batches back to the others, or to the caller, who then recognises
    them in-process; a dead child is not replaced.

    ``close()`` ends the children when they have answered; ``stop()`` ends them at once (from any
    thread), and from then on every call, and every call waiting, raises :class:`Stopped`."""

    def __init__(self, inner, spec: str, children: int | None = None):
        self.inner = inner
        self.name = inner.name
        self.spec = spec
        self.children = max(1, children if children is not None else default_children())
        self.failed: str | None = None  # why the latest child failed
        self.stopped = False
        self._closed = False
        self._cond = threading.Condition()
        self._queue: deque[_Job] = deque()  # submitted, not yet taken by a child
        self._children: list[_Child] = []
        self._tried = 0  # children started (or tried): one that failed is not replaced
        self._start_child()

    @property
    def version(self) -> str:
        return self.inner.version

    @property
    def ahead(self) -> int:
        """How many batches a caller may have submitted and not collected to keep every child busy."""
        return self.children * PER_CHILD

    def __getattr__(self, name):  # is_known_base and the like come from the real recognizer
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    def pids(self) -> list[int]:
        """The process ids of the children running now."""
        with self._cond:
            return [c.proc.pid for c in self._children if c.alive]

    def _start_child(self) -> None:
        self._tried += 1
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "newsreader.core.ner.process", *([self.spec] if self.spec else [])],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True)
        except OSError as exc:
            self.failed = str(exc)
            return
        child = _Child(proc)
        self._children.append(child)
        threading.Thread(target=self._write, args=(child,), name=f"ner-write-{proc.pid}", daemon=True).start()
        child.reader = threading.Thread(target=self._read, args=(child,), name=f"ner-read-{proc.pid}", daemon=True)
        child.reader.start()

    def submit(self, texts: Sequence[str]) -> _Job:
        """Queue ``texts`` for the children and return at once: a ticket for :meth:`collect`."""
        job = _Job(list(texts))
        with self._cond:
            if self.stopped:
                raise Stopped
            if not job.texts:  # nothing to ask (every text of a batch was cached, say)
                job.result = []
                return job
            self._queue.append(job)
            self._cond.notify_all()
        return job

    def collect(self, job: _Job) -> list[list[Mention]]:
        """The mentions of the texts of ``job`` (from :meth:`submit`), in their order; waits for
        them. With no child left, the texts are recognised here."""
        with self._cond:
            while job.result is None and not self.stopped and any(c.alive for c in self._children):
                self._cond.wait()
            if self.stopped:
                raise Stopped
            if job.result is not None:
                return job.result
            self._queue.remove(job)  # no child will take it
        out = []
        for text in job.texts:
            if self.stopped:
                raise Stopped
            out.append(self.inner.recognize(text))
        return out

    def recognize(self, text: str) -> list[Mention]:
        return self.recognize_many([text])[0]

    def recognize_many(self, texts: list[str]) -> list[list[Mention]]:
        """Mentions of every text, in order; the texts are shared out among the children."""
        if self.stopped:
            raise Stopped
        step = max(1, -(-len(texts) // self.children))
        jobs = [self.submit(texts[i:i + step]) for i in range(0, len(texts), step)]
        return [mentions for job in jobs for mentions in self.collect(job)]

    def _write(self, child: _Child) -> None:
        """Hands queued batches to ``child``, at most PER_CHILD unanswered at a time."""
        while True:
            with self._cond:
                while (child.alive and not self._closed and not self.stopped
                       and (len(child.sent) >= PER_CHILD or not self._queue)):
                    self._cond.wait()
                if not child.alive or self._closed or self.stopped:
                    break
                job = self._queue.popleft()
                child.sent.append(job)
            try:  # ASCII: a lone surrogate in a text survives the trip
                child.proc.stdin.write(json.dumps(job.texts).encode("ascii") + b"\n")
                child.proc.stdin.flush()
            except (OSError, ValueError) as exc:
                self._lost(child, f"the recognizer process could not be given texts ({exc})")
                return
        try:
            child.proc.stdin.close()  # the child ends when it has answered
        except OSError:
            pass

    def _read(self, child: _Child) -> None:
        """Hands each answer of ``child`` to the job it answers, in the order they were sent."""
        try:
            for line in child.proc.stdout:
                result = [[Mention(*m) for m in row] for row in json.loads(line)]
                with self._cond:
                    job = child.sent[0]
                    if len(result) != len(job.texts):
                        raise ValueError(f"{len(result)} answers to {len(job.texts)} texts")
                    child.sent.popleft()
                    job.result = result
                    if (self._tried < self.children and not (self._closed or self.stopped)
                            and (self._queue or any(c.sent for c in self._children if c.alive))):
                        self._start_child()  # more to do: one more child
                    self._cond.notify_all()
            try:
                code = child.proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                code = None
            reason = f"the recognizer process ended (exit code {code})"
        except (OSError, ValueError, TypeError, IndexError) as exc:
            reason = f"the recognizer process answered what it should not ({exc})"
        self._lost(child, reason)

    def _lost(self, child: _Child, reason: str) -> None:
        """``child`` is gone (or ends now): its unanswered batches go back to the queue, first."""
        with self._cond:
            if not child.alive:
                return
            child.alive = False
            if not (self.stopped or self._closed):
                self.failed = reason
            self._queue.extendleft(reversed(child.sent))
            child.sent.clear()
            self._cond.notify_all()
        _end(child.proc)

    def stop(self) -> None:
        """End every child now (from any thread): a call waiting for one raises :class:`Stopped`."""
        with self._cond:
            self.stopped = True
            procs = [c.proc for c in self._children]
            self._cond.notify_all()
        for proc in procs:
            try:
                proc.kill()
            except OSError:
                pass
        for proc in procs:
            _end(proc)

    def close(self) -> None:
        """End the children when they have answered what they were given; later calls are
        recognised in-process."""
        with self._cond:
            self._closed = True
            children = list(self._children)
            self._cond.notify_all()
        for child in children:
            child.reader.join(timeout=5)  # it has read every answer (or the child hangs: killed)
            self._lost(child, "closed")


def _end(proc: subprocess.Popen) -> None:
    """Kill ``proc`` unless it has ended, and reap it (no zombie is left)."""
    if proc.poll() is None:
        try:
            proc.kill()
        except OSError:
            pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # cannot be killed (a stuck kernel call): nothing more to do
        pass


def recognize_batches(recognizer, batches: Iterable[B | None],
                      texts_of: Callable[[B], Sequence[str]] = list) -> Iterator[tuple[B, list[list[Mention]]]]:
    """Each batch with the mentions of its texts (``texts_of(batch)``), in order.

    A recognizer that offers ``submit``/``collect`` (:class:`ProcessRecognizer`) is given up to
    ``recognizer.ahead`` batches beyond the one handed back, so it keeps working while the caller
    stores that one; ``texts_of`` is called when a batch is sent. Others recognise each batch
    when it is asked for (``recognize_many`` if they have it). A ``None`` among the batches
    says that no batch is ready now (``batches`` waits for the next): the batches sent so far
    are handed back first."""
    submit = getattr(recognizer, "submit", None)
    if submit is None:
        many = _many(recognizer)
        for batch in batches:
            if batch is not None:
                yield batch, many(list(texts_of(batch)))
        return
    sent: deque[tuple[B, _Job]] = deque()
    for batch in batches:
        if batch is None:
            while sent:
                first, job = sent.popleft()
                yield first, recognizer.collect(job)
            continue
        sent.append((batch, submit(texts_of(batch))))
        if len(sent) > recognizer.ahead:
            first, job = sent.popleft()
            yield first, recognizer.collect(job)
    while sent:
        first, job = sent.popleft()
        yield first, recognizer.collect(job)


def _many(recognizer) -> Callable[[list[str]], list[list[Mention]]]:
    """The recognizer's ``recognize_many`` (many texts tagged together), else one text at a time."""
    many = getattr(recognizer, "recognize_many", None)
    return many if many is not None else lambda texts: [recognizer.recognize(t) for t in texts]


def main() -> int:
    nice = getattr(os, "nice", None)  # not on Windows: the child then runs at the reader's priority
    if nice is not None:
        try:
            nice(NICE)
        except OSError:
            pass
    from newsreader.core.ner import get_recognizer

    recognizer = get_recognizer(sys.argv[1] if len(sys.argv) > 1 else None)[0]
    many = _many(recognizer)
    # tagging makes arrays of a few MB a batch, and the heap keeps what they leave: a child that
    # tagged the 1,029 10kGNAD articles held 141 MB, 97 MB trimmed after each batch, no slower
    trim = trimmer()
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        rows = [[[m.start, m.end, m.text, m.type, m.confidence] for m in found] for found in many(json.loads(line))]
        trim()
        out.write(json.dumps(rows).encode("ascii") + b"\n")
        out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
