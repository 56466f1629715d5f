"""Vietnamese word boundaries for the ``word_check`` of short generic terms (``quân dân``, ``chi bộ``).

A two-syllable term can straddle two words: ``quân dân`` in ``hành quân dân vận`` (= ``hành quân`` +
``dân vận``), ``chi bộ`` in ``chi bộ máy`` (``chi`` + ``bộ máy``). Entries marked ``word_check`` fire
only where a word segmenter puts a word boundary at both ends of the occurrence.

Segmenter: ``pyvi`` (``ViTokenizer``, a CRF word segmenter; MIT licence). Measured on the 115-sentence
``bench/termeval`` set plus 11 straddle probes (48 occurrences of 2-syllable lower-case terms, 2 CPU
cores, one run side by side): pyvi 46/48 right, 0.62 ms/sentence, 2.6 s import; underthesea
``word_tokenize`` 47/48 right, 1.63 ms/sentence, 4.3 s import. Both miss a capitalised sentence-initial
``Chi bộ``; here the first letter is lower-cased before segmenting (same length, offsets unchanged).
pyvi was chosen: equal accuracy within one occurrence, 2.6× faster and lighter to import; it runs
only on segments where a ``word_check`` term matched. Without pyvi installed the check is skipped (the
entry's ``not_after``/``not_before`` contexts still apply) and :func:`available` is False.
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def available() -> bool:
    """True when pyvi can be imported."""
    try:
        import pyvi  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=512)
def word_boundaries(text: str) -> frozenset[int] | None:
    """Code-point offsets in ``text`` where a word starts or ends, per pyvi; ``None`` without pyvi.

    Args:
        text: one segment (NFC expected; offsets are into this string as given).

    Returns:
        A set holding the start and end offset of every word pyvi finds (multi-syllable words are
        one word); tokens pyvi rewrites and cannot be found back in ``text`` are skipped.
    """
    if not available():
        return None
    from pyvi import ViTokenizer

    probe = text[:1].lower() + text[1:] if text[:1].isupper() and len(text[:1].lower()) == 1 else text
    out: set[int] = set()
    pos = 0
    for token in ViTokenizer.tokenize(probe).split():
        word = token.replace("_", " ")
        i = probe.find(word, pos)
        if i < 0:
            continue
        out.update((i, i + len(word)))
        pos = i + len(word)
    return frozenset(out)
