"""Corpus mode on a Ray cluster (Ray Data's batch-inference pattern; ``pip install -e ".[ray]"``).

Entry points: ``bitext translate … --ray [ADDRESS|auto]`` and :func:`translate_on_ray` (or
:func:`toolkit.workflow.pipeline.translate_files` with ``RunOptions(ray=…)``). The loop is the one of
:mod:`toolkit.workflow.corpus`; Ray does its two heavy steps:

* **segmentation and glossary matching** — ``map_batches`` over a Dataset of article rows, as
  stateless Ray tasks: each reads its articles (from a path every node sees), segments them, hashes
  them, and looks their sentences up in a read-only **snapshot** of the translation memory,
  re-attaching glossary matches to the cached drafts it finds;
* **drafting** — ``map_batches`` with a :class:`DraftActor` class and ``ActorPoolStrategy(size=N)``:
  each actor loads the engine once (CPU actors with ``num_cpus`` = their torch threads, or GPU
  actors with ``num_gpus``) and drafts length-sorted batches of the distinct sentences the TM lacks,
  with glossary enforcement.

What crosses the network: article paths out, segments and cached drafts back; sentences out,
drafts back — never a model (each actor loads its own). The driver alone reads existing PO files,
merges, writes PO/TSV (same merge and atomic rules as the local path) and writes the live TM; workers
only read the snapshot taken at the start of the run. Rows are keyed by article index and sentence
text, so the order in which Ray returns them does not matter; a worker that dies is restarted by Ray
and its batch retried (drafts are a function of the sentence, so outputs are unchanged).
"""
from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator, Sequence

from toolkit.errors import UsageError
from toolkit.mt.settings import EngineSettings
from toolkit.types import Draft
from toolkit.workflow.article import open_article, read_segments, translatable
from toolkit.workflow.corpus import RunContext, check_current, run_corpus
from toolkit.workflow.options import RunOptions
from toolkit.workflow.outputs import OutputPlan
from toolkit.workflow.report import FileResult, Progress, RunReport

#: Articles per segmentation Dataset: with the corpus window, what the driver holds at once.
PREPARE_ARTICLES = 512
#: Articles per segmentation task.
ARTICLES_PER_TASK = 16
#: Most sentences per drafting call of an actor (the engine splits them into token-budgeted batches).
TEXTS_PER_ACTOR_CALL = 64
#: Fewest sentences per call: below this an engine's batches would be smaller than its token budget.
MIN_TEXTS_PER_ACTOR_CALL = 8
#: Calls each actor should get per window at least: with one big call each, the actor that drew the
#: long sentences finishes last while the others wait (bench/README.md, issue 15).
CALLS_PER_ACTOR = 4

EngineFactory = Callable[[RunOptions], object]


def translate_on_ray(inputs: Sequence[str | Path], out_dir: str | Path, options: RunOptions | None = None,
                     progress: Progress | None = None, engine_factory: EngineFactory | None = None) -> RunReport:
    """:func:`toolkit.workflow.pipeline.translate_files` with the drafting on Ray.

    Args:
        options: run options; ``options.ray`` defaults to ``"auto"`` (``RAY_ADDRESS`` or a local
            instance); ``ray_actors``, ``ray_threads``, ``ray_gpus`` size the actor pool. A Ray
            already initialised in this process (``ray.init(...)``) is used as it is.
        engine_factory: builds the engine inside each actor instead of
            :func:`toolkit.mt.translator.load_engine` (a picklable callable taking the options; on
            CPU it should give the engine ``options.ray_threads`` threads, as ``load_engine`` is).

    Raises:
        UsageError: Ray is not installed; otherwise as ``translate_files``.
    """
    from dataclasses import replace

    from toolkit.workflow.pipeline import translate_files

    options = replace(options or RunOptions(), ray=(options.ray if options and options.ray else "auto"))
    return translate_files(inputs, out_dir, options, progress=progress, engine_factory=engine_factory)


def connect(address: str) -> None:
    """Join or start Ray: ``auto`` → ``RAY_ADDRESS`` if set, else a local instance; ``local`` → a local
    instance; anything else is a cluster address. Nothing is done if Ray is already initialised."""
    try:
        import ray
    except ImportError:
        raise UsageError('--ray needs Ray: pip install -e ".[ray]"') from None
    if ray.is_initialized():
        return
    if address == "local" or (address == "auto" and not os.environ.get("RAY_ADDRESS")):
        ray.init(include_dashboard=False, log_to_driver=False)
    else:
        ray.init(address=None if address == "auto" else address, log_to_driver=False)


