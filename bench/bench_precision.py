"""Drafts by precision and batch: ``python bench/bench_precision.py`` (issue 6, case b20).

For each engine configuration, on the tiny fitted checkpoint (the one the tests build; its drafts
are not translations, but they are deterministic functions of the weights, so they show numerical
effects) and on 20 lines (the 4 b20 lines with letters and the first 16 bench sentences):

- ``alone = batch``: drafts identical when each line is translated alone and when all 20 share one
  padded batch;
- ``= fp32``: drafts identical to the torch float32 engine's, and chrF (sacrebleu) against them.

Greedy and beam 4. Not part of the test suite (the b20 assertions are in tests/).
"""
from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
B20 = ROOT / "tests" / "data" / "pipeline" / "b20_sentences.txt"
sys.path.insert(0, str(ROOT / "bench"))


def _lines() -> list[str]:
    from bench_translate import bench_sentences  # same seed article, same cutting
    from toolkit.mt.checks import has_letters

    b20 = [ln for ln in B20.read_text(encoding="utf-8").splitlines() if has_letters(ln)]
    return b20 + bench_sentences(16)


def _engines(model: Path, beams: int):
    import os

    from toolkit.mt.engine_torch import TorchMarianEngine
    from toolkit.mt.precision import KERNEL_OVERRIDE, cpu_precision

    auto = cpu_precision("auto")  # what --quantize auto (the default) computes in on this CPU
    for q, kernel in (("none", ""), ("int8", "int_mm"), ("int8", "fbgemm"), ("bf16", "")):
        os.environ[KERNEL_OVERRIDE] = kernel or "int_mm"
        engine = TorchMarianEngine(str(model), device="cpu", beams=beams, quantize=q)
        precision = engine.settings.precision
        yield f"torch {precision}" + (" (auto here)" if precision == auto else ""), engine
    os.environ.pop(KERNEL_OVERRIDE, None)
    if importlib.util.find_spec("ctranslate2") is None:
        return
    from toolkit.mt.engine_ct2 import CT2MarianEngine, convert_model

    for quantization in ("float32", "int8"):
        out = convert_model(str(model), quantization=quantization, force=True)
        yield f"ct2 {quantization}", CT2MarianEngine(str(model), device="cpu", beams=beams, ct2_dir=out)


def main() -> int:
    import sacrebleu

    from toolkit.testing.marian_builder import SAMPLE_EN, build_marian_checkpoint, sentence_lines
    from bench_translate import SEED

    lines = _lines()
    with tempfile.TemporaryDirectory() as tmp:
        model = build_marian_checkpoint(Path(tmp) / "tiny", sentence_lines(SEED.read_text(encoding="utf-8")),
                                        sentence_lines(SAMPLE_EN.read_text(encoding="utf-8")), arch="tiny",
                                        fit_steps=120)
        from bench_translate import cpu_line

        print(cpu_line())
        print(f"{len(lines)} lines, tiny fitted checkpoint")
        print("| engine | beams | alone = batch | = torch fp32 | chrF vs fp32 |")
        print("|---|---:|---:|---:|---:|")
        for beams in (1, 4):
            reference = None
            for name, engine in _engines(model, beams):
                engine.max_batch_tokens = 100_000  # all 20 lines in one padded batch
                batched = [h[0].text for h in engine.generate(lines)]
                alone = [engine.generate([ln])[0][0].text for ln in lines]
                if reference is None:
                    reference = batched
                same = sum(a == b for a, b in zip(batched, alone))
                agree = sum(a == b for a, b in zip(batched, reference))
                chrf = sacrebleu.corpus_chrf(batched, [reference]).score
                print(f"| {name} | {beams} | {same}/{len(lines)} | {agree}/{len(lines)} | {chrf:.1f} |", flush=True)
        shutil.rmtree(model, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
