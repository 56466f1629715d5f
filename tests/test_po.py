"""PO reading and writing: msgcat layout (b03), unique msgctxt (b04), newline edges (b05),
header (b07), escapes (b16), charset, errors, and the Unit round trip."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from toolkit.errors import FormatError, InputError
from toolkit.formats.po import (
    mirror_edge_newlines, po_header, read_po, save_po, wrap_string, write_po,
)
from toolkit.types import Status, Unit

DATA = Path(__file__).parent / "data" / "formats"
needs_gettext = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext tools not installed")


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)


def msgcat(path: Path) -> str:
    return subprocess.run(["msgcat", str(path)], capture_output=True, text=True, check=True).stdout


UNITS = [
    Unit("Hà Nội mưa lớn suốt đêm qua.", "Hanoi had heavy rain all night.", "seg-0001", Status.TRANSLATED,
         comments=("position: p0 s0",), references=(("article.txt", 1),)),
    Unit("Ảnh minh họa.", "Illustration.", "seg-0002", Status.FUZZY, comments=("position: p1 s1",),
         translator_comments=("checked by Lan",), references=(("article.txt", 3),)),
    Unit("Hà Nội mưa lớn suốt đêm qua.", "", "seg-0003", Status.NEW, references=(("article.txt", 5),)),
    Unit("Nhiều tuyến phố bị ngập sâu, giao thông ùn tắc kéo dài đến sáng, người dân phải dắt xe "
         "qua những đoạn đường “ngập như sông”.", "Many streets were deeply flooded; traffic jams lasted "
         "until morning and residents had to push their motorbikes through \"river-like\" roads.",
         "seg-0004", Status.FUZZY, flags=("c-format",)),
    Unit("Câu đã bị xóa.", "Deleted sentence.", "seg-0009", Status.TRANSLATED, obsolete=True),
]


def test_write_po_round_trips_units_through_read_po(tmp_path):
    path = tmp_path / "a.po"
    write_po(path, UNITS, po_header("vi", "en", {"X-MT-Model": "Helsinki-NLP/opus-mt-vi-en"}))
    doc = read_po(path)
    assert doc.units == UNITS
    assert doc.source_language == "vi" and doc.target_language == "en"
    assert doc.header["X-MT-Model"] == "Helsinki-NLP/opus-mt-vi-en"


@needs_gettext
def test_write_po_passes_msgfmt_check_and_is_a_msgcat_fixed_point(tmp_path):
    path = tmp_path / "a.po"
    write_po(path, UNITS, po_header("vi", "en"))
    result = msgfmt_check(path)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    assert msgcat(path) == path.read_text(encoding="utf-8")


def test_b07_header_is_complete_and_never_fuzzy(tmp_path):
    path = tmp_path / "a.po"
    write_po(path, UNITS[:1], {"X-Toolkit-Version": "0.1.0", "X-Glossary-Checksum": "sha256:ab"})
    po = polib.pofile(str(path))
    assert not po.metadata_is_fuzzy
    for key, value in {"Language": "en", "Content-Type": "text/plain; charset=UTF-8", "MIME-Version": "1.0",
                       "Content-Transfer-Encoding": "8bit", "Plural-Forms": "nplurals=2; plural=(n != 1);",
                       "X-Source-Language": "vi", "X-Toolkit-Version": "0.1.0",
                       "X-Glossary-Checksum": "sha256:ab"}.items():
        assert po.metadata[key] == value
    for key in ("Project-Id-Version", "PO-Revision-Date", "X-Generator"):
        assert po.metadata[key]


@pytest.mark.parametrize("name", ["no_header", "empty_header", "charset_placeholder", "fuzzy_header"])
@needs_gettext
def test_b07_bad_headers_load_with_a_warning_and_resave_complete(tmp_path, name):
    doc = read_po(DATA / f"b07_{name}.po")
    assert doc.warnings
    assert [(u.msgid, u.msgstr, u.status) for u in doc.units] == [
        ("Xin chào các bạn.", "Hello everyone.", Status.TRANSLATED)]
    out = tmp_path / "out.po"
    write_po(out, doc.units, doc.header)
    po = polib.pofile(str(out))
    assert not po.metadata_is_fuzzy
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Language"] and po.metadata["Plural-Forms"]
    assert [e.flags for e in po] == [[]]  # b07.3: nothing else becomes fuzzy
    assert msgfmt_check(out).returncode == 0


def test_b07_fuzzy_header_flag_is_dropped_by_save_po(tmp_path):
    doc = read_po(DATA / "b07_fuzzy_header.po")
    out = tmp_path / "out.po"
    save_po(doc, out)
    assert "#, fuzzy" not in out.read_text(encoding="utf-8")


def test_b03_resaving_a_gettext_file_is_byte_identical(tmp_path):
    out = tmp_path / "out.po"
    save_po(read_po(DATA / "b03_msgcat_layout.po"), out)
    assert out.read_bytes() == (DATA / "b03_msgcat_layout.po").read_bytes()


def test_b03_units_rewritten_with_write_po_keep_gettext_wrapping(tmp_path):
    doc = read_po(DATA / "b03_msgcat_layout.po")
    out = tmp_path / "out.po"
    write_po(out, doc.units, doc.header)
    original = (DATA / "b03_msgcat_layout.po").read_text(encoding="utf-8")
    written = out.read_text(encoding="utf-8")
    assert written.split("\n\n")[1:] == original.split("\n\n")[1:]  # every entry block unchanged


@pytest.mark.parametrize("name", ["real_xz.vi.po", "real_glib.vi.po"])
@needs_gettext
def test_real_files_resave_equals_msgcat_output(tmp_path, name):
    out = tmp_path / name
    doc = read_po(DATA / name)
    save_po(doc, out)
    assert out.read_text(encoding="utf-8") == msgcat(DATA / name)


@pytest.mark.parametrize("value", [
    "Keywords: economy;growth;inflation;exchange rate;exports;imports;investment;banking;stocks;",
    "See https://example.org/tin-tuc/kinh-te/2024/bao-cao-tang-truong-quy-ba-rat-dai.html for more.",
    "Dòng một rất dài của bài thơ, kéo dài qua giới hạn bảy mươi chín cột của gettext.\nDòng hai.\n",
    'hàm mount (gắn) không thực hiện hàm "unmount" hoặc "unmount_with_operation" (bỏ gắn) nữa',
    "", "short", "a\tb\\c\"d",
])
@needs_gettext
def test_wrap_string_matches_msgcat(tmp_path, value):
    path = tmp_path / "w.po"
    path.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                    + polib.POEntry(msgid="x", msgstr=value).__unicode__(wrapwidth=0), encoding="utf-8")
    expected = msgcat(path).split("\n\n")[1].rstrip("\n").split("\n")
    assert wrap_string("msgstr", value) == expected[expected.index(next(x for x in expected if x.startswith("msgstr"))):]


@needs_gettext
def test_long_obsolete_and_previous_strings_are_wrapped_as_msgcat(tmp_path):
    long_vi = UNITS[3].msgid
    units = [Unit("Câu mới.", UNITS[3].msgstr, "seg-0001", Status.FUZZY, previous_msgid=long_vi),
             Unit(long_vi, UNITS[3].msgstr, "seg-0002", Status.TRANSLATED, obsolete=True)]
    path = tmp_path / "a.po"
    write_po(path, units, po_header())
    assert msgcat(path) == path.read_text(encoding="utf-8")
    assert msgfmt_check(path).returncode == 0


@needs_gettext
def test_b04_same_msgid_with_distinct_msgctxt_is_accepted_duplicates_rejected(tmp_path):
    same = "Ảnh minh họa."
    write_po(tmp_path / "ok.po", [Unit(same, msgctxt="seg-0002"), Unit(same, msgctxt="seg-0005")], po_header())
    assert msgfmt_check(tmp_path / "ok.po").returncode == 0
    with pytest.raises(FormatError, match="duplicate"):
        write_po(tmp_path / "bad.po", [Unit(same), Unit(same)], po_header())
    assert not (tmp_path / "bad.po").exists()
    # Entries are written one by one; a defect found late leaves the earlier file and no temporary.
    before = (tmp_path / "ok.po").read_bytes()
    with pytest.raises(FormatError, match="duplicate"):
        write_po(tmp_path / "ok.po", [Unit(f"Câu {n}.") for n in range(500)] + [Unit("Câu 7.")], po_header())
    assert (tmp_path / "ok.po").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.po"]


@pytest.mark.parametrize("msgid,draft,expected", [
    ("\nTIN NÓNG\n", "BREAKING NEWS", "\nBREAKING NEWS\n"),
    ("Cuộc họp kết thúc lúc 17 giờ.\n", "The meeting ended at 5 p.m.", "The meeting ended at 5 p.m.\n"),
    ("\nBáo cáo sẽ được công bố vào tuần tới.", "The report will be released next week.",
     "\nThe report will be released next week."),
    ("Giá vàng tăng nhẹ.", "Gold prices rose slightly.\n", "Gold prices rose slightly."),
    ("Giá vàng.", "", ""),
])
def test_b05_newline_edges_are_mirrored(msgid, draft, expected):
    assert mirror_edge_newlines(msgid, draft) == expected


@needs_gettext
def test_b05_write_po_mirrors_edges_so_msgfmt_accepts(tmp_path):
    doc = read_po(DATA / "b05_newline_edges.po")
    drafts = dict(line.split("\t") for line in (DATA / "b05_mt_drafts.tsv").read_text().splitlines()[1:])
    units = [Unit(u.msgid, drafts[u.comments[0]].replace("\\n", "\n"), u.comments[0], Status.FUZZY)
             for u in doc.units]
    out = tmp_path / "out.po"
    write_po(out, units, doc.header)
    got = [u.msgstr for u in read_po(out).units]
    assert got == ["\nBREAKING NEWS\n", "The meeting ended at 5 p.m.\n",
                   "\nThe report will be released next week.", "Gold prices rose slightly."]
    assert msgfmt_check(out).returncode == 0


def test_b16_c_escapes_keep_their_meaning():
    doc = read_po(DATA / "b16_control_chars.po")
    by_id = {u.comments[0]: u for u in doc.units}
    assert by_id["seg-0001"].msgstr == "Press\vContinue"
    assert by_id["seg-0004"].msgid == "Dữ liệu\achuông" and by_id["seg-0004"].msgstr == "Data\abell"
    assert by_id["seg-0005"].msgstr == "Stray control\x1b[0m character"
    assert doc.source_language == "vi"


def test_windows_1258_po_is_decoded_and_written_back_as_utf8_nfc(tmp_path):
    text = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=CP1258\\n"\n"Language: en\\n"\n\n'
            'msgctxt "seg-0001"\nmsgid "Vi\u00ea\u0323t Nam"\nmsgstr "Vietnam"\n')  # ê + combining dot below
    src = tmp_path / "cp.po"
    src.write_bytes(text.encode("cp1258"))
    doc = read_po(src)
    assert doc.units[0].msgid == "Việt Nam"  # NFC: cp1258 decodes tone marks as combining characters
    out = tmp_path / "out.po"
    save_po(doc, out)
    data = out.read_bytes().decode("utf-8")
    assert "charset=UTF-8" in data and "Việt Nam" in data


def test_missing_file_says_not_found(tmp_path):
    with pytest.raises(InputError, match="not found") as info:
        read_po(tmp_path / "no_such_file.po")
    assert "syntax" not in str(info.value)


def test_syntax_error_reports_file_and_line(tmp_path):
    bad = tmp_path / "bad.po"
    bad.write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n\nmsgid "a"\nmsgstr "b" "c\nmsgid\n', encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_po(bad)
    assert info.value.path == str(bad) and info.value.line is not None
    assert str(info.value).startswith(f"{bad}:{info.value.line}: syntax error")


def test_undecodable_bytes_report_the_line(tmp_path):
    bad = tmp_path / "bad.po"
    bad.write_bytes(b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "\xff"\nmsgstr ""\n')
    with pytest.raises(FormatError) as info:
        read_po(bad)
    assert info.value.line == 5


@pytest.mark.parametrize("unit", [Unit(""), Unit("a\x00b"), Unit("ok", "bad\ud800")])
def test_unrepresentable_units_raise_format_error(tmp_path, unit):
    with pytest.raises(FormatError):
        write_po(tmp_path / "x.po", [unit], po_header())


def test_write_po_is_atomic_on_error(tmp_path):
    path = tmp_path / "a.po"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(FormatError):
        write_po(path, [Unit("a", msgctxt="x"), Unit("a", msgctxt="x")], po_header())
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.po"]


def test_obsolete_and_previous_msgid_survive_a_round_trip(tmp_path):
    units = [Unit("Câu mới.", "Old translation.", "seg-0001", Status.FUZZY, previous_msgid="Câu cũ."),
             Unit("Câu bỏ.", "Dropped.", "seg-0002", Status.TRANSLATED, obsolete=True)]
    path = tmp_path / "a.po"
    write_po(path, units, po_header())
    text = path.read_text(encoding="utf-8")
    assert '#| msgid "Câu cũ."' in text and '#~ msgid "Câu bỏ."' in text
    assert read_po(path).units == units
