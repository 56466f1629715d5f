"""MarianMT through transformers + torch: loading and batched generation (the default engine).

transformers v5 removed ``pipeline("translation")``, ``prepare_seq2seq_batch`` and constrained beam
search, so this calls tokenizer → ``model.generate`` → ``batch_decode`` directly
(shared/NOTES-marian.md). torch and transformers are imported here only, when a model is loaded.
"""
from __future__ import annotations

import functools
import logging
import os
import warnings
from pathlib import Path
from typing import Sequence

from toolkit.mt.batching import output_cap, plan_batches
from toolkit.errors import ModelUnavailableError, UsageError
from toolkit.mt.model_source import resolve_model
from toolkit.mt.cpu import usable_cores
from toolkit.mt.precision import DEFAULT_QUANTIZE, INT8_PRECISION, PRECISION_OF, int8_kernel, resolve_quantize
from toolkit.mt.settings import EngineSettings, resolve_device, weights_fingerprint
from toolkit.types import Hypothesis

log = logging.getLogger("toolkit.mt.engine_torch")

# Padded source tokens per batch on CPU, by int8 kernel or precision; a token budget adapts to short
# and long sentences alike. Each decoding step pays a fixed cost in transformers' beam search, which
# bigger batches spread over more sentences, until padding costs more. Measured at beam 4 on 2
# cores (bench model, seed sentences of up to 60 syllables): AMD EPYC Zen 3 (16 sentences), 1,024
# ran 10–18 % faster than 512 with fbgemm (7-bit) and in float32, 2,048 slower again; AMD EPYC
# Zen 4 (32 sentences, 4 runs each, interleaved), fbgemm-vnni ≈ 15.5 s at 512, 14.0 at 768, 14.5 at
# 1,024; torch._int_mm (issue 6) 512 / 768 / 1,024 within noise (16.97 / 16.49 / 18.46 s).
# bfloat16 and any other precision: 512, unmeasured.
CPU_BATCH_TOKENS = {"fbgemm": 1024, "fbgemm-vnni": 1024, "int_mm": 512, "float32": 1024, "bfloat16": 512}
CPU_BATCH_TOKENS_DEFAULT = 512
CUDA_BATCH_TOKENS = 8192


def _quiet_transformers() -> None:
    """Keep transformers' progress bars and advisories out of the toolkit's stderr."""
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover
        pass
    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")



