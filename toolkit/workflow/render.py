"""Rebuild the translated article from a PO file, keeping its paragraph structure.

Paragraphs come from the extracted comment the pipeline writes on each entry,
``#. position: p<para> s<index>`` (0-based paragraph and segment index), followed by ``newline`` when
the segment began a new line of its paragraph in the article (a headline above a date line, list
items). Segments of one paragraph are joined with a space, or a line break where marked;
paragraphs with a blank line; the text ends with one newline. Entries
without that comment each form their own paragraph, after the positioned ones, in file order.

Text per segment: the approved msgstr; otherwise the draft (a fuzzy msgstr) unless
``approved_only``, then the source text (msgid). Edge newlines of a segment are dropped (b05).
:func:`render_counts` says how many unapproved texts went in (``bitext render`` prints it on
stderr, issue 12.18): fuzzy drafts, and stale translations (fuzzy with a previous msgid: the
source sentence changed after it was translated).
"""
from __future__ import annotations

import re
from pathlib import Path

from toolkit.text.files import atomic_write_text, refuse_input_as_output
from toolkit.formats.po import read_po
from toolkit.types import Unit

POSITION = re.compile(r"^position: p(\d+) s(\d+)( newline)?$")


def position_of(unit: Unit) -> tuple[int, int, bool] | None:
    """(paragraph, segment index, starts a line) from the ``position: pN sM [newline]`` comment, or None."""
    for comment in unit.comments:
        m = POSITION.match(comment.strip())
        if m:
            return int(m.group(1)), int(m.group(2)), bool(m.group(3))
    return None


def segment_text(unit: Unit, approved_only: bool = False) -> str:
    """The text rendered for one unit (see the module docstring)."""
    if unit.is_approved:
        text = unit.msgstr
    elif unit.msgstr and not approved_only:
        text = unit.msgstr
    else:
        text = unit.msgid
    return text.strip("\n")


def render_units(units: list[Unit], approved_only: bool = False) -> str:
    """Render live units to article text."""
    positioned: dict[int, list[tuple[int, bool, str]]] = {}
    loose: list[str] = []
    for unit in units:
        if unit.obsolete:
            continue
        pos = position_of(unit)
        text = segment_text(unit, approved_only)
        if pos is None:
            loose.append(text)
        else:
            positioned.setdefault(pos[0], []).append((pos[1], pos[2], text))
    paragraphs = []
    for _, segs in sorted(positioned.items()):
        segs.sort(key=lambda s: s[0])
        paragraphs.append(segs[0][2] + "".join(("\n" if new_line else " ") + t for _, new_line, t in segs[1:]))
    paragraphs += loose
    return "\n\n".join(paragraphs) + "\n" if paragraphs else ""


def render_counts(units: list[Unit], approved_only: bool = False) -> dict[str, int]:
    """Live units by what was rendered: ``approved``, ``fuzzy`` (drafts), ``stale`` (fuzzy with a
    previous msgid), ``source`` (msgid used: untranslated, or unapproved under ``approved_only``)."""
    counts = {"approved": 0, "fuzzy": 0, "stale": 0, "source": 0}
    for unit in units:
        if unit.obsolete:
            continue
        if unit.is_approved:
            counts["approved"] += 1
        elif unit.msgstr and not approved_only:
            counts["stale" if unit.previous_msgid is not None else "fuzzy"] += 1
        else:
            counts["source"] += 1
    return counts


def render_po(path: str | Path, out: str | Path | None = None, approved_only: bool = False,
              counts: dict[str, int] | None = None) -> str:
    """Render a PO file; write it atomically to ``out`` when given. Returns the text.

    Args:
        counts: if given, filled with :func:`render_counts`.

    Raises:
        InputError, FormatError: ``path`` cannot be read. WouldOverwriteError: ``out`` is ``path``.
        OutputError: ``out`` is a FIFO, device or folder (a symlink is written through).
    """
    if out is not None:
        refuse_input_as_output(out, [path])
    units = read_po(path).units
    text = render_units(units, approved_only)
    if counts is not None:
        counts.update(render_counts(units, approved_only))
    if out is not None:
        atomic_write_text(out, text)
    return text
