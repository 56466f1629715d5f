"""What an engine run is, as one value: :class:`EngineSettings`.

The PO header (``X-MT-Settings``), the draft-cache key of the translation memory, the JSON report
and the benchmark all take the run's provenance from here, so they cannot disagree.

Two ways to get one:

* a loaded engine reports ``engine.settings`` — the device and precision it actually uses;
* :func:`plan_settings` predicts the same value *without loading anything* (no torch import), so a
  run served entirely from the translation memory, or a file already up to date, needs no model.
  Engines build their settings with the same helpers, so the two agree; a loaded engine's value wins
  when they do not (e.g. ``--device auto`` on a machine whose GPU the prediction could not see).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: Devices the engines accept; ``auto`` picks CUDA when a GPU is visible.
DEVICE_CHOICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class EngineSettings:
    """Provenance of the drafts an engine makes.

    Attributes:
        engine: ``"torch"``, ``"ct2"`` (CTranslate2) or a test engine's name.
        device: ``"cpu"`` or ``"cuda"`` — resolved, never ``"auto"``.
        precision: what the arithmetic actually is: ``"int8"`` / ``"int8-fbgemm"`` (per-row int8
            linear layers, by kernel: :mod:`toolkit.mt.int8_linear`), ``"float32"``, ``"bfloat16"``, ``"float16"``, or a CTranslate2 compute type
            (``"int8"``, ``"int8_float16"``…).
        beams: beam size (1 = greedy).
        model: the model id or folder as given.
        weights: identifies the weights: ``rev-<commit>`` for a Hugging Face cache snapshot, else
            ``stat-<size>-<mtime_ns>`` of the weights file (a re-copied or re-converted model counts as
            new: cached drafts are re-made, never served for other weights); ``""`` when unknown.
        variant: engine-specific detail that changes drafts (e.g. the converted folder
            ``ctranslate2-int8``); ``""`` when none.
    """

    engine: str
    device: str
    precision: str
    beams: int
    model: str = ""
    weights: str = ""
    variant: str = ""

    def key(self) -> str:
        """Canonical ``name=value;…`` string: the PO header's ``X-MT-Settings`` and part of the
        draft-cache key. The model id is recorded separately (``X-MT-Model``)."""
        parts = [f"engine={self.engine}" + (f":{self.variant}" if self.variant else ""),
                 f"device={self.device}", f"precision={self.precision}", f"beams={self.beams}"]
        if self.weights:
            parts.append(f"weights={self.weights}")
        return ";".join(parts)

    def __str__(self) -> str:
        return self.key()


def cuda_visible() -> bool:
    """Whether a CUDA GPU is visible, decided without importing torch or CTranslate2.

    Reads ``CUDA_VISIBLE_DEVICES`` (empty or ``-1`` hides every GPU) and the NVIDIA driver's
    ``/proc/driver/nvidia/gpus`` listing. A loaded engine asks its framework instead; see the
    module docstring for what happens when the two disagree.
    """
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None and visible.strip() in ("", "-1"):
        return False
    gpus = Path("/proc/driver/nvidia/gpus")
    try:
        return gpus.is_dir() and any(gpus.iterdir())
    except OSError:
        return False


def resolve_device(device: str) -> str:
    """``"auto"`` → ``"cuda"`` or ``"cpu"`` by :func:`cuda_visible`; other values pass through.

    Raises:
        UsageError: not one of :data:`DEVICE_CHOICES`.
    """
    from toolkit.errors import UsageError

    if device not in DEVICE_CHOICES:
        raise UsageError(f"unknown device {device!r} (choose {', '.join(DEVICE_CHOICES)})")
    if device == "auto":
        return "cuda" if cuda_visible() else "cpu"
    return device


def weights_fingerprint(checkpoint: Path) -> str:
    """Identify the weights in a checkpoint folder cheaply (no hashing of 289 MB on every run).

    Returns:
        ``rev-<12 hex>`` when ``checkpoint`` is a Hugging Face cache snapshot (its folder name is
        the commit), else ``stat-<size>-<mtime_ns>`` of the first weights file found, or ``""``.
    """
    from toolkit.mt.model_source import WEIGHT_FILES

    if checkpoint.parent.name == "snapshots" and len(checkpoint.name) >= 12:
        return f"rev-{checkpoint.name[:12]}"
    for name in WEIGHT_FILES:
        f = checkpoint / name
        if f.is_file():
            st = f.stat()
            return f"stat-{st.st_size}-{st.st_mtime_ns}"
    return ""


def cuda_precision_guess() -> str:
    """The half precision the torch engine picks on CUDA when it cannot ask the GPU yet."""
    return "bfloat16"


def plan_settings(model: str, *, engine: str = "auto", device: str = "auto", beams: int = 4,
                  quantize: str | None = None) -> EngineSettings:
    """Predict the :class:`EngineSettings` that :func:`toolkit.mt.translator.load_engine` would report.

    Loads nothing and never imports torch or CTranslate2 (the CTranslate2 case only looks for a
    converted folder). Used for the draft-cache key and the up-to-date check of a run that may never
    need the model.

    Args:
        model: hub id or checkpoint folder.
        engine, device, beams, quantize: the run's options (``quantize`` None = the default).

    Raises:
        UsageError: unknown engine or device, or ``ct2`` without CTranslate2 installed.
    """
    from toolkit.errors import ModelUnavailableError
    from toolkit.mt.model_source import resolve_model
    from toolkit.mt.translator import resolve_engine

    resolved = resolve_engine(model, engine)
    dev = resolve_device(device)
    try:
        weights = weights_fingerprint(resolve_model(model, allow_download=False))
    except ModelUnavailableError:
        weights = ""  # not on disk yet: the loaded engine will report it
    beams = max(1, int(beams))
    if resolved.startswith("ct2"):
        folder = resolved.partition(":")[2]
        precision = folder.removeprefix("ctranslate2-") or "default"
        return EngineSettings("ct2", dev, precision, beams, model, weights, folder)
    from toolkit.mt.precision import cpu_precision

    precision = cuda_precision_guess() if dev == "cuda" else cpu_precision(quantize)
    return EngineSettings("torch", dev, precision, beams, model, weights)
