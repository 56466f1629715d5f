"""One article through a run: segments in, what it needs from the engine, merged PO and TSV out.

1. :func:`read_segments`: stream and segment the article, with its source checksum;
2. :func:`open_article`: read the existing PO (approved entries are kept and taught to the TM;
   untouched machine drafts of an earlier run are forgotten so they can be refreshed), then plan
   each segment: text without letters is copied (shared/cases/b08); a sentence approved in the PO
   keeps its translation; an approved TM match is pre-filled (fuzzy, ``tm: exact match``); a
   cached draft is reused; the rest is :attr:`Article.todo` for the engine;
3. :func:`finish_article`: build the units in article order, merge them over the existing PO
   (:func:`toolkit.workflow.merge.merge_units`) and write PO + TSV atomically — unless nothing
   changed, when both files are left untouched.
"""
from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Mapping, Sequence

from toolkit.mt.checks import has_letters
from toolkit.terms.usage import TermUsage, translation_checks
from toolkit.types import Draft, DraftMethod, Segment, Status, Unit
from toolkit.workflow import flags as review
from toolkit.workflow.outputs import OutputPlan, ensure_out_dir
from toolkit.workflow.provenance import (SOURCE_LANG, TARGET_LANG, SourceHash, article_fields, header_context,
                                         merged_header, outputs_untouched, same_header)
from toolkit.workflow.report import FileResult, FileStatus

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.workflow.corpus import RunContext

COPIED_NOTE = "copied: no translatable text"
TM_NOTE = "tm: exact match of an approved translation ({origin})"


@dataclass
class Lookups:
    """What the translation memory already has for an article's texts under the run's context."""

    tm_approved: dict[str, tuple[str, str]] = field(default_factory=dict)   # text → (target, origin)
    cached: dict[str, Draft] = field(default_factory=dict)                   # text → machine draft


@dataclass
class Article:
    """An article between :func:`open_article` and :func:`finish_article`.

    Attributes:
        plan: input and outputs; segments, checksum: from :func:`read_segments`.
        existing: the PO already there (None for a new one); approved: its approved msgids.
        old_units, forgotten: the existing units for the merge, and the machine drafts emptied
            for refreshing (see :func:`_forget_machine_drafts`).
        lookups: TM answers; fresh: drafts made for it in this run; todo: texts still to draft.
        mt_texts: how many of its segments each translatable text stands for.
    """

    plan: OutputPlan
    segments: list[Segment]
    checksum: str
    existing: object | None = None
    approved: dict[str, Unit] = field(default_factory=dict)
    old_units: list[Unit] = field(default_factory=list)
    forgotten: list[Unit] = field(default_factory=list)
    lookups: Lookups = field(default_factory=Lookups)
    fresh: dict[str, Draft] = field(default_factory=dict)
    todo: set[str] = field(default_factory=set)
    mt_texts: Counter = field(default_factory=Counter)
    started: float = field(default_factory=time.perf_counter)


def segment_contexts(segments: Sequence[Segment]) -> list[str]:
    """The msgctxt of each segment: ``seg-`` + 8 hex digits of the SHA-256 of its one-line text.

    Unique per segment (the 2nd occurrence of a repeated sentence gets ``.2``, shared/cases/b04) and
    stable when other sentences are inserted or removed, so translation platforms that key units on
    msgctxt + msgid (Weblate) keep their history, comments and suggestions across re-runs.
    Article order is in the ``#. position:`` comment and the PO entry order.
    """
    seen: dict[str, int] = {}
    out = []
    for seg in segments:
        base = "seg-" + hashlib.sha256(seg.display_text.encode("utf-8")).hexdigest()[:8]
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}.{seen[base]}")
    return out


def read_segments(plan: OutputPlan) -> tuple[list[Segment], str]:
    """Stream and segment an article: (segments, source checksum). Only the segments are held.

    Raises:
        InputError: the article cannot be read or decoded (with its line).
    """
    from toolkit.segment.segmenter import segment_lines
    from toolkit.text.decode import iter_lines

    h = SourceHash()
    segments = list(segment_lines(h.wrap(iter_lines(plan.source)), doc_id=plan.stem))
    return segments, h.hexdigest()


def translatable(segments: Sequence[Segment], approved: Mapping[str, Unit] = {}) -> list[str]:
    """Distinct texts that may need MT, in article order: with letters, not approved in the PO.

    Reviewers and the model see one line per sentence: soft (wrapped) line breaks become spaces
    (:attr:`toolkit.types.Segment.display_text`, issue 14); offsets and lines stay the Segment's.
    """
    return list(dict.fromkeys(s.display_text for s in segments
                              if has_letters(s.text) and s.display_text not in approved))


