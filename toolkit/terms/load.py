"""Reading term-base files: TSV/CSV tables and TBX into validated :class:`TermEntry` rows.

Formats (by extension): UTF-8 TSV with a header (``.tsv``, ``.tab``, ``.txt``; primary), CSV with a
header (``.csv``), TBX v2 (``.tbx``, ``.xml``; :mod:`toolkit.formats.tbx`). Columns:
:data:`toolkit.terms.model.COLUMNS` (documented in ``glossary/README.md``); the older 7-column file
loads unchanged. Every finding is ``(line, message)``; :mod:`toolkit.terms.lint` adds the checks
that need the whole base.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field, replace

from toolkit.errors import GlossaryError
from toolkit.terms.model import (BOOL_VALUES, COLUMN_ALIASES, COLUMNS, POS_ALIASES, POS_VALUES, STATUSES,
                                 TYPE_ALIASES, TermEntry, split_multi)
from toolkit.text.keys import key_of
from toolkit.types import TermType

TSV_SUFFIXES = (".tsv", ".tab", ".txt")
CSV_SUFFIXES = (".csv",)
TBX_SUFFIXES = (".tbx", ".xml")
TERM_CELLS = ("source", "target", "replacement")
LIST_CELLS = ("abbrev", "variants", "admitted", "forbidden", "not_after", "not_before")


@dataclass
class LintReport:
    """Everything wrong with one glossary file.

    Attributes:
        path: the file.
        errors: ``(line, message)`` pairs that make the glossary unusable.
        warnings: ``(line, message)`` pairs for defects that were normalised or skipped.
        entries: the usable entries (meaningful when ``errors`` is empty).
    """

    path: str
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    entries: list[TermEntry] = field(default_factory=list)

    def messages(self) -> list[str]:
        """All findings as ``file:line: error|warning: message``, in line order."""
        found = [(ln, "error", m) for ln, m in self.errors] + [(ln, "warning", m) for ln, m in self.warnings]
        return [f"{self.path}:{ln}: {kind}: {m}" for ln, kind, m in sorted(found, key=lambda x: x[0])]


def bad_char(text: str) -> str | None:
    """Name the first character a term may not contain (controls, format chars, noncharacters)."""
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn") or ch in "\ufffe\uffff":
            return f"U+{ord(ch):04X} ({unicodedata.name(ch, cat)})"
    return None


def clean_text(value: str, what: str, line: int, report: LintReport, *, term: bool) -> str:
    """NFC-normalise and check one field; records warnings/errors on ``report``."""
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
        report.warnings.append((line, f"{what} {value!r} is not NFC (decomposed characters); normalised"))
    if term:
        bad = bad_char(value)
        if bad:
            report.errors.append((line, f"{what} {value!r} contains {bad}; terms may not contain tabs, "
                                        "newlines, control or invisible characters"))
        if value != value.strip():
            report.warnings.append((line, f"{what} {value!r} has surrounding spaces; stripped"))
            value = value.strip()
    else:
        value = " ".join(value.split())
    return value


def rows_from_table(text: str, dialect: str, report: LintReport) -> list[tuple[int, dict]]:
    """Parse a TSV (no quoting; IANA text/tab-separated-values) or CSV table with a header."""
    lines = text.split("\n")
    if dialect == "tsv":
        raw = [(i, ln.rstrip("\r").split("\t")) for i, ln in enumerate(lines, 1)
               if ln.strip() and not ln.startswith("#")]
    else:
        reader = csv.reader(io.StringIO(text, newline=""))
        raw, line = [], 1
        for rec in reader:
            if rec and any(c.strip() for c in rec) and not rec[0].startswith("#"):
                raw.append((line, rec))
            line = reader.line_num + 1
    if not raw:
        report.errors.append((1, "empty glossary: expected a header line 'source<TAB>target<TAB>type<TAB>note'"))
        return []
    head_line, header = raw[0]
    names = [COLUMN_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    for needed in ("source", "target"):
        if needed not in names:
            report.errors.append((head_line, f"header has no {needed!r} column (found: {', '.join(header)}); "
                                             f"expected columns {', '.join(COLUMNS)}"))
    for name in names:
        if name not in COLUMNS:
            report.warnings.append((head_line, f"unknown column {name!r} ignored"))
    if report.errors:
        return []
    rows = []
    for line, rec in raw[1:]:
        if len(rec) > len(names):
            report.errors.append((line, f"{len(rec)} fields but the header has {len(names)} "
                                        "(a tab inside a term?)"))
            continue
        rows.append((line, {n: (rec[i] if i < len(rec) else "") for i, n in enumerate(names)}))
    return rows


def _list_cell(row: dict, name: str, line: int, report: LintReport) -> tuple[str, ...]:
    values = []
    for v in split_multi(row.get(name, "")):
        v = clean_text(v, name, line, report, term=True)
        if v:
            values.append(v)
    return tuple(values)


def entry_from_row(line: int, row: dict, path: str, report: LintReport) -> TermEntry | None:
    """Validate one table row into a :class:`TermEntry` (``None`` when it is skipped or in error)."""
    errors_before = len(report.errors)
    source, target, replacement = (clean_text(row.get(c, ""), c, line, report, term=True) for c in TERM_CELLS)
    type_text = row.get("type", "").strip().lower()
    typ = TYPE_ALIASES.get(type_text)
    if typ is None:
        report.errors.append((line, f"unknown type {type_text!r}; use one of required, dnt, preferred, forbidden"))
    flags = {}
    for col in ("case_sensitive", "word_check"):
        text = row.get(col, "").strip().lower()
        flags[col] = BOOL_VALUES.get(text)
        if flags[col] is None:
            report.errors.append((line, f"{col} is {text!r}; use yes or no"))
    status = row.get("status", "").strip().lower() or "approved"
    if status not in STATUSES:
        report.errors.append((line, f"unknown status {status!r}; use approved or proposed"))
    pos_text = row.get("pos", "").strip()
    pos = POS_ALIASES.get(pos_text.lower(), pos_text)
    if pos and pos not in POS_VALUES:
        report.errors.append((line, f"unknown part of speech {pos_text!r}; use one of {', '.join(POS_VALUES)}"))
    lists = {c: _list_cell(row, c, line, report) for c in LIST_CELLS}
    note = clean_text(row.get("note", ""), "note", line, report, term=False)
    context = clean_text(row.get("context", ""), "context", line, report, term=False)
    evidence = clean_text(row.get("evidence", ""), "evidence", line, report, term=False)
    if len(report.errors) > errors_before:
        return None
    if not source:
        report.warnings.append((line, f"empty source term (target {target!r}); entry skipped"))
        return None
    if typ is TermType.DNT and not target:
        target = source
    if not target:
        report.warnings.append((line, f"empty target for {source!r} (untranslated entry); entry skipped"))
        return None
    if typ is TermType.DNT and target != source:
        report.warnings.append((line, f"do-not-translate entry {source!r} has target {target!r}; "
                                      "the target is what must appear"))
    if replacement and typ is not TermType.FORBIDDEN:
        report.warnings.append((line, f"replacement {replacement!r} ignored: only forbidden entries use it"))
        replacement = ""
    return TermEntry(source=source, target=target, type=typ, note=note, context=context, origin=f"{path}:{line}",
                     case_sensitive=bool(flags["case_sensitive"]), replacement=replacement,
                     abbrev=lists["abbrev"], variants=lists["variants"], admitted=lists["admitted"],
                     forbidden=lists["forbidden"], status=status, pos=pos, evidence=evidence,
                     not_after=lists["not_after"], not_before=lists["not_before"],
                     word_check=bool(flags["word_check"]))


def line_of(entry: TermEntry) -> int:
    """The file line an entry came from (its ``origin``'s last field)."""
    return int(entry.origin.rsplit(":", 1)[-1])


def primary_key(e: TermEntry) -> tuple[str, str | None]:
    """``(folded key, exact-case key or None)`` of an entry's source: what makes two rows the same term."""
    return key_of(e.source), (key_of(e.source, fold_case=False) if e.case_sensitive else None)


def check_entries(entries: list[TermEntry], report: LintReport) -> list[TermEntry]:
    """Duplicates, conflicts and forbidden-rendering consistency across the whole file.

    In-row ``forbidden`` renderings become extra FORBIDDEN entries (``synthetic``) so that
    enforcement finds them like separate forbidden rows of the older format.
    """
    kept: list[TermEntry] = []
    primary: dict[tuple[str, str | None], TermEntry] = {}
    for e in entries:
        if e.type is TermType.FORBIDDEN:
            continue
        k = primary_key(e)
        first = primary.get(k)
        if first is None:
            primary[k] = e
            kept.append(e)
        elif key_of(first.target) == key_of(e.target) and first.type is e.type:
            report.warnings.append((line_of(e), f"duplicate of line {line_of(first)} ({e.source!r}); dropped"))
        else:
            report.warnings.append((line_of(e), f"conflicting entry for {e.source!r}: {e.target!r} ({e.type.value}) "
                                                 f"vs {first.target!r} ({first.type.value}) at line "
                                                 f"{line_of(first)}; keeping line {line_of(first)}"))
    by_fold = {k[0]: e for k, e in primary.items()}
    seen_forbidden: dict[tuple[str, str], TermEntry] = {}
    candidates = [e for e in entries if e.type is TermType.FORBIDDEN]
    for e in kept[:]:
        for bad in (() if "{" in e.source else e.forbidden):     # a pattern's are filled per match
            candidates.append(TermEntry(source=e.source, target=bad, type=TermType.FORBIDDEN, note=e.note,
                                        context=e.context, origin=e.origin, case_sensitive=e.case_sensitive,
                                        replacement=e.target, synthetic=True))
    for e in candidates:
        approved = by_fold.get(key_of(e.source))
        if not e.replacement and approved is not None:
            e = replace(e, replacement=approved.target)
        if not e.replacement:
            report.errors.append((line_of(e), f"forbidden rendering {e.target!r} of {e.source!r} has no "
                                              "replacement column and no approved entry for the same source"))
            continue
        if key_of(e.replacement) == key_of(e.target):
            report.errors.append((line_of(e), f"forbidden rendering {e.target!r} equals its replacement"))
            continue
        if approved is not None and any(key_of(a) == key_of(e.target) for a in approved.admitted):
            report.errors.append((line_of(e), f"{e.target!r} is both admitted and forbidden for {e.source!r}"))
            continue
        fk = (key_of(e.source), key_of(e.target))
        if fk in seen_forbidden:
            report.warnings.append((line_of(e), f"duplicate forbidden rendering {e.target!r} of {e.source!r} "
                                                f"(line {line_of(seen_forbidden[fk])}); dropped"))
            continue
        seen_forbidden[fk] = e
        kept.append(e)
    kept.sort(key=line_of)
    return kept


def decode_table(data: bytes, name: str) -> str:
    """Decode a TSV/CSV glossary: UTF-8 (BOM optional), UTF-16 with BOM (a spreadsheet's "Unicode
    text" export) or Windows-1258, as :func:`toolkit.text.decode.detect_encoding` decides. Not
    normalised to NFC here: lint reports non-NFC terms itself.

    Raises:
        GlossaryError: binary data, a legacy font encoding or undecodable bytes, with file:line.
    """
    from toolkit.errors import InputError
    from toolkit.text.decode import detect_encoding

    try:
        codec, skip = detect_encoding(data, name)
        return data[skip:].decode(codec)
    except InputError as e:
        raise GlossaryError(e.message.replace("convert the file", "save the glossary"), name, e.line) from None
    except UnicodeDecodeError as e:
        raise GlossaryError(f"not valid {codec.upper()}; save the glossary as UTF-8", name,
                            data[: skip + e.start].count(b"\n") + 1 if codec in ("utf-8", "cp1258") else None) from None


def read_rows(data: bytes, name: str, suffix: str, report: LintReport, source_lang: str = "vi",
              target_lang: str = "en") -> list[tuple[int, dict]]:
    """Raw ``(line, {column: value})`` rows of a TSV, CSV or TBX file's bytes."""
    if suffix in TBX_SUFFIXES:
        from toolkit.formats.tbx import read_tbx

        tbx_rows, tbx_warnings = read_tbx(data, name, source_lang, target_lang)
        report.warnings.extend(tbx_warnings)
        return [(r.line, r.fields) for r in tbx_rows]
    return rows_from_table(decode_table(data, name), "csv" if suffix in CSV_SUFFIXES else "tsv", report)
