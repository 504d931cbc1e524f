"""``newsreader index``: build or refresh the search index (only new or changed files)."""

from __future__ import annotations

import argparse

from newsreader.cli.collection import add_ner_option, open_index, paths_or_seeds
from newsreader.cli.output import Parser, write
from newsreader.cli.subcommand import Subcommand
from newsreader.core.wording import count


def parser(prog: str) -> Parser:
    parser = Parser(prog=prog, description="Build or refresh the search index of a collection. Only new or "
                                           "changed files are parsed and recognised; deleted files drop out.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled seeds)")
    add_ner_option(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    import time

    start = time.perf_counter()
    index, r = open_index(paths_or_seeds(args.paths), args.ner)
    index.optimize()  # after a large build: one segment per table, the space given back
    took = time.perf_counter() - start
    write(f"{count(len(index), 'article')} indexed in {took:.1f} s (reading the files {r.seconds:.1f} s, then names): "
          f"{count(r.files, 'file')}, {r.parsed:,} parsed, "
          f"{r.unchanged:,} unchanged, {r.removed_files:,} gone; {count(r.added_articles, 'article')} added, "
          f"{r.removed_articles:,} removed; {count(len(r.skipped), 'file')} skipped. Index: {index.path}", err=True)
    return 0 if len(index) else 1


COMMAND = Subcommand("index", "[PATH…]", "build or refresh the search index (only new or changed files)", parser, run)
