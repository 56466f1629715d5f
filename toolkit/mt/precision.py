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
* **AVX2 without int8 dot products** (e.g. AMD Zen 3) → ``int8`` on fbgemm's AVX2 kernels
  (precision ``int8-fbgemm``, :mod:`toolkit.mt.int8_linear`). ``torch._int_mm`` has no fast kernel
  there: on an AMD EPYC Zen 3 (2 threads, 32 rows), 512×512 took 6.6 ms in int8 against 0.28 ms in
  fp32, and the 512×53,739 vocabulary projection 685 ms against 69 ms (bf16: 12.5 ms, 1,042 ms);
  fbgemm took ≈ 10 ms for the latter. End to end see bench/README.md.
* **None of these** (no AVX2, or not x86) → ``none`` (float32).

Set ``BITEXT_CPU_PRECISION=int8|bf16|none`` in the environment, or pass ``--quantize``, to override;
``BITEXT_INT8_KERNEL=int_mm|fbgemm`` overrides the int8 kernel (to measure both on a new CPU with
bench/bench_translate.py).

Batch invariance by precision (what tests/test_b20_batch_vs_single.py asserts, on every x86-64
kernel set): a draft's numbers depend on its batch neighbours only through rounding in the float
kernels (attention, softmax, layer norm; in ``none`` and ``bf16`` also the matrix products, whose
blocking depends on the batch shape). ``int8`` (both kernels): linear layers exact (integer
sums, per-row scales), drafts identical alone and batched except at near-ties (``int8-fbgemm``'s
7-bit activation step makes a rounding flip twice as large: bench/README.md); ``none``: the same,
with the float products added to the rounding sources; ``bf16``: bfloat16 rounding (8 bits of
mantissa) turns kernel-order differences into visible ones, drafts may change with the batch: not
asserted.
"""
from __future__ import annotations

import os

#: ``--quantize`` choices for the torch engine on CPU. ``auto``: by the processor (module docstring);
#: ``int8``: int8 weights and per-row int8 activations (:mod:`toolkit.mt.int8_linear`, CTranslate2's
#: int8 scheme); ``bf16``: bfloat16 weights and activations; ``none``: exact float32. CUDA always
#: runs in bfloat16 or float16.
QUANTIZE_CHOICES = ("auto", "none", "bf16", "int8")
DEFAULT_QUANTIZE = "auto"

#: What each explicit choice computes in, as :class:`toolkit.mt.settings.EngineSettings` records it;
#: ``int8`` is ``int8`` or ``int8-fbgemm`` by the kernel (:func:`cpu_precision`).
PRECISION_OF = {"none": "float32", "bf16": "bfloat16", "int8": "int8"}

#: Environment override of ``auto`` (e.g. after measuring with bench/bench_translate.py).
ENV_OVERRIDE = "BITEXT_CPU_PRECISION"
#: Environment override of the int8 kernel (:data:`INT8_KERNELS`).
KERNEL_OVERRIDE = "BITEXT_INT8_KERNEL"
#: int8 kernels of :mod:`toolkit.mt.int8_linear`: 8-bit activations through ``torch._int_mm``, or
#: 7-bit activations through fbgemm's AVX2/AVX-512 kernels. Their drafts differ, so the precision
#: name says which (``int8`` / ``int8-fbgemm``) and the draft cache keeps them apart.
INT8_KERNELS = ("int_mm", "fbgemm")
#: The precision name each int8 kernel computes in.
INT8_PRECISION = {"int_mm": "int8", "fbgemm": "int8-fbgemm"}


def _env_choice(name: str, choices) -> str:
    """The value of environment variable ``name`` (stripped; ``""`` when unset or empty).

    Raises:
        UsageError: it is set to something not in ``choices``.
    """
    from toolkit.errors import UsageError

    forced = os.environ.get(name, "").strip()
    if forced and forced not in choices:
        raise UsageError(f"{name}={forced!r}: choose {', '.join(choices)}")
    return forced


def _has_int8_dot(cpu) -> bool:
    return cpu.has("avx512_vnni") or cpu.has("avx_vnni")


def int8_kernel() -> str:
    """The int8 kernel for this processor: ``int_mm`` with int8 dot products (VNNI, measured on
    Zen 4) or without AVX2, ``fbgemm`` on AVX2 without them (measured on Zen 3).

    Raises:
        UsageError: :data:`KERNEL_OVERRIDE` names no kernel.
    """
    from toolkit.mt.cpu import cpu_info

    forced = _env_choice(KERNEL_OVERRIDE, INT8_KERNELS)
    if forced:
        return forced
    cpu = cpu_info()
    return "fbgemm" if cpu.has("avx2") and not _has_int8_dot(cpu) else "int_mm"


def auto_quantize() -> str:
    """The ``--quantize`` value ``auto`` stands for on this processor (``"bf16"``, ``"int8"`` or ``"none"``).

    Raises:
        UsageError: :data:`ENV_OVERRIDE` is set to something other than int8, bf16 or none.
    """
    from toolkit.mt.cpu import cpu_info

    forced = _env_choice(ENV_OVERRIDE, PRECISION_OF)
    if forced:
        return forced
    cpu = cpu_info()
    if cpu.has("amx_tile", "amx_bf16"):
        return "bf16"
    if _has_int8_dot(cpu) or cpu.has("avx2"):
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
    """The precision name (``int8``, ``int8-fbgemm``, ``bfloat16``, ``float32``) a ``--quantize`` value
    computes in on CPU.

    Raises:
        UsageError: an unknown value or kernel override.
    """
    q = resolve_quantize(quantize)
    return INT8_PRECISION[int8_kernel()] if q == "int8" else PRECISION_OF[q]
