"""Review flags in our PO files: which draft flags need a human, their wording, and counting them.

A draft's flags (:class:`toolkit.types.Flag`) are of two sorts: records of what the engine did
(``mt-split``, ``mt-retried``), written as a ``#.`` sentence for the reviewer, and problems
(``term-missing``, ``mt-check``…), written as a translator comment ``# needs review: <flag>`` that
keeps the entry fuzzy until a reviewer approves it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

from toolkit.types import Flag, Status, Unit

#: Translator-comment prefix of a problem flag in the PO file.
NEEDS_REVIEW = "needs review: "


def split_flags(flags: Iterable[str]) -> tuple[tuple[Flag, ...], tuple[Flag, ...]]:
    """A draft's flag strings → (problems to review, records of what was done), each once, in order."""
    parsed = [Flag.parse(f) for f in dict.fromkeys(flags)]
    return tuple(f for f in parsed if not f.is_info), tuple(f for f in parsed if f.is_info)


def describe(flag: Flag) -> str:
    """A reviewer-facing sentence for a record flag (shared/cases/b09 asks for "split into N chunks")."""
    if flag.kind == "mt-split" and flag.detail.isdigit():
        return f"mt: split into {flag.detail} chunks at clause boundaries (over the model's input limit)"
    if flag.kind == "mt-split" and flag.detail == "hard":
        return "mt: a clause over the input limit was cut between words"
    if flag.kind == "mt-retried":
        return "mt: retried with no_repeat_ngram_size=3 after a repetition loop or length cap"
    return f"mt: {flag}"


def review_comment(flag: Flag) -> str:
    """The translator comment that asks for review: ``needs review: term-missing: X → Y``."""
    return NEEDS_REVIEW + str(flag)


def unit_flags(unit: Unit) -> tuple[Flag, ...]:
    """The review flags of an entry still waiting for review (live, fuzzy); () otherwise."""
    if unit.obsolete or unit.status is not Status.FUZZY:
        return ()
    return tuple(Flag.parse(c[len(NEEDS_REVIEW):]) for c in unit.translator_comments if c.startswith(NEEDS_REVIEW))


def count_flagged(units: Sequence[Unit]) -> int:
    """Live entries still waiting for review because of a machine-check problem."""
    return sum(1 for u in units if unit_flags(u))


def scan_po(path: Path) -> tuple[int, list[tuple[Flag, ...]]]:
    """Count a PO file we wrote without parsing it: (live entries, review flags of each flagged entry).

    A line scan (entries are blocks separated by blank lines; ``#~`` marks an obsolete one,
    ``#, fuzzy`` a fuzzy one, ``# needs review: …`` a flag), for the up-to-date check that must
    not parse or merge. Agrees with :func:`unit_flags` on files our writer produced (comments are
    never wrapped, every entry has a msgctxt). The header entry is not counted.

    Raises:
        OSError: the file cannot be read.
    """
    live, flagged = 0, []
    with path.open(encoding="utf-8", errors="replace") as f:
        block: list[str] = []
        for line in [*f, ""]:
            if line.strip():
                block.append(line)
                continue
            if block:
                obsolete = any(b.startswith("#~") for b in block)
                if not obsolete and any(b.startswith("msgctxt ") for b in block):  # every entry of ours has one
                    live += 1
                    fuzzy = any(b.startswith("#,") and "fuzzy" in b for b in block)
                    flags = tuple(Flag.parse(b[2 + len(NEEDS_REVIEW):].rstrip("\n")) for b in block
                                  if b.startswith("# " + NEEDS_REVIEW))
                    if fuzzy and flags:
                        flagged.append(flags)
            block = []
    return live, flagged
