"""A hostile collection: what real folders of web articles contain, and worse.

``make_collection(root)`` writes it and returns a :class:`Manifest` saying what each file is and
what the loader must do with it. The payload strings are unique so tests can look for them in
terminal output and loaded text.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from pathlib import Path

# Unique markers inside escape sequences: none of them may ever reach a terminal.
OSC_TITLE = "NRPAYLOAD-OSC-TITLE-4711"
OSC_LINK = "nrpayload-hyperlink.example"
DCS = "NRPAYLOAD-DCS-0815"
CSI_PARAMS = "31;4159;2653"  # a CSI no renderer writes: ESC [ 31;4159;2653 H
APC = "NRPAYLOAD-APC-1234"
MARKUP_LINK = "nrpayload-markup.example"

ESCAPES = (
    f"\x1b]0;{OSC_TITLE}\x07"              # OSC: set the window title (BEL-terminated)
    f"\x1b]8;;https://{OSC_LINK}/\x1b\\"   # OSC 8: a hyperlink (ST-terminated)
    f"\x1bP{DCS}\x1b\\"                    # DCS
    f"\x1b[{CSI_PARAMS}H"                  # CSI: move the cursor
    "\x1b[2J"                              # CSI: clear the screen
    f"\x1b_{APC}\x1b\\"                    # APC
    "\x9b6n"                               # C1 CSI (8-bit): ask the terminal to report
)
MARKUP = f"[bold]fett[/bold] [/sourcecode] [link=https://{MARKUP_LINK}]Link[/link] [red on blue]x[/]"
BIDI = "\u202eevil\u202c \u2066isolated\u2069 \u200fRLM"
ZERO_WIDTH = "Zero\u200bwidth\u200c join\u200d er\u2060 \ufeffbom soft\u00adhyphen"
WIDE = "Emoji 👩‍👩‍👧‍👦 🇩🇪 und CJK 東京都 北京 한국어 ｆｕｌｌｗｉｄｔｈ"


@dataclass
class Manifest:
    root: Path
    articles: dict[str, str] = field(default_factory=dict)   # relative path -> title the loader must find
    skipped: dict[str, str] = field(default_factory=dict)    # relative path -> words the reason contains
    redecoded: set[str] = field(default_factory=set)          # relative paths read as cp1252
    sources: dict[str, str] = field(default_factory=dict)     # relative path -> decoded source text
    unreadable_simulated: bool = False  # running as root: permissions do not stop reading


def _article(title: str, body: str) -> str:
    return f"{title}\n\n{body}\n"


def make_collection(root: Path, big: bool = True) -> Manifest:
    root.mkdir(parents=True, exist_ok=True)
    m = Manifest(root)

    def text(rel: str, title: str, body: str, encoding: str = "utf-8", bom: bytes = b"",
             newline: str = "\n") -> None:
        source = _article(title, body).replace("\n", newline)
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bom + source.encode(encoding))
        m.articles[rel] = title
        m.sources[rel] = source

    # text that must load, with the hostile content kept visible or removed as documented
    text("escapes.txt", "Escape-Sequenzen im Artikel",
         f"Am 3. März 2024 berichtete die Zeitung {ESCAPES} über den Fall.\n\nZweiter Absatz {ESCAPES} Ende.")
    text("markup.txt", f"Markup {MARKUP}", f"Der Text enthält {MARKUP} und [[doppelte]] Klammern.")
    text("bidi.txt", "Bidi und Nullbreite", f"{BIDI}\n\n{ZERO_WIDTH}")
    text("wide.txt", "Breite Zeichen 東京", f"{WIDE}\n\n" + "東京 " * 500)
    text("c1.txt", "Unsichtbare Steuerzeichen im Text", "Vor\x85 dem\x9c Ende\x90 steht\x9d nichts\x96 Sichtbares.")
    text("nul.txt", "Ein NUL-Byte", "Ein verirrtes\x00 NUL-Byte mitten im Text. " + "Weiter im Text. " * 40)
    text("cp1252.txt", "Größere Übel für Bürger", "Die Straße ist „gesperrt“ – sagt der Bürgermeister. 5 €.",
         encoding="cp1252")
    m.redecoded.add("cp1252.txt")
    text("utf16.txt", "UTF-16 mit BOM", "Grüße aus Köln.", encoding="utf-16-le", bom=b"\xff\xfe")
    text("bom-crlf.txt", "BOM und CRLF", "Zeile eins\nZeile zwei", bom=b"\xef\xbb\xbf", newline="\r\n")
    line = ("Ein sehr langer Satz ohne Zeilenumbruch, der immer weitergeht, " * 32_000)[:2 * 2**20]
    text("one-line.txt", "Zwei Megabyte in einer Zeile", line)
    deep = "/".join(f"d{i}" for i in range(60))
    text(f"{deep}/tief.txt", "Tief verschachtelt", "Sechzig Ordner tief.")
    text("name\nwith newline.txt", "Dateiname mit Zeilenumbruch", "Der Name enthält einen Zeilenumbruch.")
    text("name [bold]markup[/bold].txt", "Dateiname mit Markup", "Der Name enthält Markup.")
    # a name that is not valid UTF-8 (Latin-1 "é"); Python gives it a surrogate escape
    bad_name = os.fsdecode(b"caf\xe9-\x1b[31m.txt")
    text(bad_name, "Dateiname in Latin-1", "Der Name ist kein UTF-8.")
    if big:
        para = "Die Regierung in Berlin beriet am Montag über den Haushalt des kommenden Jahres. " * 12 + "\n\n"
        body = para * (50 * 2**20 // len(para))
        text("huge.txt", "Fünfzig Megabyte", body.rstrip("\n"))

    # files that must be skipped, each with a reason
    def bad(rel: str, data: bytes, reason: str) -> None:
        path = root / rel
        path.write_bytes(data)
        m.skipped[rel] = reason

    rng = random.Random(7)
    bad("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(4000)), "binary")
    bad("random.bin", bytes(rng.randrange(256) for _ in range(20_000)), "binary")
    bad("empty.txt", b"", "empty")
    bad("blank.txt", b"   \n\t\r\n   \n", "empty")
    bad("bad-utf16.txt", b"\xff\xfe" + b"\x00\xd8" * 3, "UTF-16")
    bad("unreadable.txt", _article("Nicht lesbar", "Geheim.").encode(), "cannot read")
    (root / "unreadable.txt").chmod(0)
    if os.geteuid() == 0:  # root reads it anyway; tests simulate the error for this file
        m.unreadable_simulated = True
    (root / "loop").mkdir()
    (root / "loop" / "self").symlink_to(root / "loop", target_is_directory=True)
    (root / "dangling.txt").symlink_to(root / "does-not-exist.txt")
    m.skipped["dangling.txt"] = "cannot read"
    return m


def expected_text(source: str) -> str:
    """The documented removals (docs/security.md, ``core/textclean.py``), written out again here
    so the test does not compare the loader with itself."""
    import re

    text = source.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"(\x1b\[|\x9b)[0-9:;<=>?]*[ -/]*[@-~]?", "", text)           # CSI
    text = re.sub(r"(\x1b\]|\x9d)[^\x07\x1b\x9c]{0,4096}(\x07|\x1b\\|\x9c)", "", text)  # OSC, terminated
    text = re.sub(r"(\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]{0,4096}(\x1b\\|\x9c)", "", text)  # DCS…, terminated
    text = re.sub(r"\x1b[ -/]*[0-~]?", "", text)                                 # other ESC
    text = "".join(c for c in text if c in "\n\t" or not (ord(c) < 32 or 127 <= ord(c) < 160))
    for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c":
        text = text.replace(c, "")
    for c in "\u00a0\u202f\u2007":
        text = text.replace(c, " ")
    return text


def tiny_files(root: Path, n: int = 10_000) -> Path:
    """``n`` small articles in 100 folders."""
    for i in range(n):
        folder = root / f"f{i // 100:03d}"
        if i % 100 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"a{i:05d}.txt").write_text(
            f"Meldung Nummer {i}\n\nBerlin, {1 + i % 28}. März 2024. Kurze Meldung {i} über den Tag.\n",
            encoding="utf-8")
    return root
