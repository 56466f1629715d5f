"""MarianMT through CTranslate2 (optional engine, ``pip install .[fast]``): conversion and batched translation.

A converted model lives next to its checkpoint, in ``<checkpoint>/ctranslate2-<quantization>/``
(``bitext model convert MODEL --to ctranslate2 --quantization int8`` writes it there), and
``--engine auto`` uses it whenever it is present and not older than the checkpoint's weights.

CTranslate2's ``translate_batch`` defaults differ from the opus-mt checkpoint (beam 2, output cap
256, source truncated at 1024 tokens, no ``</s>`` appended; shared/NOTES-marian.md), so every call
here passes them explicitly. The converter drops ``<pad>`` from the vocabulary (the decoder starts
from a zero embedding instead), so ``<pad>`` cannot be generated, as ``bad_words_ids`` ensures in
transformers. Tokenisation mirrors ``MarianTokenizer`` in transformers 5 (SentencePiece
pieces of ``source.spm`` + ``</s>``; pieces missing from ``vocab.json`` become ``<unk>`` inside
CTranslate2), without importing transformers or torch: the process stays small (NOTES: one engine
per process, since torch's and CTranslate2's thread pools slow each other down).

``ctranslate2`` is imported lazily, inside the functions that need it.
"""
from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Sequence

from toolkit.mt.batching import MAX_BATCH_SIZE, output_cap, plan_batches
from toolkit.mt.cpu import usable_cores
from toolkit.mt.ct2_shape import call_shape
from toolkit.errors import ModelUnavailableError, UsageError
from toolkit.mt.model_source import WEIGHT_FILES, resolve_model
from toolkit.mt.settings import EngineSettings, weights_fingerprint
from toolkit.types import Hypothesis

log = logging.getLogger("toolkit.mt.engine_ct2")

QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")
# Preference when several converted copies exist: the fastest on CPU first (NOTES: int8 6.2× naive).
_PREFERENCE = ("int8", "int8_float32", "int16", "float32", "int8_float16", "int8_bfloat16", "float16", "bfloat16")
CT2_DIR_PREFIX = "ctranslate2-"
EOS = "</s>"

# Padded source tokens per translate_batch call on CUDA, where larger batches pay off. On CPU the
# call shape (beam rows and tokens per call) is the machine's: toolkit.mt.ct2_shape (issue 16).
CUDA_BATCH_TOKENS = 8192


def default_ct2_dir(checkpoint: Path, quantization: str) -> Path:
    """Where a converted model of ``checkpoint`` is kept: ``<checkpoint>/ctranslate2-<quantization>``."""
    return Path(checkpoint) / f"{CT2_DIR_PREFIX}{quantization}"


def _weights_mtime(checkpoint: Path) -> float:
    return max((checkpoint / f).stat().st_mtime for f in WEIGHT_FILES if (checkpoint / f).is_file())


def converted_model_for(model: str) -> Path | None:
    """The converted CTranslate2 model of ``model``, or None when there is none (or it is stale).

    Looks in ``<checkpoint>/ctranslate2-*/`` (int8 preferred, see ``_PREFERENCE``); a copy older
    than the checkpoint's weights is ignored (logged), so ``--engine auto`` never serves drafts of
    an outdated model. Never downloads anything.

    Args:
        model: hub id (looked up in the local cache only) or checkpoint folder.
    """
    try:
        checkpoint = resolve_model(model, allow_download=False)
    except ModelUnavailableError:
        return None
    found = [p for p in checkpoint.glob(CT2_DIR_PREFIX + "*") if (p / "model.bin").is_file()]
    if not found:
        return None
    rank = {q: i for i, q in enumerate(_PREFERENCE)}
    found.sort(key=lambda p: (rank.get(p.name[len(CT2_DIR_PREFIX):], len(rank)), p.name))
    newest_weights = _weights_mtime(checkpoint)
    for p in found:
        if (p / "model.bin").stat().st_mtime >= newest_weights:
            return p
        log.warning("ignoring %s: older than the checkpoint's weights (re-run bitext model convert)", p)
    return None


