"""Sentence segmentation (first, simple version; issue 3 replaces it)."""
from __future__ import annotations

import re
import unicodedata

from toolkit.types import Segment

_PARA = re.compile(r"\n[ \t]*\n")
_SENT = re.compile(r"[^\n]*?(?:[.!?…]+[”\")\]]*(?=\s)|$)|[^\n]+")


def segment_text(text: str, doc_id: str = "") -> list[Segment]:
    """Split ``text`` (normalised to NFC first) into segments; offsets index the NFC text."""
    text = unicodedata.normalize("NFC", text)
    out: list[Segment] = []
    para = 0
    pos = 0
    blocks = []
    for m in _PARA.finditer(text):
        blocks.append((pos, m.start()))
        pos = m.end()
    blocks.append((pos, len(text)))
    for b0, b1 in blocks:
        block = text[b0:b1]
        if not block.strip():
            continue
        for line_m in re.finditer(r"[^\n]+", block):
            for m in re.finditer(r"\S.*?(?:[.!?…]+[”\")\]]*(?=\s|$)|$)", line_m.group()):
                s = b0 + line_m.start() + m.start()
                e = b0 + line_m.start() + m.end()
                seg = text[s:e].rstrip()
                if seg:
                    out.append(Segment(doc_id, para, len(out), s, s + len(seg), seg, text.count("\n", 0, s) + 1))
        para += 1
    return out
