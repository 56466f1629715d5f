"""BeamLayer/BeamCache hold exactly what transformers' DynamicCache holds, with fewer copies (issue 6)."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from transformers.cache_utils import DynamicLayer, EncoderDecoderCache  # noqa: E402

from toolkit.mt.beam_cache import BeamCache, BeamLayer, beam_cache  # noqa: E402

ROWS, HEADS, DIM = 6, 2, 4


def _step_states(gen):
    return (torch.randn(ROWS, HEADS, 1, DIM, generator=gen), torch.randn(ROWS, HEADS, 1, DIM, generator=gen))


def test_append_and_reorder_match_dynamic_layer_over_many_steps():
    gen = torch.Generator().manual_seed(0)
    ours, ref = BeamLayer(), DynamicLayer()
    k0, v0 = torch.randn(ROWS, HEADS, 3, DIM, generator=gen), torch.randn(ROWS, HEADS, 3, DIM, generator=gen)
    ours.update(k0, v0)
    ref.update(k0, v0)
    reorders = [torch.arange(ROWS), torch.tensor([1, 0, 2, 3, 5, 4]),   # identity, swaps
                torch.tensor([0, 0, 0, 3, 3, 3]), torch.tensor([2, 2, 1, 5, 3, 3])]  # shared parents
    for step in range(80):  # past the initial room (32), so the buffers grow twice
        beam_idx = reorders[step % len(reorders)]
        ours.reorder_cache(beam_idx)
        ref.reorder_cache(beam_idx)
        k, v = _step_states(gen)
        got = ours.update(k, v)
        want = ref.update(k, v)
        assert torch.equal(got[0], want[0]) and torch.equal(got[1], want[1])
        assert ours.get_seq_length() == ref.get_seq_length() == 4 + step


def test_whole_tensor_operations_keep_the_buffers_in_step():
    gen = torch.Generator().manual_seed(1)
    ours, ref = BeamLayer(), DynamicLayer()
    for layer in (ours, ref):
        layer.update(*(torch.ones(ROWS, HEADS, 2, DIM),) * 2)
    for layer in (ours, ref):
        layer.batch_select_indices(torch.tensor([0, 2, 4]))
        layer.crop(-1)
    k, v = torch.randn(3, HEADS, 1, DIM, generator=gen), torch.randn(3, HEADS, 1, DIM, generator=gen)
    assert torch.equal(ours.update(k, v)[0], ref.update(k, v)[0])


def test_beam_cache_reorders_self_attention_only(tiny_model_dir):
    from transformers import MarianConfig

    cache = beam_cache(MarianConfig.from_pretrained(str(tiny_model_dir)))
    assert isinstance(cache, BeamCache) and isinstance(cache, EncoderDecoderCache)
    assert cache.self_attention_cache.layers and all(isinstance(x, BeamLayer) for x in cache.self_attention_cache.layers)
    enc = torch.arange(ROWS, dtype=torch.float32).view(ROWS, 1, 1, 1).expand(ROWS, HEADS, 5, DIM).contiguous()
    for i in range(len(cache.self_attention_cache.layers)):
        cache.self_attention_cache.update(enc[:, :, :1].clone(), enc[:, :, :1].clone(), i)
        cache.cross_attention_cache.update(enc, enc, i)
    cache.reorder_cache(torch.tensor([5, 4, 3, 2, 1, 0]))
    self_keys = cache.self_attention_cache.layers[0].keys[:, 0, 0, 0].tolist()
    cross_keys = cache.cross_attention_cache.layers[0].keys[:, 0, 0, 0].tolist()
    assert self_keys == [5, 4, 3, 2, 1, 0] and cross_keys == [0, 1, 2, 3, 4, 5]
