"""``bitext glossary lint|convert|check``: term-base maintenance and term adherence of reviewed PO files.

Exit codes: 0 clean; 1 errors or findings (lint: any error or warning; check: any approved
translation missing a required term or using a forbidden rendering).
"""
from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli.app import app
from toolkit.errors import EXIT_INPUT, FormatError

from toolkit.workflow.pipeline import DEFAULT_GLOSSARY


@app.group("glossary")
def glossary_group() -> None:
    """Lint, convert (TSV/CSV/TBX) and check glossaries."""


@glossary_group.command("lint")
@click.argument("files", nargs=-1, required=True)
@click.option("--source-lang", default="vi", show_default=True, help="xml:lang of source terms (TBX).")
@click.option("--target-lang", default="en", show_default=True, help="xml:lang of target terms (TBX).")
def lint_cmd(files: tuple[str, ...], source_lang: str, target_lang: str) -> int:
    """Validate glossary FILES; print every defect as FILE:LINE: error|warning: message.

    Files that are not glossaries by extension (README.md) are skipped with a note on stderr.
    Exits 1 when any error or warning is found, so it can gate a commit or a CI job."""
    from pathlib import Path

    from toolkit.errors import UsageError
    from toolkit.terms.termbase import CSV_SUFFIXES, TBX_SUFFIXES, TSV_SUFFIXES, lint_glossary

    found = 0
    known = TSV_SUFFIXES + CSV_SUFFIXES + TBX_SUFFIXES
    glossaries = [f for f in files if Path(f).suffix.lower() in known]
    for f in files:
        if f not in glossaries:     # `bitext glossary lint glossary/*` also sees README.md
            click.echo(f"{f}: skipped (not a glossary file: use .tsv, .csv or .tbx)", err=True)
    if not glossaries:
        raise UsageError("no glossary file given (.tsv, .csv or .tbx)")
    for f in glossaries:
        report = lint_glossary(f, source_lang, target_lang)
        for line in report.messages():
            click.echo(line)
        found += len(report.errors) + len(report.warnings)
        n = len(report.entries)
        click.echo(f"{f}: {n} entr{'y' if n == 1 else 'ies'}, {len(report.errors)} errors, "
                   f"{len(report.warnings)} warnings", err=True)
    return EXIT_INPUT if found else 0


@glossary_group.command("convert")
@click.argument("src")
@click.argument("dst")
@click.option("--source-lang", default="vi", show_default=True, help="xml:lang of source terms (TBX).")
@click.option("--target-lang", default="en", show_default=True, help="xml:lang of target terms (TBX).")
def convert_cmd(src: str, dst: str, source_lang: str, target_lang: str) -> int:
    """Convert glossary SRC to DST; formats by extension (.tsv, .csv, .tbx). Warnings go to stderr."""
    from toolkit.text.files import refuse_input_as_output
    from toolkit.terms.termbase import Glossary

    refuse_input_as_output(dst, [src])
    g = Glossary.load(src, source_lang, target_lang)
    for w in g.warnings:
        click.echo(f"warning: {w}", err=True)
    g.save(dst, source_lang, target_lang)
    click.echo(f"{dst}: {len(g.entries)} entries (checksum {g.checksum})", err=True)
    return 0


@glossary_group.command("check")
@click.argument("po_file")
@click.option("--glossary", "glossary_path", default=DEFAULT_GLOSSARY, show_default=True,
              help="Glossary file (TSV/CSV/TBX).")
@click.option("--all", "check_all", is_flag=True, help="Also check fuzzy entries (default: approved only).")
def check_cmd(po_file: str, glossary_path: str, check_all: bool) -> int:
    """Term adherence of a reviewed PO file: approved translations missing a required term or using a
    forbidden rendering are printed as PO_FILE:LINE: msgctxt: finding."""
    import polib

    from toolkit.terms.termbase import Glossary
    from toolkit.terms.enforce import check_translation

    g = Glossary.load(glossary_path)
    if not Path(po_file).is_file():  # polib reports a missing file as a syntax error
        raise FormatError("file not found" if not Path(po_file).exists() else "not a regular file", po_file)
    try:
        po = polib.pofile(po_file, wrapwidth=0)
    except OSError as e:
        raise FormatError(f"cannot read PO file: {e}", po_file) from None
    errors = warnings = checked = 0
    for entry in po:
        if entry.obsolete or not entry.msgstr or (entry.fuzzy and not check_all):
            continue
        checked += 1
        for finding in check_translation(entry.msgid, entry.msgstr, g):
            where = f"{po_file}:{entry.linenum}: {entry.msgctxt + ': ' if entry.msgctxt else ''}"
            click.echo(where + finding.message())
            if finding.kind == "term-warning":
                warnings += 1
            else:
                errors += 1
    click.echo(f"{po_file}: {checked} translations checked, {errors} term errors, {warnings} warnings "
               f"(glossary {g.checksum})", err=True)
    return EXIT_INPUT if errors else 0
