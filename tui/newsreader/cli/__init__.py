"""Command line: ``newsreader [PATH…]`` opens the reader; subcommands print data.

Subcommands are recognised by the first argument; to open a file or folder whose name is a
subcommand, write it as a path (``./list``). Each subcommand is a module here with its parser and
its handler, named once, in :data:`SUBCOMMANDS`. Everything the commands write to stdout and
stderr, argparse's help and errors included, goes through :func:`newsreader.cli.output.write`.
"""

from __future__ import annotations

import argparse
import sys

from newsreader import __version__
from newsreader.cli import bookmarks, entities, index, listing, search, show
from newsreader.cli.collection import add_ner_option
from newsreader.cli.output import Parser, say
from newsreader.cli.subcommand import Subcommand

SUBCOMMANDS: dict[str, Subcommand] = {c.name: c for c in (listing.COMMAND, show.COMMAND, entities.COMMAND,
                                                           index.COMMAND, search.COMMAND, bookmarks.COMMAND)}

DESCRIPTION = """\
A keyboard-driven terminal reader for German news articles.

With no PATH it opens the articles bundled with newsreader; otherwise the given files and folders
(folders are read recursively).

subcommands (newsreader COMMAND --help for each):
""" + "\n".join(c.help_line() for c in SUBCOMMANDS.values())


def _tui_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="newsreader", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders of articles")
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    add_ner_option(parser)
    return parser


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
        say(f"crashed; the details are in {log}")
        return
    if error is not None:
        import traceback

        from newsreader.core.textclean import visible

        for line in "".join(traceback.format_exception(error)).splitlines():
            print(visible(line), file=sys.stderr)
    say("crashed; the details above could not be saved to a log file")
