"""Splitting segments longer than the model's input limit at clause boundaries (shared/cases/b09).

opus-mt has 512 learned positions: longer inputs crash (IndexError) or, truncated, lose their tail
silently (OPUS-MT-train#106, transformers#11958). Such a segment is cut after ``;``, ``:`` or ``,``
(strongest boundary first), chunks are packed greedily up to the limit, translated separately and
joined with a space. Only when a clause alone is too long is it cut between words.
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

# Strongest first; each cut keeps the mark with the left chunk.
_BOUNDARIES = (re.compile(r"(?<=[;])\s+"), re.compile(r"(?<=[:])\s+"), re.compile(r"(?<=[,])\s+"),
               re.compile(r"\s+"))


def _pieces(text: str, level: int) -> list[str]:
    parts = _BOUNDARIES[level].split(text)
    return [p for p in parts if p]


def split_for_model(text: str, count: Callable[[Sequence[str]], list[int]], limit: int) -> tuple[list[str], bool]:
    """Cut ``text`` into chunks of at most ``limit`` tokens each.

    Args:
        text: one segment.
        count: token counter (the engine's ``count_tokens``), applied to lists of strings.
        limit: maximum tokens per chunk (already minus any safety margin).

    Returns:
        (chunks, hard): chunks in order, whose join with single spaces equals ``text`` up to
        whitespace; ``hard`` is True when some chunk had to be cut between words (no clause boundary).
        A single word longer than ``limit`` is returned as its own chunk (the caller flags it).
    """
    if count([text])[0] <= limit:
        return [text], False
    return _split(text, count, limit, 0)


def _split(text: str, count, limit: int, level: int) -> tuple[list[str], bool]:
    if level >= len(_BOUNDARIES):
        return [text], True
    pieces = _pieces(text, level)
    if len(pieces) < 2:
        return _split(text, count, limit, level + 1)
    sizes = count(pieces)
    chunks: list[str] = []
    hard = level == len(_BOUNDARIES) - 1
    current: list[str] = []
    current_size = 0
    for piece, size in zip(pieces, sizes):
        if size > limit:
            if current:
                chunks.append(" ".join(current))
                current, current_size = [], 0
            sub, sub_hard = _split(piece, count, limit, level + 1)
            chunks.extend(sub)
            hard = hard or sub_hard
            continue
        # Each piece's count includes one </s>; joining removes it, so this over-estimates safely.
        if current and current_size + size > limit:
            chunks.append(" ".join(current))
            current, current_size = [], 0
        current.append(piece)
        current_size += size
    if current:
        chunks.append(" ".join(current))
    return chunks, hard
