"""What the processor at hand offers, read torch-free from Linux (``/proc/cpuinfo``, sysfs, cgroups).

The engines' CPU defaults (precision, threads, CTranslate2 call shape) are derived from these facts,
and :func:`toolkit.mt.settings.plan_settings` predicts them from the same functions without loading
anything, so the prediction and the loaded engine agree (issue 16). On a system without these files
(not Linux) every function falls back to a conservative answer: no ISA extensions, ``os.cpu_count()``.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

#: The ISA flags that decide a kernel choice here, as ``/proc/cpuinfo`` spells them.
#: avx512_vnni / avx_vnni: int8 dot products (oneDNN's int8 kernels); avx512_bf16: bf16 dot
#: products; amx_tile + amx_bf16 / amx_int8: AMX tile matrix units (Sapphire Rapids and later).
REPORTED_FLAGS = ("avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "avx512_fp16",
                  "amx_tile", "amx_bf16", "amx_int8")


@dataclass(frozen=True)
class CpuInfo:
    """Facts about the CPU this process may run on.

    Attributes:
        model: the ``model name`` line of ``/proc/cpuinfo`` (``"unknown"`` when absent).
        vendor: ``GenuineIntel``, ``AuthenticAMD``… (``""`` when absent).
        flags: ISA feature flags of the first processor.
        cores: CPUs this process may use: the affinity mask, further limited by a cgroup v2/v1 CPU
            quota (a container given 2 CPUs' worth of time on a 64-CPU host counts 2).
        l2_kib: L2 cache per core in KiB (0 when unknown).
        l3_kib: L3 cache (one instance) in KiB (0 when unknown).
    """

    model: str
    vendor: str
    flags: frozenset[str] = field(repr=False)
    cores: int
    l2_kib: int
    l3_kib: int

    def has(self, *flags: str) -> bool:
        """Whether every one of ``flags`` is offered."""
        return all(f in self.flags for f in flags)

    def isa(self) -> str:
        """The :data:`REPORTED_FLAGS` present, space-separated (for benchmark output and notes)."""
        return " ".join(f for f in REPORTED_FLAGS if f in self.flags) or "(none of: " + " ".join(REPORTED_FLAGS) + ")"


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _cgroup_quota() -> float | None:
    """CPUs' worth of time allowed by the cgroup (v2 ``cpu.max`` or v1 ``cfs_quota_us``), None if unlimited."""
    v2 = _read("/sys/fs/cgroup/cpu.max").split()
    if len(v2) == 2 and v2[0] != "max":
        return int(v2[0]) / int(v2[1])
    quota = _read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").strip()
    period = _read("/sys/fs/cgroup/cpu/cpu.cfs_period_us").strip()
    if quota and period and int(quota) > 0:
        return int(quota) / int(period)
    return None


def usable_cores() -> int:
    """CPUs this process may use (affinity mask, limited by a cgroup quota), at least 1.

    ``os.cpu_count()`` counts the host's CPUs: in a container limited to 2 CPUs on a large host,
    torch or CTranslate2 would start one thread per host CPU and oversubscribe the quota, which
    makes run times swing with whatever else the host runs.
    """
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    quota = _cgroup_quota()
    if quota is not None:
        n = min(n, max(1, int(quota)))
    return max(1, n)


def _cache_kib(level: int) -> int:
    base = Path("/sys/devices/system/cpu/cpu0/cache")
    for index in sorted(base.glob("index*")) if base.is_dir() else []:
        if _read(str(index / "level")).strip() == str(level) and _read(str(index / "type")).strip() != "Instruction":
            size = _read(str(index / "size")).strip().upper()
            if size.endswith("K"):
                return int(size[:-1])
            if size.endswith("M"):
                return int(size[:-1]) * 1024
    return 0


@functools.lru_cache(maxsize=1)
def cpu_info() -> CpuInfo:
    """The :class:`CpuInfo` of this machine (read once per process)."""
    model, vendor, flags = "unknown", "", frozenset()
    for line in _read("/proc/cpuinfo").splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and model == "unknown":
            model = value.strip()
        elif key == "vendor_id" and not vendor:
            vendor = value.strip()
        elif key == "flags" and not flags:
            flags = frozenset(value.split())
        if key == "" and flags:  # end of the first processor's block
            break
    return CpuInfo(model, vendor, flags, usable_cores(), _cache_kib(2), _cache_kib(3))
