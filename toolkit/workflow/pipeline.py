"""The main job: articles → segments → drafts (TM, MT + glossary) → merged PO and TSV, and a report.

This module only wires the stages together; the CLI is a thin layer over :func:`translate_files`.
Each stage has its own module:

* :mod:`~toolkit.workflow.inputs` — files, folders, patterns, a manifest;
* :mod:`~toolkit.workflow.outputs` — output names and the overwrite policy;
* :mod:`~toolkit.workflow.provenance` — the PO header's provenance, the up-to-date check, the
  draft-cache context; settings from the loaded engine;
* :mod:`~toolkit.workflow.article` — one article: segment, plan, merge, write;
* :mod:`~toolkit.workflow.corpus` — the loop over many articles (cross-article batches, windows);
* :mod:`~toolkit.workflow.ray_corpus` — the same loop with Ray workers;
* :mod:`~toolkit.workflow.flags`, :mod:`~toolkit.workflow.report` — review flags, the typed report.

An article whose PO already records the same source checksum and run settings is skipped without
loading anything, so an interrupted run resumes where it stopped.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

from toolkit.errors import InputError, UsageError
from toolkit.text.decode import check_text_file
from toolkit.workflow.article import COPIED_NOTE, TM_NOTE, segment_contexts  # noqa: F401  (public names)
from toolkit.workflow.corpus import LocalDrafter, RunContext, run_corpus
from toolkit.workflow.memory import RunMemory
from toolkit.workflow.options import DEFAULT_GLOSSARY, RunOptions  # noqa: F401  (public names)
from toolkit.workflow.outputs import REPORT_NAME, TM_NAME, ensure_out_dir, output_stem, plan_outputs  # noqa: F401
from toolkit.workflow.provenance import RunSettings
from toolkit.workflow.report import FileResult, FileStatus, Progress, RunReport  # noqa: F401  (public names)


def translate_files(inputs: Sequence[str | Path], out_dir: str | Path, options: RunOptions | None = None,
                    progress: Progress | None = None, engine_factory=None) -> RunReport:
    """Translate articles into ``OUTDIR/<stem>.po`` and ``OUTDIR/<stem>.tsv`` (+ a JSON report).

    Args:
        inputs: article files (UTF-8 text; see :mod:`toolkit.text.decode` for accepted encodings);
            :func:`toolkit.workflow.inputs.expand_inputs` turns folders, patterns and manifests into these.
        out_dir: output folder (created when the first output is written).
        options: run options; ``options.ray`` runs the drafting on Ray (:mod:`toolkit.workflow.ray_corpus`).
        progress: told about articles and segments as they finish (:class:`toolkit.workflow.report.Progress`).
        engine_factory: builds the engine from the options instead of
            :func:`toolkit.mt.translator.load_engine` (custom engines; must be picklable for Ray).

    Returns:
        The :class:`RunReport` (one :class:`FileResult` per input, in order; iterating it yields
        them), also written to ``OUTDIR/bitext-report.json``.

    Raises:
        InputError: an input, the glossary or an existing PO cannot be read (nothing of that file
            is written; files finished earlier in the run are kept).
        ModelUnavailableError: MT is needed and the model cannot be loaded (nothing is created
            for a run that had nothing to write before).
        UsageError, WouldOverwriteError: conflicting outputs or options.
    """
    t0 = time.perf_counter()
    options = options or RunOptions()
    out = Path(out_dir)
    inputs = [Path(p) for p in inputs]
    if not inputs:
        raise UsageError("no input files")
    for src in inputs:  # every input sniffed first: a binary third file stops the run before the first
        if not src.is_file():
            raise InputError("file not found" if not src.exists() else "not a regular file", src)
        check_text_file(src)
    options.check()
    tm_path = (options.tm or out / TM_NAME) if options.use_tm else None
    plans = plan_outputs(inputs, out, update=options.update, force=options.force,
                         readonly=[p for p in (options.glossary, options.tm) if p is not None])
    glossary = _load_glossary(options)  # before any model: an unusable glossary stops the run here
    ctx = RunContext(options, glossary, RunMemory(tm_path, on_create=lambda: ensure_out_dir(tm_path.parent)),
                     RunSettings(_plan(options)), progress or _silent())
    try:
        if options.ray:
            from toolkit.workflow.ray_corpus import run_on_ray

            results = run_on_ray(plans, ctx, engine_factory)
        else:
            results = run_corpus(plans, ctx, LocalDrafter(engine_factory))
    finally:
        ctx.memory.close()
    ctx.timings.total = time.perf_counter() - t0
    report = RunReport(results, options.model, ctx.settings.key(), ctx.settings.actual is not None,
                       str(options.glossary) if glossary is not None else None,
                       glossary.checksum if glossary is not None else None, ctx.timings, ctx.drafted)
    ensure_out_dir(out)
    report.write(out / REPORT_NAME)
    return report


def _plan(options: RunOptions):
    """The settings predicted without loading a model (:func:`toolkit.mt.settings.plan_settings`)."""
    from toolkit.mt.settings import plan_settings

    return plan_settings(options.model, engine=options.engine, device=options.device, beams=options.beams,
                         quantize=options.quantize)


def _load_glossary(options: RunOptions):
    if options.glossary is None:
        return None
    from toolkit.terms.termbase import Glossary

    return Glossary.load(options.glossary)


def _silent() -> Progress:
    from toolkit.workflow.report import NoProgress

    return NoProgress()
