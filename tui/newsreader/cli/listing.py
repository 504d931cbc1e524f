"""``newsreader list``: the articles with title, date, source and path."""

from __future__ import annotations

import argparse

from newsreader.cli.collection import paths_or_seeds, report_skipped
from newsreader.cli.output import Parser, json_line, write
from newsreader.cli.subcommand import Subcommand
from newsreader.core.wording import count


def parser(prog: str) -> Parser:
    parser = Parser(prog=prog, description="List articles, newest first.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled seeds)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line and article")
    parser.add_argument("--oldest-first", action="store_true", help="oldest first (undated stay last)")
    return parser


def run(args: argparse.Namespace) -> int:
    from newsreader.core.article import sort_articles
    from newsreader.core.loader import load_paths

    result = load_paths(paths_or_seeds(args.paths))
    report_skipped(result)
    articles = sort_articles(result.articles, newest_first=not args.oldest_first)
    for article in articles:
        if args.json:
            write(json_line(article.to_json()))
        else:
            date = article.date.display() if article.date else "undated"
            title = article.title if len(article.title) <= 70 else article.title[:69] + "…"
            write(f"{date:<18} {title:<70} {article.source or '':<12} {article.path}")
    if not args.json:
        write(f"{count(len(articles), 'article')} from {count(result.files_read, 'file')}; "
              f"{len(result.redecoded):,} re-decoded from cp1252; {len(result.skipped):,} skipped", err=True)
    return 0 if articles else 1


COMMAND = Subcommand("list", "[PATH…] [--json]", "list the articles with title, date, source and path", parser, run)
