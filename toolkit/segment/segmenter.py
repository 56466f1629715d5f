"""Sentence segmentation: Vietnamese text → :class:`~toolkit.types.Segment` list, lossless.

Contract (issue 3): the text is normalised to NFC first; every segment carries code-point offsets
into that NFC text, end exclusive, with ``text[seg.start:seg.end] == seg.text``; segments never
start or end with a gap character (:data:`~toolkit.segment.rules.GAP_CHARS`: whitespace and
zero-width space), and the segments plus the gap characters between them rebuild the text exactly.

Layout (conventions 2 and 3 of ``shared/README.md``): paragraphs are runs of non-blank lines,
separated by lines that hold only gap characters. Inside a paragraph each line break is either a
segment boundary (headlines, date lines, bylines, list items, a line ending a sentence) or a hard
wrap inside a sentence; :func:`toolkit.segment.rules.classify_line_break` decides. Inside a line,
:func:`toolkit.segment.rules.inline_boundaries` finds the sentence ends.

Every decision looks at one line pair (and the kind of its two neighbouring pairs), so a text can be
segmented line by line as it is read: :func:`segment_lines` is the single implementation, and
:func:`segment_text` and :func:`iter_segments_from_file` feed it.
"""
from __future__ import annotations

import bisect
import unicodedata
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from toolkit.segment.rules import GAP_CHARS, LineBreak, classify_line_break, inline_boundaries
from toolkit.types import Segment

MAX_PARAGRAPH_CHARS = 1 << 20
"""A paragraph buffered beyond this many code points is handed on at the next line break that is a
definite boundary (:attr:`LineBreak.BREAK`), which gives the same segments as one pass over the whole
paragraph; this bounds memory for files without blank lines. Only if no such break arrives within
:data:`MAX_PARAGRAPH_CHARS_HARD` is the paragraph cut at a line break regardless."""
MAX_PARAGRAPH_CHARS_HARD = 8 * MAX_PARAGRAPH_CHARS


class _Line(NamedTuple):
    offset: int   # code points from the start of the document
    number: int   # 1-based line number
    text: str     # without its "\n"


def segment_text(text: str, doc_id: str = "") -> list[Segment]:
    """Split a document into segments.

    Args:
        text: the document; normalised to NFC here (``\\n`` line ends expected, though ``\\r`` is
            tolerated as a gap character; :func:`toolkit.text.decode.decode_text` converts CRLF/CR).
        doc_id: copied into every segment.

    Returns:
        Segments in document order; offsets are code points into ``unicodedata.normalize("NFC", text)``.
        Empty or whitespace-only text gives ``[]``. Never raises for any ``str``.
    """
    text = unicodedata.normalize("NFC", text)
    return list(segment_lines(_split_lines(text), doc_id))


def _split_lines(text: str) -> Iterator[str]:
    """Lines of ``text`` split at ``\\n`` only, each keeping its ``\\n`` (the last may lack one)."""
    start = 0
    while True:
        i = text.find("\n", start)
        if i < 0:
            if start < len(text):
                yield text[start:]
            return
        yield text[start:i + 1]
        start = i + 1


def iter_segments_from_file(path: str | Path, doc_id: str = "") -> Iterator[Segment]:
    """Segment a file (or ``-`` for stdin) as it is read, paragraph by paragraph.

    Memory is bounded by the longest paragraph (at most about :data:`MAX_PARAGRAPH_CHARS` code points
    for ordinary text), not by the file size. Offsets and line numbers are into the whole decoded,
    NFC-normalised document, the same as ``segment_text(read_text(path))``.

    Args:
        path: file path or ``-``.
        doc_id: copied into every segment.

    Yields:
        Segment, in document order.

    Raises:
        InputError: the file cannot be read or is not text (see :func:`toolkit.text.decode.iter_lines`);
            raised when reading reaches the fault, so segments before it may already have been yielded.
    """
    from toolkit.text.decode import iter_lines

    yield from segment_lines(iter_lines(path), doc_id)


