"""Command line: ``newsreader [PATH…]`` opens the reader; subcommands print data.

Subcommands are recognised by the first argument; to open a file or folder whose name is a
subcommand, write it as a path (``./list``). Everything the commands write to stdout and stderr,
argparse's help and errors included, goes through :func:`_write`.
"""

from __future__ import annotations

import argparse
import itertools
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


def _write(text: str, err: bool = False, end: str = "\n") -> None:
    """Every string the CLI writes: control characters (escape sequences), bidi controls and
    undecodable bytes made visible (``textclean.visible``; tabs and line breaks stay)."""
    from newsreader.core.textclean import visible

    (sys.stderr if err else sys.stdout).write(visible(text, lines=True) + end)


def _say(text: str) -> None:
    """A message on stderr: one line, ``newsreader: TEXT``."""
    from newsreader.core.textclean import visible

    _write(f"newsreader: {visible(text)}", err=True)


class _Parser(argparse.ArgumentParser):
    """argparse, whose help and error messages (which quote what was typed) go through _write."""

    def _print_message(self, message: str, file=None) -> None:
        if message:
            try:
                _write(message, err=file is sys.stderr, end="")
            except (AttributeError, OSError):  # no stream, or a closed one: as argparse does
                pass


def _json(data: object) -> str:
    """One JSON line (``store.json_text``: control characters as ``\\u`` escapes)."""
    from newsreader.core.store import json_text

    return json_text(data)


def _with_id(items: list, key: str) -> list:
    """What an id typed on the command line means: the items whose ``id`` it is, or else, for at
    least four characters, those whose id starts with it."""
    exact = [x for x in items if x.id == key]
    return exact or ([x for x in items if x.id.startswith(key)] if len(key) >= 4 else [])


def _tui_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="newsreader", description=DESCRIPTION,
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
        _say(notice)
    recognizer, message = get_recognizer(spec or cfg.ner)
    if message:
        _say(message)
    return recognizer


def _analyse(articles, spec: str | None):
    from newsreader.core.ner.collection import analyse, default_cache

    result = analyse(articles, _recognizer(spec), default_cache())
    for notice in result.notices:
        _say(notice)
    return result


def _paths_or_seeds(paths: list[str]) -> list[str]:
    if paths:
        return paths
    from newsreader.resources import seeds_dir

    return [str(seeds_dir())]


def _report_skipped(result) -> None:
    for skipped in result.skipped:
        _say(f"skipped {skipped.path}: {skipped.reason}")


def cmd_list(argv: list[str]) -> int:
    parser = _Parser(prog="newsreader list", description="List articles, newest first.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled seeds)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line and article")
    parser.add_argument("--oldest-first", action="store_true", help="oldest first (undated stay last)")
    args = parser.parse_args(argv)

    from newsreader.core.article import sort_articles
    from newsreader.core.loader import load_paths

    result = load_paths(_paths_or_seeds(args.paths))
    _report_skipped(result)
    articles = sort_articles(result.articles, newest_first=not args.oldest_first)
    for article in articles:
        if args.json:
            _write(_json(article.to_json()))
        else:
            date = article.date.display() if article.date else "undated"
            title = article.title if len(article.title) <= 70 else article.title[:69] + "…"
            _write(f"{date:<18} {title:<70} {article.source or '':<12} {article.path}")
    if not args.json:
        _write(f"{count(len(articles), 'article')} from {count(result.files_read, 'file')}; "
               f"{len(result.redecoded):,} re-decoded from cp1252; {len(result.skipped):,} skipped", err=True)
    return 0 if articles else 1


