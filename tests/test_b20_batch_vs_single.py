"""b20: a draft does not depend on its batch neighbours (shared/cases/b20-mt-batch-vs-single).

Measured on the tiny checkpoint (bench/README.md): greedy and beam-4 drafts of the torch engine in
int8 (its CPU default: per-row activation scales, exact int32 sums) and float32, and greedy drafts of
CTranslate2 (fp32 and int8), are identical alone and in a padded batch; beam search in CTranslate2
may differ on ties (1–2 of 20 seed sentences), so beam is only reported there. bfloat16
(``--quantize bf16``) is checked for greedy decoding.
"""
from __future__ import annotations

from pathlib import Path

import pytest

CASE = Path(__file__).resolve().parent / "data" / "pipeline" / "b20_sentences.txt"  # copied from shared/cases

pytestmark = pytest.mark.slow


def _lines() -> list[str]:
    from toolkit.mt_checks import has_letters

    lines = CASE.read_text(encoding="utf-8").splitlines()
    return [ln for ln in lines if has_letters(ln)]  # line 5 ("1.") never reaches an engine (b08)


def _alone_and_batched(engine):
    lines = _lines()
    engine.max_batch_tokens = 100_000  # all in one padded batch
    batched = engine.generate(lines)
    alone = [engine.generate([ln])[0] for ln in lines]
    return batched, alone


@pytest.mark.parametrize("beams,quantize", [(1, "int8"), (4, "int8"), (1, "none"), (4, "none"), (1, "bf16")])
def test_torch_engine_drafts_are_batch_invariant(tiny_model_dir, beams, quantize):
    from toolkit.engine_torch import TorchMarianEngine

    engine = TorchMarianEngine(str(tiny_model_dir), device="cpu", beams=beams, scores=True, quantize=quantize)
    batched, alone = _alone_and_batched(engine)
    assert [(h[0].text, h[0].flags) for h in batched] == [(h[0].text, h[0].flags) for h in alone]
    assert [h[0].score for h in batched] == pytest.approx([h[0].score for h in alone], abs=1e-4)


@pytest.mark.parametrize("quantization", ["int8", "float32"])
def test_ct2_engine_greedy_drafts_are_batch_invariant(tiny_model_dir, tmp_path, quantization):
    pytest.importorskip("ctranslate2")
    from toolkit.engine_ct2 import CT2MarianEngine, convert_model

    import shutil

    model = tmp_path / "m"
    shutil.copytree(tiny_model_dir, model, ignore=shutil.ignore_patterns("ctranslate2-*"))
    out = convert_model(str(model), quantization=quantization)
    batched, alone = _alone_and_batched(CT2MarianEngine(str(model), device="cpu", beams=1, ct2_dir=out))
    assert [(h[0].text, h[0].flags) for h in batched] == [(h[0].text, h[0].flags) for h in alone]
