"""Bytes to clean text: decoding with a cp1252 fallback, and the documented removals.

What :func:`clean_text` removes or changes (and nothing else):

* line breaks: CRLF and lone CR become LF;
* terminal escape sequences, whole: CSI (``ESC [`` … final byte), OSC (``ESC ]`` … BEL or ST),
  DCS/SOS/PM/APC (``ESC P`` / ``X`` / ``^`` / ``_`` … ST), their 8-bit C1 forms, and two-byte
  ``ESC x`` sequences. A string sequence (OSC, DCS, SOS, PM, APC) without its terminator within
  4,096 characters loses only its introducer: the text after it stays, harmless without the ESC;
* any remaining control character: C0 except newline and tab, DEL, C1;
* soft hyphens, zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM) and bidi controls
  (LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI, LRM/RLM/ALM), which can hide or reorder text;
* no-break spaces (NBSP, narrow NBSP, figure space) become plain spaces.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

class _Pattern:
    """A regular expression compiled when first used: the reader's first screen needs none of
    the loader's patterns, and compiling them all took a few milliseconds of its start."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str):  # search, sub, ...
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        value = getattr(self._compiled, name)
        setattr(self, name, value)  # found directly from now on (this method is only the fallback)
        return value


# Whole escape sequences first, so their parameters do not stay behind as visible garbage.
_ESCAPES = _Pattern(
    r"""
    (?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?        # CSI ... final
  | (?:\x1b\]|\x9d)[^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)   # OSC ... BEL or ST
  | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]{0,4096}(?:\x1b\\|\x9c)  # DCS/SOS/PM/APC ... ST
  | \x1b[\x20-\x2f]*[\x30-\x7e]?                              # other ESC sequences
    """,
    re.VERBOSE,
)
_ESCAPE_START = _Pattern(r"[\x1b\x90\x98\x9b\x9d\x9e\x9f]")
_CONTROLS = _Pattern(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_INVISIBLE = _Pattern("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_SPACES = _Pattern("[\u00a0\u202f\u2007]")


# Any character that one of the removals below changes: most texts (and most fields of a
# bookmarks file) have none, and one search for them is several times faster than the removals.
_CHANGED = _Pattern("[\r\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2060\ufeff\u202a-\u202e"
                    "\u2066-\u2069\u061c\u00a0\u202f\u2007]")


def clean_text(text: str) -> str:
    """Apply the documented removals (module docstring) to already-decoded text."""
    if not _CHANGED.search(text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _ESCAPE_START.search(text):  # the sequence pattern is slow; most texts have none
        text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    redecoded: bool  # True when the bytes were not valid UTF-8 and cp1252 was used


def _cp1252_lenient(error: UnicodeError) -> tuple[str, int]:
    # The five bytes cp1252 leaves undefined map to their latin-1 code points (C1 controls,
    # which clean_text then removes), so no byte makes decoding fail.
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return bad.decode("latin-1"), error.end


codecs.register_error("newsreader-cp1252", _cp1252_lenient)


def _latin1_back(error: UnicodeError) -> tuple[bytes, int]:
    # the inverse for encoding: the five undefined bytes came back as their latin-1 code points
    assert isinstance(error, UnicodeEncodeError)
    return error.object[error.start:error.end].encode("latin-1"), error.end


codecs.register_error("newsreader-latin1", _latin1_back)


class BinaryFile(ValueError):
    """The bytes are not text."""


_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 27), *range(28, 32)])  # not ESC: see above


def looks_binary(data: bytes) -> bool:
    """Binary: more than 1 % NUL bytes or 5 % other control bytes (ESC not counted: text full of
    escape sequences is text, cleaned later) in the first 8 KB. A text with a stray NUL (a broken
    scraper, a truncated write) is text; the NUL is removed as a control character."""
    sample = data[:8192]
    if not sample:
        return False
    if sample.count(0) / len(sample) > 0.01:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > 0.05


# Bytes 0x80-0xBF as cp1252 shows them: the continuation bytes of UTF-8.
_CONT = "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" \
        "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178" \
        "\u00a0-\u00bf"
# UTF-8 read as cp1252: Ã¤ for ä, Â° for °, â€ž for „. German text never has these pairs.
_MOJIBAKE = _Pattern(f"[\u00c2\u00c3][{_CONT}]|\u00e2[{_CONT}][{_CONT}]")


def _repair(match: re.Match) -> str:
    try:
        return match.group().encode("cp1252", "newsreader-latin1").decode("utf-8")
    except UnicodeError:
        return match.group()


def _cp1252(data: bytes) -> Decoded:
    """cp1252, with the UTF-8 pieces of a file that mixes both encodings (a page in cp1252 with
    UTF-8 copied into it) repaired: only the pairs above, and only where they are valid UTF-8."""
    text = data.decode("cp1252", "newsreader-cp1252")
    if "\u00c2" in text or "\u00c3" in text or "\u00e2" in text:
        text = _MOJIBAKE.sub(_repair, text)
    return Decoded(text, "cp1252", True)


def decode_bytes(data: bytes) -> Decoded:
    """UTF-8 (BOM or not), UTF-16 with BOM, else cp1252 marked as re-decoded.
    Raises :class:`BinaryFile` for data that is not text."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return Decoded(data[3:].decode("utf-8"), "utf-8-sig", False)
        except UnicodeDecodeError:
            return _cp1252(data[3:])
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16", False)
        except UnicodeDecodeError as exc:
            raise BinaryFile(f"invalid UTF-16 despite its byte-order mark ({exc.reason})") from None
    if looks_binary(data):
        raise BinaryFile("binary data (NUL or control bytes), not text")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        return _cp1252(data)


_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_UNSAFE_DISPLAY = _Pattern(f"[\x00-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
_UNSAFE_LINES = _Pattern(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")  # keeps tab and newline
_UNSAFE_JSON = _Pattern(f"[\x7f-\x9f{_BIDI}\ud800-\udfff]")  # json.dumps escapes C0 itself


def _escape(m: re.Match) -> str:
    code = ord(m.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, lines: bool = False) -> str:
    """Text that is safe to show in a terminal: control characters (ESC included), bidi controls
    and undecodable bytes (lone surrogates from file names) become visible escapes such as
    ``\\x1b``. One line, unless ``lines``: then tabs and line breaks stay (the CLI's output).
    For file names, reasons and other text that did not pass :func:`clean_text`."""
    return (_UNSAFE_LINES if lines else _UNSAFE_DISPLAY).sub(_escape, text)


def json_safe(json_text: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with what a terminal acts on besides
    C0 (DEL, C1, bidi controls) and lone surrogates written as ``\\u`` escapes: the same JSON,
    safe to print and valid UTF-8."""
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)
