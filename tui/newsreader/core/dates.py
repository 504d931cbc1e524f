"""Dates with their precision: metadata strings, publication stamps, and dates inferred from text.

Metadata strings (front matter, JSON, feeds, HTML meta) are parsed with python-dateutil and a
German ``parserinfo``; the precision is what the string really contains (a field that changes when
the parser's default changes was not in the string). Text gives two kinds of date: a publication
stamp (``Stand: 14.09.2023 07:12 Uhr``, ``Veröffentlicht am …``) is explicit; any other full date
in the running text is only *inferred* and marked so.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from dateutil import parser as du_parser

from newsreader.core.article import ArticleDate, Precision


class GermanParserInfo(du_parser.parserinfo):
    """German (and English) month and weekday names for dateutil; day before month."""

    JUMP = [" ", ".", ",", ";", "-", "/", "'", "am", "um", "den", "dem", "der", "Uhr", "at", "on",
            "and", "ad", "m", "t", "of", "st", "nd", "rd", "th"]
    WEEKDAYS = [("Mo", "Mon", "Montag", "Monday"), ("Di", "Tue", "Dienstag", "Tuesday"),
                ("Mi", "Wed", "Mittwoch", "Wednesday"), ("Do", "Thu", "Donnerstag", "Thursday"),
                ("Fr", "Fri", "Freitag", "Friday"), ("Sa", "Sat", "Samstag", "Sonnabend", "Saturday"),
                ("So", "Sun", "Sonntag", "Sunday")]
    MONTHS = [("Jan", "Januar", "Jän", "Jänner", "January"), ("Feb", "Februar", "Feber", "February"),
              ("Mär", "Mrz", "März", "Maerz", "Mar", "March"), ("Apr", "April"), ("Mai", "May"),
              ("Jun", "Juni", "June"), ("Jul", "Juli", "July"), ("Aug", "August"),
              ("Sep", "Sept", "September"), ("Okt", "Oktober", "Oct", "October"),
              ("Nov", "November"), ("Dez", "Dezember", "Dec", "December")]
    HMS = [("h", "Std", "Stunde", "hour", "hours"), ("m", "Min", "Minute", "minute", "minutes"),
           ("s", "Sek", "Sekunde", "second", "seconds")]

    def __init__(self) -> None:
        super().__init__(dayfirst=True, yearfirst=False)


_INFO = GermanParserInfo()
_DEFAULTS = (datetime(1904, 1, 1, 0, 0), datetime(1908, 2, 2, 1, 1))
_MONTH_NUMBER = {name.lower(): i + 1 for i, names in enumerate(GermanParserInfo.MONTHS) for name in names}

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?)?"
                  r"\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?\s*$", re.IGNORECASE)
MIN_YEAR, MAX_YEAR = 1900, 2100


def _make(year: int, month: int, day: int = 1, hour: int = 0, minute: int = 0, *,
          precision: Precision, inferred: bool = False) -> ArticleDate | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        value = datetime(year, month, day, hour, minute)
    except ValueError:
        return None
    return ArticleDate(value, precision, inferred)


def parse_meta_date(raw: object) -> ArticleDate | None:
    """A metadata value (string, date, datetime, or epoch number) as a date at its precision,
    or None when it is not a date with at least a year and a month."""
    if isinstance(raw, datetime):
        return _make(raw.year, raw.month, raw.day, raw.hour, raw.minute, precision="minute")
    if isinstance(raw, date):
        return _make(raw.year, raw.month, raw.day, precision="day")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        seconds = raw / 1000 if raw > 1e11 else raw  # epoch milliseconds are common in JSON
        try:
            value = datetime.utcfromtimestamp(seconds)
        except (OverflowError, OSError, ValueError):
            return None
        return _make(value.year, value.month, value.day, value.hour, value.minute, precision="minute")
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text or len(text) > 80:
        return None
    iso = _ISO.match(text)
    if iso:
        y, mo, d, h, mi = iso.groups()
        if d is None:
            return _make(int(y), int(mo), precision="month")
        if h is None:
            return _make(int(y), int(mo), int(d), precision="day")
        return _make(int(y), int(mo), int(d), int(h), int(mi), precision="minute")
    return _parse_with_dateutil(text)


def _parse_with_dateutil(text: str) -> ArticleDate | None:
    """Parse twice with different defaults: a field that follows the default was not given."""
    try:
        first, second = (du_parser.parse(text, parserinfo=_INFO, default=d, fuzzy=False) for d in _DEFAULTS)
    except (ValueError, OverflowError, TypeError):
        return None
    if first.year != second.year or first.month != second.month:
        return None  # no year or no month: too vague to be a date we show
    if first.day != second.day:
        precision: Precision = "month"
    elif first.hour != second.hour or first.minute != second.minute:
        precision = "day"
    else:
        precision = "minute"
    return _make(first.year, first.month, first.day, first.hour, first.minute, precision=precision)


# A full date in German text: "16. Januar 2024", "16. Jan. 2024", "16.01.2024", "16.1.24" is too
# ambiguous and not taken. An optional time follows: "07:12 Uhr", "um 7.12 Uhr".
_MONTH_NAMES = "|".join(sorted({re.escape(n) for names in GermanParserInfo.MONTHS for n in names}, key=len, reverse=True))
_TEXT_DATE = re.compile(
    rf"\b(?P<day>\d{{1,2}})\.\s?(?:(?P<mname>{_MONTH_NAMES})\.?|(?P<mnum>\d{{1,2}})\.)\s?(?P<year>(?:19|20)\d\d)\b"
    r"(?:,?\s*(?:um\s*)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:\s*Uhr)?\b)?",
    re.IGNORECASE,
)
# The words that open a publication stamp ("Zuletzt aktualisiert" ends in one of them).
STAMP_WORDS = "Stand|Veröffentlicht|Aktualisiert|Erstellt|Publiziert|Datum|Erschienen"
_STAMP = re.compile(
    rf"\b(?:{STAMP_WORDS})"
    r"(?:\s+(?:am|vom))?\s*:?\s*(?:(?:Mo|Di|Mi|Do|Fr|Sa|So)\w*,?\s*)?$",
    re.IGNORECASE,
)
# Words right before a date that make it a date of something else than the report.
_NOT_REPORT_DATE = re.compile(r"\b(?:seit|bis|ab|vor|nach|zwischen|von|vom|zum|bis zum|geboren|geb\.|gestorben|"
                              r"Frist|spätestens|frühestens|ab dem|bis zum)\s*(?:dem\s*|den\s*)?$", re.IGNORECASE)


def _from_match(m: re.Match[str], inferred: bool) -> ArticleDate | None:
    g = m.groupdict()
    month = int(g["mnum"]) if g.get("mnum") else _MONTH_NUMBER.get((g.get("mname") or "").lower().rstrip("."))
    if month is None:
        return None
    if g.get("hour") is not None:
        return _make(int(m["year"]), month, int(m["day"]), int(g["hour"]), int(g["minute"]),
                     precision="minute", inferred=inferred)
    return _make(int(m["year"]), month, int(m["day"]), precision="day", inferred=inferred)


def find_stamp(text: str, head: int = 800, tail: int = 400) -> tuple[ArticleDate, tuple[int, int]] | None:
    """An explicit publication stamp near the start or end of the text, and its span (from the
    stamp word to the end of the date)."""
    regions = [(0, min(len(text), head))]
    if len(text) > head:
        regions.append((max(head, len(text) - tail), len(text)))
    for start, end in regions:
        for m in _TEXT_DATE.finditer(text, start, end):
            before = text[max(0, m.start() - 40) : m.start()]
            stamp = _STAMP.search(before)
            if stamp:
                found = _from_match(m, inferred=False)
                if found:
                    return found, (m.start() - len(before) + stamp.start(), m.end())
    return None


_CREDIT_DATE = re.compile(r"\((?:[^()\n]{0,60}?[,;–-]\s*)?(?P<day>\d{1,2})\.\s?(?P<mnum>\d{1,2})\.\s?(?P<year>(?:19|20)\d\d)\)")
_DATELINE_DATE = re.compile(r"^[A-ZÄÖÜ][\w./\- ]{1,40},\s*(?:den\s+)?$")


def infer_date(text: str, captions: list[str] = (), max_spread_days: int = 60) -> ArticleDate | None:
    """A date inferred from the text, only from the places where a news text states its own day:
    a dateline at the start of a line near the top ("Berlin, 12. März 2024 –"), a photo caption
    ("… trifft sich am 16. Januar 2024 in Moskau"), or a dated credit ("(APA, 9.5.2016)").
    Dates elsewhere in the running text are events, deadlines or history and are not used.
    When the found dates disagree by more than ``max_spread_days``, None: a wrong date is
    worse than none."""
    found: list[ArticleDate] = []
    head = text[:600]
    for m in _TEXT_DATE.finditer(head):
        line_start = head.rfind("\n", 0, m.start()) + 1
        if _DATELINE_DATE.match(head[line_start:m.start()]):
            found.append(_from_match(m, inferred=True))
    for caption in captions:
        for m in _TEXT_DATE.finditer(caption):
            if not _NOT_REPORT_DATE.search(caption[max(0, m.start() - 20):m.start()]):
                found.append(_from_match(m, inferred=True))
    for m in _CREDIT_DATE.finditer(text):
        found.append(_from_match(m, inferred=True))
    found = [d for d in found if d is not None and d.value <= datetime.now()]
    if not found:
        return None
    values = [d.value for d in found]
    if (max(values) - min(values)).days > max_spread_days:
        return None
    return found[0]


def refine(meta: ArticleDate | None, stamp: ArticleDate | None) -> ArticleDate | None:
    """Metadata wins over text; a stamp only refines a metadata date it agrees with (same month
    for a month-precision date, same day for a day-precision one) or stands alone."""
    if meta is None:
        return stamp
    if stamp is None:
        return meta
    same_month = (meta.value.year, meta.value.month) == (stamp.value.year, stamp.value.month)
    if meta.precision == "month" and same_month:
        return stamp
    if meta.precision == "day" and stamp.precision == "minute" and meta.value.date() == stamp.value.date():
        return stamp
    return meta
