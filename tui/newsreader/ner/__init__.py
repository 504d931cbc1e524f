"""Command-line entry points for the entity recognizer (the logic lives in ``newsreader.core.ner``)."""
