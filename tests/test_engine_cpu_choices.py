"""Per-CPU engine defaults (issue 16): what the processor offers → precision, threads, CTranslate2 call shape.

These run without a model: /proc and sysfs are replaced by small fixtures shaped like the real
files of an Intel Xeon (Sapphire Rapids, AMX) and an AMD EPYC (Zen 3, AVX2 only).
"""
from __future__ import annotations

import json

import pytest

from toolkit.errors import UsageError
from toolkit.mt import cpu, ct2_shape, precision

XEON_SPR = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: fpu sse2 avx avx2 fma avx512f avx512bw avx512_vnni avx512_bf16 avx512_fp16 amx_bf16 amx_tile amx_int8

processor\t: 1
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: fpu
"""
EPYC_ZEN3 = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7B13
flags\t\t: fpu sse2 avx avx2 fma sha_ni
"""
ZEN4_NO_AMX = EPYC_ZEN3.replace("sha_ni", "avx512f avx512_vnni avx512_bf16")
NO_AVX2 = EPYC_ZEN3.replace("avx avx2 fma sha_ni", "avx")
_CPU_INFO = cpu.cpu_info  # the cached reader, before any test replaces it


def _machine(monkeypatch, cpuinfo: str, *, affinity: int = 2, cgroup: dict[str, str] | None = None):
    """Make toolkit.mt.cpu read ``cpuinfo`` and the given cgroup files; returns the new CpuInfo."""
    files = {"/proc/cpuinfo": cpuinfo, **(cgroup or {})}
    monkeypatch.setattr(cpu, "_read", lambda path: files.get(path, ""))
    monkeypatch.setattr(cpu.os, "sched_getaffinity", lambda pid: set(range(affinity)))
    monkeypatch.delenv(precision.ENV_OVERRIDE, raising=False)
    monkeypatch.delenv(precision.KERNEL_OVERRIDE, raising=False)
    _CPU_INFO.cache_clear()
    info = _CPU_INFO()
    _CPU_INFO.cache_clear()  # nothing cached from the fixture outlives the test
    monkeypatch.setattr(cpu, "cpu_info", lambda: info)
    monkeypatch.setattr(ct2_shape, "cpu_info", lambda: info)
    return info


def test_cpuinfo_gives_model_vendor_and_the_first_processors_flags(monkeypatch):
    info = _machine(monkeypatch, XEON_SPR)
    assert (info.model, info.vendor) == ("Intel(R) Xeon(R) Platinum 8480+", "GenuineIntel")
    assert info.has("amx_tile", "amx_bf16") and not info.has("sha_ni")
    assert info.isa() == "avx2 fma avx512f avx512_vnni avx512_bf16 avx512_fp16 amx_tile amx_bf16 amx_int8"


