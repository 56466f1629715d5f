"""Batch-invariant int8 linear layers for CPU inference (per-channel int8 weights, per-row int8 activations).

PyTorch's dynamic quantisation (``torch.ao.quantization.quantize_dynamic``) computes one activation
scale for the whole input tensor, so a sentence's draft changes with its batch neighbours and its
padding (case b20: 7 of 20 lines changed, bench/README.md). Here every input row (one token of one
text) gets its own scale, as CTranslate2's int8 does, and the products are summed exactly in
integers: a row's output depends on that row alone, whatever else is in the batch.

Three kernels compute the same scheme (:func:`toolkit.mt.precision.int8_kernel` picks one by the CPU):

* ``int_mm`` — ``torch._int_mm`` (oneDNN), 8-bit activations (±127). Fast where the CPU has int8
  dot products (VNNI); on an AVX2-only AMD EPYC Zen 3 it was 10–70× slower than float32.
* ``fbgemm`` — PyTorch's fbgemm dynamic linear (``torch.ops.quantized.linear_dynamic``), which has
  AVX2 kernels: on that Zen 3 (2 threads, 32 rows) the 512 × 53,739 vocabulary projection took
  ≈ 10 ms against 54 ms in float32, 512 × 2,048 0.45 ms against 1.4 ms. fbgemm picks one activation
  scale per *tensor* from its min and max, so we pin them: each row is quantised by us to integers
  in ±63, and two extra input columns hold +63.5 and −63.5 against zero weights, so every batch gets
  the same tensor range, scale 1.0 and zero point 64 (or 63); fbgemm's own rounding then leaves our
  integers as they are, and its int32 sums are exactly ours. ±63 rather than ±127: fbgemm's AVX2
  kernel adds pairs of u8 × s8 products in saturating int16 (``vpmaddubsw``), so activations must
  stay in 7 bits (``reduce_range``, PyTorch's default for fbgemm). Seven-bit activations are coarser
  than CTranslate2's 8; what that costs the real opus-mt drafts cannot be measured here (no hub):
  the tiny checkpoint's greedy drafts stay close to float32 (tests/test_engine_torch.py).
* ``fbgemm-vnni`` — the same fbgemm call with 8-bit activations (±127, pins ±127.5, no
  ``reduce_range``), for CPUs with AVX-512 VNNI, whose ``vpdpbusd`` adds u8 × s8 products straight
  into int32: nothing saturates, and the integers and roundings are ``int_mm``'s, so are the outputs
  for finite inputs of a module left in float32, as the engine uses it (tests/test_int8_linear.py;
  after ``.half()`` ``int_mm`` rounds its weight scales to float16, while fbgemm's packed copy keeps
  them in float32). :func:`fbgemm_vnni_exact` checks that once per process on the
  worst-case sums; :func:`usable_kernel` falls back to ``int_mm`` where it fails.

All three give ``y[m, n] = fl(fl(Σ qx·qw · scale_w[n]) · scale_x[m]) + b[n]`` with the same
roundings, so their outputs differ only by the activation step (``fbgemm``'s 7 bits against 8).

Why not torchao: its ``Int8DynamicActivationInt8WeightConfig`` is the same scheme and batch-invariant,
but on this CPU (torchao 0.18, torch 2.13) the output projection of opus-mt (512 → 53,739, 32 rows)
took 45 ms (measured for issue 6).

Imports torch at module level: import it only where a model is being loaded.
"""
from __future__ import annotations

import functools
import warnings

import torch

from toolkit.mt.precision import INT8_KERNELS as KERNELS

#: Symmetric int8 range of weights and of ``int_mm`` activations; -128 is left out (as in CTranslate2).
_QMAX = 127.0
#: Activation range of the ``fbgemm`` kernel (7 bits: see the module docstring).
_QMAX_FBGEMM = 63.0
#: Activation range per kernel.
_ACT_MAX = {"int_mm": _QMAX, "fbgemm": _QMAX_FBGEMM, "fbgemm-vnni": _QMAX}
#: Extra input columns of the fbgemm kernels: two range pins, then zeros to keep K a multiple of 8.
_PIN_COLUMNS = 8


def _pins(act_max: float) -> tuple[float, ...]:
    return (act_max + 0.5, -(act_max + 0.5)) + (0.0,) * (_PIN_COLUMNS - 2)


