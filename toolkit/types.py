"""The few value types passed between stages: segment → glossary → translate → formats.

This module imports nothing of the toolkit's, so every stage can depend on it. Offsets are code
points into NFC text, end exclusive, unless a docstring says otherwise.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import ClassVar

# A line break (any character str.splitlines() breaks on) with the whitespace around it, zero-width
# space, word joiner and BOM included.
_SOFT_BREAK = re.compile("[\\s\u200b\u2060\ufeff]*[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029][\\s\u200b\u2060\ufeff]*")


@dataclass(frozen=True)
class Segment:
    """One sentence (or headline, caption, list item) of a source document.

    Attributes:
        doc_id: identifier of the document (usually the input file's stem).
        para: 0-based paragraph index (paragraphs are separated by blank lines).
        index: 0-based position of the segment in the whole document.
        start, end: code-point offsets into the NFC-normalised document, end exclusive;
            ``document[start:end] == text`` always holds.
        text: the segment's text, exactly as in the (NFC) document; keeps the line breaks of a
            sentence hard-wrapped over several lines.
        line: 1-based line number of ``start`` in the document (for PO ``#:`` references).
    """

    doc_id: str
    para: int
    index: int
    start: int
    end: int
    text: str
    line: int = 1

    @property
    def display_text(self) -> str:
        """The text a reviewer and the MT engine see: one line.

        A line break can only be inside a segment where the segmenter judged it a soft (hard-wrapped)
        break inside a sentence (convention 3 of ``shared/README.md``; hard breaks end segments), so
        each one, with the whitespace around it, becomes a single space (issue 14). ``text``,
        ``start`` and ``end`` stay lossless; ``bitext render`` restores paragraphs and hard breaks
        from the PO position comments, not from the msgid.
        """
        return _SOFT_BREAK.sub(" ", self.text)


class TermType(str, enum.Enum):
    """How a glossary entry is enforced (see glossary/README.md)."""

    REQUIRED = "required"        # the target rendering must appear in the draft
    DNT = "dnt"                  # do not translate: the source form must appear as is
    PREFERRED = "preferred"      # checked; a miss is a warning only
    FORBIDDEN = "forbidden"      # target is a known wrong rendering that must not appear


@dataclass(frozen=True)
class GlossaryEntry:
    """One term-base entry.

    Attributes:
        source: Vietnamese term (NFC).
        target: English rendering (for FORBIDDEN: the rendering that must not appear).
        type: how it is enforced.
        note: source of the entry or reasoning, for reviewers.
        context: optional domain/context label.
        origin: ``file:line`` the entry was read from (for messages).
        case_sensitive: match the source case-sensitively (acronyms such as ``BĐBP``).
        replacement: for FORBIDDEN entries, the approved rendering to use instead.
    """

    source: str
    target: str
    type: TermType = TermType.REQUIRED
    note: str = ""
    context: str = ""
    origin: str = ""
    case_sensitive: bool = False
    replacement: str = ""


@dataclass(frozen=True)
class TermMatch:
    """An occurrence of a glossary entry in a segment; offsets into the segment text."""

    start: int
    end: int
    surface: str
    entry: GlossaryEntry


class TermStatus(str, enum.Enum):
    """Outcome of verifying one term occurrence in a draft."""

    ENFORCED = "enforced"    # present because it was protected before MT
    PRESENT = "present"      # the model produced it by itself
    REPAIRED = "repaired"    # fixed after MT (n-best choice or span replacement)
    FLAGGED = "flagged"      # still missing or forbidden form present: needs a human
    WARNING = "warning"      # a PREFERRED term missed (does not force fuzzy)


@dataclass(frozen=True)
class TermCheck:
    """Result of verifying one ``TermMatch`` against the final draft.

    Attributes:
        match: the source occurrence.
        status: see ``TermStatus``.
        method: how it was achieved or why it failed, e.g. ``"placeholder"``, ``"n-best:2"``.
    """

    match: TermMatch
    status: TermStatus
    method: str = ""


@dataclass(frozen=True)
class Hypothesis:
    """One MT output for one input text.

    Attributes:
        text: detokenised target text.
        score: length-normalised log-probability from the engine (higher is better; 0.0 if unknown).
        flags: machine-check flags, e.g. ``"mt-split:3"``, ``"mt-check:repetition"``.
    """

    text: str
    score: float = 0.0
    flags: tuple[str, ...] = ()


class DraftMethod(str, enum.Enum):
    """Where a segment's target text came from (``Draft.method``)."""

    MT = "mt"                # machine translation, after term enforcement (also a cached MT draft)
    COPIED = "copied"        # no translatable text (numbers, punctuation): the source is copied
    TM = "tm"                # exact match of an approved translation in the translation memory
    APPROVED = "approved"    # the reviewer's approved translation of the same source, kept


@dataclass(frozen=True)
class Draft:
    """The machine draft for one segment after term enforcement.

    Attributes:
        text: the English draft (may be empty when nothing could be produced).
        flags: reasons a human must look (term misses, loops, splits); empty means a clean draft.
        notes: comments for the reviewer, one per line (written as PO ``#.`` comments).
        checks: one ``TermCheck`` per glossary occurrence.
        method: a :class:`DraftMethod`; its string value is accepted and converted
            (an unknown one raises ``ValueError``).
    """

    text: str
    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    checks: tuple[TermCheck, ...] = ()
    method: DraftMethod = DraftMethod.MT

    def __post_init__(self) -> None:
        if not isinstance(self.method, DraftMethod):
            object.__setattr__(self, "method", DraftMethod(self.method))


class Status(str, enum.Enum):
    """Workflow state of a bilingual unit, mapped once per format.

    PO: NEW = empty msgstr; FUZZY = ``#, fuzzy``; TRANSLATED = non-empty, non-fuzzy, i.e. approved
    by a reviewer (test with :attr:`Unit.is_approved`, the one predicate for that).
    """

    NEW = "new"
    FUZZY = "fuzzy"
    TRANSLATED = "translated"


@dataclass(frozen=True)
class Unit:
    """One bilingual entry, as writers take and readers return it.

    Attributes:
        msgid: source text.
        msgstr: target text ('' when untranslated).
        msgctxt: disambiguating context (our files: the segment id), or None.
        status: workflow state.
        comments: extracted comments (PO ``#.``), one string per line.
        translator_comments: translator comments (PO ``# ``), one string per line.
        references: (file, line) pairs (PO ``#:``); line may be None.
        previous_msgid: the msgid this unit had before the source changed (PO ``#| msgid``).
        obsolete: a unit whose source is gone (PO ``#~``).
        flags: other PO flags besides fuzzy (e.g. ``c-format``), kept for round trips.
        previous_msgctxt: the msgctxt before the source changed (PO ``#| msgctxt``).
        msgid_plural: the plural source (PO ``msgid_plural``), None for a singular entry.
        msgstr_plural: the plural translations ``msgstr[0..n-1]`` of a plural entry (``msgstr``
            then repeats ``msgstr[0]``); empty for a singular entry.
        previous_msgid_plural: PO ``#| msgid_plural``.
    """

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    status: Status = Status.NEW
    comments: tuple[str, ...] = ()
    translator_comments: tuple[str, ...] = ()
    references: tuple[tuple[str, int | None], ...] = ()
    previous_msgid: str | None = None
    obsolete: bool = False
    flags: tuple[str, ...] = field(default=())
    previous_msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: tuple[str, ...] = ()
    previous_msgid_plural: str | None = None

    @property
    def has_translation(self) -> bool:
        """A non-empty msgstr (every form filled, for a plural entry)."""
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural)
        return self.msgstr != ""

    @property
    def is_approved(self) -> bool:
        """The one predicate for "a reviewer approved this": not fuzzy, translated, non-empty.

        ``Status.TRANSLATED`` is the PO state "non-fuzzy with a msgstr", i.e. approved. Obsolete
        entries can be approved too (a sentence that returns gets its translation back); callers
        that want live entries only also test ``not unit.obsolete``.
        """
        return self.status is Status.TRANSLATED and self.has_translation


@dataclass(frozen=True)
class Flag:
    """A machine-check flag on a draft: its kind and detail (``Flag("mt-split", "3")``).

    Drafts and hypotheses carry flags as their wording (``Draft.flags``: strings, stored as such in
    the translation memory and in PO comments); :meth:`parse` and ``str()`` convert between the two,
    so no caller needs to match string prefixes.

    Wording: ``kind:detail`` when the detail is one token (``mt-split:3``, ``mt-check:length-cap``),
    ``kind: detail`` when it is a phrase (``term-missing: BĐBP → Border Guard``), the kind alone
    without a detail — the wording the engines and the enforcer have always written.
    """

    kind: str
    detail: str = ""

    #: Kinds that record what the engine did (noted for the reviewer), not a reason to review.
    INFO_KINDS: ClassVar[frozenset[str]] = frozenset({"mt-split", "mt-retried"})

    @classmethod
    def parse(cls, text: str) -> "Flag":
        """``"term-missing: X → Y"`` → ``Flag("term-missing", "X → Y")``; no colon: the kind alone."""
        kind, _, detail = text.partition(":")
        return cls(kind.strip(), detail.strip())

    def __str__(self) -> str:
        if not self.detail:
            return self.kind
        return f"{self.kind}{': ' if any(c.isspace() for c in self.detail) else ':'}{self.detail}"

    @property
    def is_info(self) -> bool:
        """A record of what was done (split, retried), not a problem."""
        return self.kind in self.INFO_KINDS

    @property
    def is_term(self) -> bool:
        """A glossary problem (``term-missing``, ``term-forbidden``…)."""
        return self.kind.startswith("term-")
