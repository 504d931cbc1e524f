"""Command line: ``newsreader [PATH…]`` opens the reader; subcommands print data.

Subcommands are recognised by the first argument; to open a file or folder whose name is a
subcommand, write it as a path (``./list``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from newsreader import __version__
from newsreader.core.wording import count

DESCRIPTION = """\
A keyboard-driven terminal reader for German news articles.

With no PATH it opens the articles bundled with newsreader; otherwise the given files and folders
(folders are read recursively).

subcommands (newsreader COMMAND --help for each):
  list [PATH…] [--json]          list the articles with title, date, source and path
  show ID|PATH [PATH…] [--json]  one article with its named entities
  entities [PATH…] [--json]      the people, places, organisations and other names in a collection
  index [PATH…]                  build or refresh the search index (only new or changed files)
  search QUERY [PATH…] [--json]  ranked, typo-tolerant search; --stdin for one query per line
  bookmarks list|add|remove|export|import   your bookmarks (newsreader bookmarks --help)"""


def _json(data: object) -> str:
    """One JSON line (``store.json_text``, imported only when JSON is written: it brings filelock)."""
    from newsreader.core.store import json_text

    return json_text(data)


def _tui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsreader", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders of articles")
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    _add_ner_option(parser)
    return parser


def _add_ner_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ner", metavar="BACKEND",
                        help="entity recognizer: 'crf' (built in, default) or 'spacy:MODEL' for a spaCy "
                             "model you installed; default from the config file")


def _recognizer(spec: str | None):
    from newsreader.core.config import load_config
    from newsreader.core.ner import get_recognizer

    cfg = load_config()
    for notice in cfg.notices:
        print(f"newsreader: {notice}", file=sys.stderr)
    recognizer, message = get_recognizer(spec or cfg.ner)
    if message:
        print(f"newsreader: {message}", file=sys.stderr)
    return recognizer


def _analyse(articles, spec: str | None):
    from newsreader.core.ner.collection import analyse, default_cache

    result = analyse(articles, _recognizer(spec), default_cache())
    for notice in result.notices:
        print(f"newsreader: {notice}", file=sys.stderr)
    return result


def _paths_or_seeds(paths: list[str]) -> list[str]:
    if paths:
        return paths
    from newsreader.resources import seeds_dir

    return [str(seeds_dir())]


def _say(text: str) -> None:
    """A message on stderr, with control characters in file names made visible."""
    from newsreader.core.textclean import visible

    print(f"newsreader: {visible(text)}", file=sys.stderr)


def _report_skipped(result) -> None:
    for skipped in result.skipped:
        _say(f"skipped {skipped.path}: {skipped.reason}")


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
            out.write(_json(article.to_json()) + "\n")
        else:
            date = article.date.display() if article.date else "undated"
            title = article.title if len(article.title) <= 70 else article.title[:69] + "…"
            out.write(f"{date:<18} {title:<70} {article.source or '':<12} {article.path}\n")
    if not args.json:
        print(f"{count(len(articles), 'article')} from {count(result.files_read, 'file')}; "
              f"{len(result.redecoded):,} re-decoded from cp1252; {len(result.skipped):,} skipped", file=sys.stderr)
    return 0 if articles else 1


def cmd_show(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="newsreader show",
                                     description="One article with its named entities. TARGET is an article id "
                                                 "(looked up in PATHs, default the bundled seeds) or a file.")
    parser.add_argument("target", metavar="ID|PATH")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="collection to look the id up in")
    parser.add_argument("--json", action="store_true", help="print JSON")
    _add_ner_option(parser)
    args = parser.parse_args(argv)

    from pathlib import Path

    from newsreader.core.loader import load_paths

    is_file = Path(args.target).exists()
    paths = [args.target, *args.paths] if is_file else _paths_or_seeds(args.paths)
    result = load_paths(paths)
    _report_skipped(result)
    if is_file:
        target = str(Path(args.target))
        matches = [a for a in result.articles if any(Path(p) == Path(target) or p.startswith(target.rstrip("/") + "/")
                                                     for p in a.paths)]
    else:
        matches = [a for a in result.articles if a.id == args.target or (len(args.target) >= 4 and a.id.startswith(args.target))]
    if not matches:
        print(f"newsreader: no article {args.target!r} (an id from `newsreader list --json`, or a file)",
              file=sys.stderr)
        return 1
    ents = _analyse(result.articles, args.ner)
    from newsreader.core.ner.collection import mention_json

    for article in matches:
        found = ents.by_article[article.id]
        if args.json:
            data = article.to_json() | {"body": article.body,
                                        "entities": [mention_json(m) for m in found.body],
                                        "title_entities": [mention_json(m) for m in found.title]}
            sys.stdout.write(_json(data) + "\n")
        else:
            date = article.date.display() if article.date else "undated"
            print(f"{article.title}\n{date} · {article.source or ''}\n\n{article.body}\n")
            for m in found.title + found.body:
                print(f"  {m.mention.type:<4} {m.mention.text}" + (f"  → {m.canonical}" if m.canonical != m.mention.text else ""))
    return 0


def cmd_entities(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="newsreader entities",
                                     description="The collection's entity index: canonical name, type, aliases, "
                                                 "articles, mention count; most widespread first.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled seeds)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line and entity")
    parser.add_argument("--type", choices=["PER", "LOC", "ORG", "MISC"], help="only this type")
    _add_ner_option(parser)
    args = parser.parse_args(argv)

    from newsreader.core.loader import load_paths

    result = load_paths(_paths_or_seeds(args.paths))
    _report_skipped(result)
    ents = _analyse(result.articles, args.ner)
    for ent in ents.entities:
        if args.type and ent.type != args.type:
            continue
        if args.json:
            sys.stdout.write(_json(ent.to_json()) + "\n")
        else:
            aliases = ", ".join(a for a in sorted(ent.aliases) if a != ent.canonical)
            print(f"{ent.type:<4} {ent.canonical:<40} {len(ent.articles):>4} articles {ent.mentions:>5} mentions"
                  + (f"  ({aliases})" if aliases else ""))
    return 0 if result.articles else 1


def _progress_bar(label: str):
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None
    import time

    last = [0.0]

    def show(done: int, total: int, _what: str = "") -> None:
        now = time.monotonic()
        if done != total and now - last[0] < 0.1:
            return
        last[0] = now
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _open_index(paths: list[str], ner: str | None, quiet: bool = False):
    from newsreader.core.ner.collection import default_cache
    from newsreader.core.search.index import SearchIndex, default_index_path

    index = SearchIndex(default_index_path(paths))
    for notice in index.notices:
        _say(notice)
    report = index.refresh(paths, progress=None if quiet else _progress_bar("indexing"))
    for skipped in report.skipped:
        _say(f"skipped {skipped.path}: {skipped.reason}")
    if index.pending_entities():
        index.recognize_pending(_recognizer(ner), default_cache(),
                                progress=None if quiet else _progress_bar("entities"))
    return index, report


def cmd_index(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="newsreader index",
                                     description="Build or refresh the search index of a collection. Only new or "
                                                 "changed files are parsed and recognised; deleted files drop out.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled seeds)")
    _add_ner_option(parser)
    args = parser.parse_args(argv)
    paths = _paths_or_seeds(args.paths)
    index, r = _open_index(paths, args.ner)
    print(f"{count(len(index), 'article')} indexed in {r.seconds:.1f} s: {count(r.files, 'file')}, {r.parsed:,} parsed, "
          f"{r.unchanged:,} unchanged, {r.removed_files:,} gone; {count(r.added_articles, 'article')} added, "
          f"{r.removed_articles:,} removed; {count(len(r.skipped), 'file')} skipped. Index: {index.path}", file=sys.stderr)
    return 0 if len(index) else 1


def cmd_search(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="newsreader search",
                                     description="Search a collection (typos and missing umlauts allowed). "
                                                 "Query syntax: see docs/guide.md.")
    parser.add_argument("query", nargs="?", help="the query (omit with --stdin)")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled seeds)")
    parser.add_argument("--stdin", action="store_true", help="read one query per line; one JSON line per query")
    parser.add_argument("--json", action="store_true", help="JSON output")
    parser.add_argument("--limit", type=int, default=20, help="at most this many results (default 20)")
    _add_ner_option(parser)
    args = parser.parse_args(argv)
    paths = list(args.paths)
    if args.stdin and args.query is not None:
        paths.insert(0, args.query)  # with --stdin every positional is a path
    elif not args.stdin and args.query is None:
        parser.error("a QUERY is needed (or --stdin)")
    index, _ = _open_index(_paths_or_seeds(paths), args.ner, quiet=True)
    out = sys.stdout
    if args.stdin:
        for line in sys.stdin:
            q = line.rstrip("\n")
            res = index.search(q, limit=args.limit)
            out.write(_json({"query": q, "elapsed_ms": round(res.elapsed_ms, 3), "error": res.error,
                             "results": [h.to_json() for h in res.hits]}) + "\n")
            out.flush()
        return 0
    res = index.search(args.query, limit=args.limit)
    if res.error:
        print(f"newsreader: {res.error}", file=sys.stderr)
        return 2
    for h in res.hits:
        if args.json:
            out.write(_json(h.to_json()) + "\n")
        else:
            date = h.article.date.display() if h.article.date else "undated"
            out.write(f"{h.score:9.2f}  {date:<18} {h.article.title[:70]}\n           {h.snippet}\n")
    if not args.json:
        print(f"{count(len(res.hits), 'result')} in {res.elapsed_ms:.1f} ms", file=sys.stderr)
    return 0 if res.hits else 1


def cmd_bookmarks(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="newsreader bookmarks", description="Your bookmarks, kept in the "
                                     "user data folder; every change is locked, merged and written atomically.")
    sub = parser.add_subparsers(dest="action", required=True)
    p_list = sub.add_parser("list", help="list the bookmarks, newest first")
    p_list.add_argument("--json", action="store_true", help="one JSON object per line")
    p_add = sub.add_parser("add", help="bookmark an article by id (looked up in PATHs, default the seeds)")
    p_add.add_argument("id")
    p_add.add_argument("paths", nargs="*", metavar="PATH")
    p_add.add_argument("--note", help="a short note")
    p_add.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    p_rm = sub.add_parser("remove", help="remove a bookmark (also one whose article is not loaded)")
    p_rm.add_argument("id")
    p_exp = sub.add_parser("export", help="write all bookmarks to stdout or a file")
    p_exp.add_argument("--format", choices=["md", "json", "csv"], default="json")
    p_exp.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout (atomically)")
    p_imp = sub.add_parser("import", help="merge bookmarks from a JSON or CSV export; never duplicates")
    p_imp.add_argument("file")
    args = parser.parse_args(argv)

    from newsreader.core.bookmarks import Bookmark, BookmarkStore, StoreError

    store = BookmarkStore()
    try:
        marks, loaded = store.load()
        for notice in loaded.notices:
            print(f"newsreader: {notice}", file=sys.stderr)
        if args.action == "list":
            for b in marks:
                if args.json:
                    sys.stdout.write(_json(b.to_json()) + "\n")
                else:
                    note = f"  — {b.note}" if b.note else ""
                    print(f"{b.id}  {b.date or 'undated':<16} {b.title[:70]}{note}")
            if not args.json:
                print(f"{count(len(marks), 'bookmark')} in {store.path}", file=sys.stderr)
            return 0
        if args.action == "add":
            from newsreader.core.loader import load_paths

            result = load_paths(_paths_or_seeds(args.paths))
            found = [a for a in result.articles if a.id == args.id or (len(args.id) >= 4 and a.id.startswith(args.id))]
            if len(found) != 1:
                what = "no article" if not found else count(len(found), "article")
                print(f"newsreader: {what} with id {args.id!r} in {' '.join(_paths_or_seeds(args.paths))}",
                      file=sys.stderr)
                return 1
            store.add(Bookmark.of(found[0], note=args.note, tags=args.tag))
            print(f"bookmarked {found[0].id}: {found[0].title}", file=sys.stderr)
            return 0
        if args.action == "remove":
            if store.remove(args.id):
                print(f"removed bookmark {args.id}", file=sys.stderr)
                return 0
            print(f"newsreader: no bookmark {args.id!r}", file=sys.stderr)
            return 1
        if args.action == "export":
            text = BookmarkStore.export(marks, args.format)
            if args.output:
                from pathlib import Path

                from newsreader.core.paths import atomic_write

                atomic_write(Path(args.output), text.encode("utf-8"))
                print(f"{count(len(marks), 'bookmark')} written to {args.output}", file=sys.stderr)
            else:
                sys.stdout.write(text)
            return 0
        if args.action == "import":
            from pathlib import Path

            try:
                incoming = BookmarkStore.parse_import(Path(args.file).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                print(f"newsreader: cannot import {args.file}: {exc}", file=sys.stderr)
                return 1
            added = store.merge(incoming)
            print(f"{count(added, 'bookmark')} added, {len(incoming) - added:,} already there", file=sys.stderr)
            return 0
    except StoreError as exc:
        print(f"newsreader: {exc}", file=sys.stderr)
        return 1
    return 2


SUBCOMMANDS: dict[str, Callable[[list[str]], int]] = {"bookmarks": cmd_bookmarks, "list": cmd_list, "show": cmd_show,
                                                      "entities": cmd_entities, "index": cmd_index,
                                                      "search": cmd_search}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in SUBCOMMANDS:
        try:
            return SUBCOMMANDS[argv[0]](argv[1:])
        except BrokenPipeError:  # `newsreader list | head`
            sys.stderr.close()
            return 0
    args = _tui_parser().parse_args(argv)
    import gc

    gc.disable()  # until the first screen is up (NewsReaderApp._started turns it back on)
    from newsreader.app import NewsReaderApp  # imported late: --help/--version stay instant

    NewsReaderApp(args.paths, ner=args.ner).run()
    return 0
