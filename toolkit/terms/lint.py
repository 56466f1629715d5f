"""``bitext glossary lint``: every defect of a term-base file, as ``file:line`` findings.

Errors (the base is unusable; :meth:`Glossary.load` raises): unreadable or non-UTF-8 file, missing
header columns, a row with more fields than the header, unknown ``type``/``status``/``pos`` or yes/no
value, control or invisible characters in a term, a forbidden rendering equal to its replacement,
also admitted, or without an approved rendering, a punctuation-only source (it would match any
punctuation), a pattern that cannot be parsed or whose target uses a slot its source lacks, unsafe
or malformed XML, no usable entry.

Warnings (normalised, skipped, or risky): non-NFC text, surrounding spaces, empty terms, duplicates
and conflicting entries, duplicate TBX ids, and the term-base defects of issue 13:

* **look-alike letters**: ``Ð`` (U+00D0, Latin capital eth), ``Ɖ`` (U+0189), ``ð`` (U+00F0) written for
  ``Đ``/``đ`` (U+0110/U+0111), or Cyrillic/Greek letters inside a Latin-script term: such a term never
  matches real text;
* **one-syllable sources without an exception**: a single lower- or title-case syllable (``Đảng``,
  ``Bác``) fires on every occurrence of a common word unless the entry is case-sensitive, declares
  ``not_after``/``not_before`` contexts or asks for ``word_check``; acronyms (two or more capitals)
  and do-not-translate entries are exempt;
* **conflicting variants**: one source form listed under two concepts with different English;
* **slots that can never match**: a ``{SLOT}`` followed directly by a capitalised literal (the name
  run would take that word), or a source slot the target never uses;
* **approved without evidence** (in a base where some entry cites evidence): the entry cites no
  source and is not marked ``proposed``.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

from toolkit.errors import GlossaryError
from toolkit.terms.load import (CSV_SUFFIXES, TBX_SUFFIXES, TSV_SUFFIXES, LintReport, check_entries,
                                entry_from_row, line_of, read_rows)
from toolkit.terms.model import TermEntry
from toolkit.terms.patterns import has_slots, parse_pattern, slot_names
from toolkit.text.files import read_input_bytes
from toolkit.text.keys import is_word_char, key_of
from toolkit.types import TermType

LOOK_ALIKES = {"\u00d0": "Đ (U+0110)", "\u0189": "Đ (U+0110)", "\u00f0": "đ (U+0111)"}


def _look_alike(text: str) -> str | None:
    if text.isascii():
        return None
    for ch in text:
        if ch in LOOK_ALIKES:
            return f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, '?')}) where {LOOK_ALIKES[ch]} is meant"
    if not any(0x370 <= ord(c) <= 0x52F for c in text):      # no Greek or Cyrillic letter at all
        return None
    latin = any("LATIN" in unicodedata.name(c, "") for c in text if c.isalpha())
    for ch in text:
        name = unicodedata.name(ch, "")
        if latin and ch.isalpha() and (name.startswith("CYRILLIC") or name.startswith("GREEK")):
            return f"{ch!r} (U+{ord(ch):04X} {name}) inside a Latin-script term"
    return None


def _is_acronym(text: str) -> bool:
    return sum(1 for c in text if c.isupper()) >= 2 and not any(c.islower() for c in text)


def _term_checks(e: TermEntry, report: LintReport) -> None:
    line = line_of(e)
    for form, _kind in e.source_forms():
        bad = _look_alike(form)
        if bad:
            report.warnings.append((line, f"source {form!r} has a look-alike letter: {bad}"))
        if not any(is_word_char(c) for c in form):
            report.errors.append((line, f"source {form!r} has no letter or digit; it would match punctuation"))
            continue
        words = key_of(form).split()
        if len(words) == 1 and all(is_word_char(c) for c in words[0]) and not has_slots(form) \
                and e.type is not TermType.DNT and not _is_acronym(form) \
                and not (e.case_sensitive or e.not_after or e.not_before or e.word_check):
            report.warnings.append((line, f"one-syllable source {form!r} fires on every occurrence of a common "
                                          "word; make it case_sensitive or give not_after/not_before/word_check"))
        if has_slots(form) and form.strip() != "{PLACE}":      # {PLACE} alone: gazetteer names
            _pattern_checks(e, form, line, report)
    if e.type is not TermType.FORBIDDEN:
        for t in e.renderings:
            bad = _look_alike(t)
            if bad:
                report.warnings.append((line, f"English {t!r} has a look-alike letter: {bad}"))


def _pattern_checks(e: TermEntry, form: str, line: int, report: LintReport) -> None:
    try:
        pattern = parse_pattern(form)
    except ValueError as err:
        report.errors.append((line, f"pattern {form!r}: {err}"))
        return
    used = set(slot_names(form))
    for t in e.renderings:
        extra = set(slot_names(t)) - used
        if extra:
            report.errors.append((line, f"target {t!r} uses slot(s) {', '.join(sorted(extra))} that "
                                        f"source {form!r} does not have"))
    if used - set(slot_names(e.target)):
        report.warnings.append((line, f"pattern {form!r}: slot(s) {', '.join(sorted(used - set(slot_names(e.target))))} "
                                      f"not used in target {e.target!r}; the name would be lost"))
    parts = pattern.parts
    for (k1, v1), (k2, v2) in zip(parts, parts[1:]):
        if k1 == "slot" and k2 == "lit" and v1 in ("NAME", "PROVINCE"):
            nxt = form.split("{" + v1 + "}", 1)[1].strip().split(" ")[0]
            if nxt[:1].isupper():
                report.warnings.append((line, f"pattern {form!r}: slot {{{v1}}} can never match, a capitalised "
                                              f"name run would take the following {nxt!r}"))


def _variant_conflicts(entries: list[TermEntry], report: LintReport) -> None:
    seen: dict[str, TermEntry] = {}
    for e in entries:
        if e.type is TermType.FORBIDDEN:
            continue
        own: set[str] = set()
        for form, kind in e.source_forms():
            k = key_of(form, fold_case=not (e.case_sensitive or kind == "abbreviation"))
            if k in own:
                report.warnings.append((line_of(e), f"variant {form!r} repeats another form of the same entry"))
                continue
            own.add(k)
            first = seen.get(k)
            if first is None:
                seen[k] = e
            elif first is not e and kind != "fullForm" and key_of(first.target) != key_of(e.target):
                report.warnings.append((line_of(e), f"conflicting variant {form!r}: {e.target!r} here, "
                                                    f"{first.target!r} at line {line_of(first)}"))


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
    rows = read_rows(data, name, suffix, report, source_lang, target_lang)
    has_evidence = any(row.get("evidence", "").strip() for _, row in rows)   # a base that cites sources
    entries = [e for line, row in rows if (e := entry_from_row(line, row, name, report)) is not None]
    for e in entries:
        _term_checks(e, report)
        if has_evidence and e.type is not TermType.FORBIDDEN and e.status == "approved" and not e.evidence:
            report.warnings.append((line_of(e), f"approved entry {e.source!r} has no evidence; cite the "
                                                "source of its English or mark it proposed"))
    report.entries = check_entries(entries, report)
    _variant_conflicts(report.entries, report)
    if not report.entries and not report.errors:
        report.errors.append((1, "no usable glossary entries"))
    return report
