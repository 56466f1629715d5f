"""CPU precision of the torch engine: the ``--quantize`` choices and what each one computes in.

Torch-free, so the CLI and :func:`toolkit.mt.settings.plan_settings` can use it without loading a model.
"""
from __future__ import annotations

#: ``--quantize`` choices for the torch engine on CPU. ``int8``: int8 weights and per-row int8
#: activations (:mod:`toolkit.mt.int8_linear`, CTranslate2's int8 scheme); ``bf16``: bfloat16
#: weights and activations; ``none``: exact float32. CUDA always runs in bfloat16 or float16.
QUANTIZE_CHOICES = ("none", "bf16", "int8")
DEFAULT_QUANTIZE = "int8"

#: What each choice computes in, as :class:`toolkit.mt.settings.EngineSettings` records it.
PRECISION_OF = {"none": "float32", "bf16": "bfloat16", "int8": "int8"}


def cpu_precision(quantize: str | None) -> str:
    """The precision name for a ``--quantize`` value (None = :data:`DEFAULT_QUANTIZE`).

    Raises:
        UsageError: an unknown value.
    """
    from toolkit.errors import UsageError

    q = quantize or DEFAULT_QUANTIZE
    if q not in PRECISION_OF:
        raise UsageError(f"unknown quantization {q!r} (choose {', '.join(QUANTIZE_CHOICES)})")
    return PRECISION_OF[q]
