"""CPU precision of the torch engine: the ``--quantize`` choices, what each computes in, and ``auto``.

Torch-free, so the CLI and :func:`toolkit.mt.settings.plan_settings` can use it without loading a model:
``auto`` is decided from the processor's ISA flags (:mod:`toolkit.mt.cpu`), so the prediction and the
loaded engine name the same precision (issue 16).

How ``auto`` decides, and why (bench/README.md has the measurements):

* **AVX2 or int8 dot products** (x86-64 from Haswell / Zen on) → ``int8``: per-row int8
  activations with exact integer sums, the closest to float32 of the fast options and batch-invariant
  (b20). Its kernel follows the CPU (:func:`int8_kernel`):

  - ``avx512_vnni`` (AMD Zen 4, Intel Ice Lake / Sapphire Rapids and later) → ``fbgemm-vnni``:
    fbgemm's pre-packed int8 kernels with 8-bit activations (VNNI adds u8 × s8 products straight
    into int32, so nothing saturates; checked once per process, :mod:`toolkit.mt.int8_linear`),
    the same integers and roundings as ``torch._int_mm`` — the same drafts. On an AMD EPYC Zen 4
    (2 threads, beam 4, 32 sentences, medians of 3; bench/README.md) ``fbgemm-vnni`` took 15.0 s,
    ``_int_mm`` 14.5 s, fbgemm 7-bit 16.3 s, bf16 20.3 s, fp32 28.8 s: the two 8-bit kernels are
    equally fast there. On an Intel Xeon Sapphire Rapids (issue 16)
    ``_int_mm`` took 27.8 s, swinging 1.4× between quiet rounds, and bf16 on the AMX tiles 25.4 s:
    both 3.3–3.6× naive. Likely causes (not measurable here, no such CPU): oneDNN creates a kernel
    per matrix shape, and ours change with every batch, and reorders the weights for the AMX tiles
    on each call, where fbgemm packs them once. So AMX machines get int8 on fbgemm too, not bf16
    (whose drafts also change with their batch neighbours); fbgemm's speed there is not measured.
  - ``avx_vnni`` without AVX-512 → ``int_mm`` (oneDNN has AVX-VNNI kernels; fbgemm does not);
  - AVX2 only (e.g. AMD Zen 3) → ``fbgemm`` with 7-bit activations (precision ``int8-fbgemm``):
    ``torch._int_mm`` has no fast kernel there (2 threads, 32 rows: 512×512 6.6 ms in int8 against
    0.28 ms in fp32, the 512×53,739 vocabulary projection 685 ms against 69 ms; fbgemm ≈ 10 ms).
* **None of these** (no AVX2, or not x86) → ``none`` (float32).

Set ``BITEXT_CPU_PRECISION=int8|bf16|none`` in the environment, or pass ``--quantize``, to override;
``BITEXT_INT8_KERNEL=int_mm|fbgemm|fbgemm-vnni`` overrides the int8 kernel (to measure them on a
new CPU with bench/bench_translate.py).

Batch invariance by precision (what tests/test_b20_batch_vs_single.py asserts, on every x86-64
kernel set): a draft's numbers depend on its batch neighbours only through rounding in the float
kernels (attention, softmax, layer norm; in ``none`` and ``bf16`` also the matrix products, whose
blocking depends on the batch shape). ``int8`` (every kernel): linear layers exact (integer
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
#: int8 kernels of :mod:`toolkit.mt.int8_linear`: 8-bit activations through ``torch._int_mm``,
#: 7-bit activations through fbgemm (any AVX2 CPU), or 8-bit activations through fbgemm (needs VNNI).
#: The 7-bit drafts differ, so the precision name says which (``int8`` / ``int8-fbgemm``) and the
#: draft cache keeps them apart; ``int_mm`` and ``fbgemm-vnni`` compute the same numbers.
INT8_KERNELS = ("int_mm", "fbgemm", "fbgemm-vnni")
#: The precision name each int8 kernel computes in.
INT8_PRECISION = {"int_mm": "int8", "fbgemm": "int8-fbgemm", "fbgemm-vnni": "int8"}


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


def int8_kernel() -> str:
    """The int8 kernel for this processor (module docstring): ``fbgemm-vnni`` with ``avx512_vnni``,
    ``int_mm`` with ``avx_vnni`` only or without AVX2, ``fbgemm`` on AVX2 without int8 dot products.

    Raises:
        UsageError: :data:`KERNEL_OVERRIDE` names no kernel.
    """
    from toolkit.mt.cpu import cpu_info

    forced = _env_choice(KERNEL_OVERRIDE, INT8_KERNELS)
    if forced:
        return forced
    cpu = cpu_info()
    if cpu.has("avx512_vnni"):
        return "fbgemm-vnni"
    return "fbgemm" if cpu.has("avx2") and not cpu.has("avx_vnni") else "int_mm"


def auto_quantize() -> str:
    """The ``--quantize`` value ``auto`` stands for on this processor (``"int8"`` or ``"none"``).

    Raises:
        UsageError: :data:`ENV_OVERRIDE` is set to something other than int8, bf16 or none.
    """
    from toolkit.mt.cpu import cpu_info

    forced = _env_choice(ENV_OVERRIDE, PRECISION_OF)
    if forced:
        return forced
    cpu = cpu_info()
    return "int8" if cpu.has("avx2") or cpu.has("avx512_vnni") or cpu.has("avx_vnni") else "none"


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
