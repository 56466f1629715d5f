"""Reading source articles: bytes → NFC text with ``\\n`` line ends (issues 3 and 7).

What reading changes, on purpose (documented because the source bytes change):

- the encoding is decoded: UTF-8 with or without BOM, UTF-16/UTF-32 with BOM, and Windows-1258
  (CP1258, detected when the bytes are not UTF-8 but decode to Vietnamese letters);
- a leading BOM is dropped;
- CRLF and lone CR line ends become ``\\n``;
- the text is normalised to NFC (shared/cases/b12: decomposed input is common).

Nothing else is altered: NBSP, tabs, zero-width characters and stray control characters stay in the
text (the segmenter treats whitespace and zero-width characters as gaps). What is refused, with an
:class:`~toolkit.errors.InputError` naming the file and the fix: NUL bytes (binary files, UTF-16
without BOM), mostly-control-character data, and the legacy font encodings TCVN3 (ABC) and VNI,
which have no codec in Python's standard library.
"""
from __future__ import annotations

import codecs
import re
import sys
import unicodedata
from pathlib import Path
from typing import BinaryIO, Iterator

from toolkit.errors import InputError
from toolkit.text.files import open_input

SNIFF_BYTES = 1 << 16
"""Bytes read before the encoding is chosen for a streamed file (:func:`iter_lines`)."""
CHUNK_BYTES = 1 << 20
"""Bytes decoded at a time when streaming."""

