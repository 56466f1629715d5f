"""Vietnamese place names for name-pattern slots, and the proper-name rendering rule.

Data: ``toolkit/data/vi-gazetteer.tsv`` (columns ``name, english, kind, period, note``; its header
comment names the sources): the 63 provincial-level units before and the 34 after the 2025 merger
(National Assembly Resolution 202/2025/QH15), major border gates and the neighbouring countries.

English of a Vietnamese proper name (:func:`proper_name_english`): the gazetteer's form when it has
one (``Thành phố Hồ Chí Minh`` → ``Ho Chi Minh City``, ``Hà Nội`` → ``Hanoi``); otherwise the name
with tone and vowel marks removed, ``Đ/đ`` → ``D/d`` and capitals kept (``Đồng Văn`` → ``Dong Van``),
which is how Vietnam's English-language press (VNA, QĐND, Nhân Dân) writes them.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from toolkit.text.keys import key_of

GAZETTEER_PATH = Path(__file__).resolve().parent.parent / "data" / "vi-gazetteer.tsv"
PROVINCE_KINDS = frozenset({"province", "city"})


@dataclass(frozen=True)
class Place:
    """One gazetteer row: Vietnamese ``name``, its ``english`` form, ``kind`` and ``period``."""

    name: str
    english: str
    kind: str
    period: str


def strip_marks(text: str) -> str:
    """Remove Vietnamese tone and vowel marks; ``Đ``/``đ`` → ``D``/``d`` (``"Lạng Sơn"`` → ``"Lang Son"``)."""
    text = text.replace("Đ", "D").replace("đ", "d").replace("Ð", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


class Gazetteer:
    """Place names indexed by matching key (case-folded, one tone placement; :mod:`toolkit.text.keys`).

    Attributes:
        places: rows in file order.
        lengths: distinct key lengths, longest first (for longest-match lookup).
    """

    def __init__(self, places: list[Place]):
        self.places = places
        self._by_key: dict[str, Place] = {}
        for p in places:
            self._by_key.setdefault(key_of(p.name), p)
        self.lengths = sorted({len(k) for k in self._by_key}, reverse=True)

    @classmethod
    def load(cls, path: str | Path = GAZETTEER_PATH) -> "Gazetteer":
        """Read a gazetteer TSV (``#`` comments, a header line).

        Raises:
            ValueError: a row without a name or with fewer than 3 columns, naming ``file:line``.
        """
        places = []
        lines = Path(path).read_text(encoding="utf-8").split("\n")
        header = True
        for n, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            if header:
                header = False
                continue
            cols = line.split("\t")
            if len(cols) < 3 or not cols[0].strip():
                raise ValueError(f"{path}:{n}: gazetteer row needs name, english, kind")
            name = unicodedata.normalize("NFC", cols[0].strip())
            places.append(Place(name, cols[1].strip() or strip_marks(name), cols[2].strip(),
                                cols[3].strip() if len(cols) > 3 else ""))
        return cls(places)

    def get(self, key: str) -> Place | None:
        """The place whose matching key is ``key`` exactly, or ``None``."""
        return self._by_key.get(key)

    def lookup(self, name: str) -> Place | None:
        """The place named ``name`` (any case, either tone-mark style), or ``None``."""
        return self._by_key.get(key_of(name))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once."""
    return Gazetteer.load()


def proper_name_english(name: str, gazetteer: Gazetteer | None = None) -> str:
    """English form of a Vietnamese proper name (see module docstring).

    Args:
        name: the name as written (``"Lũng Cú"``, ``"Thành phố Hồ Chí Minh"``).
        gazetteer: where to look first; the shipped one when ``None``.

    Returns:
        ``"Lung Cu"``, ``"Ho Chi Minh City"``; whitespace runs become one space.
    """
    place = (gazetteer or default_gazetteer()).lookup(name)
    if place is not None:
        return place.english
    return " ".join(strip_marks(name).split())
