"""CT2MarianEngine and `bitext model convert` on the tiny checkpoint (issue 6)."""
from __future__ import annotations

import os
import shutil

import pytest

pytest.importorskip("ctranslate2")

from toolkit.mt.engine_ct2 import CT2MarianEngine, convert_model, converted_model_for  # noqa: E402
from toolkit.errors import ModelUnavailableError  # noqa: E402

pytestmark = pytest.mark.slow

TEXTS = ["Hôm nay trời mưa.", "Giá vàng giảm.",
         "Nhiều doanh nghiệp nhỏ cho biết họ vẫn gặp khó khăn trong việc tiếp cận vốn vay ngân hàng."]


def zero_pad_copy(src, dst):
    """A copy of the checkpoint whose <pad> embedding row is zero, as in real Marian models.

    CTranslate2 starts the decoder from a zero embedding where transformers embeds <pad>; the
    fitted tiny checkpoint has a non-zero <pad> row (trained through the tied output layer), so
    only a zeroed copy can be compared token for token.
    """
    from safetensors.torch import load_file, save_file

    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("ctranslate2-*"))
    state = load_file(str(dst / "model.safetensors"))
    key = next(k for k in state if k.endswith("shared.weight"))
    state[key][-1] = 0
    save_file(state, str(dst / "model.safetensors"), metadata={"format": "pt"})
    return dst


@pytest.fixture(scope="module")
def ct2_model(tiny_model_dir, tmp_path_factory):
    """(checkpoint with zero <pad> row, its int8 and float32 CTranslate2 copies)."""
    model = zero_pad_copy(tiny_model_dir, tmp_path_factory.mktemp("ct2") / "tiny")
    from toolkit.cli import main

    assert main(["model", "convert", str(model), "--to", "ctranslate2", "--quantization", "int8"]) == 0
    f32 = convert_model(str(model), quantization="float32")
    return model, model / "ctranslate2-int8", f32


def test_convert_writes_next_to_the_checkpoint_and_auto_finds_it(ct2_model):
    model, int8, _ = ct2_model
    assert (int8 / "model.bin").is_file()
    assert converted_model_for(str(model)) == int8  # int8 preferred over float32
    from toolkit.mt.translator import load_engine

    assert isinstance(load_engine(str(model), engine="auto", device="cpu"), CT2MarianEngine)
    assert load_engine(str(model), engine="torch", device="cpu").name == "torch"


def test_converted_copy_older_than_the_weights_is_ignored(ct2_model, tmp_path):
    model, _, _ = ct2_model
    stale = tmp_path / "stale"
    shutil.copytree(model, stale)
    future = os.path.getmtime(stale / "model.safetensors") + 3600
    os.utime(stale / "model.safetensors", (future, future))
    assert converted_model_for(str(stale)) is None


def test_no_converted_model_fails_with_how_to_fix(tiny_model_dir, tmp_path):
    bare = tmp_path / "bare"
    shutil.copytree(tiny_model_dir, bare, ignore=shutil.ignore_patterns("ctranslate2-*"))
    with pytest.raises(ModelUnavailableError, match="bitext model convert"):
        CT2MarianEngine(str(bare), device="cpu")


def test_n_best_with_scores_best_first_in_input_order(ct2_model):
    model, int8, _ = ct2_model
    engine = CT2MarianEngine(str(model), device="cpu", beams=4, ct2_dir=int8, scores=True)
    assert engine.settings.engine == "ct2" and engine.settings.precision == "int8"
    out = engine.generate(TEXTS, n_best=3)
    assert [len(h) for h in out] == [3, 3, 3]
    for hyps in out:
        scores = [h.score for h in hyps]
        assert scores == sorted(scores, reverse=True) and all(s < 0 for s in scores)
    assert [h.text for h in out[1]] == [h.text for h in engine.generate([TEXTS[1]], n_best=3)[0]]
    unscored = CT2MarianEngine(str(model), device="cpu", beams=4, ct2_dir=int8).generate(TEXTS, n_best=3)
    assert [[h.text for h in x] for x in unscored] == [[h.text for h in x] for x in out]  # same order
    assert {h.score for x in unscored for h in x} == {0.0}


