"""newsreader: a keyboard-driven terminal reader for German news articles."""

__version__ = "0.1.0"
