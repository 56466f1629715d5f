"""Matching keys for Vietnamese (and English) text: NFC, case fold, one tone-mark placement, quotes.

A *key* is a comparison form used for glossary lookup only; the author's text is never rewritten
(shared/cases/b13: normalisers that "fix" tone placement change the reviewer's source). Every key
character remembers the span of the original text it came from, so matches found in the key are
reported with offsets into the original string, whatever its normalisation form (shared/cases/b12:
NFD input).

Rules, in order, each applied per key character:

1. **NFC per cluster.** A base character and the combining marks after it (NFD input, as typed on
   macOS) become one NFC code point; the key character spans the whole cluster in the original.
2. **One tone-mark placement.** In an open syllable whose vowel nucleus is ``oa``, ``oe`` or ``uy``
   the tone mark goes on the first vowel (``hòa``, ``khỏe``, ``thủy``: the "old" style); text in the
   "new" style (``hoà``, ``khoẻ``, ``thuỷ``) gets the same key. With a final consonant both styles
   agree (``hoàn``, ``thuyết``) and nothing moves. ``qu`` and ``gi`` onsets are not part of the
   nucleus (``quý``, ``giá`` keep their mark). Sources: VnCoreNLP#39, VietnameseTextNormalizer#1,
   yomitan#1107 (shared/cases/b13); the two conventions as in Vietnamese Wikipedia,
   "Quy tắc đặt dấu thanh trong chữ quốc ngữ".
3. **Case fold** (per code point, only where it keeps one code point) unless ``fold_case=False``.
4. **Quotes and dashes.** Curly/angle double quotes become ``"``, curly single quotes ``'``,
   Unicode dashes (U+2010–U+2015, U+2212) ``-``.
5. **Whitespace.** A run of whitespace (space, NBSP, tab, newline) is one ``" "``.

Every tone-carrying Vietnamese letter has a precomposed NFC code point, so moving the mark never
changes the number of key characters of a syllable.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Combining tone marks (in NFD): grave, acute, tilde, hook above, dot below.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Base vowels after removing tone marks (vowel-quality marks ˘ ˆ ơ ư stay part of the letter).
VOWELS = frozenset("aăâeêioôơuưy")
# Open-syllable nuclei whose tone placement differs between the two conventions (rule 2).
VARIABLE_NUCLEI = frozenset({"oa", "oe", "uy"})

QUOTE_MAP = {
    **{c: '"' for c in "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\uff02"},
    **{c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\uff07"},
    **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"},
}


@dataclass(frozen=True)
class Key:
    """A matching key with its map back to the original text.

    Attributes:
        text: the key string.
        starts: for each key character, the code-point offset in the original where it begins.
        ends: for each key character, the offset (exclusive) in the original where it ends.
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of key characters ``[start, end)``; ``end > start``."""
        return self.starts[start], self.ends[end - 1]


def is_word_char(ch: str) -> bool:
    """True for letters, digits and combining marks: characters that continue a syllable."""
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def _fold(ch: str) -> str:
    low = ch.casefold()
    if len(low) == 1:
        return low
    low = ch.lower()
    return low if len(low) == 1 else ch


def canonical_tone(syllable: str) -> str:
    """Move the tone mark of an open ``oa``/``oe``/``uy`` syllable onto its first vowel.

    Args:
        syllable: one NFC syllable (letters only), any case.

    Returns:
        The syllable in NFC with the same number of code points; unchanged unless rule 2 applies.
        ``canonical_tone("hoà") == canonical_tone("hòa") == "hòa"``; ``"Uỷ" → "Ủy"``.
    """
    letters: list[str] = []      # base letter (NFC, without tone), original case
    tone = ""
    tone_at = -1
    for ch in syllable:
        parts = unicodedata.normalize("NFD", ch)
        marks = [m for m in parts if m in TONE_MARKS]
        if marks:
            if tone:             # two tone marks: not a Vietnamese syllable, leave it alone
                return syllable
            tone, tone_at = marks[0], len(letters)
        letters.append(unicodedata.normalize("NFC", "".join(m for m in parts if m not in TONE_MARKS)))
    if not tone:
        return syllable
    low = [c.lower() for c in letters]
    i = 0
    while i < len(low) and low[i] not in VOWELS:
        i += 1
    onset = "".join(low[:i])
    # qu-/gi- onsets: the u/i belongs to the onset when another vowel follows (quý, giá).
    if i + 1 < len(low) and ((onset == "q" and low[i] == "u") or (onset == "g" and low[i] == "i")) \
            and low[i + 1] in VOWELS:
        i += 1
    j = i
    while j < len(low) and low[j] in VOWELS:
        j += 1
    nucleus, coda = "".join(low[i:j]), "".join(low[j:])
    if nucleus in VARIABLE_NUCLEI and not coda:
        tone_at = i
    out = letters[:]
    out[tone_at] = unicodedata.normalize("NFC", letters[tone_at] + tone)
    if any(len(c) != 1 for c in out):
        return syllable
    return "".join(out)


def _build(text: str) -> tuple[list[str], list[str], list[int], list[int]]:
    """Rules 1–5 in one pass: folded key characters, unfolded ones, and their original spans."""
    # Rule 1: clusters of base + combining marks, each NFC-composed.
    clusters: list[tuple[str, int, int]] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        composed = unicodedata.normalize("NFC", text[i:j])
        if len(composed) == 1:
            clusters.append((composed, i, j))
        else:                    # no precomposed form: keep code points one by one
            clusters.extend((c, i + k, i + k + 1) for k, c in enumerate(text[i:j]))
        i = j
    folded: list[str] = []
    cased: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    k = 0
    while k < len(clusters):
        ch, s, e = clusters[k]
        if ch.isspace():                                   # rule 5
            while k + 1 < len(clusters) and clusters[k + 1][0].isspace():
                k += 1
            folded.append(" ")
            cased.append(" ")
            starts.append(s)
            ends.append(clusters[k][2])
            k += 1
            continue
        if ch.isalpha():                                   # rule 2 on a run of letters
            m = k
            while m < len(clusters) and clusters[m][0].isalpha():
                m += 1
            syl = canonical_tone("".join(c for c, _, _ in clusters[k:m]))
            for c, (_, s2, e2) in zip(syl, clusters[k:m]):
                folded.append(_fold(c))
                cased.append(c)
                starts.append(s2)
                ends.append(e2)
            k = m
            continue
        q = QUOTE_MAP.get(ch, ch)                          # rule 4
        folded.append(q)
        cased.append(q)
        starts.append(s)
        ends.append(e)
        k += 1
    return folded, cased, starts, ends


def make_key(text: str, fold_case: bool = True) -> Key:
    """Build the matching key of ``text`` (rules 1–5 of the module docstring).

    Args:
        text: any Unicode text (NFC or not).
        fold_case: apply rule 3.

    Returns:
        A :class:`Key` whose ``starts``/``ends`` are code-point offsets into ``text``.
    """
    folded, cased, starts, ends = _build(text)
    return Key("".join(folded if fold_case else cased), tuple(starts), tuple(ends))


def make_keys(text: str) -> tuple[Key, str]:
    """The folded :class:`Key` of ``text`` and its unfolded key text (same length, same spans), built in
    one pass (the matcher needs both when the base has case-sensitive terms or name slots)."""
    folded, cased, starts, ends = _build(text)
    return Key("".join(folded), tuple(starts), tuple(ends)), "".join(cased)


@lru_cache(maxsize=1 << 18)
def key_of(text: str, fold_case: bool = True) -> str:
    """The key string of a term: :func:`make_key` without the offset maps, stripped.

    Cached (a term base computes the key of each term several times while loading, linting and
    indexing; 50,000 terms load about 2× faster with the cache, bench/bench_terms.py)."""
    return make_key(text, fold_case).text.strip()
