"""TMX 1.4b writer/reader: DTD-valid, real srclang, XML-illegal characters (shared/cases/b16)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree

from toolkit.errors import FormatError
from toolkit.formats.tmx import XML_LANG, TmxUnit, read_tmx, sanitize_xml_text, write_tmx

DATA = Path(__file__).parent / "data" / "formats"
DTD = etree.DTD(str(DATA / "tmx14b.dtd"))


def test_b16_output_is_valid_and_languages_are_right(tmp_path):
    out = tmp_path / "t.tmx"
    units = [TmxUnit("seg-0002", {"vi": "Lợi nhuận & doanh thu <tăng> mạnh", "en": "Profit & revenue <rose>"},
                     {"x-context": "seg-0002"}),
             TmxUnit("seg-0003", {"vi": "Chuỗi ]]> trong văn bản", "en": "The string ]]> in text"})]
    write_tmx(out, units, "vi")
    tree = etree.parse(str(out))
    assert DTD.validate(tree), DTD.error_log
    assert tree.find("header").get("srclang") == "vi"
    assert [[tuv.get(XML_LANG) for tuv in tu.findall("tuv")] for tu in tree.iter("tu")] == [["vi", "en"]] * 2
    src, back = read_tmx(out)
    assert src == "vi" and back == units  # & < > ]]> survive unchanged


@pytest.mark.parametrize("raw,expected", [
    ("Data\abell", "Data bell"), ("Nhấn\vTiếp tục", "Nhấn Tiếp tục"), ("khiển\x1b[0m thừa", "khiển [0m thừa"),
    ("tab\tand\nnewline\r", "tab\tand\nnewline\r"), ("\ufffe", " "),
])
def test_b16_illegal_characters_become_spaces_never_glue_words(raw, expected):
    assert sanitize_xml_text(raw)[0] == expected


def test_b16_report_names_the_units_that_were_changed(tmp_path):
    report = write_tmx(tmp_path / "t.tmx", [TmxUnit("seg-0004", {"vi": "Dữ liệu\achuông", "en": "Data\abell"}),
                                            TmxUnit("seg-0005", {"vi": "a", "en": "b"})], "vi")
    assert report.replaced == ["seg-0004"] and report.count == 2


def test_reader_does_not_expand_entities(tmp_path):
    evil = tmp_path / "evil.tmx"
    evil.write_text('<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    '<tmx version="1.4"><header srclang="vi"/><body><tu><tuv xml:lang="vi"><seg>&x;</seg>'
                    '</tuv></tu></body></tmx>', encoding="utf-8")
    with pytest.raises(FormatError, match="entity"):
        read_tmx(evil)


def test_reader_reports_malformed_xml_with_line(tmp_path):
    bad = tmp_path / "bad.tmx"
    bad.write_text('<tmx version="1.4">\n<header srclang="vi"/>\n<body><tu></body></tmx>', encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_tmx(bad)
    assert info.value.line == 3


text = st.text(st.characters(codec="utf-8"), max_size=40)


@settings(max_examples=60, deadline=None)
@given(source=text, target=text, context=text)
def test_tmx_round_trips_any_xml_legal_text_and_sanitises_the_rest(tmp_path_factory, source, target, context):
    out = tmp_path_factory.mktemp("tmx") / "p.tmx"
    unit = TmxUnit("id-1", {"vi": source, "en": target}, {"x-context": context})
    write_tmx(out, [unit], "vi")
    assert DTD.validate(etree.parse(str(out)))
    _, (back,) = read_tmx(out)
    assert back.segs == {"vi": sanitize_xml_text(source)[0], "en": sanitize_xml_text(target)[0]}
    assert back.props == {"x-context": sanitize_xml_text(context)[0]}
