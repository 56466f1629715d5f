"""Atomic file writing: a temp file in the target folder, fsync, then ``os.replace``.

An interrupted run therefore leaves either the old file or the complete new one, never half a
file (the rename is atomic on POSIX and on Windows for the same volume).
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

from toolkit.errors import OutputError


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str | None = "utf-8",
                newline: str | None = "\n") -> Iterator[IO]:
    """Open ``path`` for writing so that it appears complete or not at all.

    Args:
        path: destination file; its folder must exist.
        mode: ``"w"`` (text) or ``"wb"`` (bytes).
        encoding, newline: as for :func:`open` in text mode (default UTF-8, ``\\n`` line ends).

    Yields the temporary file object; on normal exit it is flushed, fsynced and renamed over
    ``path``. On an exception the temporary file is removed and ``path`` is untouched.

    Raises:
        OutputError: the folder is missing or not writable, the disk is full, or ``path`` is a
            folder; the message names ``path``. Other exceptions pass through unchanged.
    """
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    except OSError as e:
        raise _output_error(path, e) from None
    try:
        if "b" in mode:
            f = os.fdopen(fd, mode)
        else:
            f = os.fdopen(fd, mode, encoding=encoding, newline=newline)
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(e, OSError) and e.filename in (None, tmp, str(path)):
            raise _output_error(path, e) from None
        raise


def _output_error(path: Path, e: OSError) -> OutputError:
    """An OutputError naming ``path`` (not the temporary file) and what to do about ``e``."""
    if isinstance(e, FileNotFoundError) and not path.parent.is_dir():
        return OutputError(f"cannot write: folder {str(path.parent)!r} does not exist; create it first", path)
    if isinstance(e, IsADirectoryError) or path.is_dir():
        return OutputError("cannot write: is a folder, expected a file name", path)
    return OutputError(f"cannot write: {e.strerror or e}", path)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8 with ``\\n`` line ends, atomically."""
    with atomic_open(path) as f:
        f.write(text)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_open(path, "wb", encoding=None, newline=None) as f:
        f.write(data)
