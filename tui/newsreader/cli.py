"""Command line: ``newsreader [PATH…]`` opens the reader; subcommands print data.

Subcommands are recognised by the first argument; to open a file or folder whose name is a
subcommand, write it as a path (``./list``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from newsreader import __version__

DESCRIPTION = """\
A keyboard-driven terminal reader for German news articles.

With no PATH it opens the articles bundled with newsreader; otherwise the given files and folders
(folders are read recursively).

subcommands (newsreader COMMAND --help for each):
  list [PATH…] [--json]    list the articles with title, date, source and path"""


def _tui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsreader", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders of articles")
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    return parser


def _paths_or_seeds(paths: list[str]) -> list[str]:
    if paths:
        return paths
    from newsreader.resources import seeds_dir

    return [str(seeds_dir())]


def _report_skipped(result) -> None:
    for skipped in result.skipped:
        print(f"newsreader: skipped {skipped.path}: {skipped.reason}", file=sys.stderr)


def cmd_list(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="newsreader list", description="List articles, newest first.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled seeds)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line and article")
    parser.add_argument("--oldest-first", action="store_true", help="oldest first (undated stay last)")
    args = parser.parse_args(argv)

    from newsreader.core.article import sort_articles
    from newsreader.core.loader import load_paths

    result = load_paths(_paths_or_seeds(args.paths))
    _report_skipped(result)
    articles = sort_articles(result.articles, newest_first=not args.oldest_first)
    out = sys.stdout
    for article in articles:
        if args.json:
            out.write(json.dumps(article.to_json(), ensure_ascii=False) + "\n")
        else:
            date = article.date.display() if article.date else "undated"
            title = article.title if len(article.title) <= 70 else article.title[:69] + "…"
            out.write(f"{date:<18} {title:<70} {article.source or '':<12} {article.path}\n")
    if not args.json:
        print(f"{len(articles)} articles from {result.files_read} files; "
              f"{len(result.redecoded)} re-decoded from cp1252; {len(result.skipped)} skipped", file=sys.stderr)
    return 0 if articles else 1


SUBCOMMANDS: dict[str, Callable[[list[str]], int]] = {"list": cmd_list}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in SUBCOMMANDS:
        try:
            return SUBCOMMANDS[argv[0]](argv[1:])
        except BrokenPipeError:  # `newsreader list | head`
            sys.stderr.close()
            return 0
    args = _tui_parser().parse_args(argv)
    from newsreader.app import NewsReaderApp  # imported late: --help/--version stay instant

    NewsReaderApp(args.paths).run()
    return 0
