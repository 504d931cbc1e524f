"""Title, source, author and boilerplate of an article's text, by general rules of German news.

Nothing here knows any particular article: the rules describe how news pages are laid out
(photo credits, gallery counters, bylines, datelines, publication stamps, kickers).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from newsreader.core.dates import STAMP_WORDS, find_stamp

MAX_TITLE = 140
CREDIT_WINDOW = 200_000  # credits are looked for in a text's first characters (names are found in as many)
MAX_HEADLINE = 180

# News agencies, as they are written in credits and datelines. Matched case-insensitively.
AGENCIES = {
    "reuters": "Reuters", "dpa": "dpa", "afp": "AFP", "ap": "AP", "apa": "APA", "kna": "KNA",
    "epd": "epd", "sda": "SDA", "keystone-sda": "Keystone-SDA", "ddp": "ddp", "dts": "dts",
    "bloomberg": "Bloomberg", "interfax": "Interfax", "tass": "TASS", "xinhua": "Xinhua",
    "yonhap": "Yonhap", "ansa": "ANSA", "efe": "EFE", "kyodo": "Kyodo", "dapd": "dapd",
    "ots": "OTS", "aap": "AAP", "upi": "UPI", "dpa-afx": "dpa-AFX", "sid": "SID",
}

_PHOTO = re.compile(
    r"^\(?\s*(?:Fotos?|Bild(?:er|quelle)?|Quelle|Foto\s*&\s*Text|Grafik|Video|Image|Photo|Credit)\s*:"
    r"|^(?:©|\(c\)|Copyright\b)"
    r"|(?:picture[- ]alliance|Getty Images|imago images|IMAGO|REUTERS/|AFP/|AP Photo|Shutterstock|iStock)",
    re.IGNORECASE,
)
# Credits anywhere in a text (the lead has more rules: bylines, gallery counters, stamps). A line
# that begins like a credit; a line that ends in one: a photo agency or service, a slash and what
# follows (``REUTERS/Maxim Schemetow/Pool``, ``(APA/AFP/POOL/…)``), after the start of the line, a
# parenthesis, a full stop, a colon or a bar (``berichtete dpa/AFP`` is a sentence); a line of
# nothing but agencies (``(dpa)``, ``dpa/AFP/lw``) or that says whose material it is.
_CREDIT_START = re.compile(
    r"^[ \t]*(?:\(\s*)?(?:Fotos?|Bild(?:er|quelle|rechte)?|Quellen?|Grafik|Illustration|Video|Audio|Karte|Image|Photo|"
    r"Credit|Copyright)\s*:|^[ \t]*(?:©|\(c\)|Copyright\b)", re.IGNORECASE)
_PHOTO_SERVICES = (r"reuters|afp|dpa|apa|epa|efe|ap(?: photo)?|ansa|kna|epd|sda|keystone(?:-sda)?|ddp(?: images)?|"
                   r"picture[- ]?alliance|getty(?: images)?|imago(?: images)?|shutterstock|istock(?:photo)?|xinhua|"
                   r"sputnik|tass|anadolu|sipa|zuma|nurphoto|pool|action press|bloomberg|westend61|laif")
_CREDIT_END = re.compile(rf"(?:^|[(.:|])[ \t]*(?:{_PHOTO_SERVICES})[ \t]*/[ \t]*\S", re.IGNORECASE)
_AGENCY_WORDS = "|".join(sorted((re.escape(k) for k in AGENCIES), key=len, reverse=True))
_AGENCY_LINE = re.compile(
    rf"^[ \t]*\(?[ \t]*(?:{_AGENCY_WORDS})(?:[ \t]*(?:/|,|\bund\b)[ \t]*(?:{_AGENCY_WORDS}|[a-zäöü]{{1,4}}))*"
    rf"[ \t]*\)?\.?[ \t]*$"
    r"|^[ \t]*(?:\(?mit\s+)?Material\s+(?:von|der|aus)\b[^\n]{0,100}$",
    re.IGNORECASE)
MAX_CREDIT = 400  # a longer line is a paragraph, whatever it mentions
MAX_CREDIT_TAIL = 80  # a credit that ends a line is this long at most
_GALLERY = re.compile(r"^(?:\d{1,3}\s*/\s*\d{1,3}|Bild\s+\d+\s+von\s+\d+|\d{1,3}\s+Bilder?)$", re.IGNORECASE)
_NAME_WORD = r"[A-ZÄÖÜ][\w'’.\-]*"
_NAME = rf"{_NAME_WORD}(?:\s+(?:von|van|de|der|zu|di|da|del|bin)?\s*{_NAME_WORD}){{0,4}}"
_BYLINE = re.compile(rf"^(?:[Vv]on|Ein (?:Bericht|Kommentar) von|Autor(?:in)?:)\s+(?P<names>{_NAME}(?:\s*(?:,|und|&)\s*{_NAME})*)"
                     rf"(?:\s*[,/|]\s*(?P<where>[\w .:]+))?\.?$")
_TRAILING_BYLINE = re.compile(rf"\s+Von\s+(?P<names>{_NAME}(?:\s*(?:,|und|&)\s*{_NAME})*)\s*$")
_DATELINE = re.compile(r"^(?P<place>[A-ZÄÖÜ][\wÄÖÜäöüß.\-/ ]{1,40}?)\s*\((?P<agency>[^()]{2,40})\)\s*[-–—:]\s*")
_CREDIT_TAIL = re.compile(r"\((?P<who>[\w\-, /]{2,60}?)(?:,\s*[\d.]+)?\)\s*$")
_SCRAPER = re.compile(
    r"^(?:Mehr zum Thema|Lesen Sie (?:auch|mehr)|Weiterlesen|Teilen|Drucken|Zur Startseite|Kommentare?\b|"
    r"Anzeige|Werbung|Artikel teilen|Newsletter|Jetzt abonnieren|Cookie|Hinweis:|Folgen Sie uns|"
    r"Empfohlener redaktioneller Inhalt|Mehr anzeigen|Zum Artikel|Startseite\b|"
    r"(?:Alle|Weitere|Ähnliche|Verwandte|Kommentierte|Meistgelesene|Neueste) Artikel|Artikel-Informationen|"
    r"(?:Ergebnis(?:se)?|Treffer|Seite)\s+\d+\s+(?:bis|-|von)\s+\d+)",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^(?:[-–•*|]\s*)+")  # list and table remnants before a label
# Lines that are never a headline: a stamp or date alone, code or markup remnants, labels.
_STAMP_LINE = re.compile(rf"^(?:(?:{STAMP_WORDS})\b"
                         r"|(?:Mo|Di|Mi|Do|Fr|Sa|So|Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag)\.?,?\s+\d"
                         r"|\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}\b|\d{1,2}:\d{2}\s*Uhr)", re.IGNORECASE)
_CODE_LINE = re.compile(r"[{};<>]|^\||\|$|^(?:window\.|var |let |const |function\b|@media|\.[\w-]+\s*\{|//)"
                        r"|^[a-z][\w-]*:\s*['\"]"  # a lower-case key and a quoted value: configuration
                        r"|^[a-z][\w-]*[.#][\w.#-]*,$")  # a CSS selector list: img.emoji,
_WORDS = re.compile(r"[^\W\d_]{2,}")  # words of two or more letters
_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}/?$", re.IGNORECASE)


def _is_credit(line: str) -> bool:
    """A photo credit, a caption that ends in one, or an agency line (``credit_lines``); or a short
    line that names a photo service (``Getty Images``). A long line is a paragraph, whatever it
    mentions, and so is a sentence about an agency."""
    if len(line) > MAX_CREDIT:
        return False
    return bool(credit_lines(line, len(line))) or (len(line) <= MAX_CREDIT_TAIL and _PHOTO.search(line) is not None)


def credit_lines(text: str, limit: int) -> list[tuple[int, int]]:
    """The lines in the first ``limit`` characters of ``text`` that are photo credits, captions
    ending in one, or agency lines (see ``_CREDIT_START``), as (start, end) of each line."""
    found = []
    pos = 0
    for line in text[:limit].split("\n"):
        n = len(line)
        if 0 < n <= MAX_CREDIT and (_CREDIT_START.match(line) or _AGENCY_LINE.match(line)
                                    or ("/" in line and _ends_in_credit(line))) and line.strip():
            found.append((pos, pos + n))
        pos += n + 1
    return found


def _ends_in_credit(line: str) -> bool:
    return any(len(line) - m.start() <= MAX_CREDIT_TAIL for m in _CREDIT_END.finditer(line))


def _not_headline(line: str) -> bool:
    if len(line) > MAX_HEADLINE:
        return _CODE_LINE.search(line[:200]) is not None
    words = _WORDS.findall(line)
    return (len(words) < 2 or _STAMP_LINE.match(line) is not None or _CODE_LINE.search(line) is not None
            or sum(map(len, words)) < 0.5 * len(line) or _DOMAIN.match(line) is not None
            or line.startswith(("- ", "* ", "• "))  # a list item
            or _SCRAPER.match(_BULLET.sub("", line)) is not None)


_FUNCTION_WORDS = {
    "in", "im", "an", "am", "auf", "aus", "bei", "beim", "mit", "nach", "von", "vom", "vor", "zu", "zum",
    "zur", "für", "gegen", "über", "unter", "um", "ohne", "durch", "der", "die", "das", "den", "dem",
    "des", "ein", "eine", "einer", "eines", "einem", "einen", "und", "oder", "&", "-", "–", "nach",
}
_ABBREVIATIONS = {
    "z", "b", "bzw", "ca", "dr", "prof", "st", "nr", "mio", "mrd", "vgl", "usw", "etc", "inkl", "ggf",
    "u", "a", "o", "s", "d", "h", "i", "e", "evtl", "sog", "jh", "jhd", "abs", "art", "bzgl", "min",
    "max", "tel", "str", "hr", "fr", "hl", "gen", "mr", "mrs", "ms", "co", "corp", "inc", "ltd",
    "jan", "feb", "mär", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dez", "kap",
}
_SENTENCE_END = re.compile(r"[.!?…]+[\"“”'’»«)]*(?=\s+[\"„“»(]?[A-ZÄÖÜ0-9])")


def agency_name(text: str) -> str | None:
    """The canonical agency name if ``text`` names one agency ("Reuters", "dpa/AFP" → first)."""
    for part in re.split(r"[/,]|\bund\b", text):
        name = AGENCIES.get(part.strip().lower())
        if name:
            return name
    return None


def first_sentence(text: str) -> str:
    """The first sentence, not cut at ordinals ("75. Jahrestag"), dates or abbreviations."""
    for m in _SENTENCE_END.finditer(text):
        before = text[max(0, m.start() - 100): m.start()].rsplit(None, 1)  # the word before it
        word = before[-1] if before else ""
        stem = word.lower().strip("\"„“(").split(".")[-1]
        if m.group().startswith(".") and (word[-1:].isdigit() or stem in _ABBREVIATIONS or len(stem) == 1):
            continue
        return text[: m.end()].strip()
    return text.strip()


def shorten(text: str, limit: int = MAX_TITLE) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis."""
    words, length = [], -1
    for m in _NON_SPACE.finditer(text):  # only the words that can show: a body may be 60 MB
        words.append(m.group())
        length += len(m.group()) + 1
        if length > limit:
            break
    text = " ".join(words)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:–-— ")
    return cut + "…"


