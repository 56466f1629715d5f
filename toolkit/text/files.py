"""Reading inputs with one set of errors, and atomic writing: a temp file, fsync, ``os.replace``.

An interrupted run therefore leaves either the old file or the complete new one, never half a
file (the rename is atomic on POSIX and on Windows for the same volume).

Overwrite policy (README "Errors, exit codes and safety"): a file the user names as output may be
replaced; a file whose name bitext derives is replaced only when bitext wrote it, or with ``--force``
(:func:`refuse_foreign_file`); an output that is also an input is always refused
(:func:`refuse_input_as_output`).
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, BinaryIO, Callable, Iterable, Iterator

from toolkit.errors import InputError, OutputError, ToolkitError, WouldOverwriteError


def open_input(path: str | Path, error: type[ToolkitError] = InputError, expected: str = "file") -> BinaryIO:
    """Open an input file for binary reading.

    Kept apart from parsing, so "not found" is never reported as a syntax error (polib does that).

    Args:
        path: the file.
        error: the :class:`ToolkitError` subclass to raise (e.g. ``GlossaryError``).
        expected: what the file should be, for the message ("text file", "glossary file").

    Raises:
        error: the file is missing, a directory, not a regular file (FIFO, device) or unreadable;
            the message names ``path``.
    """
    p = Path(path)
    if p.exists() and not p.is_file() and not p.is_dir():  # a FIFO or device would block or never end
        raise error(f"not a regular file, expected a {expected}", p)
    try:
        return p.open("rb")
    except FileNotFoundError:
        raise error("file not found", p) from None
    except IsADirectoryError:
        raise error(f"is a directory, expected a {expected}", p) from None
    except OSError as e:
        raise error(f"cannot read: {e.strerror}", p) from None


def read_input_bytes(path: str | Path, error: type[ToolkitError] = InputError, expected: str = "file") -> bytes:
    """The whole content of an input file; errors as :func:`open_input`."""
    with open_input(path, error, expected) as f:
        try:
            return f.read()
        except OSError as e:
            raise error(f"cannot read: {e.strerror}", path) from None


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
        os.chmod(tmp, _file_mode(path))  # mkstemp makes 0600; the result should look like any new file
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


def _file_mode(path: Path) -> int:
    """Permission bits for ``path``: those of the file it replaces, else 0666 less the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


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


def refuse_input_as_output(output: str | Path, inputs: Iterable[str | Path]) -> None:
    """Refuse to write ``output`` when it is one of ``inputs`` (same file, also through a link).

    ``--force`` does not lift this: writing would destroy the input before it is read whole.

    Raises:
        WouldOverwriteError: naming ``output`` and the fix.
    """
    out = Path(output)
    if not out.exists():
        return
    for src in inputs:
        src = Path(src)
        with contextlib.suppress(OSError):
            if src.exists() and os.path.samefile(out, src):
                raise WouldOverwriteError(f"is also an input ({src}); choose another output name or folder", out)


def refuse_foreign_file(path: str | Path, force: bool, is_ours: Callable[[Path], bool] | None = None) -> None:
    """Refuse to replace an existing file whose name bitext derived, unless it is bitext's own or ``force``.

    Args:
        path: an output path the user did not name (``OUTDIR/<stem>.tsv``, ``PREFIX.<lang>``...).
        force: the user passed ``--force``.
        is_ours: recognises a file bitext wrote (by its header); None = never recognised.

    Raises:
        WouldOverwriteError: ``path`` exists, is not recognised as ours and ``force`` is false.
    """
    path = Path(path)
    if force or not path.exists():
        return
    if is_ours is not None:
        with contextlib.suppress(OSError, UnicodeError, ValueError):
            if is_ours(path):
                return
    raise WouldOverwriteError("exists and was not written by bitext; use --force to replace it", path)