def convert_model(model: str, *, quantization: str = "int8", output_dir: str | Path | None = None,
                  force: bool = False) -> Path:
    """Convert a MarianMT checkpoint with CTranslate2's official ``TransformersConverter``.

    Args:
        model: hub id or checkpoint folder (resolved with :func:`toolkit.mt.model_source.resolve_model`).
        quantization: weight type of the converted model, one of ``QUANTIZATIONS`` (int8: 74 MB for
            opus-mt-vi-en instead of 289 MB fp32, NOTES-marian.md).
        output_dir: default ``<checkpoint>/ctranslate2-<quantization>`` (where ``--engine auto`` looks).
        force: replace an existing output folder.

    Returns:
        The folder of the converted model (``model.bin``, ``config.json``, ``shared_vocabulary.json``).

    Raises:
        ModelUnavailableError: the checkpoint cannot be found or converted (e.g. a ``vocab.json``
            whose size differs from ``vocab_size``: CTranslate2 needs exactly ``vocab_size`` entries
            with ``<pad>`` last).
        UsageError: CTranslate2 is not installed, an unknown quantization, or the output exists.
    """
    if quantization not in QUANTIZATIONS:
        raise UsageError(f"unknown quantization {quantization!r} (choose one of {', '.join(QUANTIZATIONS)})")
    checkpoint = resolve_model(model)
    out = Path(output_dir) if output_dir else default_ct2_dir(checkpoint, quantization)
    if out.exists() and any(out.iterdir()) and not force:
        raise UsageError(f"{out} already exists; pass --force to replace it")
    try:
        import ctranslate2  # noqa: F401
        from ctranslate2.converters import TransformersConverter
    except ImportError:
        raise UsageError("CTranslate2 is not installed: pip install .[fast]") from None
    from toolkit.mt.engine_torch import _quiet_transformers

    _quiet_transformers()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Never trust_remote_code: a Marian checkpoint needs no custom code.
            converter = TransformersConverter(str(checkpoint), low_cpu_mem_usage=True, trust_remote_code=False)
            converter.convert(str(out), quantization=quantization, force=True)
    except (OSError, ValueError, RuntimeError, KeyError) as e:
        raise ModelUnavailableError(f"model {model!r}: CTranslate2 conversion of {checkpoint} failed: {e}") from None
    return out


