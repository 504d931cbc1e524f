"""What every recognizer returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

TYPES = ("PER", "LOC", "ORG", "MISC")


@dataclass(frozen=True, slots=True)
class Mention:
    """A recognised name: character offsets into the text it was found in."""

    start: int
    end: int
    text: str
    type: str
    confidence: float = 1.0


class Recognizer(Protocol):
    name: str

    @property
    def version(self) -> str: ...

    def recognize(self, text: str) -> list[Mention]: ...
