"""Writing PO files in GNU gettext's canonical (``msgcat``) layout, atomically.

Writing does not use polib's ``save()`` (see :mod:`.wrap`). Entries are laid out in gettext's
``message_print`` order; plural entries write every ``msgstr[N]``; previous strings of live and
obsolete entries (``#|`` / ``#~|``) are kept. Files are written with
:func:`toolkit.text.files.atomic_open`, which also refuses to replace a file someone saved since
it was read (``expect``), writes through symlinks and refuses non-regular outputs.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

import polib

from toolkit.errors import FormatError
from toolkit.formats.po.model import PoDocument, complete_header, header_text, nplurals_of
from toolkit.formats.po.wrap import PAGE_WIDTH, wrap_string
from toolkit.text.files import atomic_open
from toolkit.types import Status, Unit

_EMPTY = "\x00"  # stands for an empty "#" / "#." line inside polib entries (polib drops them)


def _comment_lines(text: str) -> list[str]:
    return [] if not text else ["" if ln == _EMPTY else ln for ln in text.split("\n")]


def _to_comment_text(lines: Iterable[str]) -> str:
    return "\n".join(ln if ln else _EMPTY for ln in lines)


def _format_references(occurrences: Iterable[tuple[str, str]], page_width: int = PAGE_WIDTH) -> list[str]:
    lines: list[str] = []
    current = "#:"
    for fname, lineno in occurrences:
        ref = f"{fname}:{lineno}" if lineno not in (None, "") else fname
        if len(current) > 2 and len(current) + 1 + len(ref) > page_width:
            lines.append(current)
            current = "#:"
        current += " " + ref
    if len(current) > 2:
        lines.append(current)
    return lines


def format_entry(entry: polib.POEntry, page_width: int = PAGE_WIDTH) -> list[str]:
    """Lay out one polib entry in msgcat's order and wrapping.

    Order (gettext ``message_print``): translator comments ``#``, extracted comments ``#.``,
    references ``#:``, flags ``#,`` (fuzzy first), previous strings ``#|``, then msgctxt, msgid,
    msgid_plural, msgstr / msgstr[N]. Obsolete entries prefix their strings with ``#~ ``.

    Returns:
        lines without line ends.
    """
    lines: list[str] = []
    lines += [f"# {c}" if c else "#" for c in _comment_lines(entry.tcomment)]
    lines += [f"#. {c}" if c else "#." for c in _comment_lines(entry.comment)]
    if entry.occurrences:
        lines += _format_references(entry.occurrences, page_width)
    flags = list(entry.flags)
    if "fuzzy" in flags:
        flags = ["fuzzy"] + [f for f in flags if f != "fuzzy"]
    if flags:
        lines.append("#, " + ", ".join(flags))
    obsolete = bool(entry.obsolete)
    prev_prefix = "#~| " if obsolete else "#| "
    for name, value in (("msgctxt", entry.previous_msgctxt), ("msgid", entry.previous_msgid),
                        ("msgid_plural", entry.previous_msgid_plural)):
        if value is not None:
            lines += wrap_string(name, value, prev_prefix, page_width)
    prefix = "#~ " if obsolete else ""
    if entry.msgctxt is not None:
        lines += wrap_string("msgctxt", entry.msgctxt, prefix, page_width)
    lines += wrap_string("msgid", entry.msgid, prefix, page_width)
    if entry.msgid_plural:
        lines += wrap_string("msgid_plural", entry.msgid_plural, prefix, page_width)
        for idx in sorted(entry.msgstr_plural, key=int):
            lines += wrap_string(f"msgstr[{idx}]", entry.msgstr_plural[idx], prefix, page_width)
    else:
        lines += wrap_string("msgstr", entry.msgstr, prefix, page_width)
    return lines


def format_po(header: Mapping[str, str], entries: Iterable[polib.POEntry], header_comment: str = "",
              header_flags: Sequence[str] = (), page_width: int = PAGE_WIDTH) -> str:
    """Serialise a header and entries to PO text (msgcat layout, ``\\n`` line ends)."""
    return "".join(iter_po_text(header, entries, header_comment, header_flags, page_width))


def iter_po_text(header: Mapping[str, str] | None, entries: Iterable[polib.POEntry], header_comment: str = "",
                 header_flags: Sequence[str] = (), page_width: int = PAGE_WIDTH) -> Iterator[str]:
    """:func:`format_po` one entry at a time, so a large file is written without building it whole."""
    first = True
    if header is not None:
        head = polib.POEntry(msgid="", msgstr=header_text(header), tcomment=header_comment,
                             flags=list(header_flags))
        yield "\n".join(format_entry(head, page_width)) + "\n"
        first = False
    for entry in entries:
        yield ("" if first else "\n") + "\n".join(format_entry(entry, page_width)) + "\n"
        first = False


def mirror_edge_newlines(msgid: str, msgstr: str) -> str:
    """Give a non-empty ``msgstr`` the leading and trailing newline runs of ``msgid``.

    ``msgfmt --check`` rejects an entry whose msgid and msgstr do not both begin (or end) with
    ``\\n``; MT output never keeps them (shared/cases/b05). The inner text is untouched.

    Example: ``mirror_edge_newlines("\\nTIN NÓNG\\n", "BREAKING NEWS")`` → ``"\\nBREAKING NEWS\\n"``.
    """
    if not msgstr:
        return msgstr
    lead = len(msgid) - len(msgid.lstrip("\n"))
    trail = len(msgid) - len(msgid.rstrip("\n")) if msgid.strip("\n") else 0
    inner = msgstr.strip("\n")
    return "\n" * lead + inner + "\n" * trail


_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def _check_text(value: str | None, what: str, where: str) -> None:
    if value is not None and _FORBIDDEN.search(value):
        raise FormatError(f"{where}: {what} contains a NUL or a lone surrogate, which PO cannot represent")


def unit_to_entry(unit: Unit, mirror_edges: bool = True) -> polib.POEntry:
    """Convert a :class:`Unit` to a polib entry (status → fuzzy flag).

    Plural units (``msgid_plural``) become ``msgstr[N]`` entries, one per form. With
    ``mirror_edges`` a live msgstr gets msgid's edge newlines (:func:`mirror_edge_newlines`, for
    machine drafts); without, every string is written exactly as given.

    Raises:
        FormatError: empty msgid (that is the header's), NUL characters or lone surrogates.
    """
    where = f"entry {unit.msgctxt or unit.msgid[:30]!r}"
    if unit.msgid == "":
        raise FormatError(f"{where}: an empty msgid is reserved for the PO header")
    for what, value in (("msgid", unit.msgid), ("msgstr", unit.msgstr), ("msgctxt", unit.msgctxt),
                        ("previous msgid", unit.previous_msgid), ("msgid_plural", unit.msgid_plural),
                        ("previous msgctxt", unit.previous_msgctxt),
                        *(("msgstr[n]", v) for v in unit.msgstr_plural)):
        _check_text(value, what, where)
    flags = [f for f in unit.flags if f != "fuzzy"]
    if unit.status is Status.FUZZY:
        flags.insert(0, "fuzzy")
    kwargs = {}
    if unit.msgid_plural is not None:
        forms = unit.msgstr_plural or ("",)
        kwargs["msgid_plural"] = unit.msgid_plural
        kwargs["msgstr_plural"] = {i: (s if unit.obsolete or not mirror_edges else mirror_edge_newlines(unit.msgid, s))
                                   for i, s in enumerate(forms)}
        msgstr = ""
    else:
        msgstr = unit.msgstr if unit.obsolete or not mirror_edges else mirror_edge_newlines(unit.msgid, unit.msgstr)
    entry = polib.POEntry(
        msgid=unit.msgid, msgstr=msgstr, msgctxt=unit.msgctxt,
        comment=_to_comment_text(unit.comments), tcomment=_to_comment_text(unit.translator_comments),
        occurrences=[(f, "" if ln is None else str(ln)) for f, ln in unit.references],
        flags=flags, previous_msgid=unit.previous_msgid, previous_msgctxt=unit.previous_msgctxt,
        previous_msgid_plural=unit.previous_msgid_plural, obsolete=unit.obsolete, **kwargs,
    )
    return entry


def check_plural_counts(units: Sequence[Unit], header: Mapping[str, str], path: str | Path | None = None) -> None:
    """Refuse live plural entries whose number of forms differs from the header's ``nplurals``.

    ``msgfmt --check`` rejects such a file; writing ``nplurals=1`` beside two forms (or dropping a
    form to fit) would lose or corrupt a reviewer's translation, so nothing is written.

    Raises:
        FormatError: naming the entry, its form count and the header's nplurals.
    """
    plural = [u for u in units if u.msgid_plural is not None and not u.obsolete]
    if not plural:
        return
    n = nplurals_of(header)
    if n is None:
        raise FormatError("plural entries need a Plural-Forms header field (e.g. 'nplurals=2; plural=(n != 1);' "
                          "for English); add it to the header", path)
    for u in plural:
        if u.msgstr_plural and len(u.msgstr_plural) != n:
            raise FormatError(f"entry {u.msgctxt or u.msgid[:40]!r} has {len(u.msgstr_plural)} plural forms but "
                              f"the header says nplurals={n}; fix Plural-Forms or the entry", path)


def write_po(path: str | Path, units: Sequence[Unit], header: Mapping[str, str], *,
             header_comment: str = "", expect=None, mirror_edges: bool = True) -> None:
    """Write units as a PO file, atomically, in msgcat's canonical layout.

    Args:
        path: destination; its folder must exist. A symlink is written through to its target.
        units: one entry each, in the given order (obsolete ones are written as ``#~`` entries;
            put them last, as msgmerge does).
        header: header fields; gettext's required ones the caller did not give are filled
            (:func:`complete_header`), ``Content-Type`` is always UTF-8, the header is never fuzzy.
        header_comment: the ``#`` lines above the header (copyright, translators), without ``# ``.
        expect: a :class:`toolkit.text.files.FileStamp` of ``path`` taken when it was read; the
            write is refused if the file changed since (a reviewer saved it meanwhile).
        mirror_edges: give each live msgstr its msgid's edge newlines (b05: MT drops them). Pass
            False when the units hold reviewers' text (a merge), which is written exactly as is.

    Raises:
        FormatError: duplicate (msgctxt, msgid) among live entries — ``msgfmt`` rejects the
            file (shared/cases/b04) — plural forms not matching ``nplurals``, or text a PO file
            cannot hold (see :func:`unit_to_entry`).
        ConcurrentEditError: ``expect`` no longer matches the file.
    """
    header = complete_header(header)
    check_plural_counts(units, header, path)

    def entries():  # one at a time: a polib entry per unit for the whole file took ≈ 16× its size
        seen: set[tuple[str | None, str]] = set()
        for unit in units:
            key = (unit.msgctxt, unit.msgid)
            if not unit.obsolete:
                if key in seen:
                    raise FormatError(f"duplicate entry msgctxt={unit.msgctxt!r} msgid={unit.msgid[:40]!r}: "
                                      "give each segment its own msgctxt", path)
                seen.add(key)
            yield unit_to_entry(unit, mirror_edges)

    with atomic_open(path, expect=expect) as f:  # an error part-way removes the temporary file
        for chunk in iter_po_text(header, entries(), header_comment):
            f.write(chunk)


def save_po(doc: PoDocument, path: str | Path | None = None) -> None:
    """Re-save a document read by :func:`read_po` with its original entries, in msgcat layout.

    An untouched file that gettext wrote comes out byte-identical (shared/cases/b03). The text is
    written as UTF-8 (``Content-Type`` updated); a fuzzy header flag is dropped (b07). Saving over
    ``doc.path`` is refused if the file changed since it was read.
    """
    header = dict(doc.header)
    if "Content-Type" in header or doc.encoding.lower().replace("-", "") != "utf8":
        header["Content-Type"] = "text/plain; charset=UTF-8"
    text = format_po(header, doc.entries, header_comment=doc.header_comment)
    target = Path(path or doc.path)
    expect = doc.stamp if target == Path(doc.path) else None
    with atomic_open(target, expect=expect) as f:
        f.write(text)
