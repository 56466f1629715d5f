"""Score MT drafts in a PO against reference translations: BLEU, chrF and glossary term usage.

Metrics are sacrebleu's corpus BLEU (13a tokenisation, exp smoothing) and chrF (β=2, char order 6)
with their signatures (sacrebleu 2.x defaults; Post 2018, https://aclanthology.org/W18-6319).
Hypotheses are the non-empty msgstr of live entries of HYP.po (drafts included: this scores the
MT). References come from a PO (approved entries) or a TSV (export TSV ``id context status <src>
<tgt>`` or units TSV ``id source target status notes``). Segments are paired by (context,
source), repeated sources by occurrence order; only paired segments are scored.

Glossary term usage: :class:`toolkit.terms.usage.TermUsage` of the hypotheses — the definition the
run report of ``bitext translate`` uses (every glossary match is an occurrence, judged by the
enforcement verifier; ``term_hits`` = used, ``term_total`` = occurrences). The glossary is loaded
only when asked.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import FormatError, UsageError
from toolkit.formats.po import read_po


@dataclass(frozen=True)
class ScoreReport:
    """Corpus scores. ``term_rate`` is None without a glossary (or no term occurrences); ``terms``
    is the full :class:`toolkit.terms.usage.TermUsage` with a glossary.

    ``hypotheses`` counts HYP's live entries with a msgstr; ``segments`` those that paired with a
    reference and were scored. :attr:`warnings` says when references cover fewer.
    """

    segments: int
    bleu: float
    chrf: float
    bleu_signature: str
    chrf_signature: str
    term_hits: int = 0
    term_total: int = 0
    hypotheses: int = 0

    @property
    def warnings(self) -> list[str]:
        """Coverage warning when some hypotheses had no reference (scores cover only the rest)."""
        if self.hypotheses > self.segments:
            return [f"references cover {self.segments} of {self.hypotheses} hypothesis segments "
                    f"({self.hypotheses - self.segments} unscored); the scores are for the covered ones only"]
        return []
    terms: "TermUsage | None" = None

    @property
    def term_rate(self) -> float | None:
        return self.term_hits / self.term_total if self.term_total else None


def _ref_pairs(path: Path) -> list[tuple[str, str, str]]:
    """(context, source, reference) from a PO or TSV."""
    if path.suffix.lower() in (".po", ".pot"):
        return [(u.msgctxt or "", u.msgid, u.msgstr) for u in read_po(path).units
                if not u.obsolete and u.is_approved]
    from toolkit.formats.tsv import read_tsv

    header, rows = read_tsv(path)
    if header[:3] == ["id", "context", "status"] and len(header) == 5:
        return [(r[1], r[3], r[4]) for r in rows if r[4]]
    if {"id", "source", "target"} <= set(header):
        i, s, t = header.index("id"), header.index("source"), header.index("target")
        return [(r[i], r[s], r[t]) for r in rows if r[t]]
    raise FormatError("reference TSV needs columns id/context/status/<src>/<tgt> or id/source/target", path, 1)


def score_po(hyp: str | Path, ref: str | Path, glossary: str | Path | None = None) -> ScoreReport:
    """Score HYP.po against a reference PO/TSV.

    Raises:
        UsageError: no segment of HYP pairs with the reference.
        InputError, FormatError, GlossaryError: unreadable inputs.
    """
    import sacrebleu

    if Path(hyp).suffix.lower() in (".tsv", ".tab", ".txt", ".tmx"):
        raise UsageError(f"{hyp}: the hypothesis must be a PO file (the translate output .po), not a "
                         f"{Path(hyp).suffix[1:].upper()} file; references may be PO or TSV (--ref)")
    ref_rows = _ref_pairs(Path(ref))
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_source: dict[str, list[int]] = defaultdict(list)
    for i, (ctx, src, _) in enumerate(ref_rows):
        by_key[(ctx, src)].append(i)
        by_source[src].append(i)
    used: set[int] = set()
    hyps, golds, sources = [], [], []
    candidates_total = 0
    for unit in read_po(hyp).units:
        if unit.obsolete or not unit.msgstr:
            continue
        candidates_total += 1
        candidates = by_key.get((unit.msgctxt or "", unit.msgid), []) + by_source.get(unit.msgid, [])
        idx = next((i for i in candidates if i not in used), None)
        if idx is None:
            continue
        used.add(idx)
        hyps.append(unit.msgstr)
        golds.append(ref_rows[idx][2])
        sources.append(unit.msgid)
    if not hyps:
        raise UsageError(f"no segment of {hyp} matches a reference in {ref} (paired by context and source)")
    bleu = sacrebleu.metrics.BLEU()
    chrf = sacrebleu.metrics.CHRF()
    b = bleu.corpus_score(hyps, [golds])
    c = chrf.corpus_score(hyps, [golds])
    usage = None
    if glossary is not None:
        from toolkit.terms.termbase import Glossary
        from toolkit.terms.usage import TermUsage

        usage = TermUsage.from_translations(zip(sources, hyps), Glossary.load(glossary))
    return ScoreReport(len(hyps), round(b.score, 2), round(c.score, 2), str(bleu.get_signature()),
                       str(chrf.get_signature()), usage.used if usage else 0, usage.occurrences if usage else 0,
                       candidates_total, usage)
