"""``bitext translate INPUT... -o OUTDIR``: the main job (see :mod:`toolkit.workflow.pipeline`)."""
from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli.app import app
from toolkit.errors import EXIT_FLAGGED, EXIT_OK
from toolkit.mt.model_source import DEFAULT_MODEL
from toolkit.mt.precision import QUANTIZE_CHOICES
from toolkit.mt.settings import DEVICE_CHOICES
from toolkit.mt.translator import ENGINES


@app.command("translate")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Output folder for <article>.po, <article>.tsv and bitext-report.json.")
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="Hub id or local checkpoint folder.")
@click.option("--glossary", type=click.Path(path_type=Path), default=None,
              help="Term base (TSV/CSV/TBX). Default: the curated base shipped with the toolkit (glossary/vi-en.tsv in the repository).")
@click.option("--no-glossary", is_flag=True, help="Translate without a term base.")
@click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True)
@click.option("--device", type=click.Choice(DEVICE_CHOICES), default="auto", show_default=True)
@click.option("--beams", type=click.IntRange(1, 16), default=4, show_default=True, help="Beam size (1 = greedy).")
@click.option("--max-batch-tokens", "max_batch_tokens", type=click.IntRange(1), default=None,
              help="Batch size in padded source tokens (default on CPU: 512 torch, 1024 ct2 "
                   "with at most 32 beam rows; 8192 on CUDA).")
@click.option("--batch-size", "batch_size", type=click.IntRange(1), default=None, hidden=True,
              help="Deprecated name of --max-batch-tokens (it is a token budget, not a count of texts).")
@click.option("--quantize", type=click.Choice(QUANTIZE_CHOICES), default=None,
              help="CPU precision of the torch engine: auto (default: bf16 on CPUs with AMX tiles, "
                   "else int8), int8 (int8 weights, per-row int8 activations), bf16, or none (exact "
                   "float32). CUDA always uses bf16/fp16; CTranslate2 uses its converted model's precision.")
@click.option("--tm", "tm_path", type=click.Path(path_type=Path), default=None,
              help="Translation memory file (default: OUTDIR/.bitext-tm.sqlite).")
@click.option("--no-tm", is_flag=True, help="Neither read nor write the translation memory.")
@click.option("--update", type=click.Path(path_type=Path), default=None,
              help="Merge into this existing PO instead of OUTDIR/<article>.po (one input only).")
@click.option("--force", is_flag=True, help="Replace an existing TSV that bitext did not write.")
@click.option("--strict", is_flag=True, help="Exit 3 when any segment was flagged for review.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
def translate_cmd(inputs, out_dir, model, glossary, no_glossary, engine, device, beams, max_batch_tokens, batch_size,
                  quantize, tm_path, no_tm, update, force, strict, quiet) -> int:
    """Segment INPUT articles, draft English with MarianMT, enforce the glossary, write PO + TSV."""
    if batch_size is not None:
        if max_batch_tokens is not None and max_batch_tokens != batch_size:
            raise click.UsageError("--batch-size is the deprecated name of --max-batch-tokens; give only one")
        click.echo("bitext: warning: --batch-size is deprecated: it is a budget of padded source tokens, "
                   f"not a number of texts; use --max-batch-tokens {batch_size}", err=True)
        max_batch_tokens = batch_size
    from toolkit.workflow.pipeline import DEFAULT_GLOSSARY, RunOptions, translate_files

    options = RunOptions(
        model=model, engine=engine, device=device, beams=beams, max_batch_tokens=max_batch_tokens,
        quantize=quantize, glossary=None if no_glossary else (glossary or DEFAULT_GLOSSARY),
        tm=tm_path, use_tm=not no_tm, update=update, force=force)
    bar = mt_bar = None
    if not quiet:
        from tqdm import tqdm

        bar = tqdm(unit="seg", desc="segments done", leave=False, dynamic_ncols=True, position=0,
                   disable=None)  # None: no bars when stderr is not a terminal (logs, CI)
        mt_bar = tqdm(unit="text", desc="model calls", leave=False, dynamic_ncols=True, position=1,
                      disable=None)

    def on_file(r) -> None:
        if not quiet:
            note = " (up to date)" if r.status == "up-to-date" else ""
            bar.write(f"{r.source} → {r.po}, {r.tsv}: {r.segments} segments, {r.translated} translated, "
                      f"{r.flagged} flagged{note}")

    try:
        results = translate_files(inputs, out_dir, options, progress=bar.update if bar is not None else None,
                                  on_file=on_file, mt_progress=mt_bar.update if mt_bar is not None else None)
    finally:
        for b in (mt_bar, bar):
            if b is not None:
                b.close()
    flagged = sum(r.flagged for r in results)
    if not quiet:
        from toolkit.terms.enforce import format_summary
        from toolkit.workflow.pipeline import REPORT_NAME
        import json

        report = json.loads((Path(out_dir) / REPORT_NAME).read_text(encoding="utf-8"))
        click.echo(format_summary(report["terms"]) + f"; report: {Path(out_dir) / REPORT_NAME}", err=True)
    return EXIT_FLAGGED if strict and flagged else EXIT_OK
