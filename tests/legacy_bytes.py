"""Test helper: Vietnamese text encoded the way legacy Windows software writes it."""
from __future__ import annotations

import unicodedata

_TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes: base letters with circumflex/breve/horn precomposed, tones as combining marks."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        d = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(m for m in d if m not in _TONES))
                   + "".join(m for m in d if m in _TONES))
    return "".join(out).encode("cp1258")
