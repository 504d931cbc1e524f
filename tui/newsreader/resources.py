"""Where the bundled folders (styles, seeds) are, in a wheel and in a checkout.

A wheel carries them inside the package as ``newsreader/_bundled/<name>`` (hatch force-include);
an editable install or a plain checkout finds them at the repository root, two levels above
this package (``tui/newsreader`` -> repo). Every caller goes through :func:`bundled_dir`.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """Return the folder ``name`` (``styles`` or ``seeds``) shipped with newsreader."""
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"newsreader is missing its bundled '{name}' folder")


def styles_dir() -> Path:
    return bundled_dir("styles")


def seeds_dir() -> Path:
    return bundled_dir("seeds")


def stylesheet(name: str) -> Path:
    """``styles/NAME.tcss``: ``app`` for the reader, ``dialogs`` for the screens opened over it."""
    return styles_dir() / f"{name}.tcss"
