"""Vietnamese word boundaries for the ``word_check`` of short generic terms (``quân dân``, ``chi bộ``).

A two-syllable term can straddle two words: ``quân dân`` in ``hành quân dân vận`` (= ``hành quân`` +
``dân vận``), ``chi bộ`` in ``chi bộ máy`` (``chi`` + ``bộ máy``). Entries marked ``word_check`` do not
fire where a word of the segmenter's output overlaps the occurrence only partly, or holds it in its
middle (:func:`straddles`; a compound that begins or ends with the term, ``kết nghĩa quân dân`` as
one word, keeps it).

Segmenter: ``underthesea`` (``word_tokenize``, a CRF word segmenter with its model bundled, Apache-2.0 (9.5);
runs offline). Measured side by side with ``pyvi`` (``ViTokenizer``) on the 2-syllable lower-case
term occurrences of ``bench/termeval`` plus 11 straddle probes (48 real cases; 2 shared CPU cores,
timings noisy): with the rule above, underthesea 46/48 right at 7.4 ms/sentence, pyvi 44/48 at
3.0 ms/sentence (both after a one-off model load of several seconds). underthesea segments the
three issue-13 cases right (``hành quân | dân vận``, ``chi | bộ máy``, ``kết nghĩa | quân dân``);
pyvi joins ``hành_quân_dân_vận`` and ``kết_nghĩa_quân_dân`` and, with the sentence's first letter
lower-cased, reads ``chi_bộ máy``. Chosen: underthesea, for accuracy; its cost is paid only for
segments where a ``word_check`` term matched (a few ms against seconds of MT per segment). The first
letter is lower-cased before segmenting (same length, offsets unchanged), since both segmenters
misread a capitalised sentence-initial ``Chi bộ``. Without underthesea installed the check is
skipped (the entry's ``not_after``/``not_before`` contexts still apply) and :func:`available` is False.
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def available() -> bool:
    """True when underthesea can be imported."""
    try:
        import underthesea  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=512)
def word_spans(text: str) -> tuple[tuple[int, int], ...] | None:
    """``(start, end)`` code-point spans of the words underthesea finds in ``text``; ``None`` without it.

    Args:
        text: one segment (NFC expected; offsets are into this string as given).

    Returns:
        Word spans left to right (a multi-syllable word is one span); tokens the segmenter rewrites
        and cannot be found back in ``text`` are skipped.
    """
    if not available():
        return None
    from underthesea import word_tokenize

    probe = text[:1].lower() + text[1:] if text[:1].isupper() and len(text[:1].lower()) == 1 else text
    out: list[tuple[int, int]] = []
    pos = 0
    for word in word_tokenize(probe):
        i = probe.find(word, pos)
        if i < 0:
            continue
        out.append((i, i + len(word)))
        pos = i + len(word)
    return tuple(out)


def straddles(text: str, start: int, end: int) -> bool:
    """True when a word of ``text`` overlaps ``[start, end)`` only partly (begins before it and ends
    inside, or begins inside and ends after it), or holds it without sharing either edge; False
    without a segmenter."""
    spans = word_spans(text)
    if not spans:
        return False
    return any((a < start < b < end) or (start < a < end < b) or (a < start and end < b) for a, b in spans)
