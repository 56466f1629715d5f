"""bitext score: sacrebleu BLEU/chrF over segments paired by context and source."""
from __future__ import annotations

import pytest
import sacrebleu

from toolkit.errors import UsageError
from toolkit.formats.po import po_header, write_po
from toolkit.formats.tsv import write_units_tsv
from toolkit.workflow.score import score_po
from toolkit.types import Status, Unit

HYP = [Unit("Hà Nội mưa lớn.", "Hanoi had heavy rain.", "seg-0001", Status.FUZZY),
       Unit("Ảnh minh họa.", "Illustration photo.", "seg-0002", Status.FUZZY)]
REF = [Unit("Hà Nội mưa lớn.", "Heavy rain fell in Hanoi.", "seg-0001", Status.TRANSLATED),
       Unit("Ảnh minh họa.", "Illustrative photo.", "seg-0002", Status.TRANSLATED)]


@pytest.mark.parametrize("ref_format", ["po", "tsv"])
def test_scores_equal_sacrebleu_on_the_paired_segments(tmp_path, ref_format):
    write_po(tmp_path / "hyp.po", HYP, po_header())
    ref = tmp_path / f"ref.{ref_format}"
    (write_po(ref, REF, po_header()) if ref_format == "po" else write_units_tsv(ref, REF))
    report = score_po(tmp_path / "hyp.po", ref)
    hyps, refs = [u.msgstr for u in HYP], [[u.msgstr for u in REF]]
    assert report.segments == 2
    assert report.bleu == round(sacrebleu.corpus_bleu(hyps, refs).score, 2)
    assert report.chrf == round(sacrebleu.corpus_chrf(hyps, refs).score, 2)
    assert report.term_rate is None and "nrefs:1" in report.bleu_signature


def test_no_overlap_is_a_usage_error(tmp_path):
    write_po(tmp_path / "hyp.po", HYP, po_header())
    write_po(tmp_path / "ref.po", [Unit("Khác.", "Other.", "seg-0001", Status.TRANSLATED)], po_header())
    with pytest.raises(UsageError, match="no segment"):
        score_po(tmp_path / "hyp.po", tmp_path / "ref.po")
