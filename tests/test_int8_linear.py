"""Int8Linear: per-row int8 activations with exact int32 sums, so rows never influence each other (b20)."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from toolkit.mt.int8_linear import Int8Linear, quantize_linears  # noqa: E402


def _layer(in_f=64, out_f=48, bias=True, seed=0):
    torch.manual_seed(seed)
    return torch.nn.Linear(in_f, out_f, bias=bias)


def test_each_row_is_computed_alone_whatever_its_batch_neighbours():
    lin = Int8Linear(_layer())
    torch.manual_seed(1)
    x = torch.randn(9, 64)
    x[4] *= 1000.0  # a huge neighbour (a padding row can look like this) must not change the others
    batched = lin(x)
    for i in range(x.shape[0]):
        assert torch.equal(lin(x[i:i + 1])[0], batched[i])


def test_output_matches_the_dequantised_product_and_stays_close_to_float():
    float_layer = _layer(bias=True)
    lin = Int8Linear(float_layer)
    torch.manual_seed(2)
    x = torch.randn(5, 64)
    sx = x.abs().amax(1, keepdim=True) / 127
    qx = torch.round(x / sx)
    w = lin.qweight.t() if lin._wide else lin.qweight
    expected = (qx.double() @ w.double()) * sx.double() * lin.scale_w.double() + float_layer.bias.double()
    assert torch.allclose(lin(x).double(), expected, rtol=1e-5, atol=1e-5)
    exact = float_layer(x)
    assert (lin(x) - exact).abs().max() <= 0.02 * exact.abs().max()


def test_shapes_dtypes_zero_rows_and_no_bias():
    lin = Int8Linear(_layer(bias=False))
    x = torch.zeros(2, 3, 64)
    x[1, 2] = torch.randn(64)
    y = lin(x)
    assert y.shape == (2, 3, 48) and torch.isfinite(y).all()
    assert torch.equal(y[0], torch.zeros(3, 48))  # all-zero rows give exactly zero, no NaN from a 0 scale
    assert lin(x.to(torch.bfloat16)).dtype == torch.bfloat16


def test_wide_projection_uses_the_transposed_layout_with_the_same_result():
    wide = _layer(in_f=16, out_f=400)
    lin = Int8Linear(wide)
    assert lin._wide
    x = torch.randn(3, 16)
    assert (lin(x) - wide(x)).abs().max() <= 0.02 * wide(x).abs().max()


def test_quantize_linears_replaces_every_linear_including_the_tied_output_projection(tiny_model_dir):
    from transformers import MarianMTModel

    model = MarianMTModel.from_pretrained(str(tiny_model_dir)).eval()
    linears = sum(type(m) is torch.nn.Linear for m in model.modules())
    assert quantize_linears(model) == linears > 0
    assert not any(type(m) is torch.nn.Linear for m in model.modules())
    assert isinstance(model.lm_head, Int8Linear)
    assert model.get_input_embeddings().weight.dtype == torch.float32  # embeddings stay float


def test_a_module_cast_to_half_precision_does_not_overflow():
    float_layer = _layer(in_f=512, out_f=64)
    lin = Int8Linear(float_layer).half()
    x = torch.randn(4, 512)
    y = lin(x.half())
    assert y.dtype == torch.float16 and torch.isfinite(y).all()
    assert (y.float() - float_layer(x)).abs().max() <= 0.05 * float_layer(x).abs().max()
