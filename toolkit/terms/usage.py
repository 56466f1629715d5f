"""Term usage: how the glossary's terms fared in a set of translations — one definition.

The run report of ``bitext translate``, its console line and ``bitext score --glossary`` all count
with :class:`TermUsage`, so "usage" means the same number everywhere:

* every glossary match in a source segment is one **occurrence**;
* its status is the verifier's (:class:`toolkit.types.TermStatus`): ``enforced``, ``present`` and
  ``repaired`` count as **used**; ``flagged`` (required rendering missing, or a forbidden one
  present) and ``warnings`` (a preferred term missed) do not;
* **rate** = used / occurrences, and no rate at all (``None``) when there are no occurrences — a
  rate over zero occurrences says nothing (issue 13).

Machine drafts carry their statuses from enforcement (:func:`toolkit.terms.enforce.draft_segments`).
A human, reference or translation-memory translation is verified with the same verifier
(:func:`toolkit.terms.enforce.check_translation`); nothing was enforced or repaired there, so each
occurrence is present, flagged or a warning.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Iterable, Sequence

from toolkit.types import Draft, TermCheck, TermMatch, TermStatus, TermType

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.terms.termbase import Glossary

#: The counter each verifier status adds to.
_COUNTER = {TermStatus.ENFORCED: "enforced", TermStatus.PRESENT: "present", TermStatus.REPAIRED: "repaired",
            TermStatus.FLAGGED: "flagged", TermStatus.WARNING: "warnings"}
_COUNTS = ("occurrences", "enforced", "present", "repaired", "flagged", "warnings")


@dataclass(frozen=True)
class TermCount:
    """Counts for one glossary term (source form and approved English)."""

    source: str
    target: str
    type: str
    occurrences: int = 0
    enforced: int = 0
    present: int = 0
    repaired: int = 0
    flagged: int = 0
    warnings: int = 0

    def __add__(self, other: "TermCount") -> "TermCount":
        return replace(self, **{k: getattr(self, k) + getattr(other, k) for k in _COUNTS})


@dataclass(frozen=True)
class TermUsage:
    """Term usage over some segments (see the module docstring for the definition).

    Attributes:
        occurrences, enforced, present, repaired, flagged, warnings: counts of term occurrences.
        segments_flagged: segments with at least one flagged occurrence.
        terms: the same counts per term, most frequent first.
    """

    occurrences: int = 0
    enforced: int = 0
    present: int = 0
    repaired: int = 0
    flagged: int = 0
    warnings: int = 0
    segments_flagged: int = 0
    terms: tuple[TermCount, ...] = ()

    @property
    def used(self) -> int:
        """Occurrences whose approved rendering is in the translation."""
        return self.enforced + self.present + self.repaired

    @property
    def rate(self) -> float | None:
        """used / occurrences, or None without occurrences."""
        return self.used / self.occurrences if self.occurrences else None

    @classmethod
    def from_checks(cls, per_segment: Iterable[Sequence[TermCheck]]) -> "TermUsage":
        """Count verifier results, one sequence of checks per segment."""
        totals = dict.fromkeys(_COUNTS, 0)
        per: dict[tuple[str, str], TermCount] = {}
        segments_flagged = 0
        for checks in per_segment:
            segments_flagged += any(c.status is TermStatus.FLAGGED for c in checks)
            for c in checks:
                name = _COUNTER[c.status]
                totals["occurrences"] += 1
                totals[name] += 1
                e = c.match.entry
                target = e.replacement if e.type is TermType.FORBIDDEN else e.target  # enforce.approved_target
                key = (e.source, target)
                row = per.get(key) or TermCount(e.source, target, e.type.value)
                per[key] = replace(row, occurrences=row.occurrences + 1, **{name: getattr(row, name) + 1})
        terms = tuple(sorted(per.values(), key=lambda r: (-r.occurrences, r.source)))
        return cls(**totals, segments_flagged=segments_flagged, terms=terms)

    @classmethod
    def from_drafts(cls, drafts: Iterable[Draft]) -> "TermUsage":
        """Usage in machine drafts, from the checks enforcement attached to each."""
        return cls.from_checks(d.checks for d in drafts)

    @classmethod
    def from_translations(cls, pairs: Iterable[tuple[str, str]], glossary: "Glossary") -> "TermUsage":
        """Usage in finished translations ``(source, target)``, verified like a draft.

        Each match of the glossary in the source is present, flagged (missing required or
        do-not-translate form, or a forbidden rendering) or a warning (preferred term missed).
        """
        return cls.from_checks(translation_checks(s, t, glossary) for s, t in pairs)

    def __add__(self, other: "TermUsage") -> "TermUsage":
        per: dict[tuple[str, str], TermCount] = {(r.source, r.target): r for r in self.terms}
        for r in other.terms:
            key = (r.source, r.target)
            per[key] = per[key] + r if key in per else r
        counts = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self) if f.name != "terms"}
        return TermUsage(**counts, terms=tuple(sorted(per.values(), key=lambda r: (-r.occurrences, r.source))))

    def to_dict(self) -> dict:
        """JSON form: the counts, ``usage_rate`` (4 decimals, ``None`` without occurrences), ``terms``."""
        rate = self.rate
        out = {k: getattr(self, k) for k in _COUNTS}
        out["usage_rate"] = round(rate, 4) if rate is not None else None
        out["segments_flagged"] = self.segments_flagged
        out["terms"] = [{f.name: getattr(r, f.name) for f in fields(r)} for r in self.terms]
        return out

    def summary_line(self) -> str:
        """One console line: ``terms: 52 occurrences, 40 enforced, … usage 96.2%`` (``n/a`` without occurrences)."""
        rate = self.rate
        usage = f"{rate * 100:.1f}%" if rate is not None else "n/a (no term occurrences)"
        return (f"terms: {self.occurrences} occurrences, {self.enforced} enforced, {self.present} present, "
                f"{self.repaired} repaired, {self.flagged} flagged, {self.warnings} warnings; usage {usage}")


def translation_checks(source: str, target: str, glossary: "Glossary") -> list[TermCheck]:
    """Verifier result for each glossary match in ``source``, judged in a finished ``target``."""
    from toolkit.terms.enforce import check_translation

    matches: list[TermMatch] = list(glossary.match(source))
    findings = check_translation(source, target, glossary)
    out = []
    for m in matches:
        kinds = {f.kind for f in findings if f.match == m}
        if kinds & {"term-missing", "term-forbidden"}:
            out.append(TermCheck(m, TermStatus.FLAGGED, "missing" if "term-missing" in kinds else "forbidden"))
        elif "term-warning" in kinds:
            out.append(TermCheck(m, TermStatus.WARNING, "preferred-missing"))
        else:
            out.append(TermCheck(m, TermStatus.PRESENT, "reviewed"))
    return out
