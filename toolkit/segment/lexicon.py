"""Language data for the segmentation rules: abbreviations, label words, unit symbols, syllable shape.

Everything is read once from ``toolkit/data/vi_*.txt`` with :mod:`importlib.resources` and cached;
:mod:`toolkit.segment.rules` makes the decisions. Kept apart from the rules so that each module stays
short and the data files have one reader.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Prefixes:
    """Non-breaking prefixes from ``vi_abbreviations.txt`` (Moses ``nonbreaking_prefix`` format).

    Attributes:
        plain: a following dot never ends a sentence (``TP``, ``PGS``, ``St``).
        numeric_only: the dot does not end a sentence only before a number (``tr. 25``).
        may_end: the dot ends a sentence when a capitalised word follows (``v.v. Tuy nhiên``).
        journal: words of abbreviated publication titles (``Phys. Rev. Lett.``): the dot ends the
            sentence only before a capitalised word that is not itself part of the title.
    """

    plain: frozenset[str]
    numeric_only: frozenset[str]
    may_end: frozenset[str]
    journal: frozenset[str] = frozenset()

    def __contains__(self, word: object) -> bool:
        return word in self.plain or word in self.numeric_only or word in self.may_end or word in self.journal


def _data_lines(name: str) -> list[str]:
    """Lines of ``toolkit/data/<name>`` that are neither blank nor ``#`` comments, stripped."""
    text = resources.files("toolkit").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@functools.lru_cache(maxsize=None)
def prefixes() -> Prefixes:
    """Load ``vi_abbreviations.txt`` once.

    Returns:
        Prefixes, split by their marker (``#NUMERIC_ONLY#``, ``#MAY_END_SENTENCE#``, ``#JOURNAL#`` or none).
    """
    plain, numeric, may_end, journal = set(), set(), set(), set()
    for line in _data_lines("vi_abbreviations.txt"):
        word, _, marker = line.partition(" ")
        {"#NUMERIC_ONLY#": numeric, "#MAY_END_SENTENCE#": may_end,
         "#JOURNAL#": journal}.get(marker.strip(), plain).add(word)
    return Prefixes(frozenset(plain), frozenset(numeric), frozenset(may_end), frozenset(journal))


@functools.lru_cache(maxsize=None)
def numbering_labels() -> frozenset[str]:
    """Words introducing a numbering label (``Điều``, ``Chương``, ``Ảnh``), from ``vi_numbering_labels.txt``."""
    return frozenset(_data_lines("vi_numbering_labels.txt"))


@functools.lru_cache(maxsize=None)
def unit_symbols() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Load ``vi_unit_symbols.txt`` once.

    Returns:
        (one-letter unit symbols such as ``C``, ``V``; words that introduce one, such as ``độ``;
        last words of a phrase that names a letter, such as ``chữ`` in ``hình chữ V``).
    """
    symbols, unit_words, letter_words = set(), set(), set()
    for line in _data_lines("vi_unit_symbols.txt"):
        words, _, marker = line.rpartition(" ") if line.endswith("#") else (line, "", "")
        # A phrase ("ký tự") is matched by its last word, the token right before the letter.
        {"#UNIT_WORD#": unit_words, "#LETTER_WORD#": letter_words}.get(marker, symbols).add(words.split()[-1])
    return frozenset(symbols), frozenset(unit_words), frozenset(letter_words)


# One written Vietnamese syllable once tone marks are removed: onset, vowel nucleus, coda
# (Vietnamese orthography: 17 single-letter and 11 digraph/trigraph onsets; codas c ch m n ng nh p t
# and the glides written i/y/o/u inside the nucleus). "Sau", "Người", "Quảng" match; "Smith",
# "Phys", "Costi", "Moretto" do not.
_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
                       r"[aăâeêioôơuưy]{1,3}(?:ng|nh|ch|[cmnpt])?\Z")
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # grave, acute, tilde, hook, dot below


@functools.lru_cache(maxsize=4096)
def looks_vietnamese(word: str) -> bool:
    """Whether ``word`` has the shape of one Vietnamese syllable (tone marks ignored, any case).

    Used to tell a sentence's first word (``Sau``, ``Người``) from a foreign name after an initial
    (``J. Smith``) or a title word (``J. Phys.``). A shape test only: ``Lan`` or ``Ban`` pass whatever
    their language.
    """
    bare = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if c not in _TONE_MARKS)
    return bool(_SYLLABLE.match(unicodedata.normalize("NFC", bare)))