class Int8Linear(torch.nn.Module):
    """``y = x · Wᵀ + b`` with int8 weights and int8 activations, exact integer sums.

    Weights are quantised once per output channel (``scale_w[n] = max|W[n, :]| / 127``); each
    input row is quantised when called (``scale_x[m] = max|x[m, :]| / A`` with ``A`` = 127 for the
    ``int_mm`` kernel, 63 for ``fbgemm``), then
    ``y[m, n] = (Σ_k qx[m, k]·qw[n, k]) · scale_w[n] · scale_x[m] + b[n]``.

    Args:
        linear: the float ``nn.Linear`` to replace (its weight is copied, not kept).
        kernel: ``"int_mm"``, ``"fbgemm"`` or ``"fbgemm-vnni"`` (module docstring); default
            :func:`usable_kernel` of :func:`toolkit.mt.precision.int8_kernel` for this CPU.

    Shapes: input ``(..., in_features)`` float → output ``(..., out_features)`` in the input's dtype.

    Raises:
        ValueError: an unknown kernel, or ``fbgemm-vnni`` where :func:`fbgemm_vnni_exact` fails.
    """

    def __init__(self, linear: torch.nn.Linear, kernel: str | None = None):
        super().__init__()
        if kernel is None:
            from toolkit.mt.precision import int8_kernel

            kernel = usable_kernel(int8_kernel())
        if kernel not in KERNELS:
            raise ValueError(f"unknown int8 kernel {kernel!r} (choose {', '.join(KERNELS)})")
        if kernel == "fbgemm-vnni" and not fbgemm_vnni_exact():
            raise ValueError("int8 kernel 'fbgemm-vnni': fbgemm's sums of 8-bit activations are not exact "
                             "on this CPU (no AVX-512 VNNI); use 'fbgemm' or 'int_mm'")
        self.kernel = kernel
        w = linear.weight.detach().float()
        scale = w.abs().amax(dim=1).clamp(min=1e-12) / _QMAX
        q = torch.round(w / scale[:, None]).clamp(-_QMAX, _QMAX).to(torch.int8)
        self.register_buffer("scale_w", scale)
        self.register_buffer("bias", None if linear.bias is None else linear.bias.detach().float().clone())
        self.in_features, self.out_features = linear.in_features, linear.out_features
        self.act_max = _ACT_MAX[kernel]
        if kernel == "int_mm":
            # _int_mm takes (K, N). For very wide outputs (the vocabulary projection) the transposed view
            # of a row-major (N, K) matrix ran 1.4× faster here; for the others, a contiguous (K, N).
            self._wide = q.shape[0] > 8 * q.shape[1]
            # torch._int_mm returns garbage for K = 1 (torch 2.13, any layout): a zero column makes K = 2.
            self._pad_k = int(q.shape[1] == 1)
            q = torch.nn.functional.pad(q, (0, self._pad_k))
            self.register_buffer("qweight", q.contiguous() if self._wide else q.t().contiguous())
        else:
            # fbgemm keeps its own packed copy of the int8 weights: no second one here.
            self.register_buffer("pins", torch.tensor([_pins(self.act_max)]))
            self._reduce_range = kernel == "fbgemm"
            self._packed = _fbgemm_pack(q, scale)

    def quantize_rows(self, x2: torch.Tensor, out: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-row symmetric quantisation of ``x2`` ``(M, K)`` float32.

        Args:
            out: where to write the integers (an ``(M, K)`` float32 view), default a new tensor.

        Returns:
            (integer values as float32 ``(M, K)`` in ±``act_max``, scales ``(M, 1)``). No clamp is
            needed: ``|x| / (max|x| / A)`` exceeds ``A`` by rounding at most, far less than ½. All-zero
            rows get a tiny scale and zeros, never NaN.
        """
        scale = x2.abs().amax(dim=1, keepdim=True).clamp_(min=1e-12).div_(self.act_max)
        q = torch.div(x2, scale, out=out) if out is not None else x2 / scale
        return q.round_(), scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        x2 = x.reshape(-1, shape[-1]).float()
        if self.kernel == "int_mm":
            q, scale_x = self.quantize_rows(x2)
            qi = q.to(torch.int8)
            if self._pad_k:
                qi = torch.nn.functional.pad(qi, (0, self._pad_k))
            acc = torch._int_mm(qi, self.qweight.t() if self._wide else self.qweight)
            # Scales stay float32 even if the module was cast (.half()): integer sums reach millions,
            # which overflow float16. .float() is free when they already are.
            y = acc * self.scale_w.float()
        else:
            # The integers go straight into fbgemm's input, beside the range pins (module docstring);
            # fbgemm multiplies its exact int32 sums by scale_w itself (packed per channel).
            pinned = x2.new_empty((x2.shape[0], x2.shape[1] + _PIN_COLUMNS))
            _, scale_x = self.quantize_rows(x2, out=pinned[:, :x2.shape[1]])
            pinned[:, x2.shape[1]:] = self.pins.float()
            y = torch.ops.quantized.linear_dynamic(pinned, self._packed, self._reduce_range)
        y.mul_(scale_x)
        if self.bias is not None:
            y.add_(self.bias.float())
        return y.to(x.dtype).reshape(*shape[:-1], self.out_features)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, int8 per-row, {self.kernel}"


def _fbgemm_pack(q: torch.Tensor, scale: torch.Tensor):
    """fbgemm's packed form of int8 weights ``q`` ``(N, K)`` with per-channel ``scale`` ``(N,)``,
    and the pin columns (zero weights)."""
    w = torch.cat([q, q.new_zeros((q.shape[0], _PIN_COLUMNS))], dim=1)
    engine = torch.backends.quantized.engine
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # quantized tensors are deprecated (fbgemm_available)
        try:
            qw = torch._make_per_channel_quantized_tensor(w, scale.double(), torch.zeros_like(scale, dtype=torch.long), 0)
            torch.backends.quantized.engine = "fbgemm"
            return torch.ops.quantized.linear_prepack(qw, None)
        finally:
            torch.backends.quantized.engine = engine


def fbgemm_available() -> bool:
    """Whether this torch build has fbgemm's dynamic linear (x86-64 builds do; PyTorch has announced
    that quantized tensors will be removed, pytorch/pytorch#184982: the engine then falls back to
    ``int_mm``)."""
    return "fbgemm" in torch.backends.quantized.supported_engines and \
        hasattr(torch.ops.quantized, "linear_dynamic") and hasattr(torch, "_make_per_channel_quantized_tensor")


@functools.lru_cache(maxsize=1)
def fbgemm_vnni_exact() -> bool:
    """Whether fbgemm sums 8-bit activations exactly on this CPU (the ``fbgemm-vnni`` kernel).

    Runs the worst case once (every product 127 × ±127 over K = 64, as u8 255 × s8 127 inside
    fbgemm) and compares with the integer sum: AVX-512 VNNI kernels add into int32 and pass, AVX2
    kernels saturate int16 pair sums and fail. False where fbgemm is missing.
    """
    if not fbgemm_available():
        return False
    q = torch.full((8, 64), 127, dtype=torch.int8)
    q[1::2] = -127
    x = torch.full((3, 64), _QMAX)
    x[1] = -_QMAX
    x[2, ::2] = -_QMAX
    pinned = torch.cat([x, torch.tensor([_pins(_QMAX)]).expand(3, -1)], dim=1)
    y = torch.ops.quantized.linear_dynamic(pinned, _fbgemm_pack(q, torch.ones(8)), False)
    return torch.equal(y.double(), x.double() @ q.double().t())


def usable_kernel(kernel: str) -> str:
    """``kernel``, or what runs instead on this machine: ``int_mm`` where fbgemm is missing, and
    where ``fbgemm-vnni`` is not exact (:func:`fbgemm_vnni_exact`) — the same numbers as ``fbgemm-vnni``,
    so the precision (``int8``) and the drafts stay as planned; ``fbgemm`` without fbgemm changes
    the precision to ``int8`` (the engine records it)."""
    if kernel.startswith("fbgemm") and not fbgemm_available():
        return "int_mm"
    if kernel == "fbgemm-vnni" and not fbgemm_vnni_exact():
        return "int_mm"
    return kernel


def quantize_linears(model: torch.nn.Module, kernel: str | None = None) -> int:
    """Replace every ``nn.Linear`` in ``model`` (in place) with :class:`Int8Linear`.

    Tied weights (Marian's ``lm_head`` shares the embedding matrix) stay float in the embedding;
    the projection gets its own int8 copy.

    Args:
        kernel: see :class:`Int8Linear`.

    Returns:
        The number of layers replaced.
    """
    targets = [(parent, name, child) for parent in model.modules()
               for name, child in parent.named_children() if type(child) is torch.nn.Linear]
    for parent, name, child in targets:
        setattr(parent, name, Int8Linear(child, kernel))
    return len(targets)
