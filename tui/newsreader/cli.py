"""Command line: ``newsreader [PATH…]`` opens the reader; subcommands print data."""

from __future__ import annotations

import argparse
import sys

from newsreader import __version__

DESCRIPTION = """\
A keyboard-driven terminal reader for German news articles.

With no PATH it opens the articles bundled with newsreader; otherwise the given files and folders
(folders are read recursively)."""


def _tui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsreader", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders of articles")
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _tui_parser().parse_args(sys.argv[1:] if argv is None else argv)
    from newsreader.app import NewsReaderApp  # imported late: --help/--version stay instant

    NewsReaderApp(args.paths).run()
    return 0
