"""b20: a draft does not depend on its batch neighbours (shared/cases/b20-mt-batch-vs-single).

Measured on the tiny checkpoint (``python bench/bench_precision.py``, bench/README.md): greedy and
beam-4 drafts of the torch engine in int8 (its CPU default: per-row activation scales, exact int32
sums) and float32, and greedy drafts of CTranslate2 (fp32 and int8), are identical alone and in a
padded batch; beam search in CTranslate2 may differ on ties (1 of 20), so beam is only reported
there. bfloat16 (``--quantize bf16``) is not batch-invariant (17/20 greedy) and is not asserted.
"""
from __future__ import annotations

from pathlib import Path

import pytest

CASE = Path(__file__).resolve().parent / "data" / "pipeline" / "b20_sentences.txt"  # copied from shared/cases
SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_94a404d477b589ad.txt"

pytestmark = pytest.mark.slow


def _lines() -> list[str]:
    """The b20 lines with letters and the first 16 seed-article segments (20 lines of 2–70 words)."""
    from toolkit.mt.checks import has_letters
    from toolkit.segment.segmenter import segment_text

    lines = [ln for ln in CASE.read_text(encoding="utf-8").splitlines() if has_letters(ln)]  # not "1." (b08)
    seed = [s.text for s in segment_text(SEED.read_text(encoding="utf-8")) if has_letters(s.text)]
    return lines + seed[:16]


def _alone_and_batched(engine):
    lines = _lines()
    engine.max_batch_tokens = 100_000  # all in one padded batch
    batched = engine.generate(lines)
    alone = [engine.generate([ln])[0] for ln in lines]
    return batched, alone


@pytest.mark.parametrize("beams,quantize", [(1, "int8"), (4, "int8"), (1, "none"), (4, "none")])
def test_torch_engine_drafts_are_batch_invariant(tiny_model_dir, beams, quantize):
    from toolkit.mt.engine_torch import TorchMarianEngine

    engine = TorchMarianEngine(str(tiny_model_dir), device="cpu", beams=beams, scores=True, quantize=quantize)
    batched, alone = _alone_and_batched(engine)
    assert [(h[0].text, h[0].flags) for h in batched] == [(h[0].text, h[0].flags) for h in alone]
    assert [h[0].score for h in batched] == pytest.approx([h[0].score for h in alone], abs=1e-4)


@pytest.mark.parametrize("quantization", ["int8", "float32"])
def test_ct2_engine_greedy_drafts_are_batch_invariant(tiny_model_dir, tmp_path, quantization):
    pytest.importorskip("ctranslate2")
    from toolkit.mt.engine_ct2 import CT2MarianEngine, convert_model

    import shutil

    model = tmp_path / "m"
    shutil.copytree(tiny_model_dir, model, ignore=shutil.ignore_patterns("ctranslate2-*"))
    out = convert_model(str(model), quantization=quantization)
    batched, alone = _alone_and_batched(CT2MarianEngine(str(model), device="cpu", beams=1, ct2_dir=out))
    assert [(h[0].text, h[0].flags) for h in batched] == [(h[0].text, h[0].flags) for h in alone]
