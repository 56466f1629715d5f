"""Finding a MarianMT checkpoint on disk: a local folder, or a hub id in the Hugging Face cache.

transformers' own ``from_pretrained("Helsinki-NLP/opus-mt-vi-en")`` on a machine without network
retries for minutes and then fails with an unrelated ``TypeError`` (measured here: 4 min 40 s).
So the toolkit resolves the checkpoint itself first and fails fast with one clear message:
a local directory is used as is; a hub id is looked up in the HF cache (``HF_HOME``/``HF_HUB_CACHE``);
only if it is not cached, the hub is allowed (``HF_HUB_OFFLINE`` unset) and its host answers
within a few seconds, is it downloaded.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlparse

from toolkit.errors import ModelUnavailableError

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-vi-en"

# What a Marian checkpoint needs (opus-mt file layout); weights in either format.
REQUIRED_FILES = ("config.json", "source.spm", "target.spm", "vocab.json")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_DOWNLOAD_PATTERNS = ["*.json", "*.spm", "model.safetensors", "pytorch_model.bin"]


def _how_to_fix(model: str) -> str:
    return (f"to fix: on a machine with network run `hf download {model} --local-dir opus-mt-vi-en` "
            f"(or `python -c \"from huggingface_hub import snapshot_download as s; s('{model}')\"` "
            f"and copy ~/.cache/huggingface), then pass --model DIR (or set HF_HOME to the copied cache)")


def check_checkpoint_dir(path: Path, model: str) -> Path:
    """Verify ``path`` holds a Marian checkpoint; returns it.

    Raises:
        ModelUnavailableError: a required file is missing (names the files), or ``path`` is a
            CTranslate2 copy (names the checkpoint to pass instead).
    """
    if (path / "model.bin").is_file() and not (path / "source.spm").is_file():
        raise ModelUnavailableError(
            f"model {model!r}: directory {path} is a CTranslate2 model, not a MarianMT checkpoint; pass the "
            f"checkpoint it was converted from (--model {path.parent}): --engine auto then uses {path.name}")
    missing = [f for f in REQUIRED_FILES if not (path / f).is_file()]
    if not any((path / f).is_file() for f in WEIGHT_FILES):
        missing.append(" or ".join(WEIGHT_FILES))
    if missing:
        raise ModelUnavailableError(
            f"model {model!r}: directory {path} is not a MarianMT checkpoint (missing {', '.join(missing)}); "
            + _how_to_fix(DEFAULT_MODEL))
    return path


def _hub_reachable(endpoint: str, timeout_s: float = 3.0) -> str | None:
    """None if a TCP connection to the hub endpoint opens within ``timeout_s``, else the reason."""
    url = urlparse(endpoint)
    host, port = url.hostname or "", url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return None
    except OSError as e:
        return f"{host} unreachable ({e.strerror or e.__class__.__name__})"


def resolve_model(model: str, *, allow_download: bool = True) -> Path:
    """Return a local folder holding the checkpoint named by ``model``.

    Args:
        model: a local directory, or a hub id such as ``Helsinki-NLP/opus-mt-vi-en``.
        allow_download: permit a hub download when not cached (also requires ``HF_HUB_OFFLINE``
            unset and the endpoint reachable).

    Returns:
        The checkpoint folder (the local directory, or the HF cache snapshot).

    Raises:
        ModelUnavailableError: not a checkpoint, not cached and not downloadable; the message says
            what was tried and how to get the model.
    """
    path = Path(model).expanduser()
    if path.is_dir():
        return check_checkpoint_dir(path, model)
    if path.is_absolute() or model.startswith((".", "~")) or model.count("/") > 1:
        raise ModelUnavailableError(f"model {model!r}: no such directory (check the path); if you do not have "
                                    f"the model yet: " + _how_to_fix(DEFAULT_MODEL))

    from huggingface_hub import constants, snapshot_download

    tried = [f"local directory ./{model} (none)"]
    try:
        snap = Path(snapshot_download(model, local_files_only=True, allow_patterns=_DOWNLOAD_PATTERNS))
        return check_checkpoint_dir(snap, model)
    except ModelUnavailableError:
        raise
    except Exception:  # noqa: BLE001 - huggingface_hub raises several types for "not cached"
        tried.append(f"Hugging Face cache {constants.HF_HUB_CACHE} (not cached)")
    offline = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}
    if offline or not allow_download:
        tried.append("hub download (disabled by HF_HUB_OFFLINE)" if offline else "hub download (disabled)")
    else:
        reason = _hub_reachable(constants.ENDPOINT)
        if reason is None:
            try:
                snap = Path(snapshot_download(model, allow_patterns=_DOWNLOAD_PATTERNS, etag_timeout=10))
                return check_checkpoint_dir(snap, model)
            except ModelUnavailableError:
                raise
            except Exception as e:  # noqa: BLE001
                reason = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        tried.append(f"hub download from {constants.ENDPOINT} ({reason})")
    raise ModelUnavailableError(f"model {model!r} is not available; tried: {'; '.join(tried)}; " + _how_to_fix(model))
