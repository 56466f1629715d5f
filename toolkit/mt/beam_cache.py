"""A key/value cache for MarianMT beam search that copies as little as possible between steps.

transformers' ``DynamicCache`` costs two full copies of every decoder layer's self-attention
keys/values per step: ``torch.cat`` to append the new token, and ``index_select`` to reorder the
rows after the beams are re-ranked. With int8 linear layers those copies took 57 % of the CPU time
of beam-4 decoding on the exact opus-mt architecture (torch profiler, issue 6). Here:

- keys/values live in a buffer with spare room (doubling), and a step writes its token in place;
- a reorder copies only the rows whose beam changed parent (``beam_idx[r] != r``);
- the cross-attention keys/values (the encoder's, the same for every beam of a text; beams never
  move between texts) are never reordered.

The self-attention values are the same numbers as ``DynamicCache``'s. Skipping the cross-attention
reorder is exact when every beam row of a text holds the same encoder keys/values: always with the
int8 layers (each row is computed alone), but not always in float32, where a CPU matrix multiply
over few rows may round identical rows differently (≈ 1e-7). There a score can move by that much,
and a draft could only change at an exact tie (none seen: tests/test_engine_torch.py,
tests/test_beam_cache.py). Imports transformers: import this only with a model.
"""
from __future__ import annotations

import torch
from transformers.cache_utils import DynamicCache, DynamicLayer, EncoderDecoderCache

_INITIAL_ROOM = 32  # tokens; grows by doubling


class BeamLayer(DynamicLayer):
    """One decoder layer's self-attention cache with in-place append and partial reorder.

    ``self.keys``/``self.values`` are views ``[rows, heads, length, head_dim]`` of buffers with
    room for more tokens, so everything that reads them (``get_seq_length``, attention) works as
    with :class:`~transformers.cache_utils.DynamicLayer`.
    """

    def lazy_initialization(self, key_states: torch.Tensor, value_states: torch.Tensor) -> None:
        super().lazy_initialization(key_states, value_states)
        self._kbuf = self._vbuf = None
        self._length = 0

    def update(self, key_states: torch.Tensor, value_states: torch.Tensor, *args, **kwargs):
        if not self.is_initialized:
            self.lazy_initialization(key_states, value_states)
        end = self._length + key_states.shape[-2]
        if self._kbuf is None or end > self._kbuf.shape[-2]:
            self._kbuf = self._grown(self._kbuf, key_states, end)
            self._vbuf = self._grown(self._vbuf, value_states, end)
        self._kbuf[:, :, self._length:end] = key_states
        self._vbuf[:, :, self._length:end] = value_states
        self._length = end
        self.keys, self.values = self._kbuf[:, :, :end], self._vbuf[:, :, :end]
        return self.keys, self.values

    def _grown(self, buf: torch.Tensor | None, like: torch.Tensor, needed: int) -> torch.Tensor:
        room = max(needed, _INITIAL_ROOM, 2 * (buf.shape[-2] if buf is not None else 0))
        rows, heads, _, dim = like.shape
        new = torch.empty(rows, heads, room, dim, dtype=like.dtype, device=like.device)
        if buf is not None:
            new[:, :, :self._length] = buf[:, :, :self._length]
        return new

    def reorder_rows(self, moved: torch.Tensor, parents: torch.Tensor) -> None:
        """Make row ``moved[i]`` a copy of row ``parents[i]`` (both 1-D index tensors)."""
        if self._length == 0 or self._kbuf is None:
            return
        n = self._length
        # The right-hand side is gathered into a new tensor before writing, so rows that are both
        # read and written (two beams swapping parents) are safe.
        self._kbuf[moved, :, :n] = self._kbuf[parents, :, :n]
        self._vbuf[moved, :, :n] = self._vbuf[parents, :, :n]

    def reorder_cache(self, beam_idx: torch.LongTensor) -> None:
        moved, parents = moved_rows(beam_idx)
        if moved.numel():
            self.reorder_rows(moved, parents)

    def _adopt(self) -> None:
        """Rebuild the buffers from ``self.keys``/``self.values`` after a whole-tensor operation."""
        if self.is_initialized and self.keys is not None and self.keys.numel():
            self._kbuf, self._vbuf = self.keys.contiguous(), self.values.contiguous()
            self._length = self.keys.shape[-2]
            self.keys, self.values = self._kbuf, self._vbuf

    def crop(self, tokens_to_remove: int) -> None:
        super().crop(tokens_to_remove)
        self._adopt()

    def batch_repeat_interleave(self, repeats: int) -> None:
        super().batch_repeat_interleave(repeats)
        self._adopt()

    def batch_select_indices(self, indices: torch.Tensor) -> None:
        super().batch_select_indices(indices)
        self._adopt()


def moved_rows(beam_idx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``(moved, parents)``: the rows whose parent beam is another row, and those parents."""
    moved = (beam_idx != torch.arange(beam_idx.shape[0], device=beam_idx.device)).nonzero().squeeze(1)
    return moved, beam_idx[moved]


class BeamCache(EncoderDecoderCache):
    """Encoder-decoder cache for beam search: :class:`BeamLayer` self-attention, no cross reorder."""

    def reorder_cache(self, beam_idx: torch.LongTensor) -> None:
        moved, parents = moved_rows(beam_idx)
        if not moved.numel():
            return
        for layer in self.self_attention_cache.layers:
            if isinstance(layer, BeamLayer):
                layer.reorder_rows(moved, parents)
            else:  # pragma: no cover - layers are created below
                layer.reorder_cache(beam_idx)


def beam_cache(config) -> BeamCache:
    """An empty :class:`BeamCache` for one ``generate`` call of a model with ``config``."""
    self_attention = DynamicCache(config=config)
    self_attention.layers = [BeamLayer() for _ in self_attention.layers]
    return BeamCache(self_attention, DynamicCache(config=config))