class CT2MarianEngine:
    """A converted MarianMT model run with ``ctranslate2.Translator.translate_batch``.

    Args:
        model: hub id or checkpoint folder; the tokenizer files (``source.spm``, ``target.spm``)
            come from the checkpoint, the weights from its converted copy.
        device: ``"auto"`` (CUDA if CTranslate2 sees a GPU), ``"cpu"`` or ``"cuda"``.
        beams: beam size (1 = greedy); CTranslate2's default of 2 is never used.
        max_batch_tokens: padded source tokens per ``translate_batch`` call; default by device (on
            CPU :func:`toolkit.mt.ct2_shape.call_shape`, which also caps the beam rows per call).
        ct2_dir: converted model folder; default :func:`converted_model_for`.
        compute_type: CTranslate2 compute type; ``"default"`` keeps the converted weight type.
        threads: intra-op threads on CPU (default: :func:`toolkit.mt.cpu.usable_cores`); one
            translator replica (``inter_threads=1``). CTranslate2's docs (docs/parallel.md,
            performance.md) advise ``intra_threads`` = physical cores for one stream of batches and
            ``inter_threads`` > 1 only when several batches are submitted concurrently, which this
            engine never does (one synchronous call at a time).
        scores: return CTranslate2's length-normalised log-probabilities. Off by default, as in
            the torch engine (hypotheses are best first either way; ``score`` is then 0.0):
            ``return_scores`` measured ≈ 4 % slower in-process (issue 6).

    Raises:
        ModelUnavailableError: no converted model (the message says how to make one).
        UsageError: CTranslate2 not installed, unknown device, or ``cuda`` without a GPU.
    """

    name = "ct2"

    def __init__(self, model: str, *, device: str = "auto", beams: int = 4, max_batch_tokens: int | None = None,
                 ct2_dir: str | Path | None = None, compute_type: str = "default", threads: int | None = None,
                 scores: bool = False):
        try:
            import ctranslate2
        except ImportError:
            raise UsageError("CTranslate2 is not installed: pip install .[fast]") from None
        import sentencepiece as spm

        checkpoint = resolve_model(model)
        path = Path(ct2_dir) if ct2_dir else converted_model_for(model)
        if path is None or not (path / "model.bin").is_file():
            raise ModelUnavailableError(
                f"model {model!r}: no CTranslate2 model found (looked in {checkpoint}/{CT2_DIR_PREFIX}*); "
                f"run `bitext model convert {model} --to ctranslate2 --quantization int8` or use --engine torch")
        gpus = ctranslate2.get_cuda_device_count()
        if device == "auto":
            device = "cuda" if gpus else "cpu"
        if device not in ("cpu", "cuda"):
            raise UsageError(f"unknown device {device!r} (choose auto, cpu or cuda)")
        if device == "cuda" and not gpus:
            raise UsageError("--device cuda requested but CTranslate2 sees no CUDA device; use --device cpu")
        try:
            self.translator = ctranslate2.Translator(
                str(path), device=device, compute_type=compute_type, inter_threads=1,
                intra_threads=(threads or usable_cores()) if device == "cpu" else 0)
        except (RuntimeError, ValueError) as e:
            raise ModelUnavailableError(f"model {model!r}: cannot load CTranslate2 model {path}: {e}") from None
        self.source_spm = spm.SentencePieceProcessor(model_file=str(checkpoint / "source.spm"))
        self.target_spm = spm.SentencePieceProcessor(model_file=str(checkpoint / "target.spm"))
        self.device = device
        self.beams = max(1, int(beams))
        self.scores = scores
        self.model_id = model
        self.path = path
        self.quantization = path.name[len(CT2_DIR_PREFIX):] if path.name.startswith(CT2_DIR_PREFIX) else compute_type
        shape = call_shape(path, self.beams)
        #: Beam rows per call on CPU and where the figure came from (calibration or CPU default).
        self.max_batch_rows, self.call_shape_source = shape.rows, shape.source
        self.max_batch_tokens = max_batch_tokens or (CUDA_BATCH_TOKENS if device == "cuda" else shape.tokens)
        #: Counted work of the last generate call, per text in input order: output tokens of the
        #: best hypothesis up to the text's own cap (``</s>`` included when produced), and tokens
        #: CTranslate2 decoded for it (to the call's cap). For benchmarks.
        self.last_output_tokens: list[int] = []
        self.last_decoded_tokens: list[int] = []
        positions = _max_positions(checkpoint)
        self.max_input_tokens = positions
        self.max_output_tokens = positions
        #: Provenance (PO header, draft-cache key); see :mod:`toolkit.mt.settings`.
        self.settings = EngineSettings("ct2", device, self.quantization, self.beams, model,
                                       weights_fingerprint(checkpoint), path.name)

    def _pieces(self, texts: Sequence[str]) -> list[list[str]]:
        return [self.source_spm.encode(t, out_type=str) + [EOS] for t in texts]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Source token counts including ``</s>``, as the encoder will see them."""
        return [len(p) for p in self._pieces(texts)]

    def batches(self, texts: Sequence[str]) -> list[list[int]]:
        """The ``translate_batch`` calls :meth:`generate` makes for ``texts``, in order: lists of
        indices into ``texts`` (longest first, within the token budget and the beam-row cap).
        Passing whole batches, in this order, to ``generate`` gives the same batches again."""
        return self._plan(self.count_tokens(texts))

    def _plan(self, lengths: list[int]) -> list[list[int]]:
        max_texts = max(1, self.max_batch_rows // self.beams) if self.device == "cpu" else MAX_BATCH_SIZE
        return plan_batches(lengths, self.max_batch_tokens, max_texts)

    def generate(self, texts: Sequence[str], *, n_best: int = 1, no_repeat_ngram_size: int = 0
                 ) -> list[list[Hypothesis]]:
        """Translate ``texts`` (each within ``max_input_tokens``) in length-sorted token batches.

        Same contract as :meth:`toolkit.mt.engine_torch.TorchMarianEngine.generate`: per text, in input
        order, up to ``n_best`` hypotheses, best first, with CTranslate2's length-normalised
        log-probability as score when ``scores`` is on (else 0.0); a hypothesis that hit the
        output cap (no ``</s>`` produced) is flagged ``"mt-check:length-cap"``. The cap is per ``translate_batch`` call (CTranslate2 has
        no per-example limit), so the call uses the batch's longest source and a hypothesis that ran
        past its own text's cap is cut there: for greedy decoding that is exactly what translating
        the text alone gives (b20); batches are length-sorted, which keeps the wasted steps few.
        """
        texts = list(texts)
        n_best = max(1, min(n_best, self.beams))
        pieces = self._pieces(texts)
        lengths = [len(p) for p in pieces]
        results: list[list[Hypothesis]] = [[] for _ in texts]
        counted, decoded = [0] * len(texts), [0] * len(texts)
        for batch in self._plan(lengths):
            cap = output_cap(max(lengths[i] for i in batch), self.max_output_tokens)
            out = self.translator.translate_batch(
                [pieces[i] for i in batch], beam_size=self.beams, num_hypotheses=n_best,
                length_penalty=1.0, no_repeat_ngram_size=no_repeat_ngram_size,
                max_input_length=0, max_decoding_length=cap, return_scores=self.scores, return_end_token=True,
                max_batch_size=0, batch_type="tokens",
            )
            for i, res in zip(batch, out):
                own_cap = output_cap(lengths[i], self.max_output_tokens)
                scores = res.scores if self.scores else [0.0] * len(res.hypotheses)
                counted[i] = min(len(res.hypotheses[0]), own_cap)
                decoded[i] = len(res.hypotheses[0])
                for tokens, score in zip(res.hypotheses, scores):
                    capped = not tokens or tokens[-1] != EOS or len(tokens) > own_cap
                    body = [t for t in tokens if t != EOS]
                    if capped:  # cut at the text's own cap, as if translated alone (b20); the
                        body = body[:own_cap - 1]  # cap-th token is </s>, as transformers forces it
                    text = self.target_spm.decode_pieces(body).replace("\u2581", " ").strip()
                    results[i].append(Hypothesis(text, float(score), ("mt-check:length-cap",) if capped else ()))
        self.last_output_tokens, self.last_decoded_tokens = counted, decoded
        return results


def _max_positions(checkpoint: Path) -> int:
    import json

    try:
        config = json.loads((checkpoint / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 512
    return int(config.get("max_position_embeddings") or 512)