def cmd_show(argv: list[str]) -> int:
    parser = _Parser(prog="newsreader show",
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
        matches = _with_id(result.articles, args.target)
    if not matches:
        _say(f"no article {args.target!r} (an id from `newsreader list --json`, or a file)")
        return 1
    ents = _analyse(result.articles, args.ner)
    from newsreader.core.ner.collection import mention_json

    for article in matches:
        found = ents.by_article[article.id]
        if args.json:
            data = article.to_json() | {"body": article.body,
                                        "entities": [mention_json(m) for m in found.body],
                                        "title_entities": [mention_json(m) for m in found.title]}
            _write(_json(data))
        else:
            date = article.date.display() if article.date else "undated"
            _write(f"{article.title}\n{date} · {article.source or ''}\n\n{article.body}\n")
            for m in found.title + found.body:
                _write(f"  {m.mention.type:<4} {m.mention.text}" + (f"  → {m.canonical}" if m.canonical != m.mention.text else ""))
    return 0


def cmd_entities(argv: list[str]) -> int:
    parser = _Parser(prog="newsreader entities",
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
            _write(_json(ent.to_json()))
        else:
            aliases = ", ".join(a for a in sorted(ent.aliases) if a != ent.canonical)
            _write(f"{ent.type:<4} {ent.canonical:<40} {len(ent.articles):>4} articles {ent.mentions:>5} mentions"
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
        _write(f"{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", err=True,
               end="\n" if done == total else "\r")
        sys.stderr.flush()

    return show


def _open_index(paths: list[str], ner: str | None, quiet: bool = False):
    from newsreader.core.ner.collection import default_cache
    from newsreader.core.search.index import SearchIndex, default_index_path

    index = SearchIndex(default_index_path(paths), on_notice=_say)  # a rebuild or a wait is said at once
    report = index.refresh(paths, progress=None if quiet else _progress_bar("indexing"))
    for skipped in report.skipped:
        _say(f"skipped {skipped.path}: {skipped.reason}")
    if index.pending_entities():
        index.recognize_pending(_recognizer(ner), default_cache(on_notice=_say),
                                progress=None if quiet else _progress_bar("entities"))
    return index, report


def cmd_index(argv: list[str]) -> int:
    parser = _Parser(prog="newsreader index",
                     description="Build or refresh the search index of a collection. Only new or "
                                 "changed files are parsed and recognised; deleted files drop out.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled seeds)")
    _add_ner_option(parser)
    args = parser.parse_args(argv)
    paths = _paths_or_seeds(args.paths)
    index, r = _open_index(paths, args.ner)
    _write(f"{count(len(index), 'article')} indexed in {r.seconds:.1f} s: {count(r.files, 'file')}, {r.parsed:,} parsed, "
           f"{r.unchanged:,} unchanged, {r.removed_files:,} gone; {count(r.added_articles, 'article')} added, "
           f"{r.removed_articles:,} removed; {count(len(r.skipped), 'file')} skipped. Index: {index.path}", err=True)
    return 0 if len(index) else 1


def cmd_search(argv: list[str]) -> int:
    parser = _Parser(prog="newsreader search", allow_abbrev=False,
                     description="Search a collection (typos and missing umlauts allowed). A query may start "
                                 "with '-' (-per:x). Query syntax: see docs/guide.md.")
    parser.add_argument("query", nargs="?", help="the query (omit with --stdin)")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the bundled seeds)")
    parser.add_argument("--stdin", action="store_true", help="read one query per line; one JSON line per query")
    parser.add_argument("--json", action="store_true", help="JSON output")
    parser.add_argument("--limit", type=int, default=20, help="at most this many results (default 20)")
    _add_ner_option(parser)
    args = parser.parse_args(_options_first(parser, argv))
    paths = list(args.paths)
    if args.stdin and args.query is not None:
        paths.insert(0, args.query)  # with --stdin every positional is a path
    elif not args.stdin and args.query is None:
        parser.error("a QUERY is needed (or --stdin)")
    index, _ = _open_index(_paths_or_seeds(paths), args.ner, quiet=True)
    if args.stdin:
        for line in sys.stdin:
            q = line.rstrip("\n")
            res = index.search(q, limit=args.limit)
            _write(_json({"query": q, "elapsed_ms": round(res.elapsed_ms, 3), "error": res.error,
                          "results": [h.to_json() for h in res.hits]}))
            sys.stdout.flush()
        return 0
    res = index.search(args.query, limit=args.limit)
    if res.error:
        _say(res.error)
        return 2
    for h in res.hits:
        if args.json:
            _write(_json(h.to_json()))
        else:
            date = h.article.date.display() if h.article.date else "undated"
            _write(f"{h.score:9.2f}  {date:<18} {h.article.title[:70]}\n           {h.snippet}")
    if not args.json:
        _write(f"{count(len(res.hits), 'result')} in {res.elapsed_ms:.1f} ms", err=True)
    return 0 if res.hits else 1


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


def cmd_bookmarks(argv: list[str]) -> int:
    parser = _Parser(prog="newsreader bookmarks", description="Your bookmarks, kept in the "
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
            _say(notice)
        if args.action == "list":
            from newsreader.core.textclean import visible

            for b in marks:
                if args.json:
                    _write(_json(b.to_json()))
                else:
                    note = f"  — {visible(b.note)}" if b.note else ""
                    _write(f"{b.id}  {b.date or 'undated':<16} {visible(b.title[:70])}{note}")
            if not args.json:
                _write(f"{count(len(marks), 'bookmark')} in {store.path}", err=True)
            return 0
        if args.action == "add":
            from newsreader.core.loader import load_paths

            result = load_paths(_paths_or_seeds(args.paths))
            found = _with_id(result.articles, args.id)
            if len(found) != 1:
                what = "no article" if not found else count(len(found), "article")
                _say(f"{what} with id {args.id!r} in {' '.join(_paths_or_seeds(args.paths))}")
                return 1
            store.add(Bookmark.of(found[0], note=args.note, tags=args.tag))
            _write(f"bookmarked {found[0].id}: {found[0].title}", err=True)
            return 0
        if args.action == "remove":
            found = _with_id(marks, args.id)
            if len(found) > 1:
                _say(f"{count(len(found), 'bookmark')} with an id starting {args.id!r}; give more of the id")
                return 1
            if found and store.remove(found[0].id):
                _write(f"removed bookmark {found[0].id}: {found[0].title}", err=True)
                return 0
            _say(f"no bookmark {args.id!r}")
            return 1
        if args.action == "export":
            return _export(BookmarkStore.export(marks, args.format), len(marks), args.output)
        if args.action == "import":
            from pathlib import Path

            try:
                incoming, skipped = BookmarkStore.read_import(Path(args.file))
            except ValueError as exc:
                _say(f"cannot import {args.file}: {exc}")
                return 2
            added = store.merge(incoming)
            _write(f"{count(added, 'bookmark')} added, {len(incoming) - added:,} already there"
                   + (f"; {skipped:,} skipped (not bookmarks: no id or title, or wrong fields)" if skipped else ""),
                   err=True)
            return 0
    except StoreError as exc:
        _say(str(exc))
        return 1
    return 2


def _export(text: str, n: int, output: str | None) -> int:
    """The export on stdout, or written atomically to ``output``, a file in a folder that exists."""
    if output is None:
        _write(text, end="")
        return 0
    from pathlib import Path

    from newsreader.core.paths import atomic_write

    target = Path(output)
    if target.is_dir():
        _say(f"cannot export to {target}: it is a folder; nothing was written")
        return 2
    if not target.parent.is_dir():
        _say(f"cannot export to {target}: the folder {target.parent} does not exist; nothing was written")
        return 2
    from newsreader.core.textclean import visible

    try:  # the text as stdout would show it: a file name that is not UTF-8 with its bytes as \\xNN
        atomic_write(target, visible(text, lines=True).encode("utf-8"))
    except OSError as exc:
        _say(f"cannot export to {target}: {exc.strerror or exc}; nothing was written")
        return 1
    _write(f"{count(n, 'bookmark')} written to {target}", err=True)
    return 0


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
    try:
        from newsreader.app import NewsReaderApp  # imported late: --help/--version stay instant

        app = NewsReaderApp(args.paths, ner=args.ner)
        app.run()
    except Exception as exc:  # the app could not even start: no Textual handler saw it
        from newsreader.crash import write_crash_log

        _crashed(write_crash_log(exc), exc)
        return 1
    if app.crashed:
        _crashed(app.crash_log, None)  # without a log, Textual has printed the traceback
    return app.return_code or 0


def _crashed(log, error: BaseException | None) -> None:
    """The one line a crash of the reader leaves on the terminal."""
    if log is not None:
        _say(f"crashed; the details are in {log}")
        return
    if error is not None:
        import traceback

        from newsreader.core.textclean import visible

        for line in "".join(traceback.format_exception(error)).splitlines():
            print(visible(line), file=sys.stderr)
    _say("crashed; the details above could not be saved to a log file")
