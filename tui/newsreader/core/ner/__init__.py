"""Named entities: the recognizers, mention linking and the per-article cache.

``get_recognizer(spec)`` gives the built-in CRF (``"crf"``, the default) or a user-installed spaCy
model (``"spacy:de_core_news_lg"``); when the spaCy model cannot be loaded it falls back to the CRF
and says why.
"""

from __future__ import annotations

from newsreader.core.ner.types import TYPES, Mention, Recognizer

__all__ = ["TYPES", "Mention", "Recognizer", "get_recognizer"]

DEFAULT = "crf"


def get_recognizer(spec: str | None = None) -> tuple[Recognizer, str | None]:
    """The recognizer for ``spec`` and a message when it had to fall back to the default."""
    spec = (spec or DEFAULT).strip()
    if spec.startswith("spacy:"):
        model = spec.split(":", 1)[1]
        try:
            from newsreader.core.ner.spacy_backend import SpacyRecognizer

            return SpacyRecognizer(model), None
        except ImportError:
            reason = "spaCy is not installed"
        except Exception as exc:  # spaCy raises OSError for a missing model, others for broken ones
            reason = f"the model could not be loaded ({type(exc).__name__}: {exc})"
        from newsreader.core.ner.crf import CRFRecognizer

        return CRFRecognizer(), f"NER backend {spec!r} unavailable: {reason}; using the built-in recognizer"
    from newsreader.core.ner.crf import CRFRecognizer

    if spec != DEFAULT:
        return CRFRecognizer(), f"unknown NER backend {spec!r} (use 'crf' or 'spacy:MODEL'); using the built-in recognizer"
    return CRFRecognizer(), None
