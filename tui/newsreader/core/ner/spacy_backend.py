"""Optional backend: a German spaCy model the user installed themselves.

spaCy is not a dependency. It is imported only when the user asks for it (``--ner spacy:NAME`` or
``ner = "spacy:NAME"`` in the config file); its labels are mapped to ours.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from newsreader.core.article import NER_TEXTS
from newsreader.core.ner.types import Mention

# German models use PER/LOC/ORG/MISC; OntoNotes-style models use the longer names.
LABELS = {
    "PER": "PER", "PERSON": "PER",
    "LOC": "LOC", "GPE": "LOC", "FAC": "LOC",
    "ORG": "ORG", "NORP": "MISC",
    "MISC": "MISC", "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC",
    "LANGUAGE": "MISC",
}


class SpacyRecognizer:
    def __init__(self, model: str, load: Callable[[str], Any] | None = None):
        if load is None:
            import spacy  # noqa: PLC0415 - optional, lazy

            load = spacy.load
        self.model = model
        self._nlp = load(model)
        self.name = f"spacy:{model}"

    @property
    def version(self) -> str:
        meta = getattr(self._nlp, "meta", None) or {}
        return f"spacy:{self.model}:{meta.get('version', '?')}:{NER_TEXTS}"

    def recognize(self, text: str) -> list[Mention]:
        doc = self._nlp(text)
        out = []
        for ent in doc.ents:
            kind = LABELS.get(ent.label_)
            if kind:
                out.append(Mention(ent.start_char, ent.end_char, text[ent.start_char:ent.end_char], kind, 1.0))
        return out
