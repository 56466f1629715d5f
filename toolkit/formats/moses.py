"""Moses-style parallel text: two plain UTF-8 files, line *n* of one translating line *n* of the other.

Each segment must be one line, so line breaks inside a segment (every character
``str.splitlines()`` breaks on: LF, CR, VT, FF, FS/GS/RS, NEL, U+2028/U+2029) become one space,
and leading/trailing whitespace is stripped. Nothing else is changed (no tokenisation, no
escaping — Moses' own ``escape-special-chars.perl`` is a later, tool-specific step).

A repeated export may replace files bitext wrote: ``PREFIX.bitext-moses.json`` records the SHA-256
of the two files written; :func:`is_our_moses_file` recognises a file whose content still matches
(issue 12.17). A file edited or written by anything else is not recognised (``--force``).
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Iterable

from toolkit.errors import FormatError, UsageError
from toolkit.text.files import atomic_open, atomic_write_text

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
    hashes = {src_path.name: hashlib.sha256(), tgt_path.name: hashlib.sha256()}
    with atomic_open(src_path) as fs, atomic_open(tgt_path) as ft:
        for source, target in pairs:
            a, b = to_line(source) + "\n", to_line(target) + "\n"
            fs.write(a)
            ft.write(b)
            hashes[src_path.name].update(a.encode("utf-8"))
            hashes[tgt_path.name].update(b.encode("utf-8"))
            count += 1
    atomic_write_text(manifest_path(prefix), json.dumps(
        {"written_by": "bitext", "sha256": {k: h.hexdigest() for k, h in hashes.items()}}, indent=1) + "\n")
    return count


def manifest_path(prefix: str | Path) -> Path:
    """``PREFIX.bitext-moses.json``: the record of the files :func:`write_moses` wrote."""
    prefix = Path(prefix)
    return prefix.with_name(f"{prefix.name}.bitext-moses.json")


def is_our_moses_file(prefix: str | Path, path: Path) -> bool:
    """Whether ``path`` is, byte for byte, a file the last :func:`write_moses` to ``prefix`` wrote."""
    try:
        record = json.loads(manifest_path(prefix).read_text(encoding="utf-8"))
        expected = record["sha256"][Path(path).name]
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() == expected
    except (OSError, ValueError, KeyError, TypeError):
        return False


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
