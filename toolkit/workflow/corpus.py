"""Corpus mode: many articles through one engine, drafted in batches that cross article boundaries.

The loop, one streaming window at a time (the same for one article, a folder of thousands, and the
Ray path, which plugs in its own preparation and drafter):

1. each input is first checked from its PO header alone (:func:`check_current`): source checksum,
   model, settings and glossary checksum as recorded, and the TSV written after the PO — then it is
   up to date and neither parsed nor merged;
2. otherwise it is segmented and planned (:func:`toolkit.workflow.article.open_article`): TM
   approvals and cached drafts first, so only what the TM lacks is left to draft;
3. articles are held until the window holds :data:`WINDOW_SEGMENTS` segments; the distinct texts
   the window still needs are then **de-duplicated across its articles** (a sentence repeated in
   500 articles is drafted once; across windows, the TM serves it), **sorted by length** and
   drafted in rounds of whole token-budgeted engine batches, at least
   :data:`DRAFT_CHUNK_SEGMENTS` texts each (:meth:`toolkit.mt.translator.Translator.rounds`);
4. each round's drafts are committed to the TM at once, and an article is written (atomically) as
   soon as its last text is drafted — an interrupted corpus keeps its finished articles and
   resumes from the TM.

Memory: the window holds at most :data:`WINDOW_SEGMENTS` segments (plus one article, which may be
larger on its own) with their articles' existing PO units; articles before and after it are on disk.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Protocol, Sequence

from toolkit.errors import FormatError, InputError, UsageError
from toolkit.mt.settings import EngineSettings
from toolkit.types import Draft
from toolkit.workflow.article import Article, finish_article, open_article, read_segments, relookup
from toolkit.workflow.flags import scan_po
from toolkit.workflow.memory import RunMemory
from toolkit.workflow.options import RunOptions
from toolkit.workflow.outputs import OutputPlan
from toolkit.workflow.provenance import (H_GLOSSARY, H_MODEL, H_SOURCE, RunSettings, draft_context, file_checksum,
                                         is_current, outputs_untouched, read_header)
from toolkit.workflow.report import FileResult, FileStatus, NoProgress, Progress, Timings

#: Segments of the articles held at once (plus one article): the memory bound of corpus mode.
WINDOW_SEGMENTS = 4096
#: Texts per drafting round (at least; rounds end at engine batch edges); each round's drafts are
#: committed to the TM before the next.
DRAFT_CHUNK_SEGMENTS = 256


@dataclass
class RunContext:
    """What every stage of a run shares."""

    options: RunOptions
    glossary: object | None
    memory: RunMemory
    settings: RunSettings
    progress: Progress = field(default_factory=NoProgress)
    timings: Timings = field(default_factory=Timings)
    drafted: int = 0

    @property
    def glossary_checksum(self) -> str:
        return self.glossary.checksum if self.glossary is not None else "none"

    @property
    def context(self) -> str:
        """The draft-cache context under the run's current settings."""
        return draft_context(self.options.model, self.settings.key(), self.glossary_checksum)


class Drafter(Protocol):
    """Drafts texts with glossary enforcement; yields (drafts, settings of the engine that made them)."""

    def settings(self, ctx: "RunContext") -> EngineSettings | None:
        """The engine's settings, loading it if that is how they are known; None if only drafts tell."""

    def draft(self, texts: Sequence[str], ctx: RunContext) -> Iterator[tuple[dict[str, Draft], EngineSettings]]: ...


class LocalDrafter:
    """Drafts in this process; loads the engine on first use, once per run (cached runs need no model)."""

    def __init__(self, engine_factory=None) -> None:
        self.translator = None
        self.engine_factory = engine_factory   # options → engine, instead of load_engine (custom engines)

    def _load(self, ctx: RunContext):
        if self.translator is None:
            from toolkit.mt.translator import Translator, load_engine

            o = ctx.options
            ctx.progress.status("loading model…")
            t0 = time.perf_counter()
            if self.engine_factory is not None:
                engine = self.engine_factory(o)
            else:
                engine = load_engine(o.model, engine=o.engine, device=o.device, beams=o.beams,
                                     max_batch_tokens=o.max_batch_tokens, quantize=o.quantize_or_default())
            ctx.timings.model_load += time.perf_counter() - t0
            self.translator = Translator(engine)
            ctx.progress.status("drafting")
        return self.translator

    def settings(self, ctx: RunContext) -> EngineSettings:
        return self._load(ctx).settings

    def draft(self, texts: Sequence[str], ctx: RunContext) -> Iterator[tuple[dict[str, Draft], EngineSettings]]:
        from toolkit.formats.placeholders import protect_placeholders
        from toolkit.terms.enforce import draft_segments

        translator = self._load(ctx)
        for chunk in translator.rounds(texts, DRAFT_CHUNK_SEGMENTS):
            t0 = time.perf_counter()
            drafts = dict(zip(chunk, draft_segments(chunk, ctx.glossary, protect_placeholders(translator))))
            ctx.timings.drafting += time.perf_counter() - t0
            yield drafts, translator.settings