def segment_lines(lines: Iterable[str], doc_id: str = "") -> Iterator[Segment]:
    """Segment a document given as NFC lines, each ending in ``\\n`` except perhaps the last.

    Args:
        lines: the document's lines in order; ``"".join(lines)`` is the document the offsets index.
        doc_id: copied into every segment.

    Yields:
        Segment, in document order, with ``para``, ``index``, ``start``, ``end`` and ``line`` filled.
    """
    para: list[_Line] = []
    para_chars = 0
    para_index = 0
    seg_index = 0
    offset = 0
    number = 1
    for raw in lines:
        body = raw[:-1] if raw.endswith("\n") else raw
        if not body.strip(GAP_CHARS):
            if para:
                for seg in _segment_paragraph(para, doc_id, para_index, seg_index):
                    seg_index += 1
                    yield seg
                para, para_chars = [], 0
                para_index += 1
        else:
            if para_chars > MAX_PARAGRAPH_CHARS and (
                    para_chars > MAX_PARAGRAPH_CHARS_HARD
                    or classify_line_break(para[-1].text, body) is LineBreak.BREAK):
                for seg in _segment_paragraph(para, doc_id, para_index, seg_index):
                    seg_index += 1
                    yield seg
                para, para_chars = [], 0
            para.append(_Line(offset, number, body))
            para_chars += len(raw)
        offset += len(raw)
        number += 1
    if para:
        yield from _segment_paragraph(para, doc_id, para_index, seg_index)


def _resolve_breaks(lines: list[_Line]) -> list[bool]:
    """For each line break of a paragraph, True if it is a segment boundary.

    A :attr:`LineBreak.MAYBE` (a long line ending mid-phrase, then a capital) is a hard wrap only when
    a neighbouring break of the same paragraph is a :attr:`LineBreak.JOIN`; a :attr:`LineBreak.SHORT`
    (a short line continued in lower case, or a number after a wrap) is one when its run of
    consecutive SHORT and JOIN breaks holds a JOIN, i.e. the lines around it are hard-wrapped
    (convention 3); otherwise a line of its own stays a segment (convention 2). Both look no further
    than the nearest BREAK, so a paragraph flushed at a BREAK (:data:`MAX_PARAGRAPH_CHARS`) gives the
    same segments as one pass.
    """
    kinds = [classify_line_break(a.text, b.text) for a, b in zip(lines, lines[1:])]
    out = []
    for i, kind in enumerate(kinds):
        if kind is LineBreak.MAYBE:
            wrapped = (i > 0 and kinds[i - 1] is LineBreak.JOIN) or (i + 1 < len(kinds) and kinds[i + 1] is LineBreak.JOIN)
            out.append(not wrapped)
        else:
            out.append(kind is not LineBreak.JOIN)
    i = 0
    while i < len(kinds):  # runs of SHORT/JOIN breaks: SHORT joins when the run has a JOIN
        j = i
        while j < len(kinds) and kinds[j] in (LineBreak.SHORT, LineBreak.JOIN):
            j += 1
        if LineBreak.JOIN in kinds[i:j]:
            for k in range(i, j):
                out[k] = False
        i = max(j, i + 1)
    return out


def _segment_paragraph(lines: list[_Line], doc_id: str, para_index: int, first_index: int) -> Iterator[Segment]:
    """Cut one paragraph at its sentence ends and boundary line breaks; trim gap characters."""
    base = lines[0].offset
    text = "\n".join(line.text for line in lines)
    starts = [line.offset - base for line in lines]
    cuts: list[int] = []
    breaks = _resolve_breaks(lines)
    for i, line in enumerate(lines):
        rel = starts[i]
        cuts.extend(rel + b for b in inline_boundaries(line.text))
        if i < len(breaks) and breaks[i]:
            cuts.append(rel + len(line.text))
    cuts.append(len(text))
    prev = 0
    index = first_index
    for cut in cuts:
        piece = text[prev:cut]
        body = piece.strip(GAP_CHARS)
        if body:
            start = prev + len(piece) - len(piece.lstrip(GAP_CHARS))
            line_no = lines[bisect.bisect_right(starts, start) - 1].number
            yield Segment(doc_id, para_index, index, base + start, base + start + len(body), body, line_no)
            index += 1
        prev = cut
