"""The search query language.

    putin kim          both words (typos allowed; the last word also matches as a prefix)
    "exact phrase"     these words in this order, no typos
    -word  -"a phrase" leave out articles that contain it
    per:putin          in the names of people (loc:, org:, misc: likewise; source: the source)
    per:"kim jong"     a name of several words
    date:2023-09..2024-01   a range of months (also 2023, 2023-09-14, 2023.., ..2024-01)
    is:bookmarked  is:unread

A quote that is not closed yet (while typing) runs to the end of the query. Anything else that
cannot be understood raises :class:`QueryError` with a message for the user.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from newsreader.core.search.fold import folded_text

FIELDS = ("per", "loc", "org", "misc", "source")
FLAGS = ("bookmarked", "unread")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
# The end of a range that reaches the last day of year 9999 (there is no year 10000 to stop
# before): it sorts after every ISO date of that year, "9999-12-31T23:59" included.
AFTER_9999 = "9999-13"


class QueryError(ValueError):
    pass


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]           # folded
    raw: str
    field: str | None = None         # None: title, body and entity names
    negated: bool = False
    phrase: bool = False             # quoted: exact words in order


@dataclass
class Query:
    terms: list[Term] = field(default_factory=list)
    date_from: str | None = None     # inclusive ISO prefix, "2023-09"
    date_to: str | None = None       # exclusive ISO prefix, "2024-02"
    flags: set[str] = field(default_factory=set)
    prefix_last: bool = False        # the last plain term may be a prefix (still being typed)

    @property
    def positive(self) -> list[Term]:
        return [t for t in self.terms if not t.negated]

    @property
    def empty(self) -> bool:
        return not self.terms and not self.flags and self.date_from is None and self.date_to is None


def _split(text: str) -> list[tuple[str, bool]]:
    """Raw tokens, and whether each had a quoted part."""
    out: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start, quoted = i, False
        while i < n and not text[i].isspace():
            if text[i] == '"':
                quoted = True
                close = text.find('"', i + 1)
                i = n if close < 0 else close + 1
            else:
                i += 1
        out.append((text[start:i], quoted))
    return out


def _date_bound(value: str, end: bool) -> str:
    m = _DATE.match(value)
    if not m:
        raise QueryError(f"date {value!r} not understood: use YYYY, YYYY-MM or YYYY-MM-DD, "
                         "ranges as 2023-09..2024-01")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if year == 0:
        raise QueryError(f"date {value!r}: there is no year 0; the first is 0001")
    if month is not None and not 1 <= int(month) <= 12:
        raise QueryError(f"date {value!r}: there is no month {month}")
    if day is not None and not 1 <= int(day) <= calendar.monthrange(year, int(month))[1]:
        raise QueryError(f"date {value!r}: there is no day {day} in that month")
    if not end:
        parts = [f"{year:04d}"] + ([f"{int(month):02d}"] if month else []) + ([f"{int(day):02d}"] if day else [])
        return "-".join(parts)
    # exclusive upper bound: the next year / month / day
    if day is not None:
        if (year, int(month), int(day)) == (9999, 12, 31):
            return AFTER_9999
        import datetime as dt

        nxt = dt.date(year, int(month), int(day)) + dt.timedelta(days=1)
        return nxt.isoformat()
    if month is not None:
        y, mth = (year + 1, 1) if int(month) == 12 else (year, int(month) + 1)
        return f"{y:04d}-{mth:02d}" if y <= 9999 else AFTER_9999
    return f"{year + 1:04d}" if year < 9999 else AFTER_9999


def parse_query(text: str) -> Query:
    q = Query()
    tokens = _split(text)
    for n, (raw, quoted) in enumerate(tokens):
        negated = raw.startswith("-") and len(raw) > 1
        body = raw[1:] if negated else raw
        name, sep, value = body.partition(":")
        fld = None
        if sep and not name.startswith('"') and re.fullmatch(r"[A-Za-z]+", name):
            key = name.lower()
            if key == "date":
                if negated:
                    raise QueryError("date: cannot be negated; give the range you want")
                if not value:
                    raise QueryError("date: needs a date or range, e.g. date:2023-09..2024-01")
                lo, dots, hi = value.partition("..")
                if not dots:
                    lo = hi = value
                if not lo and not hi:
                    raise QueryError("date: needs at least one end of the range")
                q.date_from = _date_bound(lo, end=False) if lo else None
                q.date_to = _date_bound(hi, end=True) if hi else None
                if q.date_from and q.date_to and q.date_from >= q.date_to:
                    raise QueryError(f"date range {value!r} ends before it starts")
                continue
            if key == "is":
                flag = value.lower()
                if flag not in FLAGS:
                    raise QueryError(f"is:{value} not understood: use is:bookmarked or is:unread")
                if negated:
                    raise QueryError(f"-is:{flag} is not supported; use is:{flag}")
                q.flags.add(flag)
                continue
            if key not in FIELDS:
                raise QueryError(f"unknown filter {name}: — use per:, loc:, org:, misc:, source:, date:, is:")
            if not value:
                if n == len(tokens) - 1:
                    continue  # still typing the value
                raise QueryError(f"{key}: needs a value, e.g. {key}:name")
            fld, body = key, value
        phrase = quoted and body.startswith('"')
        inner = body.strip('"') if phrase else body.replace('"', " ")
        words = tuple(folded_text(inner).split())
        if not words:
            continue
        if len(words) > 1 and not phrase and fld is None:
            # "Jong-un" or "U.S.": one token that folds to several words behaves as a phrase
            phrase = True
        q.terms.append(Term(words, raw, fld, negated, phrase))
    last = q.terms[-1] if q.terms else None
    q.prefix_last = bool(last and not last.negated and not last.phrase and text and not text[-1].isspace()
                         and not text.rstrip().endswith('"') and tokens and last.raw == tokens[-1][0])
    return q
