"""Soft line breaks (issue 14): offsets stay lossless, reviewers and the model see one line.

A sentence hard-wrapped over several lines keeps its line breaks in ``Segment.text`` (so that
``source[start:end] == text``), while the PO msgid and every MT input use ``Segment.display_text``,
where each soft break is one space; ``render`` still restores paragraphs and hard line breaks.
The article is ``tests/data/segment/wrapped_article.txt`` (see SOURCES.md there).
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import polib
import pytest

import toolkit.mt.translator
from fakes import EchoEngine
from toolkit.segment.segmenter import segment_text
from toolkit.types import Segment
from toolkit.workflow.pipeline import RunOptions, translate_files

ARTICLE = Path(__file__).parent / "data" / "segment" / "wrapped_article.txt"

EXPECTED = [
    "VỀ VIỆC BỔ SUNG TTHC VÀO BỘ THỦ TỤC HÀNH CHÍNH THUỘC THẨM QUYỀN GIẢI QUYẾT CỦA SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    "Bắc Giang, ngày 23 tháng 11 năm 2009",
    "Các cơ quan, đơn vị, trường học, doanh nghiệp và nhân dân treo cờ Tổ quốc trong 03 ngày, "
    "đến hết ngày 15 tháng 5 năm 2019.",
    "Đài truyền thanh cơ sở tiếp âm chương trình.",
]


@pytest.fixture
def echo(monkeypatch):
    """Model loading replaced by an EchoEngine, whose ``.seen`` records every MT input."""
    engine = EchoEngine()
    monkeypatch.setattr(toolkit.mt.translator, "load_engine", lambda model, **kwargs: engine)
    return engine


def test_wrapped_article_segments_keep_lossless_offsets_and_soft_breaks():
    source = unicodedata.normalize("NFC", ARTICLE.read_text(encoding="utf-8"))
    segs = segment_text(source)
    assert [s.display_text for s in segs] == EXPECTED
    assert all(source[s.start:s.end] == s.text for s in segs)
    assert [s.text.count("\n") for s in segs] == [1, 0, 3, 1]


def test_display_text_turns_each_soft_break_and_its_spaces_into_one_space():
    seg = Segment("d", 0, 0, 0, 0, "Câu được ngắt  \n   dòng\r\nhai lần\u2028 nữa.")
    assert seg.display_text == "Câu được ngắt dòng hai lần nữa."
    plain = Segment("d", 0, 0, 0, 0, "Không có ngắt dòng.")
    assert plain.display_text == plain.text


def test_translate_gives_single_line_msgids_and_no_line_break_reaches_the_engine(echo, tmp_path):
    (r,) = translate_files([ARTICLE], tmp_path / "out", RunOptions(glossary=None))
    entries = [e for e in polib.pofile(str(r.po)) if not e.obsolete]
    assert [e.msgid for e in entries] == EXPECTED
    assert echo.seen, "the engine was not called"
    assert not any("\n" in text or "\r" in text for text in echo.seen)
    assert sorted(set(echo.seen)) == sorted(EXPECTED)
    # The PO reference still names the source line each segment starts on.
    assert [e.occurrences[0][1] for e in entries] == ["1", "3", "5", "8"]


def test_render_restores_paragraphs_and_hard_line_breaks_not_soft_ones(echo, tmp_path):
    from toolkit.workflow.render import render_po

    (r,) = translate_files([ARTICLE], tmp_path / "out", RunOptions(glossary=None))
    out = tmp_path / "article.en.txt"
    render_po(r.po, out)
    assert out.read_text(encoding="utf-8") == f"{EXPECTED[0]}\n{EXPECTED[1]}\n\n{EXPECTED[2]} {EXPECTED[3]}\n"
