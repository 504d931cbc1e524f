"""``newsreader entities``: the people, places, organisations and other names in a collection."""

from __future__ import annotations

import argparse

from newsreader.cli.collection import add_ner_option, open_index, paths_or_seeds
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
    """From the collection's index (files parsed and names found only when new or changed)."""
    index, _report = open_index(paths_or_seeds(args.paths), args.ner, quiet=True, names=True)
    for ent in index.entities():
        if args.type and ent.type != args.type:
            continue
        aliases = index.entity_aliases(ent.id)
        if args.json:
            write(json_line({"canonical": ent.canonical, "type": ent.type, "aliases": sorted(aliases),
                             "articles": index.entity_article_ids(ent.id), "article_count": ent.article_count,
                             "mentions": ent.mentions}))
        else:
            others = ", ".join(a for a in sorted(aliases) if a != ent.canonical)
            write(f"{ent.type:<4} {ent.canonical:<40} {ent.article_count:>4} articles {ent.mentions:>5} mentions"
                  + (f"  ({others})" if others else ""))
    return 0 if len(index) else 1


COMMAND = Subcommand("entities", "[PATH…] [--json]",
                     "the people, places, organisations and other names in a collection", parser, run)
