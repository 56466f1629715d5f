"""Export reviewed PO files as parallel corpora: TSV, TMX 1.4b or Moses plain text.

Rules (issue 5):

* **Only approved entries by default**: live (not obsolete), not fuzzy, non-empty msgstr.
  ``include_fuzzy=True`` adds fuzzy entries with a non-empty msgstr; their status is in the TSV
  ``status`` column and a TMX ``<prop type="x-status">``. Untranslated entries and empty pairs
  are never exported (an empty msgstr is not a translation; b15.5 choice).
* **Direction established, never assumed** (issue 12.12): ``source_lang``/``target_lang``
  (``--source-lang/--target-lang``) win; else target = ``Language`` and source =
  ``X-Source-Language`` (or Poedit's field); a file whose header names no source language is
  guessed Vietnamese when at least half its msgids with letters contain letters only Vietnamese
  uses (ă, ơ, ư, đ, a dot below or hook above…), with a warning; otherwise the export stops and
  asks for ``--source-lang`` (gettext catalogues such as the real xz/GLib files are
  English→Vietnamese, but nothing in the file says so). Several input files must agree.
* **Checked first**: every file goes through :func:`toolkit.formats.po.check_po`; a problem
  ``msgfmt --check`` would reject stops the export unless ``force``.
* **Every occurrence is a row**, in file order; repeated sentences are not merged (b04.3).
* **Plural entries export every form**: ``msgid`` ↔ ``msgstr[0]`` and ``msgid_plural`` ↔
  ``msgstr[N]`` for N ≥ 1 (one language with ``nplurals=1``, such as Vietnamese: ``msgid`` and
  ``msgid_plural`` both ↔ ``msgstr[0]``); ids ``<stem>:<n>[<N>]``.
* TSV columns: ``id`` (``<file stem>:<n>``, n = 1-based entry number), ``context`` (msgctxt),
  ``status``, ``<src>``, ``<tgt>``; fields escaped by :mod:`toolkit.formats.tsv`. ``out`` ``-``
  writes the TSV to standard output.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from toolkit.errors import FormatError, UsageError
from toolkit.text.files import refuse_foreign_file, refuse_input_as_output
from toolkit.formats import EXPORT_FORMATS, moses, tmx, tsv
from toolkit.formats.po import PoDocument, check_po, read_po
from toolkit.types import Status, Unit

#: Letters Vietnamese writes and French/Spanish/Portuguese/English do not: ă, đ, ơ, ư and the
#: vowels with a hook above, a dot below or a tilde on i/u/y (Unicode Latin Extended Additional).
VIETNAMESE_LETTERS = re.compile("[ăđơưĂĐƠƯ\u1ea0-\u1ef9ĩũĨŨ]")

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
    if unit.obsolete or not unit.msgid or not (unit.msgstr or any(unit.msgstr_plural)):
        return False
    return unit.is_approved or (include_fuzzy and unit.status is Status.FUZZY)


def guess_source_language(doc: PoDocument) -> str | None:
    """``"vi"`` when at least half the msgids with letters contain a Vietnamese-only letter, else None."""
    with_letters = [u.msgid for u in doc.units if not u.obsolete and any(ch.isalpha() for ch in u.msgid)]
    if not with_letters:
        return None
    vietnamese = sum(1 for m in with_letters if VIETNAMESE_LETTERS.search(m))
    return "vi" if vietnamese * 2 >= len(with_letters) else None


def document_languages(doc: PoDocument, source_lang: str | None = None, target_lang: str | None = None,
                       warnings: list[str] | None = None) -> tuple[str, str]:
    """(source, target) language of a document: options, then header, then the Vietnamese guess.

    Raises:
        FormatError: the target or source language cannot be established; the message says which
            option to pass.
    """
    target = target_lang or doc.target_language
    if not target:
        raise FormatError("PO header has no Language field: cannot tell the target language; "
                          "pass --target-lang", doc.path)
    source = source_lang or doc.declared_source_language
    if not source:
        source = guess_source_language(doc)
        if source is None:
            raise FormatError("PO header does not name the source language (X-Source-Language) and the "
                              "msgids are not recognisably Vietnamese; pass --source-lang", doc.path)
        if warnings is not None:
            warnings.append(f"{doc.path}: header names no source language; guessed {source!r} from the "
                            "Vietnamese letters of its msgids (pass --source-lang to say it)")
    return source, target


def unit_pairs(unit: Unit) -> list[tuple[str, str, str]]:
    """(id suffix, source, target) of one entry: one for a singular entry, every form of a plural one."""
    if unit.msgid_plural is None:
        return [("", unit.msgid, unit.msgstr)]
    forms = unit.msgstr_plural
    if len(forms) == 1:
        return [("[0]", unit.msgid, forms[0]), ("[0]", unit.msgid_plural, forms[0])]
    return [(f"[{i}]", unit.msgid if i == 0 else unit.msgid_plural, s) for i, s in enumerate(forms)]


def collect_pairs(docs: Sequence[PoDocument], include_fuzzy: bool = False, source_lang: str | None = None,
                  target_lang: str | None = None, warnings: list[str] | None = None) -> tuple[str, str, list[Pair]]:
    """Pairs of several PO documents and their common (source, target) languages.

    Raises:
        FormatError: a language cannot be established (:func:`document_languages`), or the
            documents disagree on languages.
    """
    langs = None
    pairs: list[Pair] = []
    for doc in docs:
        here = document_languages(doc, source_lang, target_lang, warnings)
        if langs is None:
            langs = here
        elif here != langs:
            raise FormatError(f"languages {here[0]}→{here[1]} differ from the first file's "
                              f"{langs[0]}→{langs[1]}; export them separately", doc.path)
        for n, unit in enumerate(doc.units, 1):
            if is_exportable(unit, include_fuzzy):
                for suffix, source, target in unit_pairs(unit):
                    if source and target:
                        pairs.append(Pair(f"{doc.path.stem}:{n}{suffix}", unit.msgctxt or "", unit.status,
                                          source, target))
    if langs is None:
        raise UsageError("no PO files given")
    return langs[0], langs[1], pairs


def export_po(paths: Sequence[str | Path], to: str, out: str | Path, include_fuzzy: bool = False,
              force: bool = False, source_lang: str | None = None, target_lang: str | None = None) -> ExportReport:
    """Export PO files to one corpus.

    Args:
        paths: PO files (any PO, ours or gettext catalogues).
        to: ``"tsv"``, ``"tmx"`` or ``"moses"``.
        out: output file (TSV, TMX) or prefix (Moses: ``OUT.<src>`` and ``OUT.<tgt>``).
        include_fuzzy: also export fuzzy drafts.
        force: export although :func:`check_po` found problems msgfmt rejects, and replace existing
            Moses files bitext did not write (``OUT.<lang>`` are names bitext derives, so an
            existing one, which may be a source text, is otherwise refused; a repeated export's own
            files are recognised by ``OUT.bitext-moses.json``). A TSV/TMX ``out`` is named by the
            caller and replaced; an output that is one of ``paths`` is always refused.
        source_lang, target_lang: override the header (see the module docstring).

    Returns:
        :class:`ExportReport`.

    Raises:
        UsageError: unknown format. InputError/FormatError: unreadable or inconsistent inputs.
        WouldOverwriteError: an output is an input, or a Moses file exists and ``force`` is false.
    """
    if to not in FORMATS:
        raise UsageError(f"unknown export format {to!r}; use one of {', '.join(FORMATS)}")
    if str(out) == "-" and to != "tsv":
        raise UsageError("-o - (standard output) is for --to tsv; TMX and Moses need file names")
    docs = [read_po(p) for p in paths]
    warnings: list[str] = []
    for doc in docs:
        fatal = [p for p in check_po(doc) if p.fatal]
        if fatal and not force:
            first = fatal[0]
            more = f" (and {len(fatal) - 1} more; see bitext po check)" if len(fatal) > 1 else ""
            raise FormatError(f"{first.message}{more}; msgfmt --check would reject this file: fix it, "
                              "or pass --force to export anyway", doc.path, first.line)
        warnings += [f"{doc.path}: {'line ' + str(p.line) + ': ' if p.line else ''}{p.message}"
                     for p in fatal]
    src, tgt, pairs = collect_pairs(docs, include_fuzzy, source_lang, target_lang, warnings)
    report = ExportReport(pairs=len(pairs), source_language=src, target_language=tgt)
    for doc in docs:
        report.warnings += [f"{doc.path}: {w}" for w in doc.warnings]
    report.warnings += warnings
    if str(out) == "-":
        write_pairs_tsv_stream(sys.stdout, pairs, src, tgt)
        report.outputs.append(Path("-"))
        return report
    out = Path(out)
    targets = list(moses.moses_paths(out, src, tgt)) if to == "moses" else [out]
    for target in targets:
        refuse_input_as_output(target, paths)
        if to == "moses":
            refuse_foreign_file(target, force, lambda p: moses.is_our_moses_file(out, p))
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


def write_pairs_tsv_stream(stream, pairs: Sequence[Pair], src: str, tgt: str) -> int:
    """:func:`write_pairs_tsv` to an open text stream (``-o -``); returns the row count."""
    stream.write("\t".join(pairs_tsv_header(src, tgt)) + "\n")
    for p in pairs:
        stream.write("\t".join(tsv.escape_field(v) for v in (p.id, p.context, p.status.value, p.source, p.target))
                     + "\n")
    stream.flush()
    return len(pairs)


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
