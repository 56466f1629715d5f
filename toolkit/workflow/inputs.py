"""The articles of a run: files, folders, glob patterns, or a manifest read from standard input.

``bitext translate a.txt news/ 'archive/2024-*.txt' -`` →

* a file is itself;
* a folder stands for every ``*.txt`` file under it, recursively, in sorted order;
* a pattern with ``*``, ``?`` or ``[`` that is not an existing file is expanded (``**`` recurses),
  sorted; one that matches nothing is an error;
* ``-`` reads a manifest from standard input: one path per line (blank lines and lines starting
  with ``#`` skipped), each taken as it is (no folder or pattern expansion).

Duplicates are dropped (first occurrence kept), so a file named twice is translated once.
"""
from __future__ import annotations

import glob
import sys
from pathlib import Path
from typing import Iterable, TextIO

from toolkit.errors import InputError, UsageError

ARTICLE_SUFFIX = ".txt"


def expand_inputs(args: Iterable[str | Path], stdin: TextIO | None = None) -> list[Path]:
    """Expand command-line inputs into article paths (see the module docstring).

    Raises:
        InputError: a named file or folder does not exist; a folder holds no article.
        UsageError: a pattern matches nothing; ``-`` given twice.
    """
    out: list[Path] = []
    manifest_read = False
    for arg in args:
        text = str(arg)
        if text == "-":
            if manifest_read:
                raise UsageError("'-' (a manifest on standard input) can be given once")
            manifest_read = True
            for line in (stdin or sys.stdin):
                line = line.strip()
                if line and not line.startswith("#"):
                    out.append(Path(line))
            continue
        path = Path(text)
        if path.is_dir():
            found = sorted(p for p in path.rglob(f"*{ARTICLE_SUFFIX}") if p.is_file())
            if not found:
                raise InputError(f"no *{ARTICLE_SUFFIX} article in this folder", path)
            out.extend(found)
        elif not path.exists() and any(c in text for c in "*?["):
            found = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
            if not found:
                raise UsageError(f"no file matches {text!r}")
            out.extend(found)
        else:
            out.append(path)
    return list(dict.fromkeys(out))
