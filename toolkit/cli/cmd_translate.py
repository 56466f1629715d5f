"""``bitext translate INPUT... -o OUTDIR``: the main job (see :mod:`toolkit.workflow.pipeline`).

Inputs may be files, folders, glob patterns or ``-`` (a manifest on standard input):
:mod:`toolkit.workflow.inputs`. Progress: on a terminal, one bar over the corpus (articles and
segments done, segments/s, ETA) with a line per article above it; otherwise (logs, CI) only the
per-article lines, plain text; ``-q`` prints nothing but errors.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from toolkit.cli.app import app
from toolkit.errors import EXIT_FLAGGED, EXIT_OK
from toolkit.mt.model_source import DEFAULT_MODEL
from toolkit.mt.precision import QUANTIZE_CHOICES
from toolkit.mt.settings import DEVICE_CHOICES
from toolkit.mt.translator import ENGINES


class ConsoleProgress:
    """:class:`toolkit.workflow.report.Progress` for the console: a tqdm bar on a terminal, lines in logs.

    The bar's total is the segments found so far, extrapolated to the articles not yet read, so
    a corpus shows a total and an ETA from its first article on.
    """

    def __init__(self, bar: bool):
        self.articles = self.done_articles = 0
        self.found = self.found_in = 0
        self.t0 = time.perf_counter()
        self.bar = None
        if bar:
            from tqdm import tqdm

            self.bar = tqdm(unit="seg", desc="reading", total=0, leave=False, dynamic_ncols=True)

    def planned(self, articles: int) -> None:
        self.articles = articles

    def segmented(self, segments: int) -> None:
        self.found += segments
        self.found_in += 1
        if self.bar is not None:
            estimate = round(self.found / self.found_in * self.articles)
            self.bar.total = max(estimate, self.found, self.bar.n)
            self.bar.refresh()

    def advanced(self, segments: int) -> None:
        if self.bar is not None and segments:
            self.bar.update(segments)

    def status(self, text: str) -> None:
        if self.bar is not None:
            self.bar.set_description(text)
        else:
            click.echo(f"bitext: {text}", err=True)

    def article_done(self, r) -> None:
        self.done_articles += 1
        note = " (up to date)" if r.status.value == "up-to-date" else ""
        line = (f"[{self.done_articles}/{self.articles}] {r.source} → {r.po}: {r.segments} segments, "
                f"{r.translated} drafted, {r.flagged} flagged{note}")
        if self.bar is not None:
            self.bar.set_postfix_str(f"articles {self.done_articles}/{self.articles}", refresh=False)
            self.bar.write(line, file=sys.stderr)
        else:
            click.echo(line, err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@app.command("translate")
@click.argument("inputs", nargs=-1, required=True)
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
              help="CPU precision of the torch engine: auto (default: int8 on x86-64 CPUs with AVX2, "
                   "else none), int8 (int8 weights, per-row int8 activations), bf16, or none (exact "
                   "float32). CUDA always uses bf16/fp16; CTranslate2 uses its converted model's precision.")
@click.option("--tm", "tm_path", type=click.Path(path_type=Path), default=None,
              help="Translation memory file (default: OUTDIR/.bitext-tm.sqlite).")
@click.option("--no-tm", is_flag=True, help="Neither read nor write the translation memory.")
@click.option("--update", type=click.Path(path_type=Path), default=None,
              help="Merge into this existing PO instead of OUTDIR/<article>.po (one input only).")
@click.option("--force", is_flag=True, help="Replace an existing TSV that bitext did not write.")
@click.option("--strict", is_flag=True, help="Exit 3 when any segment was flagged for review.")
@click.option("--ray", "ray_address", is_flag=False, flag_value="auto", default=None, metavar="[ADDRESS|auto]",
              help="Draft on Ray: 'auto' (the default when given alone) joins RAY_ADDRESS or starts a local "
                   "instance; or a cluster address. Needs pip install -e '.[ray]'.")
@click.option("--ray-actors", type=click.IntRange(1), default=2, show_default=True,
              help="Drafting actors on Ray; each loads the model once.")
@click.option("--ray-threads", type=click.IntRange(1), default=1, show_default=True,
              help="CPU threads per drafting actor.")
@click.option("--ray-gpus", type=click.FloatRange(0), default=0, show_default=True,
              help="GPUs per drafting actor (0: CPU actors).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, per-article lines or summary.")
def translate_cmd(inputs, out_dir, model, glossary, no_glossary, engine, device, beams, max_batch_tokens, batch_size,
                  quantize, tm_path, no_tm, update, force, strict, ray_address, ray_actors, ray_threads, ray_gpus,
                  quiet) -> int:
    """Segment INPUT articles (files, folders, globs, or - for a manifest on stdin), draft English
    with MarianMT, enforce the glossary, write PO + TSV per article."""
    if batch_size is not None:
        if max_batch_tokens is not None and max_batch_tokens != batch_size:
            raise click.UsageError("--batch-size is the deprecated name of --max-batch-tokens; give only one")
        click.echo("bitext: warning: --batch-size is deprecated: it is a budget of padded source tokens, "
                   f"not a number of texts; use --max-batch-tokens {batch_size}", err=True)
        max_batch_tokens = batch_size
    from toolkit.workflow.inputs import expand_inputs
    from toolkit.workflow.pipeline import DEFAULT_GLOSSARY, REPORT_NAME, RunOptions, translate_files

    options = RunOptions(
        model=model, engine=engine, device=device, beams=beams, max_batch_tokens=max_batch_tokens,
        quantize=quantize, glossary=None if no_glossary else (glossary or DEFAULT_GLOSSARY),
        tm=tm_path, use_tm=not no_tm, update=update, force=force,
        ray=ray_address, ray_actors=ray_actors, ray_threads=ray_threads, ray_gpus=ray_gpus)
    progress = None if quiet else ConsoleProgress(bar=sys.stderr.isatty())
    try:
        report = translate_files(expand_inputs(inputs), out_dir, options, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    if not quiet:
        t = report.timings
        click.echo(f"{len(report)} articles, {report.totals()['segments']} segments, {report.drafted} drafted "
                   f"in {t.total:.1f} s (model load {t.model_load:.1f} s)", err=True)
        click.echo(report.summary_line() + f"; report: {Path(out_dir) / REPORT_NAME}", err=True)
    return EXIT_FLAGGED if strict and report.flagged else EXIT_OK
