"""Checks on MT input and output that need no model: translatable text (b08), repetition loops (b10).

Sources: shared/cases/b08 (Marian invents text for inputs without letters, transformers#14337) and
shared/cases/b10 (opus-mt repetition loops, EasyNMT#38, CTranslate2#836); the loop rule is the one
stated in b10's expected.md.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+|[^\w\s]")


def has_letters(text: str) -> bool:
    """True if ``text`` contains a letter (Unicode category L*); only such text goes to the model."""
    return any(unicodedata.category(c).startswith("L") for c in text)


def tokens(text: str) -> list[str]:
    """Words and single punctuation marks of ``text``, lower-cased (the b10 token definition)."""
    return [t.lower() for t in _TOKEN.findall(text)]


def max_ngram_run(toks: list[str], max_n: int = 8) -> int:
    """Longest run of one n-gram (n = 1..max_n) repeated back to back in ``toks``; 1 if none repeats."""
    best = 1 if toks else 0
    for n in range(1, max_n + 1):
        for offset in range(n):
            run, prev = 1, None
            for i in range(offset, len(toks) - n + 1, n):
                gram = toks[i:i + n]
                run = run + 1 if gram == prev else 1
                prev = gram
                best = max(best, run)
    return best


@dataclass(frozen=True)
class LoopCheck:
    """Thresholds of the repetition check (defaults from shared/cases/b10).

    Attributes:
        min_run: an n-gram repeated at least this many times in a row is a loop...
        max_n: ...for n-grams of 1..max_n tokens, provided the source has no run as long;
        length_ratio, length_slack: a draft longer than ``ratio × source tokens + slack`` is a loop.
    """

    min_run: int = 3
    max_n: int = 8
    length_ratio: float = 3.0
    length_slack: int = 5

    def problem(self, source: str, draft: str) -> str | None:
        """Return ``"repetition"`` or ``"too-long"`` when ``draft`` looks like a loop, else None."""
        src, out = tokens(source), tokens(draft)
        if len(out) > self.length_ratio * len(src) + self.length_slack:
            return "too-long"
        run = max_ngram_run(out, self.max_n)
        if run >= self.min_run and run > max_ngram_run(src, self.max_n):
            return "repetition"
        return None