def run_on_ray(plans: Sequence[OutputPlan], ctx: RunContext, engine_factory: EngineFactory | None = None) -> list[FileResult]:
    """The corpus loop with Ray tasks for segmentation and Ray actors for drafting."""
    connect(ctx.options.ray or "auto")
    import ray.data

    ray.data.DataContext.get_current().enable_progress_bars = False   # ours covers the corpus
    if engine_factory is None:
        from toolkit.mt.model_source import resolve_model

        resolve_model(ctx.options.model)   # a missing model fails here, not in actors Ray would restart
    snap_dir = Path(tempfile.mkdtemp(prefix=".bitext-snapshot-", dir=_shared_dir(ctx)))
    try:
        snapshot = ctx.memory.snapshot(snap_dir / "tm.sqlite") if ctx.memory.enabled else None
        drafter = RayDrafter(engine_factory)
        return run_corpus(plans, ctx, drafter, prepared=_prepare(plans, ctx, snapshot))
    finally:
        shutil.rmtree(snap_dir, ignore_errors=True)


def _shared_dir(ctx: RunContext) -> str | None:
    """Where the TM snapshot goes: beside the TM (a path the workers must see), else the temp folder."""
    path = ctx.memory.path
    return str(path.parent) if path is not None and path.parent.is_dir() else None


def _prepare(plans: Sequence[OutputPlan], ctx: RunContext, snapshot: Path | None
             ) -> Iterator[tuple[OutputPlan, object]]:
    import ray.data

    for start in range(0, len(plans), PREPARE_ARTICLES):
        group = plans[start:start + PREPARE_ARTICLES]
        todo = []
        for plan in group:
            current = check_current(plan, ctx)   # the driver reads headers: cheap, and needs no worker
            if current is not None:
                yield plan, current
            else:
                todo.append(plan)
        if not todo:
            continue
        by_index = {p.index: p for p in todo}
        rows = [{"index": p.index, "payload": pickle.dumps(p)} for p in todo]
        ds = ray.data.from_items(rows).map_batches(
            _segment_batch, batch_size=ARTICLES_PER_TASK, batch_format="pandas",
            fn_kwargs={"snapshot": str(snapshot) if snapshot else None, "context": ctx.context,
                       "glossary_path": str(ctx.options.glossary) if ctx.glossary is not None else None})
        # Collected before the first yield: the drafting Dataset that runs while the caller holds
        # this generator must not wait for CPUs a half-consumed segmentation Dataset still claims.
        for row in list(ds.iter_rows()):
            segments, checksum, cached = pickle.loads(row["payload"])
            plan = by_index[int(row["index"])]
            yield plan, open_article(plan, segments, checksum, ctx, snapshot_drafts=cached)


_GLOSSARIES: dict[str, object] = {}


def _glossary(path: str | None):
    """The term base in a worker, loaded once per worker process."""
    if path is None:
        return None
    if path not in _GLOSSARIES:
        from toolkit.terms.termbase import Glossary

        _GLOSSARIES[path] = Glossary.load(path)
    return _GLOSSARIES[path]


def _segment_batch(batch, snapshot: str | None, context: str, glossary_path: str | None):
    """Ray task: segment articles and find their cached drafts in the TM snapshot (read-only)."""
    from toolkit.workflow.tm import TranslationMemory

    glossary = _glossary(glossary_path)
    tm = TranslationMemory(snapshot) if snapshot else None
    payloads = []
    try:
        for payload in batch["payload"]:
            plan = pickle.loads(payload)
            segments, checksum = read_segments(plan)
            texts = translatable(segments)
            cached = tm.lookup_drafts(texts, context, glossary.match if glossary is not None else None) if tm else {}
            payloads.append(pickle.dumps((segments, checksum, cached)))
    finally:
        if tm is not None:
            tm.close()
    batch = batch.copy()
    batch["payload"] = payloads
    return batch


