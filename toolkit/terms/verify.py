"""Verification of English drafts: where is each term occurrence's rendering, which forbidden ones
appear, and the English surface rules (accepted number forms, sentence-initial capitals).

Accepted renderings of an occurrence (:func:`accepted_renderings`): the approved target, the
entry's admitted alternatives (``border post`` / ``border guard station``, ``illegal exit and entry`` /
``illegal entry and exit``), and for count nouns (part of speech ``noun`` or not given) the other
number of the last word: the base stores singulars (``Party cell``) and a draft may use the plural
(``Party cells``, accepted by :func:`find_rendering`'s suffix rule), while an older base's plural
target (``Party committees``) also accepts the singular. Comparison is on
:func:`toolkit.text.keys.make_key` keys: case-folded, quotes/dashes unified, whitespace runs equal.
"""
from __future__ import annotations

from typing import Sequence

from toolkit.text.keys import is_word_char, key_of, make_key
from toolkit.types import GlossaryEntry, TermMatch, TermType

# Endings accepted after a rendering: plural and possessive.
TARGET_SUFFIXES = ("'s", "es", "s", "'")
COUNT_POS = ("noun", "")
# Final letters after which a trailing "s" is not a plural (class, status, crisis, news).
NOT_PLURAL_ENDINGS = ("ss", "us", "is", "ws")
SENTENCE_END = ".!?"
OPENERS = "\"'“‘«([ \t\n"


def approved_target(entry: GlossaryEntry) -> str:
    """The rendering that must appear for ``entry`` (a forbidden entry's replacement)."""
    return entry.replacement if entry.type is TermType.FORBIDDEN else entry.target


def _other_number(rendering: str) -> list[str]:
    head, _, last = rendering.rpartition(" ")
    low = last.lower()
    if not last[-1:].isalpha():
        return []
    if low.endswith("ies") and len(low) > 4:
        return [f"{head} {last[:-3]}y".strip()]
    if low.endswith("s") and not low.endswith(NOT_PLURAL_ENDINGS) and len(low) > 3:
        return [rendering[:-1]]
    if low.endswith("y") and len(low) > 2 and low[-2] not in "aeiou":
        return [f"{head} {last[:-1]}ies".strip()]
    return []


def accepted_renderings(entry: GlossaryEntry) -> list[str]:
    """Every English form that satisfies ``entry`` in a draft (see module docstring), approved first."""
    out = [approved_target(entry)]
    out += [a for a in getattr(entry, "admitted", ()) if a not in out]
    if getattr(entry, "pos", "") in COUNT_POS and entry.type is not TermType.DNT:
        for r in list(out):
            out += [f for f in _other_number(r) if f not in out]
    return out


def find_rendering(draft: str, rendering: str, claimed: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Occurrences of an English rendering in a draft.

    Args:
        draft: the English text.
        rendering: the term to find (compared on keys: case-folded, quotes/dashes unified,
            whitespace runs equal).
        claimed: spans already taken by other terms; overlapping occurrences are skipped.

    Returns:
        Non-overlapping ``(start, end)`` offsets into ``draft``, left to right; an accepted plural or
        possessive ending (:data:`TARGET_SUFFIXES`) is included in the span.
    """
    want = key_of(rendering)
    if not want:
        return []
    key = make_key(draft)
    k, n, L = key.text, len(key.text), len(want)
    found: list[tuple[int, int]] = []
    p = k.find(want)
    while p >= 0:
        end = p + L
        ok = not (p > 0 and is_word_char(k[p - 1]) and is_word_char(k[p]))
        if ok and end < n and is_word_char(k[end - 1]) and is_word_char(k[end]):
            ok = False
            for suf in TARGET_SUFFIXES:
                if k.startswith(suf, end) and (end + len(suf) >= n or not is_word_char(k[end + len(suf)])):
                    end, ok = end + len(suf), True
                    break
        if ok:
            span = key.span(p, end)
            if not any(span[0] < c[1] and c[0] < span[1] for c in claimed):
                found.append(span)
                p = k.find(want, end)
                continue
        p = k.find(want, p + 1)
    return found


def _longest(renderings: Sequence[str]) -> int:
    return max(len(key_of(r)) for r in renderings)


def locate_terms(draft: str, matches: Sequence[TermMatch], glossary=None
                 ) -> tuple[list[tuple[int, int] | None], list[tuple[int, int, int]]]:
    """Verify a draft: where is each occurrence's rendering, and which forbidden ones appear.

    Args:
        draft: English text.
        matches: the source's term occurrences.
        glossary: gives the forbidden renderings of each source term (none checked when ``None``).

    Returns:
        ``(spans, forbidden)``: ``spans[i]`` is the draft span of an accepted rendering of
        ``matches[i]`` or ``None`` when missing (occurrences with longer renderings are placed
        first; each draft occurrence serves one source occurrence, leftmost first); ``forbidden``
        lists ``(match index, start, end)`` of forbidden renderings found outside those spans.
    """
    spans: list[tuple[int, int] | None] = [None] * len(matches)
    claimed: list[tuple[int, int]] = []
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, m in enumerate(matches):
        groups.setdefault(tuple(accepted_renderings(m.entry)), []).append(i)
    for renderings in sorted(groups, key=lambda t: -_longest(t)):
        hits: list[tuple[int, int]] = []
        for r in sorted(renderings, key=lambda r: -len(key_of(r))):
            for h in find_rendering(draft, r, claimed):
                if not any(h[0] < o[1] and o[0] < h[1] for o in hits):
                    hits.append(h)
        hits.sort()
        for i, span in zip(groups[renderings], hits):
            spans[i] = span
            claimed.append(span)
    forbidden: list[tuple[int, int, int]] = []
    if glossary is not None:
        seen: set[tuple[int, int]] = set()
        for i, m in enumerate(matches):
            for bad in glossary.forbidden_for(m.entry):
                for span in find_rendering(draft, bad.target, claimed):
                    if span not in seen:
                        seen.add(span)
                        forbidden.append((i, *span))
    return spans, forbidden


def at_sentence_start(text: str, pos: int) -> bool:
    """True when only opening quotes/brackets/space separate ``pos`` from the start of ``text`` or
    from a sentence end (``.``, ``!``, ``?`` followed by space)."""
    q = pos
    while q > 0 and text[q - 1] in OPENERS:
        q -= 1
    if q == 0:
        return True
    return text[q - 1] in SENTENCE_END and q < pos and text[q:pos].strip(OPENERS) == "" and text[q] in " \t\n"


def capitalise_at(text: str, pos: int) -> str:
    """``text`` with the letter at ``pos`` upper-cased when it is a lower-case letter (length kept)."""
    ch = text[pos:pos + 1]
    if ch.islower() and len(ch.upper()) == 1:
        return text[:pos] + ch.upper() + text[pos + 1:]
    return text


def sentence_case(text: str, spans: Sequence[tuple[int, int] | None]) -> str:
    """Capitalise each term span that starts an English sentence ("Political commissar said …");
    proper-noun capitals inside a term are never lowered."""
    for span in spans:
        if span is not None and at_sentence_start(text, span[0]):
            text = capitalise_at(text, span[0])
    return text
