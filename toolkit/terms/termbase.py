"""Term base: :class:`Glossary` = validated entries (:mod:`.load`, :mod:`.lint`) + matcher (:mod:`.match`).

One job per module: :mod:`.model` (the concept entry, columns), :mod:`.load` (reading TSV/CSV/TBX
rows), :mod:`.lint` (every defect as ``file:line``), :mod:`.match` (finding occurrences),
:mod:`.patterns` (slots), :mod:`.gazetteer` (place names), :mod:`.wordseg` (word boundaries),
:mod:`.save` (writing). This module keeps the names the rest of the toolkit imports
(``Glossary``, ``lint_glossary``, ``LintReport``, the suffix tuples).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from toolkit.errors import GlossaryError
from toolkit.terms.gazetteer import Gazetteer
from toolkit.terms.lint import lint_glossary
from toolkit.terms.load import (CSV_SUFFIXES, TBX_SUFFIXES, TSV_SUFFIXES, LintReport, entry_from_row,
                                primary_key)
from toolkit.terms.match import Matcher
from toolkit.terms.model import COLUMNS, TermEntry, as_term_entry
from toolkit.terms.save import entry_row, save_entries
from toolkit.text.keys import key_of
from toolkit.types import GlossaryEntry, TermMatch, TermType

__all__ = ["Glossary", "LintReport", "lint_glossary", "COLUMNS", "TSV_SUFFIXES", "CSV_SUFFIXES",
           "TBX_SUFFIXES", "CHECKSUM_HEX_CHARS"]

CHECKSUM_HEX_CHARS = 12
_entry_from_row = entry_from_row          # older name, used by tests/test_tbx.py
_primary_key = primary_key


class Glossary:
    """A validated term base and its matcher.

    Attributes:
        entries: the usable entries (:class:`~toolkit.terms.model.TermEntry`) in file order,
            including FORBIDDEN entries (own rows, or made from a row's ``forbidden`` cell).
        warnings: ``"file:line: message"`` for each defect that was normalised or skipped.
        path: the file it was loaded from ('' when built from entries).
        checksum: first 12 hex digits of the SHA-256 of the normalised entries (for PO headers and
            run reports; independent of the file's path and of line positions).
    """

    def __init__(self, entries: list[GlossaryEntry] | tuple[GlossaryEntry, ...], path: str = "",
                 warnings: list[str] | None = None, gazetteer: Gazetteer | None = None):
        self.entries: tuple[TermEntry, ...] = tuple(as_term_entry(e) for e in entries)
        self.path = str(path)
        self.warnings: list[str] = list(warnings or [])
        canon = [entry_row(e) for e in self.entries if not e.synthetic]
        self.checksum = hashlib.sha256(json.dumps(canon, ensure_ascii=False).encode()).hexdigest()[
            :CHECKSUM_HEX_CHARS]
        self._forbidden: dict[str, list[TermEntry]] = {}
        self._main_source: dict[str, str] = {}
        for e in self.entries:
            if e.type is TermType.FORBIDDEN:
                self._forbidden.setdefault(key_of(e.source), []).append(e)
            elif e.origin:
                self._main_source.setdefault(e.origin, e.source)
        self._matcher = Matcher(list(self.entries), gazetteer)

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
        save_entries(self.entries, path, source_lang, target_lang)

    def forbidden_for(self, entry: GlossaryEntry) -> tuple[GlossaryEntry, ...]:
        """Forbidden renderings recorded for ``entry``'s concept (its own source and its full form).

        A pattern match's forbidden renderings (slots filled) are returned as FORBIDDEN entries too.
        """
        keys = [key_of(entry.source)]
        main = self._main_source.get(entry.origin)
        if main is not None and key_of(main) not in keys:
            keys.append(key_of(main))
        out: list[GlossaryEntry] = []
        for k in keys:
            out.extend(self._forbidden.get(k, ()))
        if isinstance(entry, TermEntry) and entry.forbidden and not out:
            out = [TermEntry(source=entry.source, target=f, type=TermType.FORBIDDEN, origin=entry.origin,
                             replacement=entry.target, synthetic=True) for f in entry.forbidden]
        return tuple(out)

    def match(self, text: str) -> list[TermMatch]:
        """Find term occurrences in one segment (:meth:`toolkit.terms.match.Matcher.match`).

        Args:
            text: segment text, any normalisation form (NFC expected).

        Returns:
            Non-overlapping matches sorted by ``start``; offsets are code points into ``text``, end
            exclusive, and ``surface == text[start:end]`` (the author's spelling).
        """
        return self._matcher.match(text)
