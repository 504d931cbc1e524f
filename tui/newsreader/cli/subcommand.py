"""One ``newsreader NAME …``: its line in ``newsreader --help``, its parser and its handler."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

SUMMARY_COLUMN = 33  # where the summaries start in ``newsreader --help``; a longer usage is followed by two spaces


@dataclass(frozen=True)
class Subcommand:
    name: str
    arguments: str  # what follows the name in its line in ``newsreader --help``
    summary: str
    parser: Callable[[str], argparse.ArgumentParser]  # given its prog, ``newsreader NAME``
    run: Callable[[argparse.Namespace], int]  # the exit code

    def help_line(self) -> str:
        """``  NAME ARGUMENTS  SUMMARY``, the summaries in one column where the names fit."""
        usage = f"{self.name} {self.arguments}"
        return f"  {usage}{' ' * max(2, SUMMARY_COLUMN - 2 - len(usage))}{self.summary}"

    def __call__(self, argv: list[str]) -> int:
        return self.run(self.parser(f"newsreader {self.name}").parse_args(argv))
