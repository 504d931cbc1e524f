"""``newsreader entities``: the people, places, organisations and other names in a collection."""

from __future__ import annotations

import argparse

from newsreader.cli.collection import add_ner_option, analyse, paths_or_seeds, report_skipped
from newsreader.cli.output import Parser, json_line, write
from newsreader.cli.subcommand import Subcommand


def parser(prog: str) -> Parser:
    parser = Parser(prog=prog, description="The collection's entity index: canonical name, type, aliases, "
                                           "articles, mention count; most widespread first.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled seeds)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line and entity")
    parser.add_argument("--type", choices=["PER", "LOC", "ORG", "MISC"], help="only this type")
    add_ner_option(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    from newsreader.core.loader import load_paths

    result = load_paths(paths_or_seeds(args.paths))
    report_skipped(result)
    ents = analyse(result.articles, args.ner)
    for ent in ents.entities:
        if args.type and ent.type != args.type:
            continue
        if args.json:
            write(json_line(ent.to_json()))
        else:
            aliases = ", ".join(a for a in sorted(ent.aliases) if a != ent.canonical)
            write(f"{ent.type:<4} {ent.canonical:<40} {len(ent.articles):>4} articles {ent.mentions:>5} mentions"
                  + (f"  ({aliases})" if aliases else ""))
    return 0 if result.articles else 1


COMMAND = Subcommand("entities", "[PATH…] [--json]",
                     "the people, places, organisations and other names in a collection", parser, run)