class DraftActor:
    """A Ray actor that loads the engine once and drafts batches of sentences with the glossary."""

    def __init__(self, options: RunOptions, glossary_path: str | None, threads: int,
                 engine_factory: EngineFactory | None = None):
        t0 = time.perf_counter()
        if engine_factory is not None:
            engine = engine_factory(options)
        else:
            from toolkit.mt.translator import load_engine

            # The engine's threads are the actor's num_cpus: by default an engine takes every CPU
            # of the node, and N actors on one node would run N × cores threads.
            engine = load_engine(options.model, engine=options.engine,
                                 device="cuda" if options.ray_gpus > 0 else options.device, beams=options.beams,
                                 max_batch_tokens=options.max_batch_tokens, quantize=options.quantize_or_default(),
                                 threads=threads if options.ray_gpus <= 0 else None)
        from toolkit.mt.translator import Translator

        self.translator = Translator(engine)
        self.glossary = _glossary(glossary_path)
        self.load_seconds = time.perf_counter() - t0

    def __call__(self, batch):
        from toolkit.formats.placeholders import protect_placeholders
        from toolkit.terms.enforce import draft_segments

        texts = [str(t) for t in batch["text"]]
        t0 = time.perf_counter()
        drafts = draft_segments(texts, self.glossary, protect_placeholders(self.translator))
        seconds = time.perf_counter() - t0
        load, self.load_seconds = self.load_seconds, 0.0   # reported once per actor
        settings = pickle.dumps(self.translator.settings)
        return {"text": texts, "draft": [pickle.dumps(d) for d in drafts], "settings": [settings] * len(texts),
                "seconds": [seconds / len(texts)] * len(texts), "load": [load] + [0.0] * (len(texts) - 1)}


def texts_per_call(texts: int, actors: int) -> int:
    """Sentences per actor call for ``texts`` sentences on ``actors`` actors: at least
    :data:`CALLS_PER_ACTOR` calls per actor, within [:data:`MIN_TEXTS_PER_ACTOR_CALL`,
    :data:`TEXTS_PER_ACTOR_CALL`]."""
    per_call = -(-texts // max(1, actors * CALLS_PER_ACTOR))
    return max(MIN_TEXTS_PER_ACTOR_CALL, min(TEXTS_PER_ACTOR_CALL, per_call))


class RayDrafter:
    """:class:`toolkit.workflow.corpus.Drafter` on an actor pool (``ActorPoolStrategy``)."""

    def __init__(self, engine_factory: EngineFactory | None = None):
        self.engine_factory = engine_factory

    def settings(self, ctx: RunContext) -> None:
        return None   # known from the actors' first drafts (the driver loads no model)

    def draft(self, texts: Sequence[str], ctx: RunContext) -> Iterator[tuple[dict[str, Draft], EngineSettings]]:
        import ray.data

        o = ctx.options
        resources = {"num_gpus": o.ray_gpus} if o.ray_gpus > 0 else {"num_cpus": o.ray_threads}
        ctx.progress.status(f"drafting on Ray ({o.ray_actors} actors starting)")
        # Longest first, in calls small enough that each actor gets several, one queued at a time:
        # the calls left at the end are the short ones, so actors finish together (longest-first
        # list scheduling) instead of one waiting for the other's long batch.
        ordered = sorted(texts, key=lambda t: (-len(t), t))
        ds = ray.data.from_items([{"text": t} for t in ordered]).map_batches(
            DraftActor, batch_size=texts_per_call(len(ordered), o.ray_actors),
            compute=ray.data.ActorPoolStrategy(size=o.ray_actors, max_tasks_in_flight_per_actor=2),
            fn_constructor_kwargs={"options": o, "threads": o.ray_threads, "engine_factory": self.engine_factory,
                                   "glossary_path": str(o.glossary) if ctx.glossary is not None else None},
            **resources)
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            ctx.timings.model_load += float(sum(batch["load"]))
            ctx.timings.drafting += float(sum(batch["seconds"]))
            by_settings: dict[bytes, dict[str, Draft]] = {}
            for text, draft, settings in zip(batch["text"], batch["draft"], batch["settings"]):
                by_settings.setdefault(bytes(settings), {})[str(text)] = pickle.loads(draft)
            for settings, drafts in by_settings.items():
                yield drafts, pickle.loads(settings)
