"""The concept-oriented term entry and the term-base file columns (see ``glossary/README.md``).

A row of the term base is one *concept*: its Vietnamese terms (``source`` = the full form,
``abbrev`` = abbreviations/acronyms, ``variants`` = other spellings or word orders) and its English
terms (``target`` = the preferred rendering, inserted before MT; ``admitted`` = alternatives that
verification accepts; ``forbidden`` = deprecated renderings that are replaced). ``status`` is
``approved`` (evidence recorded) or ``proposed`` (no official English found). The mapping onto
TBX-Basic is in :mod:`toolkit.formats.tbx` (termType, administrativeStatus, partOfSpeech,
subjectField).

The older 7-column file (``source, target, type, note, context, case_sensitive, replacement``, one
rendering per row, forbidden renderings on their own rows) is a subset and keeps loading.
"""
from __future__ import annotations

from dataclasses import dataclass

from toolkit.types import GlossaryEntry, TermType

# Column order written by Glossary.save (TSV/CSV). Multi-valued cells are separated by MULTI_SEP.
COLUMNS = ("source", "abbrev", "variants", "target", "admitted", "forbidden", "type", "status", "pos",
           "context", "note", "evidence", "case_sensitive", "not_after", "not_before", "word_check",
           "replacement")
LEGACY_COLUMNS = ("source", "target", "type", "note", "context", "case_sensitive", "replacement")
COLUMN_ALIASES = {"vi": "source", "src": "source", "term": "source", "en": "target", "tgt": "target",
                  "translation": "target", "case": "case_sensitive", "comment": "note",
                  "subject": "context", "subject_field": "context", "domain": "context",
                  "part_of_speech": "pos", "abbreviations": "abbrev", "alternatives": "admitted",
                  "deprecated": "forbidden", "source_url": "evidence", "not_preceded_by": "not_after",
                  "not_followed_by": "not_before"}
MULTI_SEP = "|"
TYPE_ALIASES = {
    "": TermType.REQUIRED, "required": TermType.REQUIRED, "fixed": TermType.REQUIRED,
    "dnt": TermType.DNT, "do-not-translate": TermType.DNT, "keep": TermType.DNT,
    "preferred": TermType.PREFERRED, "forbidden": TermType.FORBIDDEN,
}
BOOL_VALUES = {"": False, "no": False, "false": False, "0": False, "insensitive": False,
               "yes": True, "true": True, "1": True, "sensitive": True}
STATUSES = ("approved", "proposed")
# Parts of speech, as TBX-Basic partOfSpeech values.
POS_VALUES = ("noun", "properNoun", "verb", "adjective", "adverb", "phrase", "other")
POS_ALIASES = {"n": "noun", "proper": "properNoun", "propernoun": "properNoun", "proper-noun": "properNoun",
               "v": "verb", "adj": "adjective", "adv": "adverb", "phr": "phrase"}
# In not_before: a following capitalised name (the term is then part of another proper name).
NAME_CONTEXT = "{Name}"


def split_multi(value: str) -> tuple[str, ...]:
    """Split a multi-valued cell on ``|``; empty parts dropped, each part whitespace-collapsed."""
    return tuple(" ".join(p.split()) for p in value.split(MULTI_SEP) if p.strip())


@dataclass(frozen=True)
class TermEntry(GlossaryEntry):
    """A term-base concept as the matcher and enforcement see it (a :class:`GlossaryEntry` plus).

    Attributes (beyond :class:`~toolkit.types.GlossaryEntry`):
        abbrev: abbreviations/acronyms of ``source`` (matched case-sensitively).
        variants: other source forms of the same concept (``Chỉ thị số {DOCNO}``).
        admitted: English alternatives verification accepts besides ``target``.
        forbidden: deprecated English renderings, replaced by ``target`` when found in a draft.
        status: ``approved`` or ``proposed``.
        pos: part of speech (TBX-Basic value), ``""`` when not given.
        evidence: URL(s) or publication and date of the English rendering.
        not_after: preceding words after which the term does not fire (``hành`` for ``quân dân``).
        not_before: following words before which it does not fire; ``{Name}`` = a capitalised name.
        word_check: fire only where a Vietnamese word segmenter puts word boundaries at both ends
            (short generic terms that could straddle two words).
        form: which source form this entry stands for when matched: ``fullForm``, ``abbreviation``,
            ``variant`` (TBX-Basic termType).
        synthetic: made from another row's ``forbidden`` cell (not written back as a row).
    """

    abbrev: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    admitted: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    status: str = "approved"
    pos: str = ""
    evidence: str = ""
    not_after: tuple[str, ...] = ()
    not_before: tuple[str, ...] = ()
    word_check: bool = False
    form: str = "fullForm"
    synthetic: bool = False

    @property
    def renderings(self) -> tuple[str, ...]:
        """Every English form verification accepts: the approved target, then the admitted ones."""
        first = self.replacement if self.type is TermType.FORBIDDEN else self.target
        return (first, *[a for a in self.admitted if a != first])

    def source_forms(self) -> list[tuple[str, str]]:
        """``(form_text, termType)`` for the full form, abbreviations and variants, in that order."""
        return [(self.source, "fullForm"), *((a, "abbreviation") for a in self.abbrev),
                *((v, "variant") for v in self.variants)]


def as_term_entry(e: GlossaryEntry) -> TermEntry:
    """Wrap a plain :class:`GlossaryEntry` (built by callers of the old API) as a :class:`TermEntry`."""
    if isinstance(e, TermEntry):
        return e
    return TermEntry(source=e.source, target=e.target, type=e.type, note=e.note, context=e.context,
                     origin=e.origin, case_sensitive=e.case_sensitive, replacement=e.replacement)
