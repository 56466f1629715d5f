"""The main job: article → segments → drafts (TM, MT + glossary) → merged PO and TSV.

This is the only module that wires the stages together; the CLI is a thin layer over
:func:`translate_files`. Per input file:

1. read and segment (:mod:`toolkit.segment.segmenter`), NFC, offsets and lines kept;
2. plan each segment: text without letters is copied, not translated (shared/cases/b08); a sentence
   approved in the existing PO keeps its translation; an approved translation-memory match is
   pre-filled (fuzzy, marked ``tm: exact match``); a cached draft is reused; the rest needs MT;
3. draft what needs MT with :func:`toolkit.terms.enforce.draft_segments` (glossary enforced and verified),
   loading the model only now and only once per run;
4. merge with the existing PO (:func:`toolkit.workflow.merge.merge_units`: approved entries kept, changed
   ones fuzzy with ``#| msgid``, gone ones obsolete) and write PO + TSV atomically.

A file whose PO already records the same source checksum and run settings is skipped without
loading anything, so an interrupted multi-file run resumes where it stopped.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

from toolkit import __version__
from toolkit.errors import InputError, OutputError, UsageError
from toolkit.text.files import atomic_write_text, refuse_foreign_file, refuse_input_as_output
from toolkit.mt.checks import has_letters
from toolkit.text.decode import check_text_file
from toolkit.mt.model_source import DEFAULT_MODEL
from toolkit.types import Draft, DraftMethod, Segment, Status, Unit

log = logging.getLogger("toolkit.workflow.pipeline")

SOURCE_LANG, TARGET_LANG = "vi", "en"
REPORT_NAME = "bitext-report.json"
TM_NAME = ".bitext-tm.sqlite"
# Segments drafted per round before their drafts are committed to the translation memory, so that
# an interrupted run of a long article resumes from the draft cache instead of redoing all its MT.
DRAFT_CHUNK_SEGMENTS = 256
DEFAULT_GLOSSARY = Path(__file__).resolve().parent.parent / "data" / "vi-en.tsv"  # package data; glossary/vi-en.tsv links here
COPIED_NOTE = "copied: no translatable text"
TM_NOTE = "tm: exact match of an approved translation ({origin})"

# Header fields that record what produced the drafts; a file whose fields all match is up to date.
H_SOURCE = "X-Source-Checksum"
H_MODEL = "X-MT-Model"
H_SETTINGS = "X-MT-Settings"
H_GLOSSARY = "X-Glossary-Checksum"


@dataclass
class RunOptions:
    """Options of one ``bitext translate`` run (CLI flags mirror these names).

    Attributes:
        model: hub id or local checkpoint folder.
        engine, device, beams, max_batch_tokens, quantize: see :func:`toolkit.mt.translator.load_engine`;
            ``quantize`` None means the torch engine's default, and any other value is refused
            when the run resolves to CTranslate2 (its precision is the converted model's).
        glossary: term base file, or None for none.
        tm: translation-memory file; None = ``OUTDIR/.bitext-tm.sqlite``.
        use_tm: read and write the translation memory.
        update: an existing PO to merge into (single input only); default ``OUTDIR/<stem>.po``.
        force: replace a TSV that bitext did not write.
    """

    model: str = DEFAULT_MODEL
    engine: str = "auto"
    device: str = "auto"
    beams: int = 4
    max_batch_tokens: int | None = None
    quantize: str | None = None  # None: the torch engine's default (int8)
    glossary: Path | None = DEFAULT_GLOSSARY
    tm: Path | None = None
    use_tm: bool = True
    update: Path | None = None
    force: bool = False


@dataclass
class FileResult:
    """What happened to one input file.

    Attributes:
        source: the input path; po, tsv: outputs.
        status: ``"written"`` or ``"up-to-date"`` (skipped, nothing loaded).
        segments: segments in the article; translated: sent to MT; reused: approved/TM/cache/copied.
        flagged: segments whose draft needs a human (term miss, loop, split).
        terms: term usage summary (:func:`toolkit.terms.enforce.summarize`).
    """

    source: Path
    po: Path
    tsv: Path
    status: str = "written"
    segments: int = 0
    translated: int = 0
    reused: int = 0
    flagged: int = 0
    terms: dict = field(default_factory=dict)


class _LazyTranslator:
    """Loads the engine on first use, once per run, so cached or approved files need no model."""

    def __init__(self, options: RunOptions, mt_progress: Callable[[int], None] | None = None):
        self.options = options
        self.mt_progress = mt_progress
        self._translator = None

    @property
    def translator(self):
        if self._translator is None:
            from toolkit.mt.translator import Translator, load_engine

            o = self.options
            engine = load_engine(o.model, engine=o.engine, device=o.device, beams=o.beams,
                                 max_batch_tokens=o.max_batch_tokens, quantize=_quantize(o))
            self._translator = Translator(engine, progress=self.mt_progress)
        return self._translator

    def __call__(self, texts: list[str], n_best: int):
        return self.translator(texts, n_best)


def _settings(options: RunOptions) -> str:
    """Provenance of the run's drafts (PO header, draft-cache key), predicted without loading the
    model: :func:`toolkit.mt.settings.plan_settings`, the same value the loaded engine reports."""
    from toolkit.mt.settings import plan_settings

    return plan_settings(options.model, engine=options.engine, device=options.device, beams=options.beams,
                         quantize=options.quantize).key()


def _quantize(options: RunOptions) -> str:
    from toolkit.mt.precision import DEFAULT_QUANTIZE

    return options.quantize or DEFAULT_QUANTIZE


def _check_quantize(options: RunOptions) -> None:
    """Refuse ``--quantize`` when CTranslate2 runs (it would be silently ignored); ``auto`` fits any engine."""
    if options.quantize in (None, "auto"):
        return
    from toolkit.mt.translator import resolve_engine

    engine = resolve_engine(options.model, options.engine)
    if engine.startswith("ct2"):
        where = f"the converted model {engine[4:]} of {options.model}" if ":" in engine else "CTranslate2"
        raise UsageError(f"--quantize {options.quantize} applies to the torch engine, but this run uses "
                         f"{where}; add --engine torch, or leave out --quantize")


def output_stem(path: Path) -> str:
    """Output base name for an input file: its name without the last suffix.

    Only the final path component is used, so an output can never escape the output folder.

    Raises:
        UsageError: the name is empty or a dot name.
    """
    stem = Path(path.name).stem if path.suffix else path.name
    if stem in ("", ".", "..") or "/" in stem or "\\" in stem:
        raise UsageError(f"cannot derive an output name from {str(path)!r}")
    return stem


# Engine flags that record what was done, not a problem: noted as `#.`, not as a reason to review.
INFO_FLAG_PREFIXES = ("mt-retried", "mt-split")


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


def _starts_line(seg: Segment, prev: Segment | None) -> bool:
    """Whether ``seg`` begins a new line inside its paragraph (a headline above a date line)."""
    return prev is not None and prev.para == seg.para and seg.line > prev.line + prev.text.count("\n")


def _segment_unit(seg: Segment, msgctxt: str, new_line: bool, draft: Draft, status: Status, ref: str) -> Unit:
    flags = tuple(f for f in dict.fromkeys(draft.flags) if not f.startswith(INFO_FLAG_PREFIXES))
    info = tuple(_describe_flag(f) for f in dict.fromkeys(draft.flags) if f.startswith(INFO_FLAG_PREFIXES))
    position = f"position: p{seg.para} s{seg.index}" + (" newline" if new_line else "")
    notes = (position,) + draft.notes + info
    return Unit(
        msgid=seg.display_text, msgstr=draft.text, msgctxt=msgctxt,
        status=Status.FUZZY if flags and status is Status.TRANSLATED else status,
        comments=notes, translator_comments=tuple(NEEDS_REVIEW + f for f in flags),
        references=((ref, seg.line),),
    )


def _describe_flag(flag: str) -> str:
    """A reviewer-facing sentence for an engine flag (b09 asks for "split into N chunks")."""
    if flag.startswith("mt-split:") and flag[9:].isdigit():
        return f"mt: split into {flag[9:]} chunks at clause boundaries (over the model's input limit)"
    if flag == "mt-split:hard":
        return "mt: a clause over the input limit was cut between words"
    if flag.startswith("mt-retried:"):
        return "mt: retried with no_repeat_ngram_size=3 after a repetition loop or length cap"
    return f"mt: {flag}"


def _draft_context(header) -> str:
    """The draft-cache context of a run, from its PO header fields (model, settings, glossary)."""
    return f"{header.get(H_MODEL)}|{header.get(H_SETTINGS)}|glossary={header.get(H_GLOSSARY)}"


def _forget_machine_drafts(existing, tm) -> tuple[list[Unit], list[Unit]]:
    """Empty the fuzzy entries whose msgstr is still exactly the machine draft of the earlier run.

    The merge keeps any fuzzy msgstr it cannot prove to be a machine draft (it might be a human
    edit not yet approved). The translation memory can prove it: the earlier run's draft for that
    source, under the earlier header's model, settings and glossary, is cached. Emptied entries take
    the fresh draft, so a better glossary or model refreshes untouched drafts and nothing else.

    Returns:
        (units for the merge, the original units that were emptied — to be kept as obsolete when
        their sentence is gone from the article).
    """
    old_context = _draft_context(existing.header)
    fuzzy = [u for u in existing.units if u.status is Status.FUZZY and u.msgstr and not u.obsolete]
    cached = tm.lookup_drafts([u.msgid for u in fuzzy], old_context)
    untouched = {id(u) for u in fuzzy if u.msgid in cached and cached[u.msgid].text == u.msgstr}
    from toolkit.workflow.merge import reviewer_comments  # issue 12.1: a reviewer's note stays

    units = [replace(u, msgstr="", status=Status.NEW, translator_comments=reviewer_comments(u.translator_comments))
             if id(u) in untouched else u for u in existing.units]
    return units, [u for u in existing.units if id(u) in untouched]


def _keep_gone_drafts(merged: list[Unit], forgotten: Sequence[Unit]) -> list[Unit]:
    """Append emptied machine drafts whose sentence left the article as obsolete entries (``#~``)."""
    taken = {(u.msgctxt, u.msgid) for u in merged} | {u.msgid for u in merged if not u.obsolete}
    gone = [replace(u, obsolete=True) for u in forgotten
            if u.msgid not in taken and (u.msgctxt, u.msgid) not in taken]
    return merged + gone


def _load_glossary(options: RunOptions):
    if options.glossary is None:
        return None
    from toolkit.terms.termbase import Glossary

    return Glossary.load(options.glossary)


def _is_our_tsv(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as f:
        return f.readline().rstrip("\n") == "id\tsource\ttarget\tstatus\tnotes"


def _is_our_report(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as f:
        return '"toolkit_version"' in f.read(200)


def _check_outputs(inputs: Sequence[Path], out_dir: Path, options: RunOptions) -> list[tuple[Path, Path, Path]]:
    """Plan (input, PO, TSV) per file and refuse outputs that would destroy something.

    The PO is merged, never replaced (approved entries survive); a TSV or report that bitext did not
    write needs ``--force``; an output that is an input (article, glossary, TM) is always refused.
    """
    plans, seen = [], {}
    readonly = [*inputs, *(p for p in (options.glossary, options.tm) if p is not None)]
    for src in inputs:
        stem = output_stem(src)
        if stem in seen:
            raise UsageError(f"{src} and {seen[stem]} would both write {stem}.po; rename one or use separate -o folders")
        seen[stem] = src
        po = options.update if options.update is not None else out_dir / f"{stem}.po"
        tsv = out_dir / f"{stem}.tsv"
        refuse_input_as_output(po, readonly)
        refuse_input_as_output(tsv, readonly)
        refuse_foreign_file(tsv, options.force, _is_our_tsv)
        plans.append((src, po, tsv))
    refuse_input_as_output(out_dir / REPORT_NAME, readonly)
    refuse_foreign_file(out_dir / REPORT_NAME, options.force, _is_our_report)
    if options.update is not None and len(inputs) != 1:
        raise UsageError("--update takes exactly one input article")
    return plans


def translate_files(inputs: Sequence[str | Path], out_dir: str | Path, options: RunOptions | None = None,
                    progress: Callable[[int], None] | None = None,
                    on_file: Callable[[FileResult], None] | None = None,
                    mt_progress: Callable[[int], None] | None = None) -> list[FileResult]:
    """Translate articles into ``OUTDIR/<stem>.po`` and ``OUTDIR/<stem>.tsv`` (+ a JSON report).

    Args:
        inputs: article files (UTF-8 text; see :mod:`toolkit.text.decode` for accepted encodings).
        out_dir: output folder (created if missing).
        options: run options.
        progress: called with the number of segments finished, for a progress bar.
        mt_progress: called with the number of texts each model call finished (glossary retries
            included), so a long article shows progress while it is being drafted.
        on_file: called with each file's result as soon as its outputs are written.

    Returns:
        One :class:`FileResult` per input, in order. The run report is written to
        ``OUTDIR/bitext-report.json``.

    Raises:
        InputError: an input, the glossary or an existing PO cannot be read (nothing of that file
            is written; files finished earlier in the run are kept).
        ModelUnavailableError: MT is needed and the model cannot be loaded.
        UsageError, WouldOverwriteError: conflicting outputs.
    """
    options = options or RunOptions()
    out = Path(out_dir)
    inputs = [Path(p) for p in inputs]
    if not inputs:
        raise UsageError("no input files")
    for src in inputs:  # every input sniffed first: a binary third file stops the run before the first
        if not src.is_file():
            raise InputError("file not found" if not src.exists() else "not a regular file", src)
        check_text_file(src)
    if out.exists() and not out.is_dir():
        raise UsageError(f"output {out} exists and is not a folder")
    _check_quantize(options)
    plans = _check_outputs(inputs, out, options)
    glossary = _load_glossary(options)  # before any model: an unusable glossary stops the run here
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create the output folder: {e.strerror}", out) from None
    translator = _LazyTranslator(options, mt_progress)
    tm = None
    if options.use_tm:
        from toolkit.workflow.tm import TranslationMemory

        tm = TranslationMemory(options.tm or out / TM_NAME)
    results = []
    try:
        for src, po_path, tsv_path in plans:
            result = _translate_one(src, po_path, tsv_path, options, glossary, translator, tm, progress)
            results.append(result)
            if on_file:
                on_file(result)
    finally:
        if tm is not None:
            tm.close()
    _write_report(out / REPORT_NAME, results, options, glossary)
    return results


def _translate_one(src: Path, po_path: Path, tsv_path: Path, options: RunOptions, glossary, translator,
                   tm, progress) -> FileResult:
    from toolkit.formats.po import po_header
    from toolkit.formats.placeholders import protect_placeholders
    from toolkit.formats.tsv import write_units_tsv
    from toolkit.workflow.merge import approved_sources, load_for_merge, merge_units, write_merged_po
    from toolkit.segment.segmenter import segment_lines
    from toolkit.text.decode import iter_lines
    from toolkit.terms import enforce as terms

    stem = output_stem(src)
    source_hash = hashlib.sha256()

    def hashed_lines():  # the article is streamed: only its segments are held, not the text twice over
        for line in iter_lines(src):
            source_hash.update(line.encode("utf-8"))
            yield line

    segments = list(segment_lines(hashed_lines(), doc_id=stem))
    result = FileResult(src, po_path, tsv_path, segments=len(segments))
    header = po_header(SOURCE_LANG, TARGET_LANG, {
        "Project-Id-Version": stem,
        "X-Toolkit-Version": __version__,
        H_MODEL: options.model,
        H_SETTINGS: _settings(options),
        H_GLOSSARY: glossary.checksum if glossary else "none",
        H_SOURCE: source_hash.hexdigest()[:16],
    })
    existing = load_for_merge(po_path)  # refuses duplicate entries (issue 12.4)
    if existing is not None:
        if tm is not None:  # learn what reviewers approved, also when nothing else is to be done
            tm.add_approved(((u.msgid, u.msgstr) for u in existing.units
                             if u.is_approved and not u.obsolete and u.msgid_plural is None), str(po_path))
        if tm is None and all(existing.header.get(k) == header[k] for k in (H_SOURCE, H_MODEL, H_SETTINGS, H_GLOSSARY)):
            # Without a draft cache, only the header proves the drafts are current: keep the file.
            result.status = "up-to-date"
            result.reused = len(segments)
            result.flagged = count_flagged(existing.units)
            if progress:
                progress(len(segments))
            return result
    approved = approved_sources(existing.units) if existing is not None else {}

    context = _draft_context(header)
    old_units, forgotten = (existing.units if existing is not None else []), []
    if existing is not None and tm is not None:
        old_units, forgotten = _forget_machine_drafts(existing, tm)
    # Reviewers and the model see one line per sentence: soft (wrapped) line breaks become spaces
    # (Segment.display_text, issue 14); offsets and line numbers still come from the Segment.
    todo = [s.display_text for s in segments if has_letters(s.text) and s.display_text not in approved]
    tm_approved = tm.lookup_approved(todo) if tm is not None else {}
    todo = [t for t in todo if t not in tm_approved]
    cached = tm.lookup_drafts(todo, context, glossary.match if glossary else None) if tm is not None else {}
    todo = list(dict.fromkeys(t for t in todo if t not in cached))
    fresh_drafts: dict[str, Draft] = {}
    for start in range(0, len(todo), DRAFT_CHUNK_SEGMENTS):
        chunk = todo[start:start + DRAFT_CHUNK_SEGMENTS]
        drafts = dict(zip(chunk, terms.draft_segments(chunk, glossary, protect_placeholders(translator))))
        fresh_drafts.update(drafts)
        if tm is not None:  # committed now: an interrupted run loses at most this chunk's MT work
            tm.add_drafts(drafts, context)
    result.translated = len(todo)

    ref = src.name
    units, final_drafts = [], []
    for seg, msgctxt, prev in zip(segments, segment_contexts(segments), [None, *segments]):
        def unit_for(draft: Draft, status: Status) -> Unit:
            return _segment_unit(seg, msgctxt, _starts_line(seg, prev), draft, status, ref)

        text = seg.display_text
        if not has_letters(text):
            unit = unit_for(Draft(text, (), (COPIED_NOTE,), (), DraftMethod.COPIED), Status.TRANSLATED)
        elif text in approved:
            unit = unit_for(Draft(approved[text].msgstr, method=DraftMethod.APPROVED), Status.TRANSLATED)
        elif text in tm_approved:
            target, origin = tm_approved[text]
            unit = unit_for(Draft(target, (), (TM_NOTE.format(origin=origin),), (), DraftMethod.TM), Status.FUZZY)
        else:
            draft = fresh_drafts.get(text) or cached[text]
            final_drafts.append(draft)
            unit = unit_for(draft, Status.FUZZY)
        units.append(unit)
        if progress:
            progress(1)
    result.reused = len(segments) - sum(1 for s in segments if s.display_text in fresh_drafts)
    result.terms = terms.summarize(final_drafts)

    if existing is not None:
        units = _keep_gone_drafts(merge_units(old_units, units), forgotten)
        header = _merged_header(existing.header, header)
    result.flagged = count_flagged(units)
    if existing is not None and units == existing.units and _same_header(existing.header, header) \
            and tsv_path.exists() and tsv_path.stat().st_mtime >= po_path.stat().st_mtime:
        result.status = "up-to-date"          # nothing changed: leave both files untouched
        return result
    write_merged_po(po_path, units, header, existing)  # header comment kept; refused if saved meanwhile
    write_units_tsv(tsv_path, [u for u in units if not u.obsolete])
    return result


NEEDS_REVIEW = "needs review: "
# Header fields a reviewer or their editor owns; a re-run keeps them (Poedit/Weblate fill them in).
REVIEWER_FIELDS = ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "Last-Translator",
                   "Language-Team")


def count_flagged(units: Sequence[Unit]) -> int:
    """Live entries still waiting for review because of a machine-check problem (fuzzy + ``needs review:``)."""
    return sum(1 for u in units if not u.obsolete and u.status is Status.FUZZY
               and any(c.startswith(NEEDS_REVIEW) for c in u.translator_comments))


def _merged_header(old: dict[str, str], ours: dict[str, str]) -> dict[str, str]:
    """Our header fields over the existing ones, keeping fields the reviewer owns and unknown ones."""
    merged = dict(old)
    for key, value in ours.items():
        if key in REVIEWER_FIELDS and old.get(key, "").strip():
            continue
        merged[key] = value
    return merged


def _same_header(old: dict[str, str], new: dict[str, str]) -> bool:
    skip = {"PO-Revision-Date"}
    return {k: v for k, v in old.items() if k not in skip} == {k: v for k, v in new.items() if k not in skip}


def _write_report(path: Path, results: Sequence[FileResult], options: RunOptions, glossary) -> None:
    files = [{
        "source": str(r.source), "po": str(r.po), "tsv": str(r.tsv), "status": r.status,
        "segments": r.segments, "translated": r.translated, "reused": r.reused, "flagged": r.flagged,
        "terms": r.terms,
    } for r in results]
    totals = {k: sum(f[k] for f in files) for k in ("segments", "translated", "reused", "flagged")}
    term_keys = ("occurrences", "enforced", "present", "repaired", "flagged", "warnings")
    term_totals = {k: sum(r.terms.get(k, 0) for r in results) for k in term_keys}
    used = term_totals["enforced"] + term_totals["present"] + term_totals["repaired"]
    term_totals["usage_rate"] = round(used / term_totals["occurrences"], 4) if term_totals["occurrences"] else 1.0
    report = {
        "toolkit_version": __version__, "model": options.model, "settings": _settings(options),
        "glossary": str(options.glossary) if options.glossary else None,
        "glossary_checksum": glossary.checksum if glossary else None,
        "totals": totals, "terms": term_totals, "files": files,
    }
    atomic_write_text(path, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
