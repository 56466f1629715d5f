"""Errors raised by the toolkit's library code.

Only the CLI turns these into messages and exit codes (``toolkit.cli``); library code raises and
never exits. Every error carries the place (``path``, ``line``) and, where there is one, the fix.

Exit codes (documented in README.md): 0 success, 1 input or usage error, 2 model unavailable,
3 finished with flagged segments under ``--strict``.
"""
from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_MODEL = 2
EXIT_FLAGGED = 3


class ToolkitError(Exception):
    """Base of every error the toolkit raises on purpose.

    Args:
        message: what is wrong and, where possible, how to fix it (one line).
        path: the file concerned, if any.
        line: 1-based line number inside ``path``, if known.
    """

    exit_code = EXIT_INPUT

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return where + self.message


class InputError(ToolkitError):
    """An input file (article, PO, TSV, TMX) cannot be read or parsed."""


class GlossaryError(InputError):
    """A glossary file is unusable; ``line`` names the offending row."""


class FormatError(InputError):
    """A bilingual file (PO, TSV, TMX, TBX) is malformed or cannot represent the data."""


class UsageError(ToolkitError):
    """The command line or API arguments are inconsistent."""


class WouldOverwriteError(ToolkitError):
    """Writing would replace a file the user did not name as output, or human-reviewed work."""


class OutputError(ToolkitError):
    """An output file or folder cannot be written (missing folder, permissions, disk full)."""


class ModelUnavailableError(ToolkitError):
    """The MT model cannot be loaded (not cached, hub unreachable, or a broken directory)."""

    exit_code = EXIT_MODEL
