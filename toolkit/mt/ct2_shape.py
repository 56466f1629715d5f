"""The shape of a CTranslate2 ``translate_batch`` call on CPU: beam rows and padded source tokens per call.

On CPU, a call's best size is a property of the machine (issue 16). Bare CTranslate2 at beam 4 on
2 cores ran fastest with 8 texts (32 beam rows) per call on an AMD EPYC Zen 4 (16 texts 15 % slower,
4–6 texts 10–25 % slower) and on an Intel Xeon Sapphire Rapids (16 texts 33 % slower), both with
AVX-512; on an AMD EPYC Zen 3 (AVX2 only) with 4 texts (16 rows: 8 texts 5 % slower, 16 texts 37 %).
Our engine must never be slower than bare CTranslate2 at its best fixed batch, so the shape comes
from, in order:

1. a **calibration** stored beside the converted model (``<ct2 dir>/bitext-call-shape.json``,
   written by ``python -m toolkit.mt.ct2_shape MODEL TEXTFILE``): bare ``translate_batch`` timed on the
   model itself at 2, 4, 8, 16 and 32 texts per call; used only on the CPU (model name and usable
   cores) it was measured on;
2. else a **default from the CPU**: beam rows per usable core by vector width — 16 with AVX-512, 8
   with AVX2 only — within [2, 8] cores' worth (32–128 rows with AVX-512, 16–64 with AVX2). A
   decoding step is a chain of small matrix products with one row per beam; CTranslate2 splits each
   product over its intra-op threads, so each thread needs enough rows to beat the per-call
   overhead, while more rows than that only add padding and steps to the longest text. Where that
   point lies follows the kernels' register blocking, which is wider with AVX-512's 32 × 512-bit
   registers than with AVX2's 16 × 256-bit ones. The 2-core points are measured (above); the
   per-core slope is an estimate, which is why the calibration exists.

The token budget is set so that it does not bind for sentences of normal length (256 padded source
tokens per text): calls are then the same length-sorted chunks bare CTranslate2 gets, and only long
texts are split further (memory). Torch-free.
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from toolkit.mt.cpu import cpu_info

CALIBRATION_FILE = "bitext-call-shape.json"
#: Beam rows per usable core: with AVX-512, and with AVX2 only (module docstring).
ROWS_PER_CORE_AVX512, ROWS_PER_CORE_AVX2 = 16, 8
#: The rows stay within this many cores' worth.
MIN_CORES, MAX_CORES = 2, 8
TOKENS_PER_TEXT = 256
CANDIDATE_TEXTS = (2, 4, 8, 16, 32)


@dataclass(frozen=True)
class CallShape:
    """Per-call limits: ``rows`` = texts × beams, ``tokens`` = texts × longest source (padded).

    Attributes:
        rows: beam rows per call (a call holds ``max(1, rows // beams)`` texts).
        tokens: padded source tokens per call.
        source: ``"calibrated"`` or ``"cpu-default"`` (printed by the benchmark).
    """

    rows: int
    tokens: int
    source: str

    def texts(self, beams: int) -> int:
        """Texts per call at ``beams`` beams (at least 1)."""
        return max(1, self.rows // max(1, beams))


def _machine() -> dict:
    info = cpu_info()
    return {"cpu": info.model, "cores": info.cores}


def default_shape(beams: int) -> CallShape:
    """The CPU-derived shape (module docstring, step 2)."""
    info = cpu_info()
    per_core = ROWS_PER_CORE_AVX512 if info.has("avx512f") else ROWS_PER_CORE_AVX2
    rows = per_core * min(MAX_CORES, max(MIN_CORES, info.cores))
    texts = max(1, rows // max(1, beams))
    return CallShape(rows, texts * TOKENS_PER_TEXT, "cpu-default")


def call_shape(ct2_dir: Path | None, beams: int) -> CallShape:
    """The shape for ``beams`` on this machine: the calibration beside ``ct2_dir`` if it was measured
    here (same CPU model and usable cores), else :func:`default_shape`. A malformed file is ignored."""
    if ct2_dir is not None:
        try:
            data = json.loads((Path(ct2_dir) / CALIBRATION_FILE).read_text(encoding="utf-8"))
            if {k: data.get(k) for k in ("cpu", "cores")} == _machine() and int(data["rows"]) > 0:
                texts = max(1, int(data["rows"]) // max(1, beams))
                return CallShape(int(data["rows"]), texts * TOKENS_PER_TEXT, "calibrated")
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return default_shape(beams)


def calibrate(model: str, texts: list[str], *, beams: int = 4, rounds: int = 2) -> dict:
    """Time bare ``translate_batch`` at :data:`CANDIDATE_TEXTS` texts per call; store the fastest.

    Args:
        model: hub id or checkpoint folder with a converted model (``bitext model convert``).
        beams: beam size to calibrate at (rows are stored, so other beam sizes scale).
        texts: source sentences like the ones to translate (32 or more, one segment each).
        rounds: timing rounds per candidate (the minimum is kept: the least disturbed one).

    Returns:
        The calibration written to ``<ct2 dir>/bitext-call-shape.json``: machine, ``rows`` and the
        seconds per candidate.

    Raises:
        ModelUnavailableError: no converted model.
    """
    from toolkit.mt.engine_ct2 import CT2MarianEngine

    engine = CT2MarianEngine(model, device="cpu", beams=beams)
    pieces = sorted(engine._pieces(texts), key=len, reverse=True)
    seconds: dict[str, float] = {}
    for n in CANDIDATE_TEXTS:
        best = float("inf")
        for _ in range(rounds):
            t0 = time.perf_counter()
            for k in range(0, len(pieces), n):
                engine.translator.translate_batch(pieces[k:k + n], beam_size=beams, max_input_length=0,
                                                  max_decoding_length=engine.max_output_tokens)
            best = min(best, time.perf_counter() - t0)
        seconds[str(n)] = round(best, 3)
    fastest = min(seconds, key=seconds.get)
    data = {**_machine(), "beams": beams, "rows": int(fastest) * beams, "seconds": seconds}
    (engine.path / CALIBRATION_FILE).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return data


def main(argv: list[str] | None = None) -> int:
    """``python -m toolkit.mt.ct2_shape MODEL TEXTFILE [BEAMS]``: calibrate on TEXTFILE's non-empty
    lines (Vietnamese sentences, one per line) and print the result."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        print(main.__doc__)
        return 2
    texts = [ln.strip() for ln in Path(args[1]).read_text(encoding="utf-8").splitlines() if ln.strip()]
    print(json.dumps(calibrate(args[0], texts, beams=int(args[2]) if len(args) > 2 else 4), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
