"""gettext's line breaking for PO strings: ``write-po.c`` ``wrap()`` over libunistring's UAX #14.

polib wraps with :mod:`textwrap`, which breaks before spaces and never re-wraps strings
containing ``\\n`` (izimobil/polib#96, shared/cases/b03), so every save would rewrite untouched
entries. :func:`wrap_string` reimplements gettext's ``wrap()`` (page width 79) over
libunistring's UAX #14 pair table, so a file we write is a fixed point of ``msgcat`` even where
gettext is not installed. This module only lays out strings; entries are in :mod:`.write`.
"""
from __future__ import annotations

import unicodedata
from typing import Sequence

#: gettext's default page width (``msgcat --width``); lines are at most this many columns.
PAGE_WIDTH = 79


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


