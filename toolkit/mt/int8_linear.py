"""Batch-invariant int8 linear layers for CPU inference (W8A8: per-channel weights, per-row activations).

PyTorch's dynamic quantisation (``torch.ao.quantization.quantize_dynamic``) computes one activation
scale for the whole input tensor, so a sentence's draft changes with its batch neighbours and its
padding (case b20: 7 of 20 lines changed, bench/README.md). Here every input row (one token of one
text) gets its own scale, as CTranslate2's int8 does, and the products are summed exactly in int32
by ``torch._int_mm``: a row's output depends on that row alone, whatever else is in the batch.

Why not torchao: its ``Int8DynamicActivationInt8WeightConfig`` is the same scheme and batch-invariant,
but on this CPU (torchao 0.18, torch 2.13) the output projection of opus-mt (512 → 53,739, 32 rows)
took 45 ms against 4–6 ms here and 25 ms in fp32 (measured for issue 6).

Imports torch at module level: import it only where a model is being loaded.
"""
from __future__ import annotations

import torch

#: Symmetric int8 range; -128 is left out so that the range is symmetric (as in CTranslate2).
_QMAX = 127.0


class Int8Linear(torch.nn.Module):
    """``y = x · Wᵀ + b`` with int8 weights and int8 activations, exact int32 sums.

    Weights are quantised once per output channel (``scale_w[n] = max|W[n, :]| / 127``); each
    input row is quantised when called (``scale_x[m] = max|x[m, :]| / 127``), then
    ``y[m, n] = (Σ_k qx[m, k]·qw[n, k]) · scale_x[m] · scale_w[n] + b[n]``.

    Args:
        linear: the float ``nn.Linear`` to replace (its weight is copied, not kept).

    Shapes: input ``(..., in_features)`` float → output ``(..., out_features)`` in the input's dtype.
    """

    def __init__(self, linear: torch.nn.Linear):
        super().__init__()
        w = linear.weight.detach().float()
        scale = w.abs().amax(dim=1).clamp(min=1e-12) / _QMAX
        q = torch.round(w / scale[:, None]).clamp(-_QMAX, _QMAX).to(torch.int8)
        # _int_mm takes (K, N). For very wide outputs (the vocabulary projection) the transposed view
        # of a row-major (N, K) matrix ran 1.4× faster here; for the others, a contiguous (K, N).
        self._wide = q.shape[0] > 8 * q.shape[1]
        self.register_buffer("qweight", q.contiguous() if self._wide else q.t().contiguous())
        self.register_buffer("scale_w", scale)
        self.register_buffer("bias", None if linear.bias is None else linear.bias.detach().float().clone())
        self.in_features, self.out_features = linear.in_features, linear.out_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        x2 = x.reshape(-1, shape[-1]).float()
        scale_x = x2.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / _QMAX
        qx = torch.round(x2 / scale_x).to(torch.int8)
        acc = torch._int_mm(qx, self.qweight.t() if self._wide else self.qweight)
        # Scales stay float32 even if the module was cast (.half()): int32 sums reach millions,
        # which overflow float16. .float() is free when they already are.
        y = (acc * self.scale_w.float()).mul_(scale_x)
        if self.bias is not None:
            y.add_(self.bias.float())
        return y.to(x.dtype).reshape(*shape[:-1], self.out_features)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, int8 per-row"


def quantize_linears(model: torch.nn.Module) -> int:
    """Replace every ``nn.Linear`` in ``model`` (in place) with :class:`Int8Linear`.

    Tied weights (Marian's ``lm_head`` shares the embedding matrix) stay float in the embedding;
    the projection gets its own int8 copy.

    Returns:
        The number of layers replaced.
    """
    targets = [(parent, name, child) for parent in model.modules()
               for name, child in parent.named_children() if type(child) is torch.nn.Linear]
    for parent, name, child in targets:
        setattr(parent, name, Int8Linear(child))
    return len(targets)