def test_usable_cores_follow_affinity_and_a_cgroup_quota_not_the_host(monkeypatch):
    assert _machine(monkeypatch, EPYC_ZEN3, affinity=64).cores == 64
    assert _machine(monkeypatch, EPYC_ZEN3, affinity=64, cgroup={"/sys/fs/cgroup/cpu.max": "200000 100000"}).cores == 2
    v1 = {"/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "50000", "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000"}
    assert _machine(monkeypatch, EPYC_ZEN3, affinity=8, cgroup=v1).cores == 1  # half a CPU: still one thread
    assert _machine(monkeypatch, EPYC_ZEN3, affinity=8, cgroup={"/sys/fs/cgroup/cpu.max": "max 100000"}).cores == 8


AVX_VNNI_CLIENT = EPYC_ZEN3.replace("sha_ni", "avx_vnni")   # AVX-VNNI without AVX-512 (Alder Lake class)


@pytest.mark.parametrize("cpuinfo,want,kernel", [(XEON_SPR, "int8", "fbgemm-vnni"), (ZEN4_NO_AMX, "int8", "fbgemm-vnni"),
                                                 (AVX_VNNI_CLIENT, "int8", "int_mm"),
                                                 (EPYC_ZEN3, "int8-fbgemm", "fbgemm"), (NO_AVX2, "float32", "int_mm")])
def test_auto_precision_is_int8_with_avx2_or_vnni_else_float32_and_the_kernel_follows_the_isa(monkeypatch, cpuinfo,
                                                                                               want, kernel):
    _machine(monkeypatch, cpuinfo)
    assert precision.cpu_precision(None) == precision.cpu_precision("auto") == want
    assert precision.cpu_precision("none") == "float32"  # an explicit --quantize still wins
    assert precision.cpu_precision("bf16") == "bfloat16"
    assert precision.int8_kernel() == kernel
    assert precision.cpu_precision("int8") == ("int8-fbgemm" if kernel == "fbgemm" else "int8")  # 7-bit only on AVX2


def test_the_int8_kernel_can_be_overridden_from_the_environment(monkeypatch):
    _machine(monkeypatch, EPYC_ZEN3)
    assert precision.int8_kernel() == "fbgemm"
    monkeypatch.setenv(precision.KERNEL_OVERRIDE, "int_mm")
    assert (precision.int8_kernel(), precision.cpu_precision("int8")) == ("int_mm", "int8")
    monkeypatch.setenv(precision.KERNEL_OVERRIDE, "amx")
    with pytest.raises(UsageError, match="BITEXT_INT8_KERNEL='amx'"):
        precision.cpu_precision("int8")


def test_auto_precision_can_be_overridden_from_the_environment(monkeypatch):
    _machine(monkeypatch, XEON_SPR)
    monkeypatch.setenv(precision.ENV_OVERRIDE, "bf16")
    assert precision.cpu_precision("auto") == "bfloat16"
    monkeypatch.setenv(precision.ENV_OVERRIDE, "fp8")
    with pytest.raises(UsageError, match="BITEXT_CPU_PRECISION='fp8'"):
        precision.cpu_precision("auto")
    with pytest.raises(UsageError, match="unknown quantization 'int4'"):
        precision.cpu_precision("int4")


def test_plan_settings_predicts_the_auto_precision_in_the_cache_key(monkeypatch, tmp_path):
    from toolkit.mt.settings import plan_settings

    _machine(monkeypatch, XEON_SPR)
    planned = plan_settings(str(tmp_path / "absent-model"), engine="torch", device="cpu")
    assert planned.precision == "int8" and "precision=int8" in planned.key()
    _machine(monkeypatch, EPYC_ZEN3)
    assert plan_settings(str(tmp_path / "absent-model"), engine="torch", device="cpu").precision == "int8-fbgemm"
    _machine(monkeypatch, NO_AVX2)
    assert plan_settings(str(tmp_path / "absent-model"), engine="torch", device="cpu").precision == "float32"


@pytest.mark.parametrize("cpuinfo,cores,rows", [(ZEN4_NO_AMX, 1, 32), (ZEN4_NO_AMX, 2, 32), (ZEN4_NO_AMX, 4, 64),
                                                (ZEN4_NO_AMX, 16, 128), (XEON_SPR, 2, 32), (EPYC_ZEN3, 1, 16),
                                                (EPYC_ZEN3, 2, 16), (EPYC_ZEN3, 4, 32), (EPYC_ZEN3, 16, 64)])
def test_ct2_default_call_shape_scales_rows_with_cores_and_vector_width(monkeypatch, cpuinfo, cores, rows):
    _machine(monkeypatch, cpuinfo, affinity=cores)
    shape = ct2_shape.call_shape(None, beams=4)
    assert (shape.rows, shape.source) == (rows, "cpu-default")
    assert shape.texts(4) == rows // 4 and shape.tokens == shape.texts(4) * ct2_shape.TOKENS_PER_TEXT


def test_ct2_calibration_is_used_only_on_the_cpu_it_was_measured_on(monkeypatch, tmp_path):
    info = _machine(monkeypatch, EPYC_ZEN3)
    calib = tmp_path / ct2_shape.CALIBRATION_FILE
    calib.write_text(json.dumps({"cpu": info.model, "cores": info.cores, "beams": 4, "rows": 16}), encoding="utf-8")
    shape = ct2_shape.call_shape(tmp_path, beams=4)
    assert (shape.rows, shape.texts(4), shape.source) == (16, 4, "calibrated")
    assert ct2_shape.call_shape(tmp_path, beams=1).texts(1) == 16  # rows are stored: other beam sizes scale
    _machine(monkeypatch, XEON_SPR)  # another processor: the calibration does not apply
    assert ct2_shape.call_shape(tmp_path, beams=4).source == "cpu-default"
    calib.write_text("{not json", encoding="utf-8")
    assert ct2_shape.call_shape(tmp_path, beams=4).source == "cpu-default"


def test_the_vnni_check_fails_on_fbgemm_kernels_that_saturate():
    """Negative control of :func:`toolkit.mt.int8_linear.fbgemm_vnni_exact`: fbgemm's AVX2 and plain
    AVX-512 kernels add u8 × s8 pairs in saturating int16; forced onto them (fbgemm's own
    ``FBGEMM_ENABLE_INSTRUCTIONS``), the check must say no on any x86-64 CPU, and the engine's
    ``fbgemm-vnni`` kernel must fall back to ``int_mm`` (the same numbers)."""
    import os
    import subprocess
    import sys

    pytest.importorskip("torch")
    from toolkit.mt.int8_linear import fbgemm_available

    if not fbgemm_available():
        pytest.skip("no fbgemm in this torch build")
    code = "from toolkit.mt.int8_linear import fbgemm_vnni_exact, usable_kernel; " \
           "print(fbgemm_vnni_exact(), usable_kernel('fbgemm-vnni'))"
    for isa in ("AVX2", "AVX512"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "FBGEMM_ENABLE_INSTRUCTIONS": isa}).stdout.split()
        assert out == ["False", "int_mm"], isa
