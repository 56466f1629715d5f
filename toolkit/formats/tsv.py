"""Tab-separated files with reversible backslash escaping, one record per physical line.

"TSV" has no standard quoting: CSV-style quoting gives multi-line records that line-based tools
miscount, and no escaping at all breaks rows when a field holds a tab or a newline
(shared/cases/b15; Tatoeba/tatoeba2#2973). So fields are *escaped, never quoted*:

    ``\\`` → ``\\\\``    TAB → ``\\t``    LF → ``\\n``    CR → ``\\r``

and nothing else is altered: quotes, leading ``-``/``=``/``+`` (no spreadsheet formula-escaping,
every Vietnamese bullet line starts with ``-``), leading/trailing spaces and the empty string
are written as they are. Files are UTF-8 with ``\\n`` line ends and a header row.

Loading elsewhere: ``csv.reader(f, delimiter="\\t", quoting=csv.QUOTE_NONE)`` or
``pandas.read_csv(path, sep="\\t", quoting=3, keep_default_na=False, dtype=str)``, then apply
:func:`unescape_field` to every field.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Sequence

from toolkit.errors import FormatError, InputError
from toolkit.text.files import atomic_open, read_input_bytes
from toolkit.types import Status, Unit

#: Column names of :func:`write_units_tsv`.
UNIT_COLUMNS = ("id", "source", "target", "status", "notes")
#: Separator of several comments in the ``notes`` column.
NOTES_SEPARATOR = " | "

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
_ESCAPE_RE = re.compile(r"[\\\t\n\r]")
_UNESCAPE_RE = re.compile(r"\\(.?)", re.S)


def escape_field(value: str) -> str:
    """Escape one field: backslash, TAB, LF and CR only (see the module docstring).

    Raises:
        FormatError: the value contains a lone surrogate (not encodable as UTF-8).
    """
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise FormatError("field contains a lone surrogate, which UTF-8 cannot encode")
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], value)


def unescape_field(value: str) -> str:
    """Invert :func:`escape_field`.

    Raises:
        FormatError: a backslash followed by anything but ``\\``, ``t``, ``n``, ``r`` (or by
            nothing), which :func:`escape_field` never writes.
    """
    def repl(m: re.Match) -> str:
        ch = m.group(1)
        if ch not in _UNESCAPES or ch == "":
            raise FormatError(f"invalid escape \\{ch} in TSV field {value[:40]!r}: "
                              r"only \\, \t, \n and \r are defined")
        return _UNESCAPES[ch]

    return _UNESCAPE_RE.sub(repl, value)


def write_tsv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write a header row and data rows, atomically.

    Args:
        path: destination file.
        header: column names.
        rows: each exactly ``len(header)`` strings.

    Returns:
        number of data rows written.

    Raises:
        FormatError: a row has the wrong number of fields (``line`` is its 1-based file line).
    """
    count = 0
    with atomic_open(path) as f:
        f.write("\t".join(escape_field(h) for h in header) + "\n")
        for row in rows:
            if len(row) != len(header):
                raise FormatError(f"row has {len(row)} fields, the header {len(header)}", path, count + 2)
            f.write("\t".join(escape_field(str(v)) for v in row) + "\n")
            count += 1
    return count


def read_tsv(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """Read a file written by :func:`write_tsv`.

    Returns:
        (header, rows), every field unescaped.

    Raises:
        InputError: the file does not exist.
        FormatError: not UTF-8, empty, a row with a different field count than the header, or an
            invalid escape; ``line`` is the 1-based file line.
    """
    path = Path(path)
    try:
        text = read_input_bytes(path, InputError, "TSV file").decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise FormatError(f"not UTF-8 (byte {e.start})", path) from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise FormatError("empty file: a header row is required", path, 1)
    rows: list[list[str]] = []
    header: list[str] = []
    for lineno, line in enumerate(lines, 1):
        try:
            fields = [unescape_field(v) for v in line.split("\t")]
        except FormatError as e:
            raise FormatError(e.message, path, lineno) from None
        if lineno == 1:
            header = fields
            continue
        if len(fields) != len(header):
            raise FormatError(f"{len(fields)} fields, the header has {len(header)}", path, lineno)
        rows.append(fields)
    return header, rows


#: ``status`` written for a fuzzy unit that carries ``needs review:`` reasons (read back as fuzzy).
NEEDS_REVIEW_STATUS = "needs-review"
_NEEDS_REVIEW = "needs review: "


def write_units_tsv(path: str | Path, units: Sequence[Unit]) -> int:
    """Write units as ``id source target status notes`` rows (the main job's TSV).

    ``id`` is the msgctxt (the segment id; empty if none); ``status`` the :class:`Status` value,
    or ``needs-review`` for a fuzzy unit with machine-check problems; ``notes`` the ``needs
    review: …`` reasons (the PO's translator comments of that kind, issue 12.16) followed by the
    extracted comments, joined with ``" | "`` — so ``grep -c "needs review"`` counts the same
    entries in the TSV as in the PO.

    Returns:
        number of rows written.
    """
    def row(u: Unit) -> list[str]:
        reasons = [c for c in u.translator_comments if c.startswith(_NEEDS_REVIEW)]
        status = NEEDS_REVIEW_STATUS if reasons and u.status is Status.FUZZY else u.status.value
        return [u.msgctxt or "", u.msgid, u.msgstr, status, NOTES_SEPARATOR.join([*reasons, *u.comments])]

    return write_tsv(path, UNIT_COLUMNS, (row(u) for u in units))


def read_units_tsv(path: str | Path) -> list[Unit]:
    """Read units written by :func:`write_units_tsv` (notes split back on ``" | "``; ``needs review:``
    parts become translator comments, ``needs-review`` status FUZZY).

    Raises:
        FormatError: missing columns or an unknown status value, with the line.
    """
    header, rows = read_tsv(path)
    missing = [c for c in UNIT_COLUMNS[:4] if c not in header]
    if missing:
        raise FormatError(f"missing column(s) {', '.join(missing)}; expected {' '.join(UNIT_COLUMNS)}", path, 1)
    col = {name: header.index(name) for name in header}
    units = []
    for lineno, row in enumerate(rows, 2):
        try:
            value = row[col["status"]] or "new"
            status = Status.FUZZY if value == NEEDS_REVIEW_STATUS else Status(value)
        except ValueError:
            raise FormatError(f"unknown status {row[col['status']]!r}; use one of "
                              f"{', '.join(s.value for s in Status)}", path, lineno) from None
        notes = row[col["notes"]] if "notes" in col else ""
        parts = notes.split(NOTES_SEPARATOR) if notes else []
        units.append(Unit(msgid=row[col["source"]], msgstr=row[col["target"]],
                          msgctxt=row[col["id"]] or None, status=status,
                          comments=tuple(p for p in parts if not p.startswith(_NEEDS_REVIEW)),
                          translator_comments=tuple(p for p in parts if p.startswith(_NEEDS_REVIEW))))
    return units
