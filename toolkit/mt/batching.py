"""Token-budgeted, length-sorted batching.

Fixed-count batches waste work on padding: on opus-mt-vi-en at beam 4 a batch of 32 seed sentences
computed 2.95× the useful tokens and ran slower than batches of 8 (issue 6 measurements,
shared/NOTES-marian.md). Sorting by length and capping ``max_batch_tokens`` (padded source tokens
per batch) keeps padding low, as CTranslate2's ``batch_type="tokens"`` does.
"""
from __future__ import annotations

from typing import Sequence

# Output cap per text, in target tokens including ``</s>``: English runs ≈1.3× the Vietnamese
# SentencePiece count, so 2× + 10 leaves room without letting a looping draft run to 512.
OUTPUT_CAP_RATIO = 2.0
OUTPUT_CAP_SLACK_TOKENS = 10


def output_cap(source_tokens: int, max_output_tokens: int = 512) -> int:
    """Cap on generated tokens (``</s>`` included) for a source of ``source_tokens`` tokens.

    ``bench/bench_translate.py`` lowers ``OUTPUT_CAP_RATIO`` to 1.2 and the slack to 0 so that every
    variant generates exactly the same number of tokens (issue 6).
    """
    return max(1, min(max_output_tokens, int(source_tokens * OUTPUT_CAP_RATIO) + OUTPUT_CAP_SLACK_TOKENS))


MAX_BATCH_SIZE = 64  # items per batch when the caller sets no tighter cap


def plan_batches(lengths: Sequence[int], max_batch_tokens: int, max_batch_size: int = MAX_BATCH_SIZE
                 ) -> list[list[int]]:
    """Group item indices into batches, longest first, within a padded-token budget.

    Args:
        lengths: token count of each item (source side, including ``</s>``).
        max_batch_tokens: cap on ``len(batch) × longest item`` (padded tokens) per batch; an item
            longer than the cap forms a batch of its own.
        max_batch_size: cap on items per batch.

    Returns:
        Lists of indices into ``lengths``; every index appears exactly once. Callers restore the
        original order from the indices.

    Raises:
        ValueError: a non-positive budget or size.
    """
    if max_batch_tokens <= 0 or max_batch_size <= 0:
        raise ValueError("max_batch_tokens and max_batch_size must be positive")
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for i in order:
        width = max(longest, lengths[i])
        if current and (width * (len(current) + 1) > max_batch_tokens or len(current) >= max_batch_size):
            batches.append(current)
            current, width = [], lengths[i]
        current.append(i)
        longest = width
    if current:
        batches.append(current)
    return batches
