"""``bitext score HYP.po --ref REF.(po|tsv) [--glossary G]``: BLEU, chrF, term usage rate."""
from __future__ import annotations

import click

from toolkit.cli.app import app


@app.command("score")
@click.argument("hyp", type=click.Path(dir_okay=False))
@click.option("--ref", required=True, type=click.Path(dir_okay=False), help="Reference PO or TSV.")
@click.option("--glossary", type=click.Path(dir_okay=False), help="Glossary for the term usage rate.")
def score_cmd(hyp: str, ref: str, glossary: str | None) -> int:
    """Score the drafts in HYP against REF (paired by context and source text)."""
    from toolkit.workflow.score import score_po

    r = score_po(hyp, ref, glossary)
    for warning in r.warnings:
        click.echo(f"bitext: warning: {warning}", err=True)
    click.echo(f"segments\t{r.segments}")
    click.echo(f"BLEU\t{r.bleu:.2f}\t{r.bleu_signature}")
    click.echo(f"chrF\t{r.chrf:.2f}\t{r.chrf_signature}")
    if glossary is not None:
        rate = "n/a" if r.term_rate is None else f"{r.term_rate:.3f}"
        click.echo(f"term-usage\t{rate}\t{r.term_hits}/{r.term_total}")
    return 0
