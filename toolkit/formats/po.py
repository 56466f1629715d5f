"""Gettext PO files: read with polib, write in GNU gettext's canonical layout.

Reading uses polib (the entry grammar) with three fixes around it:

* the header charset is honoured and checked (``charset=CHARSET`` or an unknown name falls back to
  UTF-8 with a warning, a legacy charset such as Windows-1258 is decoded and NFC-normalised);
* C escapes polib does not know (``\\a``, ``\\xHH``, octal ``\\ooo``) are decoded instead of
  losing their backslash (shared/cases/b16, translate-toolkit's po2tmx writes ``Datax07bell``);
  a hex escape takes at most two digits (gettext's C parser is greedy and reads ``\\x07be`` as
  one code; we follow the two-digit reading every editor shows);
* "file not found" is kept apart from "syntax error" (polib reports both as a syntax error on
  line 1), and syntax errors become :class:`FormatError` with ``path`` and ``line``.

Writing does not use polib's ``save()``: polib wraps with :mod:`textwrap`, which breaks before
spaces and never re-wraps strings containing ``\\n`` (izimobil/polib#96, shared/cases/b03), so
every save rewrites untouched entries. :func:`format_entry` reimplements gettext's
``write-po.c`` ``wrap()`` (page width 79) over libunistring's UAX #14 pair table, so a file we
write is a fixed point of ``msgcat`` even where gettext is not installed. Files are written
atomically (:func:`toolkit.text.files.atomic_open`).

Status mapping (once, here): empty msgstr → ``Status.NEW``; ``#, fuzzy`` → ``Status.FUZZY``;
otherwise ``Status.TRANSLATED`` (approved). A fuzzy entry with an empty msgstr reads as FUZZY.
"""
from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

import polib

from toolkit.errors import FormatError, InputError
from toolkit.text.files import atomic_open, read_input_bytes
from toolkit.types import Status, Unit

log = logging.getLogger("toolkit.formats.po")

try:  # the CLI version ends up in X-Generator; formats must not depend on the package import order
    from toolkit import __version__ as _TOOLKIT_VERSION
except ImportError:  # pragma: no cover
    _TOOLKIT_VERSION = "0"

#: gettext's default page width (``msgcat --width``); lines are at most this many columns.
PAGE_WIDTH = 79

#: Header fields every PO we write carries, in gettext's order (shared/cases/b07).
REQUIRED_HEADER_FIELDS = (
    "Project-Id-Version", "PO-Revision-Date", "Last-Translator", "Language-Team", "Language",
    "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Plural-Forms",
)
#: Header fields naming the source language, first match wins (ours, then other tools').
SOURCE_LANGUAGE_FIELDS = ("X-Source-Language", "X-Poedit-SourceLanguage", "X-Source-Lang", "Source-Language")
#: Assumed source language of a PO without such a field: gettext catalogues are written from
#: English source strings (xz, GLib); documented fallback.
DEFAULT_SOURCE_LANGUAGE = "en"

_PLURAL_FORMS_EN = "nplurals=2; plural=(n != 1);"


# --------------------------------------------------------------------------------------------
# Data


@dataclass
class PoDocument:
    """A PO file as read.

    Attributes:
        path: where it was read from.
        header: header fields in file order (``{"Language": "en", ...}``).
        units: one :class:`Unit` per entry, header excluded, obsolete entries included
            (``obsolete=True``), in file order. Plural entries map to ``msgstr[0]`` (see warnings).
        warnings: problems that did not stop reading (charset, fuzzy header, missing header ...).
        entries: the polib entries, for a faithful re-save with :func:`save_po`.
        header_comment: translator comment lines above the header entry.
        encoding: the charset the file was decoded with (Python codec name).
    """

    path: Path
    header: dict[str, str]
    units: list[Unit]
    warnings: list[str] = field(default_factory=list)
    entries: list[polib.POEntry] = field(default_factory=list, repr=False)
    header_comment: str = ""
    encoding: str = "utf-8"

    @property
    def target_language(self) -> str:
        """The ``Language`` header field (``""`` if absent)."""
        return self.header.get("Language", "").strip()

    @property
    def source_language(self) -> str:
        """``X-Source-Language`` (or another known field), else :data:`DEFAULT_SOURCE_LANGUAGE`."""
        for name in SOURCE_LANGUAGE_FIELDS:
            value = self.header.get(name, "").strip()
            if value:
                return value
        return DEFAULT_SOURCE_LANGUAGE