TITLE_PARTS = re.compile(r"(\s+[|–—-]\s+)")  # "Headline | Site": the separator between a title's parts
_TITLE_STAMP = re.compile(r"\s*[:|–—-]\s*\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}(?:,?\s*\d{1,2}[.:]\d{2}(?:\s*Uhr)?)?\s*$")
_TLD = re.compile(r"\.(?:de|at|ch|com|net|org|info|eu|li|lu|it|fr|nl|be)$", re.IGNORECASE)


def _site_key(name: str) -> str:
    """``www.Computerbild.de``, ``COMPUTER BILD`` and ``computerbild`` all give ``computerbild``."""
    name = re.sub(r"^(?:https?://)?(?:www\.)?", "", name.strip().casefold()).split("/")[0]
    return re.sub(r"[\W_]+", "", _TLD.sub("", name))


def clean_page_title(title: str, site: str | None = None, url: str | None = None) -> str:
    """A page's title without what pages add to their headline: the site's name after or before
    a separator (``Headline | Site``, ``Site - Headline``) when it is the page's site name, its
    domain or any bare domain, and a trailing date stamp (``Headline : 06.11.2023, 11.41 Uhr``)."""
    keys = {k for k in (_site_key(site or ""), _site_key(url or "")) if len(k) >= 3}
    title = " ".join(title.split())
    unstamped = _TITLE_STAMP.sub("", title)
    if len(_WORDS.findall(unstamped)) >= 2:
        title = unstamped
    parts = TITLE_PARTS.split(title)  # parts and separators alternate: the separators are kept

    def is_site(part: str) -> bool:
        return _site_key(part) in keys or _DOMAIN.match(part) is not None

    start, end = 0, len(parts)
    while end - start > 2 and is_site(parts[end - 1]):
        end -= 2
    while end - start > 2 and is_site(parts[start]):
        start += 2
    return "".join(parts[start:end])


