"""``newsreader bookmarks list|add|remove|export|import``: your bookmarks. Each action is one
function, which its subparser names (``set_defaults(act=…)``)."""

from __future__ import annotations

import argparse

from newsreader.cli.collection import paths_or_seeds, with_id
from newsreader.cli.output import Parser, json_line, say, write
from newsreader.cli.subcommand import Subcommand
from newsreader.core.wording import count

def parser(prog: str) -> Parser:
    parser = Parser(prog=prog, description="Your bookmarks, kept in the "
                    "user data folder; every change is locked, merged and written atomically.")
    sub = parser.add_subparsers(dest="action", required=True)
    p_list = sub.add_parser("list", help="list the bookmarks, newest first")
    p_list.add_argument("--json", action="store_true", help="one JSON object per line")
    p_list.set_defaults(act=_list)
    p_add = sub.add_parser("add", help="bookmark an article by id (looked up in PATHs, default the seeds)")
    p_add.add_argument("id")
    p_add.add_argument("paths", nargs="*", metavar="PATH")
    p_add.add_argument("--note", help="a short note")
    p_add.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    p_add.set_defaults(act=_add)
    p_rm = sub.add_parser("remove", help="remove a bookmark (also one whose article is not loaded)")
    p_rm.add_argument("id")
    p_rm.set_defaults(act=_remove)
    p_exp = sub.add_parser("export", help="write all bookmarks to stdout or a file")
    p_exp.add_argument("--format", choices=["md", "json", "csv"], default="json")
    p_exp.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout (atomically)")
    p_exp.set_defaults(act=_export)
    p_imp = sub.add_parser("import", help="merge bookmarks from a JSON or CSV export; never duplicates")
    p_imp.add_argument("file")
    p_imp.set_defaults(act=_import)
    return parser


def run(args: argparse.Namespace) -> int:
    """The bookmarks loaded (their notices said), then the action's function with the arguments,
    the ``BookmarkStore`` and its bookmarks; a store that cannot be read or written is said, exit
    code 1."""
    from newsreader.core.bookmarks import BookmarkStore, StoreError

    store = BookmarkStore()
    try:
        marks, loaded = store.load()
        for notice in loaded.notices:
            say(notice)
        return args.act(args, store, marks)
    except StoreError as exc:
        say(str(exc))
        return 1


def _list(args: argparse.Namespace, store, marks: list) -> int:
    from newsreader.core.textclean import visible

    for b in marks:
        if args.json:
            write(json_line(b.to_json()))
        else:
            note = f"  — {visible(b.note)}" if b.note else ""
            write(f"{b.id}  {b.date or 'undated':<16} {visible(b.title[:70])}{note}")
    if not args.json:
        write(f"{count(len(marks), 'bookmark')} in {store.path}", err=True)
    return 0


def _add(args: argparse.Namespace, store, marks: list) -> int:
    from newsreader.core.bookmarks import Bookmark
    from newsreader.core.loader import load_paths

    result = load_paths(paths_or_seeds(args.paths))
    found = with_id(result.articles, args.id)
    if len(found) != 1:
        what = "no article" if not found else count(len(found), "article")
        say(f"{what} with id {args.id!r} in {' '.join(paths_or_seeds(args.paths))}")
        return 1
    store.add(Bookmark.of(found[0], note=args.note, tags=args.tag))
    write(f"bookmarked {found[0].id}: {found[0].title}", err=True)
    return 0


def _remove(args: argparse.Namespace, store, marks: list) -> int:
    found = with_id(marks, args.id)
    if len(found) > 1:
        say(f"{count(len(found), 'bookmark')} with an id starting {args.id!r}; give more of the id")
        return 1
    if found and store.remove(found[0].id):
        write(f"removed bookmark {found[0].id}: {found[0].title}", err=True)
        return 0
    say(f"no bookmark {args.id!r}")
    return 1


def _export(args: argparse.Namespace, store, marks: list) -> int:
    """The export on stdout, or written atomically to ``--output``, a file in a folder that exists."""
    text = store.export(marks, args.format)
    if args.output is None:
        write(text, end="")
        return 0
    from pathlib import Path

    from newsreader.core.paths import atomic_write

    target = Path(args.output)
    if target.is_dir():
        say(f"cannot export to {target}: it is a folder; nothing was written")
        return 2
    if not target.parent.is_dir():
        say(f"cannot export to {target}: the folder {target.parent} does not exist; nothing was written")
        return 2
    from newsreader.core.textclean import visible

    try:  # the text as stdout would show it: a file name that is not UTF-8 with its bytes as \\xNN
        atomic_write(target, visible(text, lines=True).encode("utf-8"))
    except OSError as exc:
        say(f"cannot export to {target}: {exc.strerror or exc}; nothing was written")
        return 1
    write(f"{count(len(marks), 'bookmark')} written to {target}", err=True)
    return 0


def _import(args: argparse.Namespace, store, marks: list) -> int:
    from pathlib import Path

    try:
        incoming, skipped = store.read_import(Path(args.file))
    except ValueError as exc:
        say(f"cannot import {args.file}: {exc}")
        return 2
    added = store.merge(incoming)
    write(f"{count(added, 'bookmark')} added, {len(incoming) - added:,} already there"
          + (f"; {skipped:,} skipped (not bookmarks: no id or title, or wrong fields)" if skipped else ""),
          err=True)
    return 0


COMMAND = Subcommand("bookmarks", "list|add|remove|export|import", "your bookmarks (newsreader bookmarks --help)",
                     parser, run)
