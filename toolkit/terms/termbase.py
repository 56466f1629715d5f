"""Term base: load and validate glossary files, find term occurrences in source text.

File formats (chosen by extension): UTF-8 TSV with a header (``.tsv``, ``.tab``, ``.txt``; primary),
CSV with a header (``.csv``), TBX v2 (``.tbx``, ``.xml``; :mod:`toolkit.formats.tbx`). Columns (see
``glossary/README.md``): ``source``, ``target``, ``type``, ``note``, ``context``, ``case_sensitive``,
``replacement``; ``vi``/``en`` are accepted as names of the first two (shared/cases b12, b13, b17).

Validation happens at load and every message is ``file:line: message``:

* **errors** (the glossary is unusable; :meth:`Glossary.load` raises :class:`GlossaryError` before
  any model is loaded): unreadable or non-UTF-8 file, missing header columns, a row with more fields
  than the header, unknown ``type`` or ``case_sensitive`` value, tab/newline/control or invisible
  format characters inside a term, a forbidden rendering equal to the approved one or without any
  approved rendering to replace it, unsafe or malformed XML, no usable entry at all;
* **warnings** (the entry is normalised, or skipped and named): non-NFC text (normalised), spaces
  around a term (stripped), empty source/target (entry skipped), duplicate entries (second dropped),
  conflicting targets for the same source (first kept), duplicate TBX ids.

Matching (:meth:`Glossary.match`) works on :mod:`toolkit.text.keys` keys: NFC, one tone-mark placement,
case-folded unless the entry is case-sensitive, straight = curly quotes; leftmost-longest,
non-overlapping, whole syllables only, falling back to a shorter term when the longer one fails its
syllable boundary (shared/cases/b17, after pyahocorasick's ``iter_long``). Offsets refer to the text
as given; the text itself is never rewritten.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from toolkit.errors import GlossaryError
from toolkit.text.files import atomic_write_bytes, atomic_write_text, read_input_bytes
from toolkit.types import GlossaryEntry, TermMatch, TermType
from toolkit.text.keys import is_word_char, key_of, make_key

COLUMNS = ("source", "target", "type", "note", "context", "case_sensitive", "replacement")
COLUMN_ALIASES = {"vi": "source", "src": "source", "term": "source", "en": "target", "tgt": "target",
                  "translation": "target", "case": "case_sensitive", "comment": "note"}
TYPE_ALIASES = {
    "": TermType.REQUIRED, "required": TermType.REQUIRED, "fixed": TermType.REQUIRED,
    "dnt": TermType.DNT, "do-not-translate": TermType.DNT, "keep": TermType.DNT,
    "preferred": TermType.PREFERRED, "forbidden": TermType.FORBIDDEN,
}
BOOL_VALUES = {"": False, "no": False, "false": False, "0": False, "insensitive": False,
               "yes": True, "true": True, "1": True, "sensitive": True}
TSV_SUFFIXES = (".tsv", ".tab", ".txt")
CSV_SUFFIXES = (".csv",)
TBX_SUFFIXES = (".tbx", ".xml")
CHECKSUM_HEX_CHARS = 12


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
    entries: list[GlossaryEntry] = field(default_factory=list)

    def messages(self) -> list[str]:
        """All findings as ``file:line: error|warning: message``, in line order."""
        found = [(ln, "error", m) for ln, m in self.errors] + [(ln, "warning", m) for ln, m in self.warnings]
        return [f"{self.path}:{ln}: {kind}: {m}" for ln, kind, m in sorted(found, key=lambda x: x[0])]


def _bad_char(text: str) -> str | None:
    """Name the first character a term may not contain (controls, format chars, noncharacters)."""
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn") or ch in "\ufffe\uffff":
            return f"U+{ord(ch):04X} ({unicodedata.name(ch, cat)})"
    return None


def _clean_text(value: str, what: str, line: int, report: LintReport, *, term: bool) -> str:
    """NFC-normalise and check one field; records warnings/errors on ``report``."""
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
        report.warnings.append((line, f"{what} {value!r} is not NFC (decomposed characters); normalised"))
    if term:
        bad = _bad_char(value)
        if bad:
            report.errors.append((line, f"{what} {value!r} contains {bad}; terms may not contain tabs, "
                                        "newlines, control or invisible characters"))
        if value != value.strip():
            report.warnings.append((line, f"{what} {value!r} has surrounding spaces; stripped"))
            value = value.strip()
    else:
        value = " ".join(value.split())
    return value


def _rows_from_table(text: str, path: str, dialect: str, report: LintReport) -> list[tuple[int, dict]]:
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


def _entry_from_row(line: int, row: dict, path: str, report: LintReport) -> GlossaryEntry | None:
    errors_before = len(report.errors)
    source = _clean_text(row.get("source", ""), "source", line, report, term=True)
    target = _clean_text(row.get("target", ""), "target", line, report, term=True)
    type_text = row.get("type", "").strip().lower()
    typ = TYPE_ALIASES.get(type_text)
    if typ is None:
        report.errors.append((line, f"unknown type {type_text!r}; use one of required, dnt, preferred, forbidden"))
    case_text = row.get("case_sensitive", "").strip().lower()
    case_sensitive = BOOL_VALUES.get(case_text)
    if case_sensitive is None:
        report.errors.append((line, f"case_sensitive is {case_text!r}; use yes or no"))
    replacement = _clean_text(row.get("replacement", ""), "replacement", line, report, term=True)
    note = _clean_text(row.get("note", ""), "note", line, report, term=False)
    context = _clean_text(row.get("context", ""), "context", line, report, term=False)
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
    return GlossaryEntry(source=source, target=target, type=typ, note=note, context=context,
                         origin=f"{path}:{line}", case_sensitive=bool(case_sensitive), replacement=replacement)


def _line_of(entry: GlossaryEntry) -> int:
    return int(entry.origin.rsplit(":", 1)[-1])


def _primary_key(e: GlossaryEntry) -> tuple[str, str | None]:
    return key_of(e.source), (key_of(e.source, fold_case=False) if e.case_sensitive else None)


def _check_entries(entries: list[GlossaryEntry], report: LintReport) -> list[GlossaryEntry]:
    """Duplicates, conflicts and forbidden-entry consistency across the whole file."""
    kept: list[GlossaryEntry] = []
    primary: dict[tuple[str, str | None], GlossaryEntry] = {}
    for e in entries:
        if e.type is TermType.FORBIDDEN:
            continue
        k = _primary_key(e)
        first = primary.get(k)
        if first is None:
            primary[k] = e
            kept.append(e)
        elif key_of(first.target) == key_of(e.target) and first.type is e.type:
            report.warnings.append((_line_of(e), f"duplicate of line {_line_of(first)} ({e.source!r}); dropped"))
        else:
            report.warnings.append((_line_of(e), f"conflicting entry for {e.source!r}: {e.target!r} ({e.type.value}) "
                                                 f"vs {first.target!r} ({first.type.value}) at line "
                                                 f"{_line_of(first)}; keeping line {_line_of(first)}"))
    by_fold = {k[0]: e for k, e in primary.items()}
    seen_forbidden: dict[tuple[str, str], GlossaryEntry] = {}
    for e in entries:
        if e.type is not TermType.FORBIDDEN:
            continue
        approved = by_fold.get(key_of(e.source))
        if not e.replacement and approved is not None:
            e = replace(e, replacement=approved.target)
        if not e.replacement:
            report.errors.append((_line_of(e), f"forbidden rendering {e.target!r} of {e.source!r} has no "
                                               "replacement column and no approved entry for the same source"))
            continue
        if key_of(e.replacement) == key_of(e.target):
            report.errors.append((_line_of(e), f"forbidden rendering {e.target!r} equals its replacement"))
            continue
        fk = (key_of(e.source), key_of(e.target))
        if fk in seen_forbidden:
            report.warnings.append((_line_of(e), f"duplicate forbidden rendering {e.target!r} of {e.source!r} "
                                                 f"(line {_line_of(seen_forbidden[fk])}); dropped"))
            continue
        seen_forbidden[fk] = e
        kept.append(e)
    kept.sort(key=_line_of)
    return kept


def _decode_table(data: bytes, name: str) -> str:
    """Decode a TSV/CSV glossary: UTF-8 (BOM optional), UTF-16 with BOM (a spreadsheet's "Unicode
    text" export) or Windows-1258, as :func:`toolkit.text.decode.detect_encoding` decides. Not normalised
    to NFC here: lint reports non-NFC terms itself.

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


def lint_glossary(path: str | Path, source_lang: str = "vi", target_lang: str = "en") -> LintReport:
    """Read and validate a glossary file without raising for content defects.

    Args:
        path: TSV/CSV/TBX file (format by extension).
        source_lang, target_lang: languages of a TBX file's ``langSet`` elements to read.

    Returns:
        A :class:`LintReport`; ``errors`` empty means :meth:`Glossary.load` would succeed.

    Raises:
        GlossaryError: the file cannot be opened (missing, a directory, unknown extension) or is
            unsafe XML.
    """
    p = Path(path)
    name = str(path)
    report = LintReport(name)
    suffix = p.suffix.lower()
    if suffix not in TSV_SUFFIXES + CSV_SUFFIXES + TBX_SUFFIXES:
        raise GlossaryError(f"unknown glossary format {suffix or '(no extension)'!r}; use .tsv, .csv or .tbx", name)
    data = read_input_bytes(name, GlossaryError, "glossary file")
    if suffix in TBX_SUFFIXES:
        from toolkit.formats.tbx import read_tbx

        tbx_rows, tbx_warnings = read_tbx(data, name, source_lang, target_lang)
        report.warnings.extend(tbx_warnings)
        rows = [(r.line, r.fields) for r in tbx_rows]
    else:
        text = _decode_table(data, name)
        rows = _rows_from_table(text, name, "csv" if suffix in CSV_SUFFIXES else "tsv", report)
    entries = [e for line, row in rows if (e := _entry_from_row(line, row, name, report)) is not None]
    report.entries = _check_entries(entries, report)
    if not report.entries and not report.errors:
        report.errors.append((1, "no usable glossary entries"))
    return report


class Glossary:
    """A validated term base and its matcher.

    Attributes:
        entries: the usable entries in file order.
        warnings: ``"file:line: message"`` for each defect that was normalised or skipped.
        path: the file it was loaded from ('' when built from entries).
        checksum: first 12 hex digits of the SHA-256 of the normalised entries (for PO headers and
            run reports; independent of notes' file positions).
    """

    def __init__(self, entries: list[GlossaryEntry] | tuple[GlossaryEntry, ...], path: str = "",
                 warnings: list[str] | None = None):
        self.entries: tuple[GlossaryEntry, ...] = tuple(entries)
        self.path = str(path)
        self.warnings: list[str] = list(warnings or [])
        canon = [[e.source, e.target, e.type.value, e.note, e.context, e.case_sensitive, e.replacement]
                 for e in self.entries]
        self.checksum = hashlib.sha256(json.dumps(canon, ensure_ascii=False).encode()).hexdigest()[
            :CHECKSUM_HEX_CHARS]
        # fold key -> candidate primary entries (case-sensitive first); fold key -> forbidden entries
        self._index: dict[str, list[tuple[GlossaryEntry, str | None]]] = {}
        self._forbidden: dict[str, list[GlossaryEntry]] = {}
        for e in self.entries:
            fold, case_key = _primary_key(e)
            if e.type is TermType.FORBIDDEN:
                self._forbidden.setdefault(fold, []).append(e)
                continue
            self._index.setdefault(fold, []).append((e, case_key))
        for fold, forbidden in self._forbidden.items():
            if fold not in self._index:        # only forbidden renderings known: match via the first
                self._index[fold] = [(forbidden[0], None)]
        for cands in self._index.values():
            cands.sort(key=lambda c: c[1] is None)
        self._lengths = sorted({len(k) for k in self._index}, reverse=True)
        self._any_case = any(e.case_sensitive for e in self.entries)

    @classmethod
    def load(cls, path: str | Path, source_lang: str = "vi", target_lang: str = "en") -> "Glossary":
        """Load and validate a glossary file (TSV/CSV/TBX by extension).

        Raises:
            GlossaryError: the file is unusable; the message names the first error's ``file:line``
                and how many more there are (``bitext glossary lint FILE`` lists them all).
        """
        report = lint_glossary(path, source_lang, target_lang)
        if report.errors:
            errors = sorted(report.errors)
            line, message = errors[0]
            more = f" (and {len(errors) - 1} more errors; run `bitext glossary lint {path}`)" if len(errors) > 1 else ""
            raise GlossaryError(message + more, str(path), line)
        return cls(report.entries, str(path), [f"{path}:{ln}: {m}" for ln, m in sorted(report.warnings)])

    def save(self, path: str | Path, source_lang: str = "vi", target_lang: str = "en") -> None:
        """Write the entries as TSV, CSV or TBX (by extension), atomically.

        Raises:
            GlossaryError: unknown extension.
        """
        suffix = Path(path).suffix.lower()
        rows = [[e.source, e.target, e.type.value, e.note, e.context, "yes" if e.case_sensitive else "",
                 e.replacement] for e in self.entries]
        if suffix in TBX_SUFFIXES:
            from toolkit.formats.tbx import write_tbx

            atomic_write_bytes(path, write_tbx(self.entries, source_lang, target_lang))
        elif suffix in CSV_SUFFIXES:
            buf = io.StringIO(newline="")
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(rows)
            atomic_write_text(path, buf.getvalue())
        elif suffix in TSV_SUFFIXES:
            out = ["\t".join(COLUMNS)] + ["\t".join(" ".join(v.split("\t")) for v in r) for r in rows]
            atomic_write_text(path, "\n".join(out) + "\n")
        else:
            raise GlossaryError(f"unknown glossary format {suffix!r}; use .tsv, .csv or .tbx", str(path))

    def forbidden_for(self, entry: GlossaryEntry) -> tuple[GlossaryEntry, ...]:
        """Forbidden renderings recorded for the same source as ``entry``."""
        return tuple(self._forbidden.get(key_of(entry.source), ()))

    def match(self, text: str) -> list[TermMatch]:
        """Find glossary terms in one segment.

        Args:
            text: segment text, any normalisation form (NFC expected).

        Returns:
            Non-overlapping matches sorted by ``start``; offsets are code points into ``text``, end
            exclusive, and ``surface == text[start:end]`` (the author's spelling). At each syllable
            start the longest term whose end is also a syllable boundary wins; when the longest fails
            its boundary (``Hội An`` in ``Hội Anh``) shorter terms are tried (shared/cases/b17).
            Forbidden-only sources match through their first forbidden entry.
        """
        key = make_key(text)
        k = key.text
        case_k = make_key(text, fold_case=False).text if self._any_case else k
        n = len(k)
        out: list[TermMatch] = []
        p = 0
        while p < n:
            if k[p] == " " or (p > 0 and is_word_char(k[p - 1]) and is_word_char(k[p])):
                p += 1
                continue
            hit = None
            for length in self._lengths:
                end = p + length
                if end > n:
                    continue
                cands = self._index.get(k[p:end])
                if not cands:
                    continue
                if end < n and is_word_char(k[end - 1]) and is_word_char(k[end]):
                    continue
                for entry, case_key in cands:
                    if case_key is None or case_k[p:end] == case_key:
                        hit = (entry, end)
                        break
                if hit:
                    break
            if hit is None:
                p += 1
                continue
            entry, end = hit
            start, stop = key.span(p, end)
            out.append(TermMatch(start, stop, text[start:stop], entry))
            p = end
        return out
