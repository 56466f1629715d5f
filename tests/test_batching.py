"""Token-budgeted, length-sorted batching (issue 6) and the per-text output cap."""
from __future__ import annotations

from hypothesis import given, strategies as st

from toolkit.mt.batching import output_cap, plan_batches


@given(st.lists(st.integers(1, 600), max_size=60), st.integers(1, 2048), st.integers(1, 64))
def test_every_index_once_and_budget_respected(lengths, budget, size):
    batches = plan_batches(lengths, budget, size)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    for b in batches:
        assert len(b) <= size
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= budget


def test_batches_are_length_sorted_so_padding_stays_low():
    lengths = [5, 60, 6, 58, 7, 61]
    batches = plan_batches(lengths, 130)
    assert batches == [[5, 1], [3, 4], [2, 0]]
    assert max(lengths[i] for i in batches[-1]) == 6  # short texts are not padded to 61


def test_overlong_item_gets_its_own_batch():
    assert plan_batches([600, 10, 10], 512) == [[0], [1, 2]]


def test_output_cap_is_per_text_and_bounded():
    assert output_cap(10) == 30
    assert output_cap(400) == 512
    assert output_cap(0) >= 1
