"""What several subcommands do with a collection: its paths, its skipped files, an id typed on the
command line, its named entities and its search index."""

from __future__ import annotations

import argparse

from newsreader.cli.output import progress_bar, say


def paths_or_seeds(paths: list[str]) -> list[str]:
    if paths:
        return paths
    from newsreader.resources import seeds_dir

    return [str(seeds_dir())]


def report_skipped(result) -> None:
    for skipped in result.skipped:
        say(f"skipped {skipped.path}: {skipped.reason}")


def with_id(items: list, key: str) -> list:
    """What an id typed on the command line means: the items whose ``id`` it is, or else, for at
    least four characters, those whose id starts with it."""
    exact = [x for x in items if x.id == key]
    return exact or ([x for x in items if x.id.startswith(key)] if len(key) >= 4 else [])


def add_ner_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ner", metavar="BACKEND",
                        help="entity recognizer: 'crf' (built in, default) or 'spacy:MODEL' for a spaCy "
                             "model you installed; default from the config file")


def recognizer(spec: str | None, pending: int = 0):
    """The recognizer ``spec`` names (or the config); tagging in child processes, one per core,
    when ``pending`` texts wait (the caller closes it)."""
    from newsreader.core.config import load_config
    from newsreader.core.ner import get_recognizer
    from newsreader.core.ner.process import for_many

    cfg = load_config()
    for notice in cfg.notices:
        say(notice)
    spec = spec or cfg.ner
    found, message = get_recognizer(spec)
    if message:
        say(message)
    return for_many(found, spec, pending)


def open_index(paths: list[str], ner: str | None, quiet: bool = False, names: bool = False):
    """The search index of ``paths``, refreshed, its new articles' entities recognised and the
    collection's entities resolved; and the refresh's report. ``names``: the caller shows names,
    so the recognizer is loaded even when nothing is new (names found by another version of it
    are found again)."""
    from newsreader.core.ner.collection import default_cache
    from newsreader.core.search.index import SearchIndex, default_index_path

    index = SearchIndex(default_index_path(paths), on_notice=say)  # a rebuild or a wait is said at once
    report = index.refresh(paths, progress=None if quiet else progress_bar("indexing"))
    report_skipped(report)
    if names or index.pending_entities() or not index.names_resolved():
        found = recognizer(ner, index.pending_entities())
        try:
            index.recognize_pending(found, default_cache(on_notice=say),
                                    progress=None if quiet else progress_bar("entities"))
        except BaseException:  # ^C: the children end now, not after their batches
            getattr(found, "stop", lambda: None)()
            raise
        finally:
            getattr(found, "close", lambda: None)()
    return index, report
