"""CPU precision of the torch engine: the ``--quantize`` choices, what each computes in, and ``auto``.

Torch-free, so the CLI and :func:`toolkit.mt.settings.plan_settings` can use it without loading a model:
``auto`` is decided from the processor's ISA flags (:mod:`toolkit.mt.cpu`), so the prediction and the
loaded engine name the same precision (issue 16).

How ``auto`` decides, and why (bench/README.md has the measurements):

* **AMX tiles with bf16** (``amx_tile`` + ``amx_bf16``: Intel Xeon Sapphire Rapids and later) →
  ``bf16``. PyTorch runs bfloat16 linear layers through oneDNN, which uses the AMX tile units
  (PyTorch recipe "Leverage Intel AMX": 1,024 bf16 operations per cycle per core against 64 fp32).
  Measured on such a Xeon (issue 16, median of 3, beam 4): bf16 25.4 s, int8 27.8 s (and int8 the
  less steady of the two).
* **int8 dot products** (``avx512_vnni`` or ``avx_vnni``, e.g. AMD Zen 4, Intel Ice Lake and later
  without AMX) → ``int8``: on an AMD EPYC Zen 4 (``avx512_vnni``, ``avx512_bf16``, no AMX) int8 took
  16.1 s against 21.7 s in bf16 and 31.4 s in fp32.
* **Neither** (AVX2 only, e.g. AMD Zen 3) → ``none`` (float32). ``torch._int_mm`` has no fast kernel
  there: measured on an AMD EPYC Zen 3 (2 threads, 32 rows), 512×512 took 6.6 ms in int8 against
  0.28 ms in fp32, and the 512×53,739 vocabulary projection 685 ms against 69 ms; bf16 was slower
  still (12.5 ms, 1,042 ms). With int8 as the default there, the shipped engine ran slower than
  naive per-sentence float32 ``generate``.

Set ``BITEXT_CPU_PRECISION=int8|bf16|none`` in the environment, or pass ``--quantize``, to override.

Batch invariance by precision (what tests/test_b20_batch_vs_single.py asserts, on every x86-64
kernel set): a draft's numbers depend on its batch neighbours only through rounding in the float
kernels (attention, softmax, layer norm; in ``none`` and ``bf16`` also the matrix products, whose
blocking depends on the batch shape). ``int8``: linear layers exact (int32 sums, per-row scales),
drafts identical alone and batched except at near-ties; ``none``: the same, with the float products
added to the rounding sources; ``bf16``: bfloat16 rounding (8 bits of mantissa) turns kernel-order
differences into visible ones, drafts may change with the batch: not asserted.
"""
from __future__ import annotations

import os

#: ``--quantize`` choices for the torch engine on CPU. ``auto``: by the processor (module docstring);
#: ``int8``: int8 weights and per-row int8 activations (:mod:`toolkit.mt.int8_linear`, CTranslate2's
#: int8 scheme); ``bf16``: bfloat16 weights and activations; ``none``: exact float32. CUDA always
#: runs in bfloat16 or float16.
QUANTIZE_CHOICES = ("auto", "none", "bf16", "int8")
DEFAULT_QUANTIZE = "auto"

#: What each explicit choice computes in, as :class:`toolkit.mt.settings.EngineSettings` records it.
PRECISION_OF = {"none": "float32", "bf16": "bfloat16", "int8": "int8"}

#: Environment override of ``auto`` (e.g. after measuring with bench/bench_translate.py).
ENV_OVERRIDE = "BITEXT_CPU_PRECISION"


def auto_quantize() -> str:
    """The ``--quantize`` value ``auto`` stands for on this processor (``"bf16"``, ``"int8"`` or ``"none"``).

    Raises:
        UsageError: :data:`ENV_OVERRIDE` is set to something other than int8, bf16 or none.
    """
    from toolkit.errors import UsageError
    from toolkit.mt.cpu import cpu_info

    forced = os.environ.get(ENV_OVERRIDE, "").strip()
    if forced:
        if forced not in PRECISION_OF:
            raise UsageError(f"{ENV_OVERRIDE}={forced!r}: choose {', '.join(PRECISION_OF)}")
        return forced
    cpu = cpu_info()
    if cpu.has("amx_tile", "amx_bf16"):
        return "bf16"
    if cpu.has("avx512_vnni") or cpu.has("avx_vnni"):
        return "int8"
    return "none"


def resolve_quantize(quantize: str | None) -> str:
    """An explicit ``--quantize`` value (``int8``, ``bf16`` or ``none``); None and ``auto`` are decided here.

    Raises:
        UsageError: an unknown value.
    """
    from toolkit.errors import UsageError

    q = quantize or DEFAULT_QUANTIZE
    if q == "auto":
        return auto_quantize()
    if q not in PRECISION_OF:
        raise UsageError(f"unknown quantization {q!r} (choose {', '.join(QUANTIZE_CHOICES)})")
    return q


def cpu_precision(quantize: str | None) -> str:
    """The precision name (``int8``, ``bfloat16``, ``float32``) a ``--quantize`` value computes in on CPU.

    Raises:
        UsageError: an unknown value.
    """
    return PRECISION_OF[resolve_quantize(quantize)]
