"""Name patterns: term-base entries with slots, ``Bộ Chỉ huy BĐBP tỉnh {PROVINCE}`` →
``{PROVINCE} Provincial Border Guard Command``.

Slot types (what the text at the slot must be, and the English put in the target):

* ``{PROVINCE}``: a province or centrally-run city of the gazetteer (any case after its first
  letter; the gazetteer holds all 63 + 34, so a person's name after ``Bí thư Tỉnh ủy`` is not taken);
* ``{NAME}``: any gazetteer place, or else a run of capitalised syllables (``Lũng Cú``, ``Na Mèo``);
* ``{DOCNO}``: a document number as issued, ``05-CT/TW``, ``01/CT-TTg``, ``2862/QĐ-CTN``;
* ``{NUMBER}``: digits (``Quân khu 7``).

A capitalised run stops before a syllable where another term of the base starts (``Đồn Biên phòng
Lũng Cú Thượng tá …`` gives ``Lũng Cú``), and it may not begin with a generic head word that opens a
longer unit name (``Cửa khẩu``, ``Trạm``, ``Đội`` …: :data:`GENERIC_HEADS`), so ``Đồn Biên phòng Cửa
khẩu …`` is left to the ``… Cửa khẩu quốc tế {NAME}`` pattern (while ``Cửa Ông`` stays a name) instead of giving "Cua Border Post".
English of a place slot: the gazetteer's form, else :func:`~toolkit.terms.gazetteer.proper_name_english`
(marks removed, ``Đ`` → ``D``, capitals kept); of a document number: marks removed (``QĐ`` → ``QD``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from toolkit.terms.gazetteer import PROVINCE_KINDS, Gazetteer, strip_marks
from toolkit.text.keys import is_word_char, make_key

SLOT_RE = re.compile(r"\{([A-Za-z]+)\}")
SLOT_TYPES = ("PROVINCE", "NAME", "DOCNO", "NUMBER")
DOCNO_RE = re.compile(r"\d+(?:[-/.][^\W_]+)+")
NUMBER_RE = re.compile(r"\d+")
# Words that open a longer unit or body name; a capitalised-run slot may not start with one.
GENERIC_HEADS = frozenset("""trạm đội đồn ban bộ cục phòng trung đảng ủy hội tổ công quân tỉnh huyện
xã thành thị phường thôn bản ấp khu chi văn trường nhà cơ ngày lễ hải tàu""".split())
# Two-syllable heads whose first syllable also begins place names (Cửa Ông, Biên Hòa are places).
GENERIC_HEADS_2 = ("cửa khẩu", "biên phòng")


def has_slots(text: str) -> bool:
    """True when ``text`` contains a ``{SLOT}``."""
    return bool(SLOT_RE.search(text))


def slot_names(text: str) -> list[str]:
    """Slot names in order of appearance (``["PROVINCE"]``)."""
    return SLOT_RE.findall(text)


@dataclass(frozen=True)
class Pattern:
    """A source form with slots, ready to match on keys.

    Attributes:
        parts: ``("lit", key_text)`` and ``("slot", TYPE)`` in order; literal keys keep their
            inner and edge single spaces.
        prefix: key of the first literal without its trailing space (the index key).
    """

    parts: tuple[tuple[str, str], ...]
    prefix: str


def parse_pattern(form: str) -> Pattern:
    """Split a source form with slots into literal keys and slots.

    Raises:
        ValueError: unknown slot type, no literal text before the first slot (nothing to index),
            or two slots with nothing between them.
    """
    parts: list[tuple[str, str]] = []
    pos = 0
    for m in SLOT_RE.finditer(form):
        lit = form[pos:m.start()]
        if lit:
            parts.append(("lit", make_key(lit).text))
        elif parts and parts[-1][0] == "slot":
            raise ValueError(f"slots {{{parts[-1][1]}}}{{{m.group(1)}}} with nothing between them can never "
                             "be told apart")
        if m.group(1) not in SLOT_TYPES:
            raise ValueError(f"unknown slot {{{m.group(1)}}}; use one of " + ", ".join(f"{{{s}}}" for s in SLOT_TYPES))
        parts.append(("slot", m.group(1)))
        pos = m.end()
    tail = form[pos:]
    if tail.strip():
        parts.append(("lit", make_key(tail).text))
    if not parts or parts[0][0] != "lit" or not parts[0][1].strip():
        raise ValueError("a pattern must start with literal text (it is found through it)")
    return Pattern(tuple(parts), parts[0][1].strip())


def fill(template: str, values: dict[str, str]) -> str:
    """Put slot English into a target (``"{NAME} Border Post"`` → ``"Lung Cu Border Post"``)."""
    return SLOT_RE.sub(lambda m: values.get(m.group(1), m.group(0)), template)


class SlotReader:
    """Reads slot values in one text.

    Args:
        text: the original text (offsets of ``key`` point into it).
        key: its folded matching key (:func:`toolkit.text.keys.make_key`).
        case_text: the unfolded key text (same length as ``key.text``), for capitalisation.
        gazetteer: place names.
        starts_term: ``starts_term(pos)`` is True when another term of the base starts at key
            position ``pos`` (a capitalised run stops there).
    """

    def __init__(self, text: str, key, case_text: str, gazetteer: Gazetteer,
                 starts_term: Callable[[int], bool]):
        self.text, self.key, self.k, self.case = text, key, key.text, case_text
        self.gaz, self.starts_term = gazetteer, starts_term

    def _syllable_end(self, p: int) -> int:
        """End of the syllable at ``p``; an apostrophe between letters stays inside (``R'vê``)."""
        n = len(self.k)
        while p < n and (is_word_char(self.k[p]) or (self.k[p] == "'" and p + 1 < n and is_word_char(self.k[p + 1])
                                                     and p > 0 and is_word_char(self.k[p - 1]))):
            p += 1
        return p

    def _boundary(self, p: int) -> bool:
        return p >= len(self.k) or not (is_word_char(self.k[p - 1]) and is_word_char(self.k[p]))

    def _original(self, a: int, b: int) -> str:
        s, e = self.key.span(a, b)
        return " ".join(self.text[s:e].split())

    def _place(self, p: int, kinds: frozenset[str] | None):
        """Longest gazetteer place at ``p`` → ``(end, place)``; ``None`` if none."""
        if not self.case[p:p + 1].isupper():
            return None
        for length in self.gaz.lengths:
            end = p + length
            if end <= len(self.k) and self._boundary(end):
                place = self.gaz.get(self.k[p:end])
                if place is not None:
                    return end, place
        return None

    def _capitalised_run(self, p: int) -> int | None:
        """End of the run of capitalised syllables at ``p``, or ``None`` (see module docstring)."""
        if not (p < len(self.k) and self.case[p].isupper()):
            return None
        end = self._syllable_end(p)
        if self.k[p:end] in GENERIC_HEADS or any(
                self.k.startswith(h, p) and self._boundary(p + len(h)) for h in GENERIC_HEADS_2):
            return None
        while end + 1 < len(self.k) and self.k[end] == " " and self.case[end + 1].isupper() \
                and not self.starts_term(end + 1):
            end = self._syllable_end(end + 1)
        return end

    def read(self, slot: str, p: int) -> tuple[int, str, str] | None:
        """Read a ``slot`` value at key position ``p``.

        Returns:
            ``(end, vietnamese, english)`` with ``end`` a key position, or ``None`` when the text at
            ``p`` cannot fill the slot.
        """
        if p >= len(self.k) or not is_word_char(self.k[p]):
            return None
        if slot in ("DOCNO", "NUMBER"):
            m = (DOCNO_RE if slot == "DOCNO" else NUMBER_RE).match(self.case, p)
            if not m or not self._boundary(m.end()):
                return None
            value = self._original(p, m.end())
            return m.end(), value, strip_marks(value)
        hit = self._place(p, None)
        if hit is not None:
            end, place = hit
            if slot == "PROVINCE" and place.kind not in PROVINCE_KINDS:
                return None
            if self._boundary(end):
                return end, self._original(p, end), place.english
        if slot == "PROVINCE":
            return None
        end = self._capitalised_run(p)
        if end is None:
            return None
        value = self._original(p, end)
        return end, value, " ".join(strip_marks(value).split())

    def match(self, pattern: Pattern, p: int) -> tuple[int, dict[str, str], dict[str, str]] | None:
        """Match ``pattern`` at key position ``p``.

        Returns:
            ``(end, vietnamese_values, english_values)`` keyed by slot type, or ``None``.
        """
        pos, vi, en = p, {}, {}
        for kind, value in pattern.parts:
            if kind == "lit":
                if not self.k.startswith(value, pos):
                    return None
                pos += len(value)
            else:
                got = self.read(value, pos)
                if got is None:
                    return None
                pos, vi[value], en[value] = got
        if not self._boundary(pos):
            return None
        return pos, vi, en