def lookup(ctx: "RunContext", texts: Sequence[str], drafts: Mapping[str, Draft] | None = None) -> Lookups:
    """TM answers for ``texts``: approved matches first, then cached drafts under the run's context.

    Args:
        drafts: cached drafts already found elsewhere (a Ray worker's snapshot); only the texts
            they miss are looked up in the live TM.
    """
    tm_approved = ctx.memory.lookup_approved(texts)
    rest = [t for t in texts if t not in tm_approved]
    cached = {t: d for t, d in (drafts or {}).items() if t in rest}
    match = ctx.glossary.match if ctx.glossary is not None else None
    cached.update(ctx.memory.lookup_drafts([t for t in rest if t not in cached], ctx.context, match))
    return Lookups(tm_approved, cached)


def open_article(plan: OutputPlan, segments: list[Segment], checksum: str, ctx: "RunContext",
                 snapshot_drafts: Mapping[str, Draft] | None = None) -> Article:
    """Read the existing PO, teach its approvals to the TM, and plan what the article still needs.

    Raises:
        InputError, FormatError: the existing PO cannot be read.
    """
    from toolkit.workflow.merge import approved_sources, load_for_merge

    article = Article(plan, segments, checksum)
    existing = load_for_merge(plan.po)  # refuses duplicate entries (issue 12.4)
    if existing is not None:
        article.existing = existing
        ctx.memory.add_approved(((u.msgid, u.msgstr) for u in existing.units
                                 if u.is_approved and not u.obsolete and u.msgid_plural is None), str(plan.po))
        article.approved = approved_sources(existing.units)
        article.old_units, article.forgotten = _forget_machine_drafts(existing, ctx)
    texts = translatable(segments, article.approved)
    wanted = set(texts)
    article.mt_texts = Counter(s.display_text for s in segments if s.display_text in wanted)
    article.lookups = lookup(ctx, texts, snapshot_drafts)
    article.todo = {t for t in texts if t not in article.lookups.tm_approved and t not in article.lookups.cached}
    return article


def relookup(article: Article, ctx: "RunContext") -> None:
    """Plan the article again under the run's (changed) context: drafts cached or made under the
    old one are dropped; those the new context has are reused; the rest are to do."""
    texts = list(article.mt_texts)
    article.lookups = lookup(ctx, texts)
    article.fresh = {}
    article.todo = {t for t in texts if t not in article.lookups.tm_approved and t not in article.lookups.cached}


def _forget_machine_drafts(existing, ctx: "RunContext") -> tuple[list[Unit], list[Unit]]:
    """Empty the fuzzy entries whose msgstr is still exactly the machine draft of the earlier run.

    The merge keeps any fuzzy msgstr it cannot prove to be a machine draft (it might be a human
    edit not yet approved). The translation memory can prove it: the earlier run's draft for that
    source, under the earlier header's model, settings and glossary, is cached. Emptied entries take
    the fresh draft, so a better glossary or model refreshes untouched drafts and nothing else.

    Returns:
        (units for the merge, the original units that were emptied — to be kept as obsolete when
        their sentence is gone from the article).
    """
    from toolkit.workflow.merge import reviewer_comments  # issue 12.1: a reviewer's note stays

    fuzzy = [u for u in existing.units if u.status is Status.FUZZY and u.msgstr and not u.obsolete]
    cached = ctx.memory.lookup_drafts([u.msgid for u in fuzzy], header_context(existing.header))
    untouched = {id(u) for u in fuzzy if u.msgid in cached and cached[u.msgid].text == u.msgstr}
    units = [replace(u, msgstr="", status=Status.NEW, translator_comments=reviewer_comments(u.translator_comments))
             if id(u) in untouched else u for u in existing.units]
    return units, [u for u in existing.units if id(u) in untouched]


def _keep_gone_drafts(merged: list[Unit], forgotten: Sequence[Unit]) -> list[Unit]:
    """Append emptied machine drafts whose sentence left the article as obsolete entries (``#~``)."""
    taken = {(u.msgctxt, u.msgid) for u in merged} | {u.msgid for u in merged if not u.obsolete}
    gone = [replace(u, obsolete=True) for u in forgotten
            if u.msgid not in taken and (u.msgctxt, u.msgid) not in taken]
    return merged + gone


