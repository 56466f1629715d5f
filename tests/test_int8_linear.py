"""Int8Linear: per-row int8 activations with exact integer sums, so rows never influence each other (b20).

``int_mm`` and ``fbgemm`` run on every x86-64 CPU (``int_mm`` is only slow without VNNI), so each is
tested here whichever one :func:`toolkit.mt.precision.int8_kernel` would pick; ``fbgemm-vnni`` where
this CPU sums its 8-bit activations exactly (AVX-512 VNNI), the others test its fallback.
"""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import toolkit.mt.int8_linear as int8_linear  # noqa: E402
from toolkit.mt.int8_linear import KERNELS, Int8Linear, fbgemm_vnni_exact, quantize_linears, usable_kernel  # noqa: E402

NEEDS_VNNI = pytest.mark.skipif(not fbgemm_vnni_exact(), reason="fbgemm's 8-bit sums are not exact on this CPU (no VNNI)")
pytestmark = pytest.mark.parametrize("kernel", [pytest.param(k, marks=NEEDS_VNNI) if k == "fbgemm-vnni" else k
                                                for k in KERNELS])


def _layer(in_f=64, out_f=48, bias=True, seed=0):
    torch.manual_seed(seed)
    return torch.nn.Linear(in_f, out_f, bias=bias)


def test_each_row_is_computed_alone_whatever_its_batch_neighbours(kernel):
    lin = Int8Linear(_layer(), kernel)
    torch.manual_seed(1)
    x = torch.randn(9, 64)
    x[4] *= 1000.0  # a huge neighbour (a padding row can look like this) must not change the others
    x[6] *= 1e-3    # and neither may a tiny one
    batched = lin(x)
    for i in range(x.shape[0]):
        assert torch.equal(lin(x[i:i + 1])[0], batched[i])
    assert torch.equal(lin(x[2:7]), batched[2:7])


def test_output_is_the_exact_integer_product_of_the_quantised_operands(kernel):
    float_layer = _layer(bias=True)
    lin = Int8Linear(float_layer, kernel)
    torch.manual_seed(2)
    x = torch.randn(5, 64)
    w = float_layer.weight.detach().double()
    sw = w.abs().amax(1) / 127
    qw = torch.round(w / sw[:, None])
    sx = x.double().abs().amax(1, keepdim=True) / lin.act_max
    qx = torch.round(x.double() / sx)
    expected = (qx @ qw.t()) * sw * sx + float_layer.bias.double()
    assert torch.allclose(lin(x).double(), expected, rtol=1e-5, atol=1e-5)
    exact = float_layer(x)
    assert (lin(x) - exact).abs().max() <= 0.03 * exact.abs().max()


def test_integer_sums_are_exact_at_the_largest_marian_width(kernel):
    """K = 2,048 (opus-mt's FFN), one row at full range: every output is exactly
    ``fl(fl(Σ q·qw · scale_w) · scale_x)``, the integer sum computed here in int64."""
    layer = _layer(in_f=2048, out_f=16, bias=False, seed=3)
    lin = Int8Linear(layer, kernel)
    torch.manual_seed(4)
    x = torch.randn(3, 2048)
    x[1] = x[1].sign() * 5.0   # every activation at ±act_max: the largest sums
    q, scale_x = lin.quantize_rows(x.clone())
    w = layer.weight.detach()
    sw = w.abs().amax(dim=1).clamp(min=1e-12) / 127.0   # the module's weight quantisation, redone here
    qw = torch.round(w / sw[:, None]).clamp(-127.0, 127.0)
    assert torch.equal(sw, lin.scale_w)
    acc = q.long() @ qw.long().t()
    assert acc.abs().max() < 2 ** 24  # so float32 holds it exactly
    assert torch.equal(lin(x), (acc.float() * lin.scale_w) * scale_x)


def test_shapes_dtypes_zero_rows_and_no_bias(kernel):
    lin = Int8Linear(_layer(bias=False), kernel)
    x = torch.zeros(2, 3, 64)
    x[1, 2] = torch.randn(64)
    y = lin(x)
    assert y.shape == (2, 3, 48) and torch.isfinite(y).all()
    assert torch.equal(y[0], torch.zeros(3, 48))  # all-zero rows give exactly zero, no NaN from a 0 scale
    assert lin(x.to(torch.bfloat16)).dtype == torch.bfloat16


def test_wide_projection_gives_the_float_result_within_quantisation_error(kernel):
    wide = _layer(in_f=16, out_f=400)
    lin = Int8Linear(wide, kernel)
    x = torch.randn(3, 16)
    assert (lin(x) - wide(x)).abs().max() <= 0.03 * wide(x).abs().max()


def test_quantize_linears_replaces_every_linear_including_the_tied_output_projection(tiny_model_dir, kernel):
    from transformers import MarianMTModel

    model = MarianMTModel.from_pretrained(str(tiny_model_dir)).eval()
    linears = sum(type(m) is torch.nn.Linear for m in model.modules())
    assert quantize_linears(model, kernel) == linears > 0
    assert not any(type(m) is torch.nn.Linear for m in model.modules())
    assert isinstance(model.lm_head, Int8Linear) and model.lm_head.kernel == kernel
    assert model.get_input_embeddings().weight.dtype == torch.float32  # embeddings stay float


def test_a_module_cast_to_half_precision_does_not_overflow(kernel):
    float_layer = _layer(in_f=512, out_f=64)
    lin = Int8Linear(float_layer, kernel).half()
    x = torch.randn(4, 512)
    y = lin(x.half())
    assert y.dtype == torch.float16 and torch.isfinite(y).all()
    assert (y.float() - float_layer(x)).abs().max() <= 0.05 * float_layer(x).abs().max()


def test_an_unknown_kernel_is_refused(kernel):
    with pytest.raises(ValueError, match="unknown int8 kernel 'vnni4'"):
        Int8Linear(_layer(), "vnni4")


@NEEDS_VNNI
def test_fbgemm_vnni_computes_exactly_what_int_mm_computes(kernel):
    """Same integers, same roundings: the precision ``int8`` names both, and the draft cache with it."""
    torch.manual_seed(5)
    layer = _layer(in_f=2048, out_f=96, seed=6)
    x = torch.randn(7, 2048)
    x[3] = x[3].sign() * 4.0          # every activation at ±127
    assert torch.equal(Int8Linear(layer, "fbgemm-vnni")(x), Int8Linear(layer, "int_mm")(x))


def test_kernels_fall_back_to_int_mm_where_fbgemm_cannot_run_them(kernel, monkeypatch):
    monkeypatch.setattr(int8_linear, "fbgemm_vnni_exact", lambda: False)
    assert usable_kernel(kernel) == ("int_mm" if kernel == "fbgemm-vnni" else kernel)
    with pytest.raises(ValueError, match="not exact on this CPU"):
        Int8Linear(_layer(), "fbgemm-vnni")
    monkeypatch.setattr(int8_linear, "fbgemm_available", lambda: False)
    assert [usable_kernel(k) for k in KERNELS] == ["int_mm"] * len(KERNELS)


@pytest.mark.parametrize("out_f", [3, 33])
def test_a_single_input_feature_works_in_every_kernel(kernel, out_f):
    """K = 1 (torch._int_mm returns garbage for it, in either weight layout: the module pads K)."""
    layer = _layer(in_f=1, out_f=out_f, seed=7)
    x = torch.randn(4, 1)
    assert (Int8Linear(layer, kernel)(x) - layer(x)).abs().max() <= 0.03 * layer(x).abs().max()