def _steady_allocator() -> None:
    """Keep glibc malloc from handing large buffers back to the kernel between decoding steps.

    Every step allocates and frees the same large float buffers (the vocabulary projection alone is
    rows × 53,739 × 4 bytes ≈ 7 MB at 32 beam rows). With glibc's defaults such a buffer is
    ``mmap``-ed and ``munmap``-ed (or the heap top trimmed) again and again, so each step pays fresh
    page faults and kernel page zeroing, whose cost depends on what else the machine does: a source of
    round-to-round swings (issue 16). Raising the mmap threshold to glibc's maximum (32 MiB on 64-bit)
    and the trim threshold to 1 GiB keeps these buffers in the heap for reuse (``mallopt(3)``; the same
    as ``MALLOC_MMAP_THRESHOLD_``/``MALLOC_TRIM_THRESHOLD_``). Peak RSS is unchanged (the memory is
    reused, not added); it is simply not returned until the process ends. No-op off glibc.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        mallopt = getattr(libc, "mallopt", None)
    except OSError:
        mallopt = None
    if mallopt is None:
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # <malloc.h>
    mallopt(m_mmap_threshold, 32 * 1024 * 1024)
    mallopt(m_trim_threshold, 1024 * 1024 * 1024)


class TorchMarianEngine:
    """A MarianMT checkpoint run with ``model.generate`` in token-budgeted batches.

    Args:
        model: hub id or local checkpoint folder (see :func:`toolkit.mt.model_source.resolve_model`).
        device: ``"auto"`` (CUDA if available), ``"cpu"`` or ``"cuda"``.
        beams: beam size (1 = greedy). The checkpoint's own default (opus-mt: 6) is overridden.
        max_batch_tokens: padded source tokens per batch; default by device and CPU precision
            (:data:`CPU_BATCH_TOKENS`).
        quantize: CPU precision, see :data:`toolkit.mt.precision.QUANTIZE_CHOICES`: ``"auto"``
            (default: by the processor, :func:`toolkit.mt.precision.auto_quantize`), ``"int8"``
            (kernel by the processor, :func:`toolkit.mt.precision.int8_kernel`), ``"bf16"`` or
            ``"none"`` (float32). Ignored on CUDA.
        threads: torch intra-op threads on CPU (default: the CPUs this process may use,
            :func:`toolkit.mt.cpu.usable_cores`, not the host's count).
        scores: return beam-search sequence scores. transformers only gives them with
            ``output_scores=True``, which keeps every step's log-probabilities (≈ 7 MB per step for
            32 beam rows at vocab 53,739): on the exact opus-mt architecture that took peak RSS from
            ≈ 1.1 GB to 2.3 GB (bench/README.md). Off by default; hypotheses are best first either
            way, and their ``score`` is then 0.0.

    Raises:
        ModelUnavailableError: the checkpoint cannot be found or loaded.
        UsageError: ``cuda`` requested without a CUDA device, or an unknown option.
    """

    name = "torch"

    def __init__(self, model: str, *, device: str = "auto", beams: int = 4, max_batch_tokens: int | None = None,
                 quantize: str = DEFAULT_QUANTIZE, threads: int | None = None, scores: bool = False):
        path = resolve_model(model)
        _quiet_transformers()
        import torch
        from transformers import MarianMTModel, MarianTokenizer

        device = resolve_device(device) if device != "auto" else ("cuda" if torch.cuda.is_available() else "cpu")
        if device == "cuda" and not torch.cuda.is_available():
            raise UsageError("--device cuda requested but no CUDA device is available; use --device cpu")
        quantize = resolve_quantize(quantize)  # UsageError on an unknown value; "auto" decided by the CPU
        if device == "cpu":
            torch.set_num_threads(threads or usable_cores())
            _steady_allocator()
        try:
            self.tokenizer = MarianTokenizer.from_pretrained(str(path))
            dtype = None
            if device == "cuda":
                dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
            model_obj = MarianMTModel.from_pretrained(str(path), dtype=dtype)  # never trust_remote_code
        except (OSError, ValueError, RuntimeError) as e:
            raise ModelUnavailableError(f"model {model!r}: cannot load checkpoint from {path}: {e}") from None
        model_obj.eval()
        if device == "cpu" and quantize == "bf16":
            model_obj = model_obj.to(torch.bfloat16)
        precision = budget_key = PRECISION_OF[quantize]   # CPU_BATCH_TOKENS: by int8 kernel, else precision
        if device == "cpu" and quantize == "int8":
            from toolkit.mt.int8_linear import quantize_linears, usable_kernel

            kernel = usable_kernel(int8_kernel())   # a fallback is in the settings' precision
            quantize_linears(model_obj, kernel)
            precision, budget_key = INT8_PRECISION[kernel], kernel
        self.model = model_obj.to(device)
        self._torch = torch
        self.device = device
        self.beams = max(1, int(beams))
        self.quantize = quantize if device == "cpu" else str(self.model.dtype).removeprefix("torch.")
        if device != "cpu":
            precision = str(self.model.dtype).removeprefix("torch.")
        self.settings = EngineSettings("torch", device, precision, self.beams, model, weights_fingerprint(Path(path)))
        self.scores = scores
        self.model_id = model
        self.path = Path(path)
        self.max_batch_tokens = max_batch_tokens or (
            CUDA_BATCH_TOKENS if device == "cuda" else CPU_BATCH_TOKENS.get(budget_key, CPU_BATCH_TOKENS_DEFAULT))
        positions = int(getattr(self.model.config, "max_position_embeddings", 512) or 512)
        self.max_input_tokens = min(positions, int(self.tokenizer.model_max_length or positions))
        self.max_output_tokens = positions
        #: Counted work of the last :meth:`generate` call, per text in input order: generated
        #: tokens of the best hypothesis (``</s>`` included) and decoding steps its batch ran
        #: (the batch's longest output: finished rows are computed until then). For benchmarks.
        self.last_output_tokens: list[int] = []
        self.last_decoded_tokens: list[int] = []
        #: Token ids of each text's best hypothesis in the last call (``</s>`` included, no decoder
        #: start or padding): what tests/test_b20_batch_vs_single.py re-scores.
        self.last_sequences: list[list[int]] = []

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Source token counts including ``</s>``, as the encoder will see them."""
        return [len(ids) for ids in self.tokenizer(list(texts))["input_ids"]]

    def batches(self, texts: Sequence[str]) -> list[list[int]]:
        """The batches :meth:`generate` runs for ``texts``, in order: lists of indices into ``texts``
        (longest first, within ``max_batch_tokens``; see :func:`toolkit.mt.batching.plan_batches`).
        Passing whole batches, in this order, to ``generate`` gives the same batches again."""
        return self._plan(self.count_tokens(texts))

    def _plan(self, lengths: list[int]) -> list[list[int]]:
        return plan_batches(lengths, self.max_batch_tokens)

    def generate(self, texts: Sequence[str], *, n_best: int = 1, no_repeat_ngram_size: int = 0
                 ) -> list[list[Hypothesis]]:
        """Translate ``texts`` (each within ``max_input_tokens``) in length-sorted token batches.

        Args:
            texts: source strings, non-empty.
            n_best: hypotheses per text (at most the beam size).
            no_repeat_ngram_size: forbid repeating n-grams of this size (0 = off); used on retry.

        Returns:
            For each text in input order, up to ``n_best`` hypotheses, best first. A hypothesis that
            reached the output length cap carries the flag ``"mt-check:length-cap"`` (opus-mt forces
            ``</s>`` at the cap, so it would otherwise be a silent truncation).
        """
        torch = self._torch
        texts = list(texts)
        n_best = max(1, min(n_best, self.beams))
        lengths = self.count_tokens(texts)
        results: list[list[Hypothesis]] = [[] for _ in texts]
        counted, decoded = [0] * len(texts), [0] * len(texts)
        sequences: list[list[int]] = [[] for _ in texts]
        eos = self.model.config.eos_token_id
        pad = self.model.config.pad_token_id
        for batch in self._plan(lengths):
            enc = self.tokenizer([texts[i] for i in batch], return_tensors="pt", padding=True)
            enc = {k: v.to(self.device) for k, v in enc.items()}
            # Each text keeps its own output cap inside a padded batch (b20: a draft must not depend
            # on its neighbours), enforced by _PerRowCap; generate's own cap is the batch maximum.
            caps = [output_cap(lengths[i], self.max_output_tokens) for i in batch]
            row_caps = torch.tensor(caps, device=self.device).repeat_interleave(self.beams)
            extra = {}
            if self.beams > 1:
                extra["cache"] = _beam_cache(self.model.config)
            with torch.inference_mode():
                out = self.model.generate(
                    input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                    num_beams=self.beams, num_return_sequences=n_best, do_sample=False,
                    max_new_tokens=max(caps), max_length=None, no_repeat_ngram_size=no_repeat_ngram_size,
                    logits_processor=[_PerRowCap(row_caps, eos)],
                    output_scores=self.scores and self.beams > 1, return_dict_in_generate=True, **extra,
                )
            seqs = out.sequences
            scores = out.sequences_scores.tolist() if getattr(out, "sequences_scores", None) is not None \
                else [0.0] * seqs.shape[0]
            decoded_text = self.tokenizer.batch_decode(seqs, skip_special_tokens=True)
            gen_lens = (seqs != pad).sum(dim=1).tolist()
            for j, i in enumerate(batch):
                counted[i], decoded[i] = gen_lens[j * n_best], seqs.shape[1] - 1
                sequences[i] = [t for t in seqs[j * n_best, 1:].tolist() if t != pad]
                for k in range(n_best):
                    row = j * n_best + k
                    flags = ("mt-check:length-cap",) if gen_lens[row] >= caps[j] else ()
                    results[i].append(Hypothesis(decoded_text[row].strip(), float(scores[row]), flags))
        self.last_output_tokens, self.last_decoded_tokens, self.last_sequences = counted, decoded, sequences
        return results


@functools.lru_cache(maxsize=1)
def _generation_helpers():
    """The PerRowCap class; defined lazily since it subclasses a transformers type."""
    from transformers import LogitsProcessor

    class PerRowCap(LogitsProcessor):
        """Force ``</s>`` on each row once it has generated its own cap minus one tokens.

        Mirrors transformers' ``forced_eos_token_id`` at ``max_length`` (the last allowed token is
        ``</s>``), but per row: ``row_caps`` has one entry per (text × beam) row, in tokens.
        """

        def __init__(self, row_caps, eos_token_id: int):
            self.row_caps = row_caps
            self.eos = eos_token_id

        def __call__(self, input_ids, scores):
            generated = input_ids.shape[-1] - 1  # minus the decoder start token
            rows = self.row_caps <= generated + 1
            if bool(rows.any()):
                scores[rows] = float("-inf")
                scores[rows, self.eos] = 0.0
            return scores

    return PerRowCap


def _PerRowCap(row_caps, eos_token_id: int):
    return _generation_helpers()(row_caps, eos_token_id)


def _beam_cache(config):
    """An empty :class:`toolkit.mt.beam_cache.BeamCache` for one ``generate`` call."""
    from toolkit.mt.beam_cache import beam_cache

    return beam_cache(config)
