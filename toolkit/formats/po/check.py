"""What ``msgfmt --check`` rejects, found without gettext installed (``bitext po check``, export).

Checks (GNU gettext 0.21 ``msgfmt.c`` / ``msgl-check.c``): a missing or invalid header; live
plural entries whose number of ``msgstr[N]`` differs from the header's ``nplurals`` (or a plural
entry without ``Plural-Forms``); format directives of ``c-format``/``python-format``/
``python-brace-format`` entries that differ between msgid and msgstr; msgid and msgstr not
both beginning / ending with ``\\n`` (shared/cases/b05); duplicate (msgctxt, msgid) among live
entries (b04). Each problem names the entry by its line and msgctxt (or msgid). Like msgfmt,
fuzzy entries are not held to the newline and format rules (a warning, not an error).
"""
from __future__ import annotations

from dataclasses import dataclass

from toolkit.errors import FormatError
from toolkit.formats import placeholders
from toolkit.formats.po.model import PoDocument, nplurals_of
from toolkit.types import Unit


@dataclass(frozen=True)
class PoProblem:
    """One problem found by :func:`check_po`: 1-based ``line`` (of the entry), message, fatal?

    ``fatal`` problems make ``msgfmt --check`` fail, so exports and builds would break.
    """

    line: int | None
    message: str
    fatal: bool = True


def entry_name(unit: Unit) -> str:
    """How a message names an entry: its msgctxt, else the start of its msgid."""
    return f"msgctxt {unit.msgctxt!r}" if unit.msgctxt is not None else f"msgid {unit.msgid[:40]!r}"


def find_duplicates(doc: PoDocument) -> list[tuple[int, int, Unit]]:
    """Live entries with the same (msgctxt, msgid) as an earlier one: (first line, line, unit)."""
    seen: dict[tuple[str | None, str], int] = {}
    out = []
    for line, unit in zip(_lines(doc), doc.units):
        if unit.obsolete:
            continue
        key = (unit.msgctxt, unit.msgid)
        if key in seen:
            out.append((seen[key], line, unit))
        else:
            seen[key] = line
    return out


def require_unique(doc: PoDocument) -> None:
    """Refuse a PO with duplicate entries before a merge, as ``msgfmt`` does (never pick one).

    Raises:
        FormatError: at the second entry's line, naming the first's ``file:line``.
    """
    dups = find_duplicates(doc)
    if dups:
        first, line, unit = dups[0]
        more = f" (and {len(dups) - 1} more)" if len(dups) > 1 else ""
        raise FormatError(f"duplicate message definition of {entry_name(unit)}; first definition at "
                          f"{doc.path}:{first}{more}; keep one of the two entries (a merge conflict "
                          "resolved as 'keep both'?) and re-run", doc.path, line)


def _lines(doc: PoDocument) -> list[int | None]:
    return list(doc.lines) if len(doc.lines) == len(doc.units) else [None] * len(doc.units)


def _forms(unit: Unit) -> list[tuple[str, str]]:
    """(source, translation) pairs to compare: msgstr[0] with msgid, msgstr[N>0] with msgid_plural."""
    if unit.msgid_plural is None:
        return [(unit.msgid, unit.msgstr)]
    return [(unit.msgid if i == 0 and len(unit.msgstr_plural) > 1 else unit.msgid_plural, s)
            for i, s in enumerate(unit.msgstr_plural)]


def check_po(doc: PoDocument) -> list[PoProblem]:
    """Find what ``msgfmt --check`` rejects (see the module docstring); reader warnings are non-fatal.

    Returns:
        problems in file order (header problems first).
    """
    problems = [PoProblem(None, w, fatal=False) for w in doc.warnings]
    if not doc.header:
        problems.append(PoProblem(None, "PO header missing or invalid (msgfmt: fatal); add a header entry "
                                        "(msgid \"\") with Content-Type and Plural-Forms"))
    nplurals = nplurals_of(doc.header)
    if "Plural-Forms" in doc.header and nplurals is None:
        problems.append(PoProblem(None, f"header Plural-Forms {doc.header['Plural-Forms']!r} has no nplurals"))
    dup_at = {line: first for first, line, _ in find_duplicates(doc)}
    for line, unit in zip(_lines(doc), doc.units):
        if unit.obsolete:
            continue
        name = entry_name(unit)
        if line in dup_at and line is not None:
            problems.append(PoProblem(line, f"duplicate message definition of {name} "
                                            f"(first definition at line {dup_at[line]})"))
        if unit.msgid_plural is not None:
            if nplurals is None:
                problems.append(PoProblem(line, f"{name}: plural entry but the header has no Plural-Forms"))
            elif len(unit.msgstr_plural) != nplurals and any(unit.msgstr_plural):
                problems.append(PoProblem(line, f"{name}: {len(unit.msgstr_plural)} plural forms but the "
                                                f"header says nplurals={nplurals}"))
        style = placeholders.style_of(unit.flags)
        for source, msgstr in _forms(unit):
            if not msgstr:
                continue
            fuzzy = unit.status.value == "fuzzy"  # msgfmt skips fuzzy entries: a warning there
            for where, test in (("begin", str.startswith), ("end", str.endswith)):
                if test(source, "\n") != test(msgstr, "\n"):
                    problems.append(PoProblem(line, f"{name}: 'msgid' and 'msgstr' entries do not both {where} "
                                                    f"with '\\n' (fix: make msgstr {where} with a newline exactly "
                                                    "when msgid does)", fatal=not fuzzy))
            if style and not fuzzy:
                why = placeholders.mismatch(source, msgstr, style)
                if why:
                    problems.append(PoProblem(line, f"{name}: {style} directives differ between msgid and "
                                                    f"msgstr: {why}"))
    return problems
