"""``newsreader search``: ranked, typo-tolerant search; ``--stdin`` for one query per line."""

from __future__ import annotations

import argparse
import itertools
import sys

from newsreader.cli.collection import add_ner_option, open_index, paths_or_seeds
from newsreader.cli.output import Parser, json_line, say, write
from newsreader.cli.subcommand import Subcommand
from newsreader.core.wording import count


class _SearchParser(Parser):
    """The options taken first (:func:`_options_first`); a QUERY is needed unless ``--stdin``."""

    def parse_args(self, args=None, namespace=None):
        parsed = super().parse_args(_options_first(self, sys.argv[1:] if args is None else args), namespace)
        if not parsed.stdin and parsed.query is None:
            self.error("a QUERY is needed (or --stdin)")
        return parsed


def _options_first(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """``argv`` with the parser's options (and their values) first, then ``--`` and the rest, so
    that a query or a path may start with '-' (``search -per:x``): argparse would take it for an
    unknown option."""
    takes_value = {name: action.nargs != 0 for action in parser._actions for name in action.option_strings}
    options: list[str] = []
    rest: list[str] = []
    args = iter(argv)
    for arg in args:
        name = arg.split("=", 1)[0]
        if arg == "--":
            rest.extend(args)
        elif name in takes_value:
            options.append(arg)
            if takes_value[name] and "=" not in arg:
                options.extend(itertools.islice(args, 1))
        else:
            rest.append(arg)
    return [*options, "--", *rest]


def parser(prog: str) -> Parser:
    parser = _SearchParser(prog=prog, allow_abbrev=False,
                           description="Search a collection (typos and missing umlauts allowed). A query may start "
                                       "with '-' (-per:x). Query syntax: see docs/guide.md.")
    parser.add_argument("query", nargs="?", help="the query (omit with --stdin)")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled seeds)")
    parser.add_argument("--stdin", action="store_true", help="read one query per line; one JSON line per query")
    parser.add_argument("--json", action="store_true", help="JSON output")
    parser.add_argument("--limit", type=int, default=20, help="at most this many results (default 20)")
    add_ner_option(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    paths = list(args.paths)
    if args.stdin and args.query is not None:
        paths.insert(0, args.query)  # with --stdin every positional is a path
    index, _ = open_index(paths_or_seeds(paths), args.ner, quiet=True)
    if args.stdin:
        for line in sys.stdin:
            q = line.rstrip("\n")
            res = index.search(q, limit=args.limit)
            write(json_line({"query": q, "elapsed_ms": round(res.elapsed_ms, 3), "error": res.error,
                             "results": [h.to_json() for h in res.hits]}))
            sys.stdout.flush()
        return 0
    res = index.search(args.query, limit=args.limit)
    if res.error:
        say(res.error)
        return 2
    for h in res.hits:
        if args.json:
            write(json_line(h.to_json()))
        else:
            date = h.article.date.display() if h.article.date else "undated"
            write(f"{h.score:9.2f}  {date:<18} {h.article.title[:70]}\n           {h.snippet}")
    if not args.json:
        write(f"{count(len(res.hits), 'result')} in {res.elapsed_ms:.1f} ms", err=True)
    return 0 if res.hits else 1


COMMAND = Subcommand("search", "QUERY [PATH…] [--json]",
                     "ranked, typo-tolerant search; --stdin for one query per line", parser, run)