_BOMS = (  # UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control characters that do not occur in text: C0 except tab, LF, VT, FF, CR; DEL; C1.
_NON_TEXT_CONTROL = re.compile("[\x01-\x08\x0e-\x1b\x7f-\x9f]")
MAX_CONTROL_SHARE = 0.01
MAX_CONTROL_CHARS = 8
"""More control characters than both :data:`MAX_CONTROL_CHARS` and :data:`MAX_CONTROL_SHARE` of a sample
(the first :data:`SNIFF_BYTES` characters of each decoded chunk) means binary data; a few stray ones
(an ESC, a form feed, an EOF marker from an old editor) are kept as text."""

# The same C0 controls and DEL as bytes: they mean the same in UTF-8, Windows-1258 and the legacy
# font encodings, so binary data is recognised before any decoding is tried (a PNG is not "CP1258").
_BINARY_BYTE = re.compile(b"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")
UTF16_NUL_SHARE = 0.6
"""UTF-16 without BOM: NUL in more than this share of the odd (LE) or even (BE) bytes of the first 200,
and few in the others (ASCII in UTF-16 has a zero high byte; U+xx00 characters are rare)."""

_VI_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")  # tones, circumflex, breve, horn
# Legacy font encodings, as bytes. TCVN3 (ABC, TCVN 5712:1993 VN3) puts Vietnamese letters at
# 0xA1-0xFE, e.g. đ=0xAE, ư=0xAD, ơ=0xAC, ê=0xAA, ệ=0xD6 ("®−îc" = được, "ViÖt" = Việt).
# VNI-Windows writes a base letter then a mark byte: đ=0xF1, ư=0xF6, ơ=0xF4, "vaø" = và, "cuûa" = của.
# Source: the TCVN3 and VNI-Windows code charts (as in UniKey's converter, vietunicode.sourceforge.net/charset/);
# detection only, so a few marker bytes suffice and the full tables are not shipped.
_TCVN3_MARKER = re.compile(rb"[\xae\xa7][a-z\xa9-\xad\xb5-\xb9]|[a-zA-Z][\xa9\xaa\xb5-\xb9\xd6]")
_VNI_MARKER = re.compile(rb"(?<![A-Za-z])[\xf1\xd1][aeiouyAEIOUY\xf4\xf6]|[aeiouyAEIOUY][\xf8\xf9\xfb\xf5\xef]")


def _line_of(data: bytes, pos: int) -> int:
    """1-based line number of byte ``pos`` (counts ``\\n``; right for ASCII-compatible encodings)."""
    return data.count(b"\n", 0, pos) + 1


def _vietnamese_share(text: str) -> tuple[int, float]:
    """(number of non-ASCII characters, share of them that are Vietnamese letters) in NFC ``text``."""
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return 0, 0.0
    good = 0
    for c in non_ascii:
        d = unicodedata.normalize("NFD", c)
        if c in "đĐ" or (d[0].isascii() and d[0].isalpha() and len(d) > 1 and all(m in _VI_MARKS for m in d[1:])):
            good += 1
    return len(non_ascii), good / len(non_ascii)


def _legacy_error(data: bytes, err: UnicodeDecodeError, path: str | Path) -> InputError:
    """The InputError for bytes that are not UTF-8 nor Windows-1258: name the likely encoding and the fix."""
    line = _line_of(data, err.start)
    name = Path(str(path)).name
    tcvn3 = len(_TCVN3_MARKER.findall(data))
    vni = len(_VNI_MARKER.findall(data))
    if max(tcvn3, vni) >= 3:
        enc = "TCVN3 (ABC)" if tcvn3 >= vni else "VNI-Windows"
        return InputError(
            f"looks like the legacy Vietnamese font encoding {enc}, which cannot be decoded automatically; "
            f"convert it to Unicode UTF-8 first (e.g. UniKey Toolkit, Ctrl+Shift+F6: source {enc}, "
            f"destination Unicode) and run again", path, line)
    return InputError(
        f"not valid UTF-8 (byte 0x{data[err.start]:02x}); convert the file to UTF-8, e.g. "
        f"`iconv -f CP1258 -t UTF-8 {name} > {name}.utf8` for Windows-1258", path, line)


def detect_encoding(head: bytes, path: str | Path = "<stdin>", complete: bool = True) -> tuple[str, int]:
    """Choose the codec for a file from its first bytes.

    Args:
        head: the file's bytes, or its first :data:`SNIFF_BYTES` when streaming.
        path: for messages.
        complete: ``head`` is the whole file (else a multi-byte character cut at its end is fine).

    Returns:
        (Python codec name, length of the BOM to skip in bytes).

    Raises:
        InputError: NUL bytes (binary, or UTF-16 without BOM), too many control characters, a legacy
            font encoding (TCVN3, VNI), or bytes that are neither UTF-8 nor Vietnamese Windows-1258.
    """
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec, len(bom)
    nul = head.find(b"\x00")
    if nul >= 0:
        odd, even = head[1:200:2].count(0), head[0:200:2].count(0)
        if max(odd, even) > UTF16_NUL_SHARE * len(head[:200]) / 2 and min(odd, even) <= max(odd, even) // 10:
            order = "UTF-16LE" if odd > even else "UTF-16BE"
            raise InputError(f"looks like {order} without a byte-order mark; convert it: "
                             f"`iconv -f {order} -t UTF-8`", path, None)
        raise InputError("contains NUL bytes: a binary file, not text", path, _line_of(head, nul))
    controls = len(_BINARY_BYTE.findall(head[:SNIFF_BYTES]))
    if controls > MAX_CONTROL_CHARS and controls > MAX_CONTROL_SHARE * min(len(head), SNIFF_BYTES):
        raise InputError(f"too many control characters ({controls} in the first "
                         f"{min(len(head), SNIFF_BYTES)} bytes): a binary file, not text", path, None)
    try:
        head.decode("utf-8")
        return "utf-8", 0
    except UnicodeDecodeError as err:
        if not complete and err.reason == "unexpected end of data":
            return "utf-8", 0
        utf8_error = err
    try:
        text = unicodedata.normalize("NFC", head.decode("cp1258"))
    except UnicodeDecodeError:
        text = ""
    count, share = _vietnamese_share(text)
    if count and share >= 0.9 and not _NON_TEXT_CONTROL.search(text):
        return "cp1258", 0
    raise _legacy_error(head, utf8_error, path)


def _check_controls(text: str, path: str | Path, first_line: int = 1) -> None:
    """Refuse text with NUL or with more than :data:`MAX_CONTROL_SHARE` control characters."""
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError("contains NUL characters: a binary file, not text", path,
                         first_line + text.count("\n", 0, nul))
    sample = text[:SNIFF_BYTES]
    count = len(_NON_TEXT_CONTROL.findall(sample))
    if count > MAX_CONTROL_CHARS and count > MAX_CONTROL_SHARE * len(sample):
        raise InputError(f"too many control characters ({count} in {len(sample)}): a binary file, not text",
                         path, None)


def _decode_error(data: bytes, err: UnicodeDecodeError, codec: str, path: str | Path, offset: int = 0,
                  line_base: int = 0) -> InputError:
    """An InputError for a decoding failure past the sniffed head (names the line where known)."""
    line = line_base + _line_of(data, err.start) if codec in ("utf-8", "cp1258") else None
    return InputError(f"not valid {codec.upper()} at byte {offset + err.start}; convert the whole file to "
                      f"UTF-8 (e.g. `iconv -f CP1258 -t UTF-8` for Windows-1258)", path, line)


def decode_text(data: bytes, path: str | Path = "<stdin>") -> str:
    """Decode a whole file's bytes to NFC text with ``\\n`` line ends.

    Args:
        data: the file's bytes.
        path: for messages.

    Returns:
        NFC text; BOM dropped; CRLF and CR replaced by ``\\n``. Empty bytes give ``""``.

    Raises:
        InputError: not text or an unsupported encoding (see :func:`detect_encoding`), naming ``path``
            and, where known, the line.
    """
    codec, skip = detect_encoding(data, path)
    try:
        text = data[skip:].decode(codec)
    except UnicodeDecodeError as err:  # UTF-16/32 with a BOM but broken data
        raise _decode_error(data[skip:], err, codec, path, skip) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_controls(text, path)
    return unicodedata.normalize("NFC", text)


def _open_binary(path: str | Path) -> BinaryIO:
    """Open ``path`` (``-`` for stdin) for binary reading, turning OS errors into InputError."""
    if str(path) == "-":
        return sys.stdin.buffer
    return open_input(path, InputError, "text file")


def _display(path: str | Path) -> str:
    return "<stdin>" if str(path) == "-" else str(path)


def read_text(path: str | Path) -> str:
    """Read an article file (or ``-`` for stdin) whole, as by :func:`decode_text`.

    Raises:
        InputError: missing, unreadable, a directory, or not text.
    """
    f = _open_binary(path)
    try:
        data = f.read()
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", _display(path)) from None
    finally:
        if f is not sys.stdin.buffer:
            f.close()
    return decode_text(data, _display(path))


def check_text_file(path: str | Path) -> str:
    """Sniff a file's first :data:`SNIFF_BYTES` as :func:`iter_lines` will, without reading it all.

    Lets a multi-file job refuse a binary or legacy-encoded input before it spends time on the others.

    Returns:
        The codec :func:`detect_encoding` chose.

    Raises:
        InputError: missing, unreadable, a directory, or not text (as :func:`detect_encoding`).
    """
    f = _open_binary(path)
    try:
        head = f.read(SNIFF_BYTES)
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", _display(path)) from None
    finally:
        if f is not sys.stdin.buffer:
            f.close()
    return detect_encoding(head, _display(path), complete=len(head) < SNIFF_BYTES)[0]


def iter_lines(path: str | Path) -> Iterator[str]:
    """Stream a file (or ``-``) as NFC lines, decoding :data:`CHUNK_BYTES` at a time.

    ``"".join(iter_lines(p)) == read_text(p)``; memory holds one chunk plus the current line.

    Yields:
        Lines, each ending in ``\\n`` except perhaps the last; CRLF and CR already replaced.

    Raises:
        InputError: as :func:`read_text`; a fault after the first :data:`SNIFF_BYTES` is raised when
            reading reaches it.
    """
    name = _display(path)
    f = _open_binary(path)
    try:
        head = f.read(SNIFF_BYTES)
        codec, skip = detect_encoding(head, name, complete=len(head) < SNIFF_BYTES)
        decoder = codecs.getincrementaldecoder(codec)("strict")
        pending_cr = ""      # a final "\r" held back: the next chunk may start with "\n"
        carry = ""           # the unfinished last line
        chunk = head[skip:]
        consumed = skip      # bytes decoded so far (for messages)
        lines_done = 0       # complete lines yielded so far
        while True:
            final = not chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as err:
                raise _decode_error(chunk, err, codec, name, consumed, lines_done + carry.count("\n")) from None
            consumed += len(chunk)
            text = pending_cr + text
            pending_cr = ""
            if text.endswith("\r") and not final:
                text, pending_cr = text[:-1], "\r"
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            _check_controls(text, name, lines_done + 1)
            lines = (carry + text).split("\n")
            carry = lines.pop()
            for line in lines:
                yield unicodedata.normalize("NFC", line + "\n")
            lines_done += len(lines)
            if final:
                if carry:
                    yield unicodedata.normalize("NFC", carry)
                return
            chunk = f.read(CHUNK_BYTES)
    finally:
        if f is not sys.stdin.buffer:
            f.close()
