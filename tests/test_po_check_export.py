"""Issue 12: what the reviewer sees is current and complete — ``po check``/export refusals,
languages never invented, TSV review reasons, repeated Moses export, render and score warnings.

Numbered failures of issue 12 covered here: 12, 16, 17, 18 (and the ``score`` items).
"""
from __future__ import annotations

from pathlib import Path

import pytest

import toolkit.mt.translator
from fakes import EchoEngine
from toolkit.cli.app import main
from toolkit.formats.po import po_header, write_po
from toolkit.formats.tmx import read_tmx
from toolkit.types import Status, Unit
from toolkit.workflow.pipeline import RunOptions, translate_files

BAD_PO = '''msgid ""
msgstr ""
"Language: en\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"X-Source-Language: vi\\n"

msgctxt "seg-files"
msgid "%d tệp"
msgid_plural "%d tệp"
msgstr[0] "%d file"
msgstr[1] "%d files"

#, python-format
msgctxt "seg-max"
msgid "Tối đa %(max)s mục."
msgstr "At most %(maximum)s items."
'''


# -- 12 ----------------------------------------------------------------------------------------

def test_po_check_rejects_nplurals_and_format_mismatches_naming_the_entries(tmp_path, capsys):
    po = tmp_path / "bad.po"
    po.write_text(BAD_PO, encoding="utf-8")
    assert main(["po", "check", str(po)]) == 1
    out = capsys.readouterr().out
    assert f"{po}:8: error: msgctxt 'seg-files': 2 plural forms but the header says nplurals=1" in out
    assert "msgctxt 'seg-max'" in out and "%(max)s" in out and "%(maximum)s" in out


def test_po_check_prints_a_summary_when_there_is_nothing_to_report(tmp_path, capsys):
    po = tmp_path / "ok.po"
    write_po(po, [Unit("Xin chào.", "Hello.", "seg-1", Status.TRANSLATED)], po_header("vi", "en"))
    assert main(["po", "check", str(po)]) == 0
    assert capsys.readouterr().out.strip() == "1 file, 1 entries, no problems"


