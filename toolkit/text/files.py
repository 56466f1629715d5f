"""Reading inputs with one set of errors, and atomic writing: a temp file, fsync, ``os.replace``.

An interrupted run therefore leaves either the old file or the complete new one, never half a
file (the rename is atomic on POSIX and on Windows for the same volume). Around that rename
(issue 12): an output that changed since it was read is not replaced (:class:`FileStamp`,
``expect``; the check and the rename are two system calls, so a save in between those
microseconds is the remaining window); a symlink is written through to its target; FIFOs,
devices and folders are refused; temporary names are short and carry the writer's pid, so a
killed run's leftovers are removed by the next write to the same file.

Overwrite policy (README "Errors, exit codes and safety"): a file the user names as output may be
replaced; a file whose name bitext derives is replaced only when bitext wrote it, or with ``--force``
(:func:`refuse_foreign_file`); an output that is also an input is always refused
(:func:`refuse_input_as_output`).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass
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


@dataclass(frozen=True)
class FileStamp:
    """What a file was when it was read: size, modification time (ns) and SHA-256 of its bytes.

    ``exists=False`` records that there was no file. Two stamps are equal when the file is the
    same; the hash catches a save within the file system's timestamp granularity.
    """

    exists: bool
    size: int = -1
    mtime_ns: int = -1
    sha256: str = ""

    @classmethod
    def of(cls, path: str | Path) -> "FileStamp":
        """The stamp of ``path`` now (``exists=False`` if missing). Raises OSError if unreadable."""
        try:
            with open(path, "rb") as f:
                st = os.fstat(f.fileno())
                digest = hashlib.sha256(f.read()).hexdigest()
        except FileNotFoundError:
            return cls(False)
        return cls(True, st.st_size, st.st_mtime_ns, digest)


def read_input_with_stamp(path: str | Path, error: type[ToolkitError] = InputError,
                          expected: str = "file") -> tuple[bytes, FileStamp]:
    """:func:`read_input_bytes` plus the file's :class:`FileStamp` taken from the same open file."""
    with open_input(path, error, expected) as f:
        try:
            st = os.fstat(f.fileno())
            data = f.read()
        except OSError as e:
            raise error(f"cannot read: {e.strerror}", path) from None
    return data, FileStamp(True, st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest())


class ConcurrentEditError(WouldOverwriteError):
    """The output changed on disk after bitext read it (someone saved it meanwhile); nothing written."""


#: Prefix of our temporary files: ``.~bitext.<8 hex of the target name>.<pid>.<random>.tmp`` stays
#: about 40 characters whatever the target's length (NAME_MAX is 255), and names its writer's pid
#: so that a later run can tell a killed run's leftovers from a live writer's.
TEMP_PREFIX = ".~bitext."
_TEMP_RE = re.compile(r"^\.~bitext\.([0-9a-f]{8})\.(\d+)\.[A-Za-z0-9_]+\.tmp$")


def resolve_output(path: str | Path) -> Path:
    """The file an output name really designates: a symlink's final target, else ``path``.

    Raises:
        OutputError: ``path`` (or its target) exists and is not a regular file (FIFO, device,
            socket, folder): replacing it would destroy something that is not ours to replace.
    """
    path = Path(path)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        st = target.stat()
    except FileNotFoundError:
        return target
    except OSError as e:
        raise _output_error(path, e) from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputError("cannot write: is a folder, expected a file name", path)
    if not stat.S_ISREG(st.st_mode):
        raise OutputError("cannot write: not a regular file (a FIFO, device or socket); name a file, "
                          "or '-' for standard output where the command offers it", path)
    return target


def _temp_key(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:8]


def clean_stale_temporaries(target: Path) -> int:
    """Remove temporaries of ours for ``target`` left by a run that was killed (its pid is gone).

    Returns:
        how many were removed. Files of live writers and anything not matching our name pattern
        are left alone.
    """
    key = _temp_key(target.name)
    removed = 0
    try:
        names = os.listdir(target.parent or ".")
    except OSError:
        return 0
    for name in names:
        m = _TEMP_RE.match(name)
        if not m or m.group(1) != key or _pid_alive(int(m.group(2))):
            continue
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(target.parent or ".", name))
            removed += 1
    return removed


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but not ours to signal
        return True
    return True


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str | None = "utf-8",
                newline: str | None = "\n", expect: FileStamp | None = None) -> Iterator[IO]:
    """Open ``path`` for writing so that it appears complete or not at all.

    Args:
        path: destination file; its folder must exist. A symlink is written through: the temporary
            file is made in the target's folder and renamed over the target, so the link stays.
        mode: ``"w"`` (text) or ``"wb"`` (bytes).
        encoding, newline: as for :func:`open` in text mode (default UTF-8, ``\\n`` line ends).
        expect: the stamp of ``path`` when the caller read it; if the file is different just before
            the rename (someone saved it meanwhile), nothing is written.

    Yields the temporary file object; on normal exit it is flushed, fsynced and renamed over
    ``path``. On an exception the temporary file is removed and ``path`` is untouched. Stale
    temporaries of killed runs for the same target are removed first.

    Raises:
        OutputError: the folder is missing or not writable, the disk is full, or ``path`` is a
            folder, FIFO or device; the message names ``path``.
        ConcurrentEditError: ``expect`` no longer matches the file.
        Other exceptions pass through unchanged.
    """
    path = Path(path)
    target = resolve_output(path)
    folder = target.parent if str(target.parent) else Path(".")
    clean_stale_temporaries(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{_temp_key(target.name)}.{os.getpid()}.",
                                   suffix=".tmp", dir=folder)
        os.chmod(tmp, _file_mode(target))  # mkstemp makes 0600; the result should look like any new file
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
        if expect is not None:
            now = FileStamp.of(target)
            if now != expect:
                raise ConcurrentEditError(
                    "changed on disk while bitext was working (saved by a reviewer or another run?); "
                    "nothing was written, their version is kept: re-run the same command to merge it", path)
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(e, OSError) and e.filename in (None, tmp, str(path), str(target)):
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
