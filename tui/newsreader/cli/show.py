"""``newsreader show``: one article with its named entities."""

from __future__ import annotations

import argparse

from newsreader.cli.collection import add_ner_option, open_index, paths_or_seeds, with_id
from newsreader.cli.output import Parser, json_line, say, write
from newsreader.cli.subcommand import Subcommand


def parser(prog: str) -> Parser:
    parser = Parser(prog=prog, description="One article with its named entities. TARGET is an article id "
                                           "(looked up in PATHs, default the bundled seeds) or a file.")
    parser.add_argument("target", metavar="ID|PATH")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="collection to look the id up in")
    parser.add_argument("--json", action="store_true", help="print JSON")
    add_ner_option(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """From the collection's index (files parsed and names found only when new or changed)."""
    from pathlib import Path

    is_file = Path(args.target).exists()
    paths = [args.target, *args.paths] if is_file else paths_or_seeds(args.paths)
    index, _report = open_index(paths, args.ner, quiet=True, names=True)
    articles = index.articles(bodies=False)
    if is_file:
        target = str(Path(args.target))
        matches = [a for a in articles if any(Path(p) == Path(target) or p.startswith(target.rstrip("/") + "/")
                                              for p in a.paths)]
    else:
        matches = with_id(articles, args.target)
    if not matches:
        say(f"no article {args.target!r} (an id from `newsreader list --json`, or a file)")
        return 1
    from newsreader.core.ner.collection import ArticleEntities, mention_json

    for article in matches:
        index.fill(article)
        found = index.article_names(article.id) or ArticleEntities()
        if args.json:
            data = article.to_json() | {"body": article.body,
                                        "entities": [mention_json(m) for m in found.body],
                                        "title_entities": [mention_json(m) for m in found.title]}
            write(json_line(data))
        else:
            date = article.date.display() if article.date else "undated"
            write(f"{article.title}\n{date} · {article.source or ''}\n\n{article.body}\n")
            for m in found.title + found.body:
                write(f"  {m.mention.type:<4} {m.mention.text}" + (f"  → {m.canonical}" if m.canonical != m.mention.text else ""))
    return 0


COMMAND = Subcommand("show", "ID|PATH [PATH…] [--json]", "one article with its named entities", parser, run)
