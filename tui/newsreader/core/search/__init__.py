"""Typo-tolerant full-text search over a persistent SQLite FTS5 index (see ``index.py``)."""