def check_current(plan: OutputPlan, ctx: RunContext) -> FileResult | None:
    """An up-to-date article recognised from its PO header alone (no parse, no merge), or None.

    Current when the header records this article's checksum, the run's model, settings
    (:meth:`RunSettings.accepts`) and glossary, and the TSV was written after the PO (a reviewer
    who saved the PO since makes it "not current": it is merged, and its approvals are learnt).
    """
    header = read_header(plan.po)
    if header is None or header.get(H_MODEL) != ctx.options.model or header.get(H_GLOSSARY) != ctx.glossary_checksum \
            or not ctx.settings.accepts(header.get("X-MT-Settings")) or not outputs_untouched(plan.po, plan.tsv):
        return None
    expected = {H_SOURCE: file_checksum(plan.source), H_MODEL: ctx.options.model, H_GLOSSARY: ctx.glossary_checksum}
    if not is_current(header, expected, ctx.settings):
        return None
    live, flagged = scan_po(plan.po)
    return FileResult(plan.source, plan.po, plan.tsv, FileStatus.UP_TO_DATE, segments=live, reused=live,
                      flags=tuple(flagged), terms=None)


def prepare_local(plans: Sequence[OutputPlan], ctx: RunContext) -> Iterator[tuple[OutputPlan, Article | FileResult]]:
    """Check, segment and plan each article in this process, one at a time."""
    for plan in plans:
        current = check_current(plan, ctx)
        if current is not None:
            yield plan, current
            continue
        segments, checksum = read_segments(plan)
        yield plan, open_article(plan, segments, checksum, ctx)


def run_corpus(plans: Sequence[OutputPlan], ctx: RunContext, drafter: Drafter,
               prepared: Iterable[tuple[OutputPlan, Article | FileResult]] | None = None) -> list[FileResult]:
    """Translate every planned article; returns their results in plan order (see module docstring).

    Args:
        prepared: (plan, article or result) per plan, in any order; default :func:`prepare_local`.

    Raises:
        InputError, FormatError, OutputError: an article, its PO or an output; the articles before
            a bad one are drafted and written first (kept), nothing of the bad one is written.
        ModelUnavailableError: drafting is needed and the model cannot be loaded.
    """
    results: dict[int, FileResult] = {}
    progress = ctx.progress
    progress.planned(len(plans))
    window: list[Article] = []
    held = 0

    def done(result: FileResult, plan: OutputPlan) -> None:
        results[plan.index] = result
        progress.article_done(result)

    items = iter(prepared if prepared is not None else prepare_local(plans, ctx))
    while True:
        try:
            plan, item = next(items)
        except StopIteration:
            break
        except (InputError, FormatError):
            _flush(window, ctx, drafter, done)   # a fault deep in an article: finish the ones before it
            raise
        if isinstance(item, FileResult):
            progress.segmented(item.segments)
            progress.advanced(item.segments)
            done(item, plan)
            continue
        progress.segmented(len(item.segments))
        progress.advanced(len(item.segments) - sum(item.mt_texts[t] for t in item.todo))
        if not item.todo:
            done(finish_article(item, ctx), plan)
            continue
        window.append(item)
        held += len(item.segments)
        if held >= WINDOW_SEGMENTS:
            _flush(window, ctx, drafter, done)
            window, held = [], 0
    _flush(window, ctx, drafter, done)
    return [results[p.index] for p in plans]


def _flush(window: list[Article], ctx: RunContext, drafter: Drafter, done) -> None:
    """Draft what the window's articles still need, once per distinct text, in the drafter's rounds."""
    open_articles = list(window)
    if open_articles and ctx.settings.actual is None:
        known = drafter.settings(ctx)          # a local engine is loaded now, before any drafting
        if known is not None and _adopt(ctx, known):
            _replan(open_articles, ctx, done)
            open_articles = [a for a in open_articles if a.todo]
    while open_articles:
        waiting: dict[str, list[Article]] = defaultdict(list)
        for a in open_articles:
            for t in a.todo:
                waiting[t].append(a)
        texts = sorted(waiting, key=lambda t: (len(t), t))   # one order for every run; the engine batches by tokens
        switched = False
        for drafts, settings in drafter.draft(texts, ctx):
            switched = _adopt(ctx, settings)
            ctx.memory.add_drafts(drafts, ctx.context)   # committed now: an interruption loses one round
            if switched:
                break   # made under the engine's settings, not the plan's: plan the window again
            ctx.drafted += len(drafts)
            for text, draft in drafts.items():
                for a in waiting.pop(text, ()):
                    a.fresh[text] = draft
                    a.todo.discard(text)
                    ctx.progress.advanced(a.mt_texts[text])
                    if not a.todo:
                        done(finish_article(a, ctx), a.plan)
        if switched:
            _replan(open_articles, ctx, done)
        elif waiting:
            raise RuntimeError(f"the drafter returned no draft for {len(waiting)} texts")  # a drafter bug
        open_articles = [a for a in open_articles if a.todo]


def _adopt(ctx: RunContext, settings: EngineSettings) -> bool:
    """Record the engine's settings; True when they differ from the plan the window was looked up under.

    Raises:
        UsageError: two engines of one run report different settings (a mixed CPU/GPU cluster).
    """
    if ctx.settings.actual is None:
        ctx.settings.actual = settings
        return settings.key() != ctx.settings.planned.key()
    if settings.key() != ctx.settings.actual.key():
        raise UsageError(f"drafting engines report different settings ({ctx.settings.actual.key()} and "
                         f"{settings.key()}); run every worker with the same device and precision")
    return False


def _replan(articles: list[Article], ctx: RunContext, done) -> None:
    """Look the window up again under the engine's settings; finish what it already has."""
    for a in articles:
        relookup(a, ctx)
        if not a.todo:
            done(finish_article(a, ctx), a.plan)
