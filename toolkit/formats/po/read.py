"""Reading PO files: polib's entry grammar, with the fixes around it that keep a file whole.

* the header charset is honoured and checked (``charset=CHARSET`` or an unknown name falls back to
  UTF-8 with a warning, a legacy charset such as Windows-1258 is decoded and NFC-normalised);
* C escapes polib does not know (``\\a``, ``\\xHH``, octal ``\\ooo``) are decoded instead of
  losing their backslash (shared/cases/b16); a hex escape takes at most two digits;
* "file not found" is kept apart from "syntax error" (polib reports both as a syntax error on
  line 1), and syntax errors become :class:`FormatError` with ``path`` and ``line``;
* previous strings of obsolete entries (``#~| msgctxt``, ``#~| msgid``, ``#~| msgid_plural``),
  which polib's parser skips, are parsed here and attached to their entry (translate-toolkit's
  ``pypo`` parses them the same way, as ``prev_msgctxt``/``prev_msgid`` of an obsolete unit);
* plural entries keep ``msgid_plural`` and every ``msgstr[N]``.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

import polib

from toolkit.errors import FormatError, InputError
from toolkit.formats.po.model import PoDocument
from toolkit.formats.po.write import _EMPTY, _comment_lines
from toolkit.text.files import read_input_with_stamp
from toolkit.types import Status, Unit

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
    data, stamp = read_input_with_stamp(path, InputError, "PO file")
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
    _attach_obsolete_previous(entries, lines)
    units = [_entry_to_unit(e) for e in entries]
    return PoDocument(path=path, header=header, units=units, warnings=warnings, entries=entries,
                      header_comment=pofile.header, encoding=encoding,
                      lines=[e.linenum for e in entries], stamp=stamp,
                      header_flags=("fuzzy",) if pofile.metadata_is_fuzzy else ())


_OBSOLETE_PREVIOUS = re.compile(r'^#~\|\s*(msgctxt|msgid_plural|msgid)?\s*"(.*)"\s*$')


def _attach_obsolete_previous(entries: list, lines: list[str]) -> None:
    """Parse ``#~|`` lines (polib ignores them) onto the obsolete entry they belong to.

    An entry's lines start at its ``linenum``; a ``#~|`` block belongs to the last entry that
    starts at or before it. Continuation lines (``#~| "..."``) extend the previous keyword.
    """
    found: dict[int, dict[str, str]] = {}  # line of the block's first line -> fields
    current: dict[str, str] | None = None
    keyword = None
    for number, line in enumerate(lines, 1):
        m = _OBSOLETE_PREVIOUS.match(line)
        if not m:
            current, keyword = None, None
            continue
        if current is None:
            current = found.setdefault(number, {})
        if m.group(1):
            keyword = m.group(1)
            current[keyword] = ""
        if keyword is None:
            continue
        current[keyword] += polib.unescape(m.group(2))
    if not found:
        return
    # The owner is the entry holding the first "#~ msgctxt/msgid" line after the block (polib's
    # linenum is an entry's first line it understood, which may be after the block).
    starts = sorted((e.linenum, k) for k, e in enumerate(entries))
    for number, fields in found.items():
        key_line = next((n for n in range(number, len(lines) + 1)
                         if re.match(r"#~\s*(msgctxt|msgid)\b", lines[n - 1])), None)
        owner = None
        for start, k in starts:
            if key_line is not None and start <= key_line:
                owner = entries[k]
            else:
                break
        if owner is None or not owner.obsolete:
            continue
        owner.previous_msgctxt = fields.get("msgctxt", owner.previous_msgctxt)
        owner.previous_msgid = fields.get("msgid", owner.previous_msgid)
        owner.previous_msgid_plural = fields.get("msgid_plural", owner.previous_msgid_plural)


def _entry_to_unit(e: polib.POEntry) -> Unit:
    plural: tuple[str, ...] = ()
    msgstr = e.msgstr
    if e.msgid_plural:
        plural = tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural, key=int))
        msgstr = plural[0] if plural else ""
    fuzzy = "fuzzy" in e.flags
    status = Status.FUZZY if fuzzy else (Status.TRANSLATED if msgstr or any(plural) else Status.NEW)
    refs = []
    for fname, ln in e.occurrences:
        refs.append((fname, int(ln) if str(ln).isdigit() else None))
    return Unit(
        msgid=e.msgid, msgstr=msgstr, msgctxt=e.msgctxt, status=status,
        comments=tuple(_comment_lines(e.comment)),
        translator_comments=tuple(_comment_lines(e.tcomment)),
        references=tuple(refs), previous_msgid=e.previous_msgid, obsolete=bool(e.obsolete),
        flags=tuple(f for f in e.flags if f != "fuzzy"),
        previous_msgctxt=e.previous_msgctxt, msgid_plural=e.msgid_plural or None, msgstr_plural=plural,
        previous_msgid_plural=e.previous_msgid_plural,
    )