def test_export_refuses_a_po_that_check_rejects_unless_forced(tmp_path, capsys):
    po = tmp_path / "bad.po"
    po.write_text(BAD_PO, encoding="utf-8")
    out = tmp_path / "c.tsv"
    assert main(["export", str(po), "--to", "tsv", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert str(po) in err and "--force" in err and not out.exists()
    assert main(["export", str(po), "--to", "tsv", "-o", str(out), "--force"]) == 0
    assert out.exists()


def _unlabelled_vietnamese_po(tmp_path: Path) -> Path:
    po = tmp_path / "vi.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Hà Nội mưa lớn suốt đêm qua."\nmsgstr "Hanoi had heavy rain all night."\n\n'
                  'msgid "Nhiều tuyến phố bị ngập sâu."\nmsgstr "Many streets were deeply flooded."\n',
                  encoding="utf-8")
    return po


def test_export_guesses_vietnamese_source_with_a_warning_instead_of_labelling_it_english(tmp_path, capsys):
    po = _unlabelled_vietnamese_po(tmp_path)
    assert main(["export", str(po), "--to", "tmx", "-o", str(tmp_path / "c.tmx")]) == 0
    assert "guessed 'vi'" in capsys.readouterr().err
    srclang, units = read_tmx(tmp_path / "c.tmx")
    assert srclang == "vi" and units[0].segs["vi"] == "Hà Nội mưa lớn suốt đêm qua."


def test_export_never_labels_a_source_language_it_cannot_establish(tmp_path, capsys):
    po = tmp_path / "en.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: vi\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Open file"\nmsgstr "Mở tập tin"\n', encoding="utf-8")
    assert main(["export", str(po), "--to", "moses", "-o", str(tmp_path / "c")]) == 1
    assert "--source-lang" in capsys.readouterr().err
    assert main(["export", str(po), "--to", "moses", "-o", str(tmp_path / "c"), "--source-lang", "en"]) == 0
    assert (tmp_path / "c.en").read_text(encoding="utf-8") == "Open file\n"
    assert (tmp_path / "c.vi").read_text(encoding="utf-8") == "Mở tập tin\n"


def test_export_writes_every_plural_form(tmp_path):
    po = tmp_path / "p.po"
    write_po(po, [Unit("%d tệp", "%d file", "seg-1", Status.TRANSLATED, flags=("c-format",),
                       msgid_plural="%d tệp", msgstr_plural=("%d file", "%d files"))], po_header("vi", "en"))
    assert main(["export", str(po), "--to", "tsv", "-o", str(tmp_path / "c.tsv")]) == 0
    rows = (tmp_path / "c.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert [r.split("\t")[3:] for r in rows] == [["%d tệp", "%d file"], ["%d tệp", "%d files"]]


# -- 16 ----------------------------------------------------------------------------------------

def test_translate_tsv_carries_the_needs_review_status_and_reasons(monkeypatch, tmp_path):
    engine = EchoEngine(rewrite=lambda text, _: "no no no no no no no no")   # every draft loops
    monkeypatch.setattr(toolkit.mt.translator, "load_engine", lambda model, **kw: engine)
    article = tmp_path / "a.txt"
    article.write_text("Hà Nội mưa lớn suốt đêm qua.\n\nNhiều tuyến phố bị ngập sâu.\n", encoding="utf-8")
    translate_files([article], tmp_path / "out", RunOptions(glossary=None))
    po_text = (tmp_path / "out" / "a.po").read_text(encoding="utf-8")
    tsv_lines = (tmp_path / "out" / "a.tsv").read_text(encoding="utf-8").splitlines()
    flagged_in_po = sum(1 for block in po_text.split("\n\n") if "# needs review" in block)
    assert flagged_in_po == 2
    assert sum(1 for line in tsv_lines if "needs review" in line) == flagged_in_po
    assert all(line.split("\t")[3] == "needs-review" for line in tsv_lines[1:])


# -- 17 ----------------------------------------------------------------------------------------

def _approved_po(tmp_path: Path) -> Path:
    po = tmp_path / "a.po"
    write_po(po, [Unit("Xin chào.", "Hello.", "seg-1", Status.TRANSLATED)], po_header("vi", "en"))
    return po


def test_repeating_the_same_moses_export_replaces_its_own_files(tmp_path, capsys):
    po = _approved_po(tmp_path)
    args = ["export", str(po), "--to", "moses", "-o", str(tmp_path / "corpus")]
    assert main(args) == 0
    assert main(args) == 0, capsys.readouterr().err
    assert (tmp_path / "corpus.en").read_text(encoding="utf-8") == "Hello.\n"


def test_moses_export_still_refuses_a_file_someone_else_changed(tmp_path, capsys):
    po = _approved_po(tmp_path)
    args = ["export", str(po), "--to", "moses", "-o", str(tmp_path / "corpus")]
    assert main(args) == 0
    (tmp_path / "corpus.vi").write_text("a source text someone keeps here\n", encoding="utf-8")
    assert main(args) == 1
    assert "corpus.vi" in capsys.readouterr().err
    assert (tmp_path / "corpus.vi").read_text(encoding="utf-8") == "a source text someone keeps here\n"


# -- 18 ----------------------------------------------------------------------------------------

def test_render_says_how_many_fuzzy_drafts_and_stale_translations_it_used(tmp_path, capsys):
    po = tmp_path / "a.po"
    write_po(po, [
        Unit("Câu một.", "Sentence one.", "seg-1", Status.TRANSLATED, comments=("position: p0 s0",)),
        Unit("Câu hai.", "Sentence two (draft).", "seg-2", Status.FUZZY, comments=("position: p0 s1",)),
        Unit("Câu ba mới.", "Sentence three.", "seg-3", Status.FUZZY, comments=("position: p0 s2",),
             previous_msgid="Câu ba."),
    ], po_header("vi", "en"))
    assert main(["render", str(po)]) == 0
    captured = capsys.readouterr()
    assert "Sentence two (draft)." in captured.out
    assert "1 unreviewed draft(s) and 1 stale translation(s)" in captured.err
    assert main(["render", str(po), "--approved-only"]) == 0
    assert "unreviewed" not in capsys.readouterr().err


# -- score -------------------------------------------------------------------------------------

def test_score_with_a_tsv_hypothesis_says_it_needs_a_po(tmp_path, capsys):
    hyp = tmp_path / "hyp.tsv"
    hyp.write_text("id\tsource\ttarget\tstatus\tnotes\nseg-1\tXin chào.\tHello.\tfuzzy\t\n", encoding="utf-8")
    assert main(["score", str(hyp), "--ref", str(_approved_po(tmp_path))]) == 1
    err = capsys.readouterr().err
    assert "must be a PO file" in err and "syntax" not in err


def test_score_warns_when_references_cover_fewer_segments_than_the_hypothesis(tmp_path, capsys):
    hyp = tmp_path / "hyp.po"
    write_po(hyp, [Unit("Xin chào.", "Hello.", "seg-1", Status.FUZZY),
                   Unit("Tạm biệt.", "Goodbye.", "seg-2", Status.FUZZY)], po_header("vi", "en"))
    assert main(["score", str(hyp), "--ref", str(_approved_po(tmp_path))]) == 0
    captured = capsys.readouterr()
    assert "segments\t1" in captured.out
    assert "references cover 1 of 2" in captured.err