# --------------------------------------------------------------------------------------------
# Header


def po_header(source_lang: str = "vi", target_lang: str = "en",
              extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Build a complete, non-fuzzy header (shared/cases/b07).

    Args:
        source_lang: source language code, written as ``X-Source-Language``.
        target_lang: target language code, written as ``Language``.
        extra: further fields (``X-Toolkit-Version``, ``X-MT-Model``, ``X-Glossary-Checksum`` ...);
            they override the defaults of the same name and come after them otherwise.

    Returns:
        dict in gettext's field order. ``Plural-Forms`` is the English rule when the target is
        English, else ``nplurals=1; plural=0;`` unless ``extra`` gives one.
    """
    plural = _PLURAL_FORMS_EN if target_lang.split("_")[0] == "en" else "nplurals=1; plural=0;"
    header = {
        "Project-Id-Version": "bitext",
        "PO-Revision-Date": _now(),
        "Last-Translator": "bitext (machine draft)",
        "Language-Team": "none",
        "Language": target_lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural,
        "X-Generator": f"bitext {_TOOLKIT_VERSION}",
        "X-Source-Language": source_lang,
    }
    for key, value in (extra or {}).items():
        header[key] = value
    return header


def _now() -> str:
    import datetime as _dt

    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M+0000")


def _complete_header(header: Mapping[str, str]) -> dict[str, str]:
    """Fill required fields missing from ``header``; fix a placeholder charset; keep order."""
    defaults = po_header(header.get("X-Source-Language", "vi") or "vi",
                         header.get("Language", "") or "en")
    out = dict(header)
    for key in REQUIRED_HEADER_FIELDS + ("X-Generator", "X-Source-Language"):
        if not str(out.get(key, "")).strip():
            out[key] = defaults[key]
    out["Content-Type"] = "text/plain; charset=UTF-8"  # we always write UTF-8
    out["Content-Transfer-Encoding"] = "8bit"
    ordered = {k: out[k] for k in defaults if k in out}
    ordered.update({k: v for k, v in out.items() if k not in ordered})
    return ordered


def _header_text(header: Mapping[str, str]) -> str:
    for key, value in header.items():
        if "\n" in key or ":" in key or "\n" in str(value):
            raise FormatError(f"header field {key!r} cannot contain a newline or a colon in its name")
    return "".join(f"{k}: {v}\n" for k, v in header.items())


# --------------------------------------------------------------------------------------------
# Line breaking (gettext write-po.c wrap() over libunistring's unilbrk)

_P, _D, _I = 0, 1, 2  # prohibited, direct, indirect (UAX #14 table 7.3: ^, _, %)
_CLASSES = "WJ GL B2 BA BB HY CL CP EX IN NS OP QU IS NU PO PR SY AL H2 H3 ID JL JV JT HL RI".split()
_CLS = {name: i for i, name in enumerate(_CLASSES)}
# Pair table, rows = class before, columns = class after. Base: libunistring lbrktables.c
# (27×27, UAX #14 table 7.3), whose (IS, AL) entry is D, not I, so gettext breaks after ";" in
# "exports;imports" (shared/cases/b03 seg-0005). The cells between the classes WJ…HL except H2…JT,
# ID and RI were then measured against msgcat 0.21 + libunistring 1.0 (a probe string per pair,
# with and without a space; tests/test_po.py compares wrap_string with msgcat), which adds the newer rules such as
# AL × PR, AL × OP and × IN.
_PAIR_ROWS = """
WJ P I I I I I P P P I I I I P I I I P I I I I I I I I I
GL P I I I I I P P P I I I I P I I I P I I I I I I I I I
B2 P I P I D I P P P I I D I P D D D P D D D D D D D D D
BA P D D I D I P P P I I D I P D D D P D D D D D D D D D
BB P I I I I I P P P I I I I P I I I P I I I I I I I I I
HY P D D I D I P P P I I D I P I D D P D D D D D D D D D
CL P I D I D I P P P I P D I P D I I P D D D D D D D D D
CP P I D I D I P P P I I D I P I I I P I D D D D D D I D
EX P I D I D I P P P I I D I P D D D P D D D D D D D D D
IN P I D I D I P P P I I D I P D D D P D D D D D D D D D
NS P I D I D I P P P I I D I P D D D P D D D D D D D D D
OP P P P P P P P P P P P P P P P P P P P P P P P P P P P
QU P I I I I I P P P I I P I P I I I P I I I I I I I I I
IS P I D I D I P P P I I D I P I D D P D D D D D D D D D
NU P I D I D I P P P I I I I P I I I P I D D D D D D I D
PO P I D I D I P P P I I I I P I D D P I D D D D D D I D
PR P I D I D I P P P I I I I P I D D P I I I I I I I I D
SY P I D I D I P P P I I D I P I D D P D D D D D D D I D
AL P I D I D I P P P I I I I P I I I P I D D D D D D I D
H2 P I D I D I P P P I I D I P D I D P D D D D D I I D D
H3 P I D I D I P P P I I D I P D I D P D D D D D D I D D
ID P I D I D I P P P I I D I P D I D P D D D D D D D D D
JL P I D I D I P P P I I D I P D I D P D I I D I I D D D
JV P I D I D I P P P I I D I P D I D P D D D D D I I D D
JT P I D I D I P P P I I D I P D I D P D D D D D D I D D
HL P I D I D I P P P I I I I P I I I P I D D D D D D I D
RI P I D I D I P P P D I D I P D D D P D D D D D D I D I
"""
_PAIR = [[{"P": _P, "D": _D, "I": _I}[c] for c in row.split()[1:]]
         for row in _PAIR_ROWS.strip().splitlines()]
_SP, _ZW, _CM, _BK = "SP", "ZW", "CM", "BK"  # handled outside the pair table

# UAX #14 LineBreak.txt classes of printable ASCII (space handled separately).
_ASCII_CLASS = {
    "!": "EX", '"': "QU", "$": "PR", "%": "PO", "'": "QU", "(": "OP", ")": "CP", "+": "PR",
    ",": "IS", "-": "HY", ".": "IS", "/": "SY", ":": "IS", ";": "IS", "?": "EX", "[": "OP",
    "\\": "PR", "]": "CP", "{": "OP", "|": "BA", "}": "CL", "\t": "BA",
}
_SPECIAL_CLASS = {
    "\u00a0": "GL", "\u00ab": "QU", "\u00bb": "QU", "\u00ad": "BA", "\u00b0": "PO", "\u00b4": "BB",
    "\u2010": "BA", "\u2011": "GL", "\u2012": "BA", "\u2013": "BA", "\u2014": "B2", "\u2018": "QU",
    "\u2019": "QU", "\u201c": "QU", "\u201d": "QU", "\u201a": "OP", "\u201e": "OP", "\u2026": "IN",
    "\u2024": "IN", "\u2025": "IN", "\u2030": "PO", "\u2032": "PO", "\u2033": "PO", "\u2060": "WJ",
    "\ufeff": "WJ", "\u200b": _ZW, "\u2007": "GL", "\u202f": "GL", "\u3000": "BA", "\u2028": _BK,
    "\u2029": _BK, "\u0085": _BK, "\u00b7": "AL", "\u2022": "AL", "\u3001": "CL", "\u3002": "CL",
    "\uff0c": "CL", "\uff0e": "CL", "\u200d": _CM, "\u200c": _CM,
}


def _lb_class(ch: str) -> str:
    """Line-breaking class of one code point (UAX #14), close to libunistring's table.

    Exact for ASCII and the punctuation that occurs in Vietnamese/English text; other characters
    go by general category (letters AL, wide letters ID, marks CM, Ps OP, Pe CL, Pi/Pf QU).
    """
    if ch == " ":
        return _SP
    cls = _ASCII_CLASS.get(ch) or _SPECIAL_CLASS.get(ch)
    if cls:
        return cls
    o = ord(ch)
    if o < 0x80:
        if ch.isdigit():
            return "NU"
        if o < 0x20 or o == 0x7F:
            return _CM
        return "AL"
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Mc", "Me", "Cc", "Cf"):
        return _CM
    if cat == "Nd":
        return "NU"
    if cat == "Ps":
        return "OP"
    if cat == "Pe":
        return "CL"
    if cat in ("Pi", "Pf"):
        return "QU"
    if cat == "Zs":
        return "BA"
    if cat == "Sc":
        return "PR"
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return "ID"
    return "AL"


def _char_width(ch: str) -> int:
    """Columns of one code point as libunistring's ``uc_width`` (0 for marks, controls ignored)."""
    o = ord(ch)
    if o < 0x20 or 0x7F <= o < 0xA0:
        return 0
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me") or ch in "\u200b\u200c\u200d\u2060\ufeff":
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


_UNDEF, _PROHIBITED, _POSSIBLE, _MANDATORY = 0, 1, 2, 3


def _possible_breaks(text: str) -> list[int]:
    """Break opportunities before each character (libunistring ``u8_possible_linebreaks``)."""
    n = len(text)
    p = [_PROHIBITED] * n
    last = "BK"            # class of the last non-space character
    seen_space = False     # a space since that character
    for i, ch in enumerate(text):
        cls = _lb_class(ch)
        if cls == _BK:
            p[i] = _MANDATORY
            last, seen_space = "BK", False
        elif cls == _SP:
            p[i] = _PROHIBITED
            seen_space = True
        elif cls == _ZW:
            p[i] = _PROHIBITED
            last, seen_space = _ZW, False
        elif cls == _CM:
            if last == _ZW or seen_space:
                p[i] = _POSSIBLE if last != "BK" else _PROHIBITED
                last, seen_space = "AL", False
            else:
                p[i] = _PROHIBITED  # X CM is treated as X
        else:
            if last == "BK":
                p[i] = _PROHIBITED
            elif last == _ZW:
                p[i] = _POSSIBLE
            else:
                rule = _PAIR[_CLS[last]][_CLS[cls]]
                if rule == _D or (rule == _I and seen_space):
                    p[i] = _POSSIBLE
                else:
                    p[i] = _PROHIBITED
            last, seen_space = cls, False
    return p


def _width_breaks(text: str, width: int, start_column: int, overrides: Sequence[int]) -> list[int]:
    """Greedy choice of breaks so each line fits ``width`` (libunistring ``u8_width_linebreaks``)."""
    p = _possible_breaks(text)
    last_p: int | None = None
    last_column = start_column
    piece_width = 0
    for i, ch in enumerate(text):
        if overrides[i] != _UNDEF:
            p[i] = overrides[i]
        if p[i] in (_POSSIBLE, _MANDATORY):
            if last_p is not None and last_column + piece_width > width:
                p[last_p] = _POSSIBLE
                last_column = 0
        if p[i] == _MANDATORY:
            last_p, last_column, piece_width = None, 0, 0
        else:
            if p[i] == _POSSIBLE:
                last_p = i
                last_column += piece_width
                piece_width = 0
            p[i] = _PROHIBITED
            piece_width += _char_width(ch)
    if last_p is not None and last_column + piece_width > width:
        p[last_p] = _POSSIBLE
    return p


_C_ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v"}


def _escape_portion(s: str) -> tuple[str, list[int]]:
    out: list[str] = []
    overrides: list[int] = []
    for ch in s:
        if ch in _C_ESCAPES:
            out.append("\\" + _C_ESCAPES[ch])
            overrides += [_UNDEF, _PROHIBITED]
        elif ch in '\\"':
            out.append("\\" + ch)
            overrides += [_UNDEF, _PROHIBITED]
        else:
            out.append(ch)
            overrides.append(_UNDEF)
    return "".join(out), overrides


def wrap_string(name: str, value: str, line_prefix: str = "", page_width: int = PAGE_WIDTH) -> list[str]:
    """Lay out one keyword and its string exactly as gettext's ``msgcat`` does.

    Args:
        name: the keyword, e.g. ``"msgid"``, ``"msgstr[0]"``.
        value: the unescaped string.
        line_prefix: ``"#~ "`` for obsolete entries, ``"#| "`` for previous strings.
        page_width: gettext's ``--width`` (default 79 columns).

    Returns:
        the output lines without line ends. A string that fits on the keyword's line stays there;
        otherwise the first line is ``name ""`` and the string follows, broken after each ``\\n``
        and at UAX #14 opportunities so lines stay within ``page_width`` columns.

    Source: GNU gettext 0.21 ``write-po.c`` ``wrap()``; libunistring ``unilbrk``.
    """
    lines: list[str] = []
    # Portions end after each "\n" (gettext: es = strchr (s, '\n') + 1).
    portions: list[str] = []
    rest = value
    while True:
        cut = rest.find("\n")
        if cut < 0 or cut == len(rest) - 1:
            portions.append(rest)
            break
        portions.append(rest[: cut + 1])
        rest = rest[cut + 1:]
    first_line = True
    startcol_after_break = len(line_prefix) + 1
    width = page_width - 1 - startcol_after_break
    for k, portion in enumerate(portions):
        more = k < len(portions) - 1
        esc, overrides = _escape_portion(portion)
        if portion.endswith("\n"):
            overrides[len(esc) - 2] = _PROHIBITED  # no break just before the final "\n"
        while True:
            startcol = len(line_prefix)
            if first_line:
                startcol += len(name) + 1
            startcol += 1 - startcol_after_break
            breaks = _width_breaks(esc, width, startcol, overrides)
            if first_line and esc and (more or startcol > width or _POSSIBLE in breaks):
                lines.append(f'{line_prefix}{name} ""')
                first_line = False
                continue
            break
        head = f"{line_prefix}{name} " if first_line else line_prefix
        first_line = False
        current = [head, '"']
        for i, ch in enumerate(esc):
            if breaks[i] == _POSSIBLE:
                current.append('"')
                lines.append("".join(current))
                current = [line_prefix, '"']
            current.append(ch)
        current.append('"')
        lines.append("".join(current))
    return lines


# --------------------------------------------------------------------------------------------
# Writing


_EMPTY = "\x00"  # stands for an empty "#" / "#." line inside polib entries (polib drops them)


def _comment_lines(text: str) -> list[str]:
    return [] if not text else ["" if ln == _EMPTY else ln for ln in text.split("\n")]


def _to_comment_text(lines: Iterable[str]) -> str:
    return "\n".join(ln if ln else _EMPTY for ln in lines)


def _format_references(occurrences: Iterable[tuple[str, str]], page_width: int = PAGE_WIDTH) -> list[str]:
    lines: list[str] = []
    current = "#:"
    for fname, lineno in occurrences:
        ref = f"{fname}:{lineno}" if lineno not in (None, "") else fname
        if len(current) > 2 and len(current) + 1 + len(ref) > page_width:
            lines.append(current)
            current = "#:"
        current += " " + ref
    if len(current) > 2:
        lines.append(current)
    return lines


def format_entry(entry: polib.POEntry, page_width: int = PAGE_WIDTH) -> list[str]:
    """Lay out one polib entry in msgcat's order and wrapping.

    Order (gettext ``message_print``): translator comments ``#``, extracted comments ``#.``,
    references ``#:``, flags ``#,`` (fuzzy first), previous strings ``#|``, then msgctxt, msgid,
    msgid_plural, msgstr / msgstr[N]. Obsolete entries prefix their strings with ``#~ ``.

    Returns:
        lines without line ends.
    """
    lines: list[str] = []
    lines += [f"# {c}" if c else "#" for c in _comment_lines(entry.tcomment)]
    lines += [f"#. {c}" if c else "#." for c in _comment_lines(entry.comment)]
    if entry.occurrences:
        lines += _format_references(entry.occurrences, page_width)
    flags = list(entry.flags)
    if "fuzzy" in flags:
        flags = ["fuzzy"] + [f for f in flags if f != "fuzzy"]
    if flags:
        lines.append("#, " + ", ".join(flags))
    obsolete = bool(entry.obsolete)
    prev_prefix = "#~| " if obsolete else "#| "
    for name, value in (("msgctxt", entry.previous_msgctxt), ("msgid", entry.previous_msgid),
                        ("msgid_plural", entry.previous_msgid_plural)):
        if value is not None:
            lines += wrap_string(name, value, prev_prefix, page_width)
    prefix = "#~ " if obsolete else ""
    if entry.msgctxt is not None:
        lines += wrap_string("msgctxt", entry.msgctxt, prefix, page_width)
    lines += wrap_string("msgid", entry.msgid, prefix, page_width)
    if entry.msgid_plural:
        lines += wrap_string("msgid_plural", entry.msgid_plural, prefix, page_width)
        for idx in sorted(entry.msgstr_plural, key=int):
            lines += wrap_string(f"msgstr[{idx}]", entry.msgstr_plural[idx], prefix, page_width)
    else:
        lines += wrap_string("msgstr", entry.msgstr, prefix, page_width)
    return lines


def format_po(header: Mapping[str, str], entries: Iterable[polib.POEntry], header_comment: str = "",
              header_flags: Sequence[str] = (), page_width: int = PAGE_WIDTH) -> str:
    """Serialise a header and entries to PO text (msgcat layout, ``\\n`` line ends)."""
    return "".join(iter_po_text(header, entries, header_comment, header_flags, page_width))


def iter_po_text(header: Mapping[str, str] | None, entries: Iterable[polib.POEntry], header_comment: str = "",
                 header_flags: Sequence[str] = (), page_width: int = PAGE_WIDTH) -> Iterator[str]:
    """:func:`format_po` one entry at a time, so a large file is written without building it whole."""
    first = True
    if header is not None:
        head = polib.POEntry(msgid="", msgstr=_header_text(header), tcomment=header_comment,
                             flags=list(header_flags))
        yield "\n".join(format_entry(head, page_width)) + "\n"
        first = False
    for entry in entries:
        yield ("" if first else "\n") + "\n".join(format_entry(entry, page_width)) + "\n"
        first = False


def mirror_edge_newlines(msgid: str, msgstr: str) -> str:
    """Give a non-empty ``msgstr`` the leading and trailing newline runs of ``msgid``.

    ``msgfmt --check`` rejects an entry whose msgid and msgstr do not both begin (or end) with
    ``\\n``; MT output never keeps them (shared/cases/b05). The inner text is untouched.

    Example: ``mirror_edge_newlines("\\nTIN NÓNG\\n", "BREAKING NEWS")`` → ``"\\nBREAKING NEWS\\n"``.
    """
    if not msgstr:
        return msgstr
    lead = len(msgid) - len(msgid.lstrip("\n"))
    trail = len(msgid) - len(msgid.rstrip("\n")) if msgid.strip("\n") else 0
    inner = msgstr.strip("\n")
    return "\n" * lead + inner + "\n" * trail


_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def _check_text(value: str | None, what: str, where: str) -> None:
    if value is not None and _FORBIDDEN.search(value):
        raise FormatError(f"{where}: {what} contains a NUL or a lone surrogate, which PO cannot represent")


def unit_to_entry(unit: Unit) -> polib.POEntry:
    """Convert a :class:`Unit` to a polib entry (status → fuzzy flag, newline edges mirrored).

    Raises:
        FormatError: empty msgid (that is the header's), NUL characters or lone surrogates.
    """
    where = f"entry {unit.msgctxt or unit.msgid[:30]!r}"
    if unit.msgid == "":
        raise FormatError(f"{where}: an empty msgid is reserved for the PO header")
    for what, value in (("msgid", unit.msgid), ("msgstr", unit.msgstr), ("msgctxt", unit.msgctxt),
                        ("previous msgid", unit.previous_msgid)):
        _check_text(value, what, where)
    flags = [f for f in unit.flags if f != "fuzzy"]
    if unit.status is Status.FUZZY:
        flags.insert(0, "fuzzy")
    msgstr = unit.msgstr if unit.obsolete else mirror_edge_newlines(unit.msgid, unit.msgstr)
    return polib.POEntry(
        msgid=unit.msgid, msgstr=msgstr, msgctxt=unit.msgctxt,
        comment=_to_comment_text(unit.comments), tcomment=_to_comment_text(unit.translator_comments),
        occurrences=[(f, "" if ln is None else str(ln)) for f, ln in unit.references],
        flags=flags, previous_msgid=unit.previous_msgid, obsolete=unit.obsolete,
    )


def write_po(path: str | Path, units: Sequence[Unit], header: Mapping[str, str]) -> None:
    """Write units as a PO file, atomically, in msgcat's canonical layout.

    Args:
        path: destination; its folder must exist.
        units: one entry each, in the given order (obsolete ones are written as ``#~`` entries;
            put them last, as msgmerge does).
        header: header fields; required ones the caller did not give are filled
            (:func:`po_header`), ``Content-Type`` is always UTF-8, the header is never fuzzy.

    Raises:
        FormatError: duplicate (msgctxt, msgid) among live entries — ``msgfmt`` rejects the
            file (shared/cases/b04) — or text a PO file cannot hold (see :func:`unit_to_entry`).
    """
    def entries():  # one at a time: a polib entry per unit for the whole file took ≈ 16× its size
        seen: set[tuple[str | None, str]] = set()
        for unit in units:
            key = (unit.msgctxt, unit.msgid)
            if not unit.obsolete:
                if key in seen:
                    raise FormatError(f"duplicate entry msgctxt={unit.msgctxt!r} msgid={unit.msgid[:40]!r}: "
                                      "give each segment its own msgctxt", path)
                seen.add(key)
            yield unit_to_entry(unit)

    with atomic_open(path) as f:  # an error part-way removes the temporary file: no partial PO
        for chunk in iter_po_text(_complete_header(header), entries()):
            f.write(chunk)


def save_po(doc: PoDocument, path: str | Path | None = None) -> None:
    """Re-save a document read by :func:`read_po` with its original entries, in msgcat layout.

    An untouched file that gettext wrote comes out byte-identical (shared/cases/b03). The text is
    written as UTF-8 (``Content-Type`` updated); a fuzzy header flag is dropped (b07).
    """
    header = dict(doc.header)
    if "Content-Type" in header or doc.encoding.lower().replace("-", "") != "utf8":
        header["Content-Type"] = "text/plain; charset=UTF-8"
    text = format_po(header, doc.entries, header_comment=doc.header_comment)
    with atomic_open(path or doc.path) as f:
        f.write(text)


# --------------------------------------------------------------------------------------------
# Reading

_CHARSET = re.compile(rb"charset=([A-Za-z0-9_.:\-]+)")
_STRING_LINE = re.compile(r'^(\s*(?:#~\|?\s*|#\|\s*)?(?:msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)?\s*)(".*)$')
_EXTRA_ESCAPE = re.compile(r'\\(\\|x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|a|.)', re.S)
_POLIB_ESCAPE = {"\n": r"\n", "\t": r"\t", "\r": r"\r", "\v": r"\v", "\b": r"\b", "\f": r"\f",
                 '"': r"\"", "\\": r"\\"}


def _decode_extra_escapes(line: str) -> str:
    """Turn ``\\a``, ``\\xHH`` and ``\\ooo`` in a PO string line into what polib understands."""
    m = _STRING_LINE.match(line)
    if not m or "\\" not in m.group(2):
        return line

    def repl(mm: re.Match) -> str:
        tok = mm.group(1)
        if tok[0] == "x":
            ch = chr(int(tok[1:], 16))
        elif tok[0] in "01234567":
            ch = chr(int(tok, 8))
        elif tok == "a":
            ch = "\a"
        else:
            return mm.group(0)
        if ch == "\0":
            return mm.group(0)  # left as is; polib then reports it as it stands
        return _POLIB_ESCAPE.get(ch, ch)

    return m.group(1) + _EXTRA_ESCAPE.sub(repl, m.group(2))


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"\s*')


def _check_string_line(line: str, path: Path, number: int) -> None:
    """Refuse a string line that is not exactly one quoted string (msgfmt: "end-of-line within string").

    polib reads ``msgstr "Hello`` as ``Hell`` (it drops the last character), which would corrupt the
    entry silently.

    Raises:
        FormatError: naming ``path`` and the 1-based ``number``.
    """
    m = _STRING_LINE.match(line)
    if m and not _QUOTED.fullmatch(m.group(2)):
        body = m.group(2).rstrip()
        problem = "unterminated string (no closing quote)" if not _QUOTED.match(body) or len(body) < 2 \
            else "text after the closing quote"
        raise FormatError(f"syntax error: {problem}", path, number)


def _mark_empty_comment(line: str) -> str:
    stripped = line.strip()
    if stripped in ("#", "#."):
        return f"{stripped} {_EMPTY}"
    return line


def _detect_charset(data: bytes, warnings: list[str]) -> str:
    head = data[:4096]
    m = _CHARSET.search(head)
    if not m:
        return "utf-8"
    name = m.group(1).decode("ascii")
    if name.upper() == "CHARSET":
        warnings.append('header charset is the placeholder "CHARSET"; read as UTF-8')
        return "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        warnings.append(f"unknown header charset {name!r}; read as UTF-8")
        return "utf-8"


def read_po(path: str | Path) -> PoDocument:
    """Read a PO file.

    Args:
        path: a ``.po``/``.pot`` file.

    Returns:
        :class:`PoDocument`; ``units`` exclude the header and include obsolete entries.

    Raises:
        InputError: the file does not exist or cannot be opened ("not found", not "syntax error").
        FormatError: undecodable bytes or a syntax error, with the 1-based line.
    """
    path = Path(path)
    data = read_input_bytes(path, InputError, "PO file")
    warnings: list[str] = []
    encoding = _detect_charset(data, warnings)
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise FormatError(f"bytes not valid in the declared charset {encoding}", path, line) from None
    if encoding not in ("utf-8", "utf_8"):
        text = unicodedata.normalize("NFC", text)
        warnings.append(f"decoded from {encoding}, normalised to NFC; written back as UTF-8")
    lines = text.split("\n")
    for number, ln in enumerate(lines, 1):
        _check_string_line(ln, path, number)
    lines = [_mark_empty_comment(_decode_extra_escapes(ln)) for ln in lines]
    # polib's parser, fed our decoded lines (its own reading guesses path-or-content and splits
    # on characters such as U+2028 that may occur raw inside strings).
    parser = polib._POFileParser("", encoding="utf-8", check_for_duplicates=False)
    parser.fhandle = [ln + "\n" for ln in lines]
    try:
        pofile = parser.parse()
    except (OSError, ValueError) as e:
        msg = str(e)
        m = re.search(r"\(line (\d+)\)", msg)
        detail = msg[m.end():].lstrip(": ").strip() if m else msg
        raise FormatError(f"syntax error: {detail or 'invalid PO syntax'}", path,
                          int(m.group(1)) if m else None) from None
    header = {k: v for k, v in pofile.metadata.items()}
    if not header:
        warnings.append("PO header missing or empty; read as UTF-8, a complete header is written on save")
    if pofile.metadata_is_fuzzy:
        warnings.append("PO header is marked fuzzy; the flag is dropped on save")
    entries = list(pofile)
    units = [_entry_to_unit(e, warnings) for e in entries]
    return PoDocument(path=path, header=header, units=units, warnings=warnings, entries=entries,
                      header_comment=pofile.header, encoding=encoding)


def _entry_to_unit(e: polib.POEntry, warnings: list[str]) -> Unit:
    msgstr = e.msgstr
    if e.msgid_plural:
        msgstr = e.msgstr_plural.get(0, e.msgstr_plural.get("0", ""))
        warnings.append(f"line {e.linenum}: plural entry read as its msgstr[0]")
    fuzzy = "fuzzy" in e.flags
    status = Status.FUZZY if fuzzy else (Status.TRANSLATED if msgstr else Status.NEW)
    refs = []
    for fname, ln in e.occurrences:
        refs.append((fname, int(ln) if str(ln).isdigit() else None))
    return Unit(
        msgid=e.msgid, msgstr=msgstr, msgctxt=e.msgctxt, status=status,
        comments=tuple(_comment_lines(e.comment)),
        translator_comments=tuple(_comment_lines(e.tcomment)),
        references=tuple(refs), previous_msgid=e.previous_msgid, obsolete=bool(e.obsolete),
        flags=tuple(f for f in e.flags if f != "fuzzy"),
    )


def is_approved(unit: Unit) -> bool:
    """A reviewer-approved entry: live, not fuzzy, non-empty msgstr."""
    return not unit.obsolete and unit.status is Status.TRANSLATED and unit.msgstr != ""


# --------------------------------------------------------------------------------------------
# Checks


@dataclass(frozen=True)
class PoProblem:
    """One problem found by :func:`check_po`: 1-based ``line`` (of the entry), message, fatal?

    ``fatal`` problems make ``msgfmt --check`` fail, so exports and builds would break.
    """

    line: int | None
    message: str
    fatal: bool = True


def check_po(doc: PoDocument) -> list[PoProblem]:
    """Find what ``msgfmt --check`` rejects, before export, without gettext installed.

    Checks: leading/trailing ``\\n`` of msgid and msgstr differ (shared/cases/b05), duplicate
    (msgctxt, msgid) among live entries (b04), missing or fuzzy header (b07, warnings), header
    charset placeholder (warning). Reader warnings are reported as non-fatal problems.
    """
    problems = [PoProblem(None, w, fatal=False) for w in doc.warnings]
    if not doc.header:
        problems.append(PoProblem(None, "PO header missing or invalid (msgfmt: fatal)"))
    seen: dict[tuple[str | None, str], int] = {}
    for entry, unit in zip(doc.entries, doc.units):
        if unit.obsolete:
            continue
        line = entry.linenum
        key = (unit.msgctxt, unit.msgid)
        if key in seen:
            problems.append(PoProblem(line, f"duplicate message definition (first at line {seen[key]}): "
                                            f"msgctxt={unit.msgctxt!r} msgid={unit.msgid[:40]!r}"))
        else:
            seen[key] = line
        strings = [unit.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for msgstr in strings:
            if not msgstr:
                continue
            for where, test in (("begin", str.startswith), ("end", str.endswith)):
                if test(unit.msgid, "\n") != test(msgstr, "\n"):
                    problems.append(PoProblem(line, f"'msgid' and 'msgstr' entries do not both {where} with "
                                                    f"'\\n' (fix: make msgstr {where} with a newline exactly when msgid does)"))
    return problems
