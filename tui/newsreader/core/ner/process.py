"""A recognizer that runs in a child process, so that recognising a large collection in the
background does not take the interpreter lock from the user interface.

The child (``python -m newsreader.core.ner.process SPEC``) builds the recognizer once and
answers one JSON line of texts with one JSON line of mentions. A plain subprocess with pipes,
not multiprocessing: it needs no file descriptors of the parent (a Textual app replaces the
standard streams), and when the child fails the parent falls back to recognising in-process.
"""

from __future__ import annotations

import json
import subprocess
import sys

from newsreader.core.ner.types import Mention
from newsreader.core.stopping import Stopped


class ProcessRecognizer:
    """Wraps the recognizer ``inner`` (used for its name, version and lexicon, and as the
    fallback) and does the tagging in one child process. ``close()`` ends the child when it has
    answered; ``stop()`` ends it at once, and from then on every call raises :class:`Stopped`."""

    def __init__(self, inner, spec: str):
        self.inner = inner
        self.name = inner.name
        self.failed: str | None = None
        self.stopped = False
        try:
            self._child: subprocess.Popen | None = subprocess.Popen(
                [sys.executable, "-m", "newsreader.core.ner.process", spec], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8", close_fds=True)
        except OSError as exc:
            self._child = None
            self.failed = str(exc)

    @property
    def version(self) -> str:
        return self.inner.version

    def __getattr__(self, name):  # is_known_base and the like come from the real recognizer
        return getattr(self.inner, name)

    def recognize(self, text: str) -> list[Mention]:
        return self.recognize_many([text])[0]

    def recognize_many(self, texts: list[str]) -> list[list[Mention]]:
        if self.stopped:
            raise Stopped
        if self._child is not None:
            try:
                self._child.stdin.write(json.dumps(texts, ensure_ascii=False) + "\n")
                self._child.stdin.flush()
                line = self._child.stdout.readline()
                if line:
                    return [[Mention(*m) for m in row] for row in json.loads(line)]
                self.failed = f"the recognizer process ended (exit code {self._child.poll()})"
            except (OSError, ValueError) as exc:
                self.failed = str(exc)
            if self.stopped:  # the child was ended by stop(), from another thread
                raise Stopped
            self.close()
        return [self.inner.recognize(t) for t in texts]

    def stop(self) -> None:
        """End the child now (from any thread): a call waiting for it raises :class:`Stopped`."""
        self.stopped = True
        child = self._child
        if child is not None:
            try:
                child.kill()
            except OSError:
                pass

    def close(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            try:
                child.stdin.close()
                child.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                child.kill()


def main() -> int:
    from newsreader.core.ner import get_recognizer

    recognizer = get_recognizer(sys.argv[1] if len(sys.argv) > 1 else None)[0]
    for line in sys.stdin:
        texts = json.loads(line)
        rows = [[[m.start, m.end, m.text, m.type, m.confidence] for m in recognizer.recognize(t)] for t in texts]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
