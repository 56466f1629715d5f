"""bitext render: paragraphs from `position: pN sM` comments, approved/draft/source text."""
from __future__ import annotations

from toolkit.cli import main
from toolkit.formats.po import po_header, write_po
from toolkit.workflow.render import render_po
from toolkit.types import Status, Unit


def units():
    return [
        Unit("Tiêu đề.", "Headline.", "seg-0001", Status.TRANSLATED, comments=("position: p0 s0",)),
        Unit("Câu một.", "Sentence one.", "seg-0002", Status.TRANSLATED, comments=("position: p1 s1",)),
        Unit("Câu hai.", "Draft two.", "seg-0003", Status.FUZZY, comments=("position: p1 s2",)),
        Unit("Câu ba.", "", "seg-0004", Status.NEW, comments=("position: p2 s3",)),
        Unit("Câu cũ.", "Old.", "seg-0009", Status.TRANSLATED, obsolete=True),
    ]


def test_render_rebuilds_paragraphs_with_drafts(tmp_path):
    write_po(tmp_path / "a.po", units(), po_header())
    assert render_po(tmp_path / "a.po") == "Headline.\n\nSentence one. Draft two.\n\nCâu ba.\n"


def test_render_approved_only_keeps_source_where_unapproved(tmp_path):
    write_po(tmp_path / "a.po", units(), po_header())
    assert render_po(tmp_path / "a.po", approved_only=True) == "Headline.\n\nSentence one. Câu hai.\n\nCâu ba.\n"


def test_cli_render_writes_file(tmp_path):
    write_po(tmp_path / "a.po", units(), po_header())
    assert main(["render", str(tmp_path / "a.po"), "-o", str(tmp_path / "a.en.txt")]) == 0
    assert (tmp_path / "a.en.txt").read_text(encoding="utf-8").startswith("Headline.\n\n")