def split_kicker(line: str) -> tuple[str | None, str]:
    """Split "Kicker Noun Phrase Headline with a verb" (a kicker run into its headline when the
    line breaks were lost) at the longest leading noun phrase that is followed by a capitalised
    word, if what follows reads like a sentence (has a lower-case content word)."""
    words = line.split()
    best = None
    for i in range(2, min(len(words) - 2, 9)):
        head, rest = words[:i], words[i:]
        if not rest[0][:1].isupper():
            continue
        if any(w[:1].islower() and w.lower() not in _FUNCTION_WORDS for w in head):
            break  # the head stopped being a noun phrase
        if any(w[:1].islower() and w.lower() not in _FUNCTION_WORDS for w in rest):
            best = i
    if best is None:
        return None, line
    return " ".join(words[:best]), " ".join(words[best:])


@dataclass(slots=True)
class TextMeta:
    title: str = ""
    body: str = ""
    kicker: str | None = None
    source: str | None = None
    author: str | None = None
    boilerplate: list[tuple[int, int]] = field(default_factory=list)


def _people(names: str) -> str:
    return ", ".join(p.strip() for p in re.split(r"\s*(?:,|\bund\b|&)\s*", names) if p.strip())


def clean_author(value: str | None) -> str | None:
    """A person's or desk's name, or None for what is not one (URLs, e-mail addresses, handles)."""
    if not value:
        return None
    value = " ".join(value.split())
    if re.search(r"https?:|www\.|@|/|\.(?:de|com|at|ch|net|org)\b", value, re.IGNORECASE) or len(value) > 80:
        return None
    return value


