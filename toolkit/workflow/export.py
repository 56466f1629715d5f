"""Export reviewed PO files as parallel corpora: TSV, TMX 1.4b or Moses plain text.

Rules (issue 5):

* **Only approved entries by default**: live (not obsolete), not fuzzy, non-empty msgstr.
  ``include_fuzzy=True`` adds fuzzy entries with a non-empty msgstr; their status is in the TSV
  ``status`` column and a TMX ``<prop type="x-status">``. Untranslated entries and empty pairs
  are never exported (an empty msgstr is not a translation; b15.5 choice).
* **Direction from the PO header**, never assumed: target = ``Language``, source =
  ``X-Source-Language`` (fallback: English, the source of gettext catalogues such as the real
  xz/GLib files, which are English→Vietnamese). Several input files must agree.
* **Every occurrence is a row**, in file order; repeated sentences are not merged (b04.3).
* Plural entries export ``msgid`` ↔ ``msgstr[0]`` (a warning says so).
* TSV columns: ``id`` (``<file stem>:<n>``, n = 1-based entry number), ``context`` (msgctxt),
  ``status``, ``<src>``, ``<tgt>``; fields escaped by :mod:`toolkit.formats.tsv`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from toolkit.errors import FormatError, UsageError
from toolkit.text.files import refuse_foreign_file, refuse_input_as_output
from toolkit.formats import EXPORT_FORMATS, moses, tmx, tsv
from toolkit.formats.po import PoDocument, read_po
from toolkit.types import Status, Unit

FORMATS = EXPORT_FORMATS


@dataclass(frozen=True)
class Pair:
    """One exported pair: where it came from, its context, status, source and target text."""

    id: str
    context: str
    status: Status
    source: str
    target: str


@dataclass
class ExportReport:
    """Outcome of :func:`export_po`: pairs written, languages, outputs and warnings."""

    pairs: int = 0
    source_language: str = ""
    target_language: str = ""
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def is_exportable(unit: Unit, include_fuzzy: bool = False) -> bool:
    """Approved (or, with ``include_fuzzy``, fuzzy) live entries with both sides non-empty."""
    if unit.obsolete or not unit.msgid or not unit.msgstr:
        return False
    return unit.status is Status.TRANSLATED or (include_fuzzy and unit.status is Status.FUZZY)


def collect_pairs(docs: Sequence[PoDocument], include_fuzzy: bool = False) -> tuple[str, str, list[Pair]]:
    """Pairs of several PO documents and their common (source, target) languages.

    Raises:
        FormatError: a document has no ``Language``, or the documents disagree on languages.
    """
    langs = None
    pairs: list[Pair] = []
    for doc in docs:
        if not doc.target_language:
            raise FormatError("PO header has no Language field: cannot tell the target language", doc.path)
        here = (doc.source_language, doc.target_language)
        if langs is None:
            langs = here
        elif here != langs:
            raise FormatError(f"languages {here[0]}→{here[1]} differ from the first file's "
                              f"{langs[0]}→{langs[1]}; export them separately", doc.path)
        for n, unit in enumerate(doc.units, 1):
            if is_exportable(unit, include_fuzzy):
                pairs.append(Pair(f"{doc.path.stem}:{n}", unit.msgctxt or "", unit.status, unit.msgid, unit.msgstr))
    if langs is None:
        raise UsageError("no PO files given")
    return langs[0], langs[1], pairs


def export_po(paths: Sequence[str | Path], to: str, out: str | Path, include_fuzzy: bool = False,
              force: bool = False) -> ExportReport:
    """Export PO files to one corpus.

    Args:
        paths: PO files (any PO, ours or gettext catalogues).
        to: ``"tsv"``, ``"tmx"`` or ``"moses"``.
        out: output file (TSV, TMX) or prefix (Moses: ``OUT.<src>`` and ``OUT.<tgt>``).
        include_fuzzy: also export fuzzy drafts.
        force: replace existing Moses files (``OUT.<lang>`` are names bitext derives, so an existing
            one, which may be a source text, is otherwise refused). A TSV/TMX ``out`` is named by the
            caller and replaced; an output that is one of ``paths`` is always refused.

    Returns:
        :class:`ExportReport`.

    Raises:
        UsageError: unknown format. InputError/FormatError: unreadable or inconsistent inputs.
        WouldOverwriteError: an output is an input, or a Moses file exists and ``force`` is false.
    """
    if to not in FORMATS:
        raise UsageError(f"unknown export format {to!r}; use one of {', '.join(FORMATS)}")
    docs = [read_po(p) for p in paths]
    src, tgt, pairs = collect_pairs(docs, include_fuzzy)
    report = ExportReport(pairs=len(pairs), source_language=src, target_language=tgt)
    for doc in docs:
        report.warnings += [f"{doc.path}: {w}" for w in doc.warnings]
    out = Path(out)
    targets = list(moses.moses_paths(out, src, tgt)) if to == "moses" else [out]
    for target in targets:
        refuse_input_as_output(target, paths)
        if to == "moses":
            refuse_foreign_file(target, force)
    if to == "tsv":
        write_pairs_tsv(out, pairs, src, tgt)
        report.outputs.append(out)
    elif to == "tmx":
        from toolkit import __version__

        units = [tmx.TmxUnit(p.id, {src: p.source, tgt: p.target},
                             _tmx_props(p, include_fuzzy)) for p in pairs]
        result = tmx.write_tmx(out, units, src, tool_version=__version__,
                               header_props={"x-source-files": " ".join(str(d.path.name) for d in docs)})
        report.warnings += [f"{tuid}: XML-illegal characters replaced by spaces" for tuid in result.replaced]
        report.outputs.append(out)
    else:
        moses.write_moses(out, ((p.source, p.target) for p in pairs), src, tgt)
        report.outputs += list(moses.moses_paths(out, src, tgt))
    return report


def _tmx_props(pair: Pair, include_fuzzy: bool) -> dict[str, str]:
    props = {}
    if pair.context:
        props["x-context"] = pair.context
    if include_fuzzy:
        props["x-status"] = pair.status.value
    return props


def pairs_tsv_header(src: str, tgt: str) -> list[str]:
    """``id context status <src> <tgt>``; the language codes name the text columns."""
    if src == tgt or src in ("id", "context", "status") or tgt in ("id", "context", "status"):
        raise FormatError(f"cannot name TSV columns for languages {src!r}→{tgt!r}")
    return ["id", "context", "status", src, tgt]


def write_pairs_tsv(path: str | Path, pairs: Sequence[Pair], src: str, tgt: str) -> int:
    """Write pairs as TSV (see the module docstring); returns the row count."""
    return tsv.write_tsv(path, pairs_tsv_header(src, tgt),
                         ([p.id, p.context, p.status.value, p.source, p.target] for p in pairs))


def read_pairs_tsv(path: str | Path) -> tuple[str, str, list[Pair]]:
    """Read a TSV written by :func:`write_pairs_tsv`: (source language, target language, pairs)."""
    header, rows = tsv.read_tsv(path)
    if len(header) != 5 or header[:3] != ["id", "context", "status"]:
        raise FormatError("not an export TSV: expected columns id, context, status, <src>, <tgt>", path, 1)
    pairs = []
    for lineno, row in enumerate(rows, 2):
        try:
            status = Status(row[2])
        except ValueError:
            raise FormatError(f"unknown status {row[2]!r}", path, lineno) from None
        pairs.append(Pair(row[0], row[1], status, row[3], row[4]))
    return header[3], header[4], pairs