def test_same_token_counts_and_greedy_drafts_as_the_torch_engine(ct2_model):
    from toolkit.mt.engine_torch import TorchMarianEngine

    model, _, f32 = ct2_model
    ct2 = CT2MarianEngine(str(model), device="cpu", beams=1, ct2_dir=f32)
    torch_engine = TorchMarianEngine(str(model), device="cpu", beams=1, quantize="none")
    assert ct2.count_tokens(TEXTS) == torch_engine.count_tokens(TEXTS)
    a, b = ct2.generate(TEXTS), torch_engine.generate(TEXTS)
    assert [(h[0].text, h[0].flags) for h in a] == [(h[0].text, h[0].flags) for h in b]


def test_length_cap_is_flagged_and_cut_per_text(ct2_model, monkeypatch):
    import toolkit.mt.batching as batching

    model, int8, _ = ct2_model
    monkeypatch.setattr(batching, "OUTPUT_CAP_RATIO", 0.0)
    monkeypatch.setattr(batching, "OUTPUT_CAP_SLACK_TOKENS", 3)
    engine = CT2MarianEngine(str(model), device="cpu", beams=2, ct2_dir=int8)
    for hyps in engine.generate(TEXTS):
        assert "mt-check:length-cap" in hyps[0].flags
        assert len(hyps[0].text.split()) <= 2  # two pieces at most


def test_quantize_is_refused_when_the_run_would_use_ctranslate2(ct2_model, tmp_path):
    from toolkit.errors import UsageError
    from toolkit.workflow.pipeline import RunOptions, translate_files

    model, _, _ = ct2_model
    article = tmp_path / "a.txt"
    article.write_text("Hôm nay trời mưa.\n", encoding="utf-8")
    with pytest.raises(UsageError, match="--quantize none applies to the torch engine.*ctranslate2-int8"):
        translate_files([article], tmp_path / "out", RunOptions(model=str(model), quantize="none", glossary=None))
    assert not (tmp_path / "out").exists()
    (result,) = translate_files([article], tmp_path / "out", RunOptions(model=str(model), engine="torch",
                                                                        quantize="none", glossary=None))
    assert "engine=torch;device=cpu;precision=float32" in result.po.read_text(encoding="utf-8")


def test_passing_the_converted_folder_as_the_model_names_the_checkpoint(ct2_model):
    from toolkit.mt.model_source import resolve_model

    model, int8, _ = ct2_model
    with pytest.raises(ModelUnavailableError, match=f"is a CTranslate2 model.*--model {model}"):
        resolve_model(str(int8))


def test_cpu_calls_hold_at_most_the_machines_beam_rows(ct2_model):
    model, int8, _ = ct2_model
    engine = CT2MarianEngine(str(model), device="cpu", beams=4, ct2_dir=int8)
    engine.max_batch_rows = 32  # the CPU default on 1-2 cores (toolkit.mt.ct2_shape)
    sizes = []

    class Spy:
        def translate_batch(self, batch, **kw):
            sizes.append(len(batch))
            return real.translate_batch(batch, **kw)

    real, engine.translator = engine.translator, Spy()
    out = engine.generate([f"Câu {n}." for n in range(20)])
    assert len(out) == 20 and all(out)
    assert sizes == [8, 8, 4]
    from toolkit.mt.batching import output_cap

    caps = [output_cap(n) for n in engine.count_tokens([f"Câu {n}." for n in range(20)])]
    # Counted output stops at each text's own cap even where the call decoded further (benchmarks).
    assert all(0 < c <= min(d, cap) for c, d, cap in zip(engine.last_output_tokens, engine.last_decoded_tokens, caps))
