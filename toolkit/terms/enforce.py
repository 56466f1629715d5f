"""Glossary enforcement around the MT call: protect → translate → verify → repair → flag.

Each step is a separate function so that it can be observed and measured (``bench/eval_terms.py``):

1. **Protect** (:func:`protect`): before MT, each required / do-not-translate term occurrence in the
   source is replaced by
   * ``"inline"`` – its approved English (code-switched source; MarianMT copies Latin-script spans
     it cannot translate; cf. Dinu et al. 2019, "Training Neural Machine Translation to Apply
     Terminology Constraints", ACL, who feed target terms inline), or
   * ``"placeholder"`` – an opaque token ``TERM1``, ``TERM2``… restored after MT, or
   * ``"none"`` – nothing (the model's own rendering is only checked).
   Preferred terms are never protected (a miss is a warning).
2. **Translate**: one call of the engine's ``translate(texts, n_best)`` for all segments of a round.
3. **Verify** (:func:`locate_terms`): find each approved rendering in each hypothesis (case-,
   quote- and dash-insensitive, whole words, an English plural or possessive ending allowed),
   counting occurrences so that two source occurrences need two target occurrences; find forbidden
   renderings outside approved spans.
4. **Repair**, in order: choose the n-best hypothesis that satisfies most terms; retry the
   segments still missing a term once with the other protection; replace forbidden renderings by
   the approved term; for a term still missing, translate the bare source term (one batched call),
   and if one of its renderings occurs in the draft, replace that span by the approved term (the
   span the model used for the term, found without attention weights: constrained beam search is
   not available in transformers v5, see shared/NOTES-marian.md).
5. **Flag**: every occurrence ends as a :class:`~toolkit.types.TermCheck`; a required term that is
   still missing or a forbidden rendering still present puts a ``term-missing:`` / ``term-forbidden:``
   flag on the draft (the PO entry stays fuzzy with a translator comment naming the term). A notes
   line ``terms: SRC → TGT (status:method); …`` lists every occurrence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from toolkit.terms.termbase import Glossary
from toolkit.types import Draft, DraftMethod, GlossaryEntry, Hypothesis, TermCheck, TermMatch, TermStatus, TermType
from toolkit.terms.verify import (TARGET_SUFFIXES, accepted_renderings, approved_target, at_sentence_start,  # noqa: F401
                                  capitalise_at, find_rendering, locate_terms, sentence_case)

TranslateFn = Callable[[list[str], int], list[list[Hypothesis]]]

STRATEGIES = ("inline", "placeholder", "none")
DEFAULT_STRATEGY = "inline"
N_BEST = 4                      # hypotheses asked per segment when a glossary is used
PLACEHOLDER = "TERM{n}"
# A restored placeholder: exactly as written is "enforced"; other spellings ("Term 1") are salvaged.
PLACEHOLDER_RE = re.compile(r"(?<![A-Za-z0-9])TERM\s?(\d+)(?![0-9])", re.IGNORECASE)
PROTECTED_TYPES = (TermType.REQUIRED, TermType.DNT, TermType.FORBIDDEN)


@dataclass(frozen=True)
class Protected:
    """A source prepared for MT.

    Attributes:
        text: what is sent to the engine.
        strategy: the protection used.
        placeholders: placeholder number → approved target (``placeholder`` strategy).
        protected: indices (into the segment's matches) of the occurrences that were protected.
    """

    text: str
    strategy: str
    placeholders: dict[int, str] = field(default_factory=dict)
    protected: frozenset[int] = frozenset()


@dataclass
class _Candidate:
    text: str
    hyp: Hypothesis
    label: str                  # "" for round 1 rank 1, "n-best:3", "retry-placeholder:1"
    protected: frozenset[int]
    strategy: str
    salvaged: frozenset[int] = frozenset()
    spans: list[tuple[int, int] | None] = field(default_factory=list)
    forbidden: list[tuple[int, int, int]] = field(default_factory=list)

    def cost(self, matches: list[TermMatch]) -> tuple[int, int, int]:
        must = sum(1 for m, s in zip(matches, self.spans) if s is None and m.entry.type is not TermType.PREFERRED)
        pref = sum(1 for m, s in zip(matches, self.spans) if s is None and m.entry.type is TermType.PREFERRED)
        return must + len(self.forbidden), pref, 0


def protect(text: str, matches: Sequence[TermMatch], strategy: str = DEFAULT_STRATEGY) -> Protected:
    """Replace protected term occurrences in ``text`` before MT.

    Args:
        text: the segment's source.
        matches: ``Glossary.match(text)``.
        strategy: one of :data:`STRATEGIES`.

    Returns:
        :class:`Protected`. With ``placeholder``, a source that already contains something like
        ``TERM1`` falls back to ``inline`` (a placeholder could not be told apart).

    Raises:
        ValueError: unknown strategy.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown protection strategy {strategy!r}; use one of {', '.join(STRATEGIES)}")
    if strategy == "none":
        return Protected(text, strategy)
    if strategy == "placeholder" and PLACEHOLDER_RE.search(text):
        strategy = "inline"
    out, pos, placeholders, protected = [], 0, {}, set()
    for i, m in enumerate(matches):
        if m.entry.type not in PROTECTED_TYPES:
            continue
        out.append(text[pos:m.start])
        target = approved_target(m.entry)
        if at_sentence_start(text, m.start):        # inserted English starts the sentence
            target = capitalise_at(target, 0)
        if strategy == "placeholder":
            n = len(placeholders) + 1
            placeholders[n] = target
            out.append(PLACEHOLDER.format(n=n))
        else:
            out.append(target)
        pos = m.end
        protected.add(i)
    out.append(text[pos:])
    return Protected("".join(out), strategy, placeholders, frozenset(protected))


def restore(text: str, prot: Protected) -> tuple[str, set[int]]:
    """Put approved targets back in place of placeholders in an MT hypothesis.

    Returns:
        ``(text, salvaged)``: ``salvaged`` holds the placeholder numbers that came back in another
        spelling (``term 1``, ``TERM 1``) and were restored anyway.
    """
    if not prot.placeholders:
        return text, set()
    salvaged: set[int] = set()

    def put(m: re.Match) -> str:
        n = int(m.group(1))
        if n not in prot.placeholders:
            return m.group(0)
        if m.group(0) != PLACEHOLDER.format(n=n):
            salvaged.add(n)
        return prot.placeholders[n]

    return PLACEHOLDER_RE.sub(put, text), salvaged


# English function words: a bare-term rendering made only of these (or of short tokens) says nothing
# about where the term is in the draft, so it is never used for span replacement.
FUNCTION_WORDS = frozenset("a an the of to in on at for by with and or as is are was be from that this".split())


def _usable_rendering(rendering: str) -> bool:
    """True when a bare-term MT rendering is specific enough to locate the term in a draft."""
    words = re.findall(r"[^\W\d_]+", rendering.lower())
    return any(len(w) >= 3 and w not in FUNCTION_WORDS for w in words)


def _splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _evaluate(cand: _Candidate, matches: list[TermMatch], glossary: Glossary) -> _Candidate:
    cand.spans, cand.forbidden = locate_terms(cand.text, matches, glossary)
    return cand


def _candidates(hyps: list[Hypothesis], prot: Protected, matches: list[TermMatch], glossary: Glossary,
                prefix: str) -> list[_Candidate]:
    out = []
    for rank, hyp in enumerate(hyps):
        text, salvaged_nums = restore(hyp.text, prot)
        order = sorted(prot.protected)
        salvaged = frozenset(order[n - 1] for n in salvaged_nums if 0 < n <= len(order))
        label = "" if (prefix == "n-best:" and rank == 0) else f"{prefix}{rank + 1}"
        out.append(_evaluate(_Candidate(text, hyp, label, prot.protected, prot.strategy, salvaged),
                             matches, glossary))
    return out


def _pick(cands: list[_Candidate], matches: list[TermMatch]) -> _Candidate:
    return min(enumerate(cands), key=lambda ic: (ic[1].cost(matches), ic[0]))[1]


def _label(m: TermMatch) -> str:
    return f"{m.surface} → {approved_target(m.entry)}"


def _plain_draft(hyps: list[Hypothesis]) -> Draft:
    if not hyps:
        return Draft("", flags=("mt-empty: the engine returned no hypothesis",))
    return _with_engine_flags(Draft(hyps[0].text), hyps[0])


def _with_engine_flags(draft: Draft, hyp: Hypothesis) -> Draft:
    """Carry the engine's flags onto the draft; the pipeline decides which need review."""
    return Draft(draft.text, draft.flags + hyp.flags, draft.notes, draft.checks, draft.method)


def draft_segments(sources: Sequence[str], glossary: Glossary | None, translate: TranslateFn, *,
                   strategy: str = DEFAULT_STRATEGY, n_best: int = N_BEST, retry: bool = True,
                   term_repair: bool = True) -> list[Draft]:
    """Translate segments and enforce the glossary on the drafts.

    Args:
        sources: non-empty translatable source sentences (NFC).
        glossary: the term base, or ``None`` to translate only (``n_best`` 1).
        translate: the engine, called as ``translate(texts, n_best)`` once per round with all texts
            of that round; returns up to ``n_best`` hypotheses per text, best first.
        strategy: protection of required/do-not-translate terms (:data:`STRATEGIES`).
        n_best: hypotheses per segment to choose from.
        retry: retranslate segments still missing a term once with the other protection
            (``inline`` ↔ ``placeholder``; nothing for ``none``).
        term_repair: translate bare missing terms and replace their rendering in the draft.

    Returns:
        One :class:`~toolkit.types.Draft` per source, in order, ``method=DraftMethod.MT``, with one
        :class:`~toolkit.types.TermCheck` per occurrence (see module docstring for statuses).

    Raises:
        ValueError: unknown ``strategy``.
    """
    sources = list(sources)
    if not sources:
        return []
    if glossary is None:
        results = translate(sources, 1)
        return [_plain_draft(list(h)) for h in results]
    all_matches = [glossary.match(s) for s in sources]
    prots = [protect(s, m, strategy) for s, m in zip(sources, all_matches)]
    results = translate([p.text for p in prots], n_best)
    pools = [_candidates(list(h), p, m, glossary, "n-best:")
             for h, p, m in zip(results, prots, all_matches)]
    first = [pool[0] if pool else None for pool in pools]

    # Repair round 1: retry unmet segments with the other protection, in one batched call.
    alt = {"inline": "placeholder", "placeholder": "inline"}.get(strategy)
    if retry and alt:
        todo = [i for i, pool in enumerate(pools)
                if not pool or _pick(pool, all_matches[i]).cost(all_matches[i])[0] > 0]
        alt_prots = {i: protect(sources[i], all_matches[i], alt) for i in todo}
        todo = [i for i in todo if alt_prots[i].text != prots[i].text]
        if todo:
            alt_results = translate([alt_prots[i].text for i in todo], n_best)
            for i, hyps in zip(todo, alt_results):
                pools[i].extend(_candidates(list(hyps), alt_prots[i], all_matches[i], glossary,
                                            f"retry-{alt_prots[i].strategy}:"))
    chosen: list[_Candidate | None] = [_pick(pool, m) if pool else None for pool, m in zip(pools, all_matches)]

    # Repair round 2: forbidden renderings → approved term; bare-term MT for what is still missing.
    texts = [c.text if c else "" for c in chosen]
    repaired: list[dict[int, str]] = [{} for _ in sources]
    for i, c in enumerate(chosen):
        if c and c.forbidden:
            edits = [(s, e, approved_target(all_matches[i][j].entry)) for j, s, e in c.forbidden]
            texts[i] = _splice(texts[i], edits)
            for j, _, _ in c.forbidden:
                repaired[i][j] = "span:forbidden"
    states = [locate_terms(t, m, glossary) for t, m in zip(texts, all_matches)]
    if term_repair:
        missing = sorted({all_matches[i][j].entry.source for i, (spans, _) in enumerate(states) if texts[i]
                          for j, s in enumerate(spans)
                          if s is None and all_matches[i][j].entry.type is not TermType.PREFERRED})
        if missing:
            renderings = {src: [h.text for h in hyps]
                          for src, hyps in zip(missing, translate(missing, n_best))}
            for i, (spans, _) in enumerate(states):
                edits, claimed = [], [s for s in spans if s]
                for j, s in enumerate(spans):
                    m = all_matches[i][j]
                    if s is not None or m.entry.type is TermType.PREFERRED:
                        continue
                    for r in sorted(set(renderings.get(m.entry.source, [])), key=len, reverse=True):
                        if not _usable_rendering(r):
                            continue
                        hits = [h for h in find_rendering(texts[i], r, claimed)
                                if not any(h[0] < e[1] and e[0] < h[1] for e in [x[:2] for x in edits])]
                        if hits:
                            edits.append((hits[0][0], hits[0][1], approved_target(m.entry)))
                            claimed.append(hits[0])
                            repaired[i][j] = "span:term-mt"
                            break
                if edits:
                    texts[i] = _splice(texts[i], edits)
                    states[i] = locate_terms(texts[i], all_matches[i], glossary)

    drafts = []
    for i, src in enumerate(sources):
        c, matches = chosen[i], all_matches[i]
        if c is None:
            drafts.append(_flag_all(matches))
            continue
        spans, forbidden = states[i]
        first_spans = first[i].spans if first[i] else [None] * len(matches)
        checks, flags, parts = [], [], []
        bad_by_match = {j for j, _, _ in forbidden}
        for j, m in enumerate(matches):
            status, method = _status(j, m, spans[j], c, first_spans[j], repaired[i].get(j), j in bad_by_match)
            checks.append(TermCheck(m, status, method))
            parts.append(f"{_label(m)} ({status.value}{':' + method if method else ''})")
            if status is TermStatus.FLAGGED:
                if j in bad_by_match:
                    bad = ", ".join(repr(c.text[s:e]) for jj, s, e in forbidden if jj == j)
                    flags.append(f"term-forbidden: {m.surface} → {bad} (use {approved_target(m.entry)})")
                else:
                    flags.append(f"term-missing: {_label(m)}")
        notes = [f"terms: {'; '.join(parts)}"] if parts else []
        texts[i] = sentence_case(texts[i], spans)
        if c.label:
            notes.append(f"mt: hypothesis {c.label} chosen to satisfy glossary terms")
        draft = Draft(texts[i], tuple(flags), tuple(notes), tuple(checks), DraftMethod.MT)
        drafts.append(_with_engine_flags(draft, c.hyp))
    return drafts


def _status(j: int, m: TermMatch, span, cand: _Candidate, first_span, repair: str | None,
            forbidden_left: bool) -> tuple[TermStatus, str]:
    if forbidden_left:
        return TermStatus.FLAGGED, "forbidden"
    if span is None:
        if m.entry.type is TermType.PREFERRED:
            return TermStatus.WARNING, "preferred-missing"
        return TermStatus.FLAGGED, "missing"
    if repair:
        return TermStatus.REPAIRED, repair
    protected = j in cand.protected
    if protected and j in cand.salvaged:
        return TermStatus.REPAIRED, "placeholder-salvage"
    if cand.label and first_span is None:
        return TermStatus.REPAIRED, cand.label
    if protected:
        return TermStatus.ENFORCED, cand.strategy
    return TermStatus.PRESENT, "mt"


def _flag_all(matches: list[TermMatch]) -> Draft:
    checks = []
    flags = ["mt-empty: the engine returned no hypothesis"]
    for m in matches:
        checks.append(TermCheck(m, TermStatus.FLAGGED, "no-output"))
        flags.append(f"term-missing: {_label(m)}")
    return Draft("", tuple(flags), (), tuple(checks), DraftMethod.MT)


def summarize(drafts: Sequence[Draft]) -> dict:
    """Term usage of drafts as JSON (:meth:`toolkit.terms.usage.TermUsage.to_dict`; the definition lives there)."""
    from toolkit.terms.usage import TermUsage

    return TermUsage.from_drafts(drafts).to_dict()


def format_summary(summary: dict) -> str:
    """The console line for a :func:`summarize` result (:meth:`toolkit.terms.usage.TermUsage.summary_line`)."""
    from toolkit.terms.usage import TermUsage, TermCount

    counts = {k: v for k, v in summary.items() if k not in ("usage_rate", "terms")}
    return TermUsage(**counts, terms=tuple(TermCount(**t) for t in summary.get("terms", ()))).summary_line()


@dataclass(frozen=True)
class Finding:
    """A term-adherence problem in an approved translation (``bitext glossary check``).

    Attributes:
        kind: ``"term-missing"``, ``"term-forbidden"`` or ``"term-warning"`` (preferred, not an error).
        match: the source occurrence.
        detail: the forbidden text found, for ``term-forbidden``.
    """

    kind: str
    match: TermMatch
    detail: str = ""

    def message(self) -> str:
        """Human-readable one-liner naming the term."""
        if self.kind == "term-forbidden":
            return f"{self.kind}: {self.match.surface} → {self.detail!r} (use {approved_target(self.match.entry)})"
        return f"{self.kind}: {_label(self.match)}"


def check_translation(source: str, target: str, glossary: Glossary) -> list[Finding]:
    """Term adherence of one human translation: missing required terms, forbidden renderings.

    Args:
        source: the source segment.
        target: its (reviewed) translation.
        glossary: the term base.

    Returns:
        Findings in source order; preferred misses have kind ``"term-warning"``.
    """
    matches = glossary.match(source)
    spans, forbidden = locate_terms(target, matches, glossary)
    out = []
    for j, (m, s) in enumerate(zip(matches, spans)):
        if s is None:
            out.append(Finding("term-warning" if m.entry.type is TermType.PREFERRED else "term-missing", m))
        for jj, a, b in forbidden:
            if jj == j:
                out.append(Finding("term-forbidden", m, target[a:b]))
    return out