def _starts_line(seg: Segment, prev: Segment | None) -> bool:
    """Whether ``seg`` begins a new line inside its paragraph (a headline above a date line)."""
    return prev is not None and prev.para == seg.para and seg.line > prev.line + prev.text.count("\n")


def _segment_unit(seg: Segment, msgctxt: str, new_line: bool, draft: Draft, status: Status, ref: str) -> Unit:
    problems, records = review.split_flags(draft.flags)
    position = f"position: p{seg.para} s{seg.index}" + (" newline" if new_line else "")
    return Unit(
        msgid=seg.display_text, msgstr=draft.text, msgctxt=msgctxt,
        status=Status.FUZZY if problems and status is Status.TRANSLATED else status,
        comments=(position,) + draft.notes + tuple(review.describe(f) for f in records),
        translator_comments=tuple(review.review_comment(f) for f in problems),
        references=((ref, seg.line),),
    )


def build_units(article: Article) -> tuple[list[Unit], dict[str, Draft]]:
    """The article's fresh units in order, and the machine draft behind each drafted text."""
    units, drafts = [], {}
    ref = article.plan.source.name
    look = article.lookups
    for seg, msgctxt, prev in zip(article.segments, segment_contexts(article.segments), [None, *article.segments]):
        text = seg.display_text
        if not has_letters(text):
            draft, status = Draft(text, (), (COPIED_NOTE,), (), DraftMethod.COPIED), Status.TRANSLATED
        elif text in article.approved:
            draft, status = Draft(article.approved[text].msgstr, method=DraftMethod.APPROVED), Status.TRANSLATED
        elif text in look.tm_approved:
            target, origin = look.tm_approved[text]
            draft, status = Draft(target, (), (TM_NOTE.format(origin=origin),), (), DraftMethod.TM), Status.FUZZY
        else:
            draft, status = article.fresh.get(text) or look.cached[text], Status.FUZZY
            drafts[text] = draft
        units.append(_segment_unit(seg, msgctxt, _starts_line(seg, prev), draft, status, ref))
    return units, drafts


def term_usage(units: Sequence[Unit], drafts: Mapping[str, Draft], glossary) -> TermUsage:
    """Term usage of what the file contains: each live entry with letters, whatever its origin —
    a machine draft still as drafted counts with its enforcement checks, any other translation
    (approved, TM, human edit) is verified as it stands (:mod:`toolkit.terms.usage`)."""
    if glossary is None:
        return TermUsage()
    per_segment = []
    for u in units:
        if u.obsolete or not u.msgstr or not has_letters(u.msgid):
            continue
        d = drafts.get(u.msgid)
        per_segment.append(d.checks if d is not None and d.text == u.msgstr else translation_checks(u.msgid, u.msgstr, glossary))
    return TermUsage.from_checks(per_segment)


def finish_article(article: Article, ctx: "RunContext") -> FileResult:
    """Merge and write the article's PO and TSV (atomically), or leave them if nothing changed.

    Raises:
        FormatError: an entry a PO file cannot hold; OutputError: the outputs cannot be written.
    """
    from toolkit.formats.po import po_header
    from toolkit.formats.tsv import write_units_tsv
    from toolkit.workflow.merge import merge_units, write_merged_po

    plan = article.plan
    units, drafts = build_units(article)
    header = po_header(SOURCE_LANG, TARGET_LANG, article_fields(
        plan.stem, ctx.options.model, ctx.settings.key(), ctx.glossary_checksum, article.checksum))
    existing = article.existing
    if existing is not None:
        units = _keep_gone_drafts(merge_units(article.old_units, units), article.forgotten)
        header = merged_header(existing.header, header)
    n_mt = sum(article.mt_texts[t] for t in article.fresh)
    result = FileResult(plan.source, plan.po, plan.tsv, FileStatus.WRITTEN, segments=len(article.segments),
                        translated=len(article.fresh), reused=len(article.segments) - n_mt,
                        flags=tuple(f for f in map(review.unit_flags, units) if f),
                        terms=term_usage(units, drafts, ctx.glossary))
    if existing is not None and units == existing.units and same_header(existing.header, header) \
            and outputs_untouched(plan.po, plan.tsv):
        result.status = FileStatus.UP_TO_DATE          # nothing changed: leave both files untouched
    else:
        ensure_out_dir(plan.tsv.parent)
        write_merged_po(plan.po, units, header, existing)  # header comment kept; refused if saved meanwhile
        write_units_tsv(plan.tsv, [u for u in units if not u.obsolete])
    result.seconds = time.perf_counter() - article.started
    return result
