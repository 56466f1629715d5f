"""Reading source articles: bytes → NFC text with ``\\n`` line ends. (First version; see issue 3/7.)"""
from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from toolkit.errors import InputError


def decode_text(data: bytes, path: str | Path = "<stdin>") -> str:
    """Decode UTF-8 (BOM optional), normalise line ends to ``\\n`` and text to NFC.

    Raises:
        InputError: the bytes are not UTF-8 text (names ``path``).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(f"not valid UTF-8 (byte 0x{data[e.start]:02x}); convert the file to UTF-8", path, line) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def read_text(path: str | Path) -> str:
    """Read an article file (or ``-`` for stdin) as NFC text; raises InputError if missing or not text."""
    if str(path) == "-":
        return decode_text(sys.stdin.buffer.read(), "<stdin>")
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", p) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a text file", p) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", p) from None
    return decode_text(data, p)
