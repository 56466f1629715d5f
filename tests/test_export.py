"""bitext export: approved entries only, direction from the header, TSV/TMX/Moses agree."""
from __future__ import annotations

from pathlib import Path

import polib
import pytest
from lxml import etree

from toolkit.cli import main
from toolkit.errors import FormatError
from toolkit.workflow.export import export_po, read_pairs_tsv
from toolkit.formats.moses import read_moses
from toolkit.formats.po import po_header, write_po
from toolkit.formats.tmx import read_tmx
from toolkit.types import Status, Unit

DATA = Path(__file__).parent / "data" / "formats"
DTD = etree.DTD(str(DATA / "tmx14b.dtd"))


def approved_count(path: Path) -> int:
    """Pairs of the approved entries, counted with polib: one per singular entry, and for a plural
    entry of these nplurals=1 (Vietnamese) files two (msgid and msgid_plural, both ↔ msgstr[0])."""
    po = polib.pofile(str(path))
    return sum((2 if e.msgid_plural else 1) for e in po
               if not e.obsolete and not e.fuzzy and (e.msgstr or (e.msgstr_plural or {}).get(0)))


@pytest.mark.parametrize("name,expected", [("real_xz.vi.po", 153), ("real_glib.vi.po", 924)])
def test_real_files_export_exactly_the_approved_entries_in_all_formats(tmp_path, name, expected):
    po = DATA / name
    assert approved_count(po) == expected
    tsv = export_po([po], "tsv", tmp_path / "c.tsv", source_lang="en")
    assert (tsv.pairs, tsv.source_language, tsv.target_language) == (expected, "en", "vi")
    src, tgt, pairs = read_pairs_tsv(tmp_path / "c.tsv")
    assert (src, tgt, len(pairs)) == ("en", "vi", expected)
    export_po([po], "tmx", tmp_path / "c.tmx", source_lang="en")
    tree = etree.parse(str(tmp_path / "c.tmx"))
    assert DTD.validate(tree), DTD.error_log
    srclang, units = read_tmx(tmp_path / "c.tmx")
    assert srclang == "en" and len(units) == expected
    assert [(u.segs["en"], u.segs["vi"]) for u in units] == [(p.source, p.target) for p in pairs]
    export_po([po], "moses", tmp_path / "c", source_lang="en")
    assert len(read_moses(tmp_path / "c", "en", "vi")) == expected


def test_tsv_round_trips_back_to_the_same_pairs_as_the_po(tmp_path):
    po = DATA / "real_xz.vi.po"
    export_po([po], "tsv", tmp_path / "c.tsv", source_lang="en")
    _, _, pairs = read_pairs_tsv(tmp_path / "c.tsv")
    entries = [e for e in polib.pofile(str(po)) if not e.obsolete and not e.fuzzy and e.msgstr]
    assert [(p.source, p.target) for p in pairs if not p.source.startswith("%s")][:3] == \
        [(e.msgid, e.msgstr) for e in entries if not e.msgid.startswith("%s")][:3]
    assert {(p.source, p.target) for p in pairs} >= {(e.msgid, e.msgstr) for e in entries}


def our_po(tmp_path) -> Path:
    path = tmp_path / "article.po"
    write_po(path, [
        Unit("Hà Nội mưa lớn.", "Hanoi had heavy rain.", "seg-0001", Status.TRANSLATED),
        Unit("Ảnh minh họa.", "Illustration.", "seg-0002", Status.FUZZY),
        Unit("Ảnh minh họa.", "", "seg-0003", Status.NEW),
        Unit("- Gạch đầu dòng\tcó tab", "- Bullet\twith tab", "seg-0004", Status.TRANSLATED),
        Unit("Câu cũ.", "Old.", "seg-0009", Status.TRANSLATED, obsolete=True),
    ], po_header("vi", "en"))
    return path


def test_fuzzy_drafts_only_with_include_fuzzy_and_status_in_tsv(tmp_path):
    po = our_po(tmp_path)
    assert export_po([po], "tsv", tmp_path / "a.tsv").pairs == 2
    report = export_po([po], "tsv", tmp_path / "b.tsv", include_fuzzy=True)
    assert (report.pairs, report.source_language, report.target_language) == (3, "vi", "en")
    _, _, pairs = read_pairs_tsv(tmp_path / "b.tsv")
    assert [(p.context, p.status) for p in pairs] == [
        ("seg-0001", Status.TRANSLATED), ("seg-0002", Status.FUZZY), ("seg-0004", Status.TRANSLATED)]
    header = (tmp_path / "b.tsv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "id\tcontext\tstatus\tvi\ten"
    assert "\t- Bullet\\twith tab" in (tmp_path / "b.tsv").read_text(encoding="utf-8")  # no formula escaping


def test_tmx_keeps_msgctxt_as_prop(tmp_path):
    export_po([our_po(tmp_path)], "tmx", tmp_path / "a.tmx")
    src, units = read_tmx(tmp_path / "a.tmx")
    assert src == "vi" and [u.props["x-context"] for u in units] == ["seg-0001", "seg-0004"]


def test_b16_po_exports_a_valid_tmx_with_spaces_for_control_characters(tmp_path):
    report = export_po([DATA / "b16_control_chars.po"], "tmx", tmp_path / "b16.tmx")
    assert DTD.validate(etree.parse(str(tmp_path / "b16.tmx")))
    _, units = read_tmx(tmp_path / "b16.tmx")
    assert [u.segs["en"] for u in units] == ["Press Continue", "Profit & revenue <rose> sharply",
                                             "The string ]]> in text", "Data bell", "Stray control [0m character"]
    assert len([w for w in report.warnings if "illegal" in w]) == 3


def test_languages_must_agree_across_files(tmp_path):
    with pytest.raises(FormatError, match="differ"):
        export_po([our_po(tmp_path), DATA / "real_xz.vi.po"], "tsv", tmp_path / "x.tsv", source_lang="vi")


def test_cli_export_and_missing_file(tmp_path, capsys):
    po = our_po(tmp_path)
    assert main(["export", str(po), "--to", "moses", "-o", str(tmp_path / "c")]) == 0
    assert (tmp_path / "c.vi").read_text(encoding="utf-8").count("\n") == 2
    assert main(["export", str(tmp_path / "nope.po"), "--to", "tsv", "-o", str(tmp_path / "x.tsv")]) == 1
    assert "not found" in capsys.readouterr().err


def test_cli_po_check_reports_b05_newline_mismatch(tmp_path, capsys):
    bad = tmp_path / "bad.po"
    bad.write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                   'msgid "\\nTIN NÓNG\\n"\nmsgstr "BREAKING NEWS"\n', encoding="utf-8")
    assert main(["po", "check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "do not both begin with '\\n'" in out and "do not both end with '\\n'" in out
    assert main(["po", "check", str(our_po(tmp_path))]) == 0


def test_cli_export_of_unreviewed_drafts_says_why_nothing_was_exported(tmp_path, capsys):
    po = tmp_path / "draft.po"
    write_po(po, [Unit("Hôm nay trời mưa.", "It rains today.", status=Status.FUZZY, msgctxt="seg-1")],
             po_header("vi", "en"))
    assert main(["export", str(po), "--to", "tsv", "-o", str(tmp_path / "c.tsv")]) == 0
    assert "--include-fuzzy" in capsys.readouterr().err
    assert main(["export", str(po), "--to", "tsv", "-o", str(tmp_path / "d.tsv"), "--include-fuzzy"]) == 0
    assert "--include-fuzzy" not in capsys.readouterr().err
