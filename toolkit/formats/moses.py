"""Moses-style parallel text: two plain UTF-8 files, line *n* of one translating line *n* of the other.

Each segment must be one line, so line breaks inside a segment (every character
``str.splitlines()`` breaks on: LF, CR, VT, FF, FS/GS/RS, NEL, U+2028/U+2029) become one space,
and leading/trailing whitespace is stripped. Nothing else is changed (no tokenisation, no
escaping — Moses' own ``escape-special-chars.perl`` is a later, tool-specific step).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from toolkit.errors import FormatError, UsageError
from toolkit.text.files import atomic_open

_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


def to_line(text: str) -> str:
    """One segment as one line: line-break runs → a space, edges stripped."""
    return _LINE_BREAKS.sub(" ", text).strip()


def moses_paths(prefix: str | Path, source_lang: str, target_lang: str) -> tuple[Path, Path]:
    """``corpus`` + (vi, en) → ``corpus.vi``, ``corpus.en`` (Moses' naming)."""
    prefix = Path(prefix)
    return prefix.with_name(f"{prefix.name}.{source_lang}"), prefix.with_name(f"{prefix.name}.{target_lang}")


def write_moses(prefix: str | Path, pairs: Iterable[tuple[str, str]], source_lang: str, target_lang: str) -> int:
    """Write ``PREFIX.<src>`` and ``PREFIX.<tgt>``, atomically, one pair per line.

    Returns:
        the number of lines in each file.
    """
    src_path, tgt_path = moses_paths(prefix, source_lang, target_lang)
    if src_path == tgt_path:
        raise UsageError("source and target language must differ for Moses file names")
    count = 0
    with atomic_open(src_path) as fs, atomic_open(tgt_path) as ft:
        for source, target in pairs:
            fs.write(to_line(source) + "\n")
            ft.write(to_line(target) + "\n")
            count += 1
    return count


def read_moses(prefix: str | Path, source_lang: str, target_lang: str) -> list[tuple[str, str]]:
    """Read the pairs back.

    Raises:
        FormatError: the two files have different line counts.
    """
    src_path, tgt_path = moses_paths(prefix, source_lang, target_lang)
    src = src_path.read_text(encoding="utf-8").split("\n")[:-1]
    tgt = tgt_path.read_text(encoding="utf-8").split("\n")[:-1]
    if len(src) != len(tgt):
        raise FormatError(f"{len(src)} lines but {tgt_path} has {len(tgt)}: not line-aligned", src_path)
    return list(zip(src, tgt))