def _take_byline(names: str, meta: TextMeta) -> None:
    agency = agency_name(names)
    if agency:
        meta.source = meta.source or agency
    else:
        meta.author = meta.author or _people(names)


LEAD_LINES = 46  # the lead is looked for in the first 40 lines, a kicker up to 6 lines below it
_NON_SPACE = re.compile(r"\S+")
_NEWLINES = re.compile(r"\n*")


def _rstrip_len(text: str) -> int:
    """``len(text.rstrip())``, without copying a long text."""
    window = 4096
    while window < len(text):
        kept = len(text[-window:].rstrip())
        if kept:
            return len(text) - window + kept
        window *= 16
    return len(text.rstrip())


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text``, one at a time."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


def analyse_text(text: str, title: str | None = None) -> TextMeta:
    """Find title, kicker, source, author and boilerplate lines of a plain article text.
    ``title`` (from metadata) wins; otherwise the headline, else the first sentence."""
    meta = TextMeta()
    lines = list(itertools.islice(_lines(text), LEAD_LINES))  # not all: a body may be 60 MB
    offsets, pos = [], 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    paragraphs = sum(1 for line in lines if line.strip())
    if paragraphs == 1 and _NON_SPACE.search(text, pos):
        paragraphs = 2  # or more: a line below the lead has text

    headline_index: int | None = None
    headline = ""
    for i, raw in enumerate(lines[:40]):
        line = raw.strip()
        if not line:
            continue
        if _is_credit(line) or _GALLERY.match(line) or _SCRAPER.match(line):
            continue
        byline = _BYLINE.match(line)
        if byline and len(line) <= 80 or _not_headline(line):
            continue
        if title is None and paragraphs > 1 and len(line) <= MAX_HEADLINE and first_sentence(line) == line:
            headline_index, headline = i, line
        break

    # Bylines, credits, counters and datelines in the lead; boilerplate is kept, marked for dimming.
    for i, raw in enumerate(lines[:40]):
        line = raw.strip()
        if not line or i == headline_index:
            continue
        byline = _BYLINE.match(line)
        if byline and len(line) <= 80:
            _take_byline(byline["names"], meta)
            meta.boilerplate.append((offsets[i], offsets[i] + len(raw)))
        elif _is_credit(line) or _GALLERY.match(line) or _SCRAPER.match(line) or (len(line) <= 60 and _STAMP_LINE.match(line)):
            meta.boilerplate.append((offsets[i], offsets[i] + len(raw)))
            credit = re.match(r"^(?:©|\(c\))\s*([\w\-/]+)", line, re.IGNORECASE)
            if credit and agency_name(credit.group(1)):
                meta.source = meta.source or agency_name(credit.group(1))
        else:
            dateline = _DATELINE.match(line)
            if dateline and agency_name(dateline["agency"]):
                meta.source = meta.source or agency_name(dateline["agency"])
    # credits anywhere (captions between paragraphs, ``Quelle: …`` at the end), not the headline
    headline_start = None if headline_index is None else offsets[headline_index]
    known = set(meta.boilerplate)
    meta.boilerplate += [span for span in credit_lines(text, CREDIT_WINDOW)
                         if span not in known and span[0] != headline_start]
    meta.boilerplate.sort()
    stop = _rstrip_len(text)
    tail = text[max(0, stop - 120):stop]
    credit = _CREDIT_TAIL.search(tail)
    if credit and agency_name(credit["who"]):
        meta.source = meta.source or agency_name(credit["who"])

    # "Kicker\nHeadline\nStand: …" on separate lines: the first short line is the kicker.
    kicker_index: int | None = None
    if headline_index is not None:
        following = [i for i in range(headline_index + 1, min(len(lines), headline_index + 6)) if lines[i].strip()]
        if len(following) >= 2 and _STAMP_LINE.match(lines[following[1]].strip()):
            second = lines[following[0]].strip()
            if len(second) <= MAX_HEADLINE and not _not_headline(second) and first_sentence(second) == second:
                kicker_index, headline_index = headline_index, following[0]
                meta.kicker, headline = headline.rstrip(" :"), second

    cut = (0, 0)  # the headline line leaves the body: it is shown as the title
    if title is not None:
        meta.title = shorten(title)
    elif headline_index is not None:
        trailing = _TRAILING_BYLINE.search(headline)
        if trailing:
            _take_byline(trailing["names"], meta)
            headline = headline[: trailing.start()].strip()
        stamp = find_stamp(headline)
        if stamp:
            headline = headline[: stamp[1][0]].strip()
            meta.kicker, headline = split_kicker(headline)
        meta.title = shorten(clean_page_title(headline).rstrip(" :–-"))
        start = offsets[headline_index if kicker_index is None else kicker_index]
        end = offsets[headline_index] + len(lines[headline_index]) + 1
        while start and end < len(text) and text[end] == "\n":
            end += 1  # lines above stay: do not leave a gap of blank lines behind
        cut = (start, end)
    if not meta.title:
        lead = next((line.strip() for line in _lines(text) if line.strip() and not _is_credit(line)
                     and not _not_headline(line.strip()) and not _BYLINE.match(line.strip())), None)
        lead = lead or next((line.strip() for line in _lines(text) if line.strip()), text)
        meta.title = shorten(first_sentence(lead))

    removed = cut[1] - cut[0]
    spans = [(s - removed, e - removed) if s >= cut[1] else (s, e) for s, e in meta.boilerplate
             if s >= cut[1] or e <= cut[0]]
    # the body: the text without the cut, leading blank lines and trailing space, in one copy at most
    body, start = (text, cut[1]) if cut[0] == 0 else (text[: cut[0]] + text[cut[1] :], 0)
    lead_blank = _NEWLINES.match(body, start).end() - start
    meta.body = body[start + lead_blank : _rstrip_len(body)]
    meta.boilerplate = [(s - lead_blank, e - lead_blank) for s, e in spans if s >= lead_blank]
    return meta
