"""``bitext export FILE.po... --to tsv|tmx|moses -o OUT``: parallel corpus of approved entries."""
from __future__ import annotations

import click

from toolkit.cli.app import app, require_stream
from toolkit.formats import EXPORT_FORMATS


@app.command("export")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--to", "to", type=click.Choice(EXPORT_FORMATS), required=True, help="Output format.")
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False),
              help="Output file (TSV/TMX), '-' for standard output (TSV), or prefix (Moses: OUT.<src> and OUT.<tgt>).")
@click.option("--include-fuzzy", is_flag=True, help="Also export fuzzy drafts (status column / x-status prop).")
@click.option("--source-lang", help="Source language code (default: the header's X-Source-Language, "
                                    "else guessed 'vi' from Vietnamese letters, with a warning).")
@click.option("--target-lang", help="Target language code (default: the header's Language).")
@click.option("--force", is_flag=True, help="Export although 'bitext po check' finds errors; replace Moses "
                                            "files OUT.<src>/OUT.<tgt> that bitext did not write.")
def export_cmd(files: tuple[str, ...], to: str, out: str, include_fuzzy: bool, source_lang: str | None,
               target_lang: str | None, force: bool) -> int:
    """Export approved PO entries of FILES to a TSV, TMX 1.4b or Moses corpus.

    Each file is checked first as 'bitext po check' does; an error stops the export unless --force.
    Languages come from the options, else the PO headers (Language, X-Source-Language); only
    approved entries (not fuzzy, non-empty, not obsolete) unless --include-fuzzy; plural entries
    give one pair per form.
    """
    from toolkit.workflow.export import export_po

    if out == "-":
        require_stream("stdout")
    report = export_po(files, to, out, include_fuzzy=include_fuzzy, force=force,
                       source_lang=source_lang, target_lang=target_lang)
    for warning in report.warnings:
        click.echo(f"bitext: warning: {warning}", err=True)
    if report.pairs == 0 and not include_fuzzy:
        click.echo("bitext: warning: no approved entries: unreviewed drafts are fuzzy and left out "
                   "(review them in a PO editor, or pass --include-fuzzy to export drafts)", err=True)
    click.echo(f"{report.pairs} pairs {report.source_language}→{report.target_language}: "
               + ", ".join(str(p) for p in report.outputs), err=True)
    return 0
