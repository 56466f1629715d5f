"""Glossary loading, validation (file:line messages) and matching, incl. shared/cases b12, b13, b17.

Case inputs are copied into tests/data/glossary/<case-id>/ from shared/cases/<case-id>/; the Weblate
TBX from shared/realfiles/glossary/weblate-glossary.vi.tbx.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.errors import GlossaryError
from toolkit.terms.termbase import Glossary, lint_glossary
from toolkit.types import TermType

DATA = Path(__file__).resolve().parent / "data" / "glossary"
ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "glossary" / "vi-en.tsv"
SEED = ROOT / "seeds" / "000_94a404d477b589ad.txt"


def _expected(case: str) -> list[list[str]]:
    rows = (DATA / case / "expected_matches.tsv").read_text(encoding="utf-8").strip().split("\n")[1:]
    return [r.split("\t") for r in rows]


def _matches_by_line(g: Glossary, text: str) -> list[list[str]]:
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        for m in g.match(line):
            out.append([str(n), str(m.start), str(m.end), m.surface, m.entry.source, m.entry.target])
    return out


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# --- shared/cases ---------------------------------------------------------------------------------

def test_b12_nfd_input_matches_like_nfc():
    g = Glossary.load(DATA / "b12-nfd-input" / "glossary.tsv")
    nfd = (DATA / "b12-nfd-input" / "article_nfd.txt").read_text(encoding="utf-8")
    assert not unicodedata.is_normalized("NFC", nfd)
    assert _matches_by_line(g, unicodedata.normalize("NFC", nfd)) == _expected("b12-nfd-input")


def test_b12_nfd_text_matched_directly_reports_offsets_into_the_nfd_text():
    g = Glossary.load(DATA / "b12-nfd-input" / "glossary.tsv")
    nfd = (DATA / "b12-nfd-input" / "article_nfd.txt").read_text(encoding="utf-8")
    found = []
    for line in nfd.split("\n"):
        for m in g.match(line):
            assert line[m.start:m.end] == m.surface
            found.append(unicodedata.normalize("NFC", m.surface))
    assert found == [row[3] for row in _expected("b12-nfd-input")]


def test_b13_vi_tone_placement_matches_both_conventions_and_keeps_author_spelling():
    g = Glossary.load(DATA / "b13-vi-tone-placement" / "glossary.tsv")
    text = (DATA / "b13-vi-tone-placement" / "article.txt").read_text(encoding="utf-8")
    original = text
    assert _matches_by_line(g, text) == _expected("b13-vi-tone-placement")
    assert text == original
    assert [m.surface for m in g.match(text.split("\n")[2])][:3] == ["Uỷ ban nhân dân", "hoà giải", "hoà bình"]


def test_b13_vi_tone_placement_symmetry_new_style_glossary_matches_old_style_text(tmp_path):
    g = Glossary.load(_write(tmp_path, "g.tsv", "vi\ten\nthuỷ điện\thydropower\nhoà bình\tpeace\nsức khoẻ\thealth\n"))
    text = "Nhà máy thủy điện vì hòa bình và sức khỏe."
    assert [(m.surface, m.entry.target) for m in g.match(text)] == [
        ("thủy điện", "hydropower"), ("hòa bình", "peace"), ("sức khỏe", "health")]


def test_b17_glossary_longest_match_with_boundary_fallback():
    g = Glossary.load(DATA / "b17-glossary-longest-match" / "glossary.tsv")
    text = (DATA / "b17-glossary-longest-match" / "text.txt").read_text(encoding="utf-8")
    assert _matches_by_line(g, text) == _expected("b17-glossary-longest-match")


# --- matching rules -------------------------------------------------------------------------------

def test_match_curly_and_straight_quotes_are_equal(tmp_path):
    g = Glossary.load(_write(tmp_path, "g.tsv", 'source\ttarget\n"5 an toàn"\t"5 safeties"\n'))
    text = "Cơ quan, đơn vị “5 an toàn”."
    (m,) = g.match(text)
    assert m.surface == "“5 an toàn”" and text[m.start:m.end] == m.surface


def test_match_case_sensitive_entry_only_matches_its_case(tmp_path):
    g = Glossary.load(_write(tmp_path, "g.tsv", "source\ttarget\tcase_sensitive\nĐảng\tthe Party\tyes\n"))
    assert [m.surface for m in g.match("sự lãnh đạo của Đảng")] == ["Đảng"]
    assert g.match("các đảng phái") == []


def test_match_whole_syllables_only(tmp_path):
    g = Glossary.load(_write(tmp_path, "g.tsv", "source\ttarget\nan\tpeace\n"))
    assert g.match("ban nhân dân") == []
    assert [m.start for m in g.match("an ninh")] == [0]


def test_match_whitespace_runs_and_newlines_inside_a_term():
    g = Glossary.load(CURATED)
    text = "các đồn\n Biên  phòng"
    (m,) = g.match(text)
    assert (m.surface, m.entry.target) == ("đồn\n Biên  phòng", "border post")


def test_curated_glossary_covers_seed_domain_terms():
    g = Glossary.load(CURATED)
    text = SEED.read_text(encoding="utf-8")
    found = {m.entry.source for m in g.match(text)}
    for term in ["2 mẫu mực, 1 điểm sáng", "BĐBP", "Bộ Chỉ huy BĐBP tỉnh", "đồn Biên phòng", "Bộ Chính trị",
                 "Đảng ủy", "Huyện ủy", "UBND tỉnh", "chi bộ", "Chỉ thị 05-CT/TW", "Chỉ thị số 01/CT-TTg",
                 "Chống dịch như chống giặc", "5 nhanh, 5 chắc", "Ngày hội Biên phòng toàn dân",
                 "Xây dựng đồn - trạm hữu nghị, biên giới bình yên", "Bộ đội Cụ Hồ", "Covid-19"]:
        assert term in found, term
    # every quoted span of the seed is a glossary term
    quoted = [q.split("”")[0] for q in text.split("“")[1:]]
    assert all(any(m.surface == q for m in g.match(q)) for q in quoted), quoted
    assert len(g.entries) >= 60 and all(e.note for e in g.entries)
    assert {e.type for e in g.entries} == set(TermType)


def test_curated_glossary_lints_clean():
    report = lint_glossary(CURATED)
    assert report.errors == [] and report.warnings == []


# --- validation -----------------------------------------------------------------------------------

@pytest.mark.parametrize("row, line, words", [
    ("BĐBP\tBorder Guard\tfixd", 2, "unknown type 'fixd'"),
    ("BĐ\x01BP\tBorder Guard\trequired", 2, "U+0001"),
    ("BĐBP\tBorder\u200bGuard\trequired", 2, "U+200B"),
    ("BĐBP\tBorder Guard\trequired\tnote\tctx\tmaybe", 2, "case_sensitive is 'maybe'"),
    ("BĐBP\tBorder Guard\trequired\tn\tc\t\tx\textra", 2, "8 fields but the header has 7"),
    ("Bộ Chính trị\tPolitburo\tforbidden", 2, "equals its replacement"),
])
def test_glossary_defect_raises_with_file_and_line(tmp_path, row, line, words):
    p = _write(tmp_path, "g.tsv", "source\ttarget\ttype\tnote\tcontext\tcase_sensitive\treplacement\n"
                                  f"{row}\nđồn Biên phòng\tborder post\trequired\n")
    if "equals its replacement" in words:
        p = _write(tmp_path, "g.tsv", "source\ttarget\ttype\treplacement\nBộ Chính trị\tPolitburo\tforbidden\tPolitburo\n")
    with pytest.raises(GlossaryError) as info:
        Glossary.load(p)
    err = info.value
    assert err.path == str(p) and err.line == line and words in err.message
    assert str(err).startswith(f"{p}:{line}: ")


def test_glossary_missing_header_column_is_an_error(tmp_path):
    with pytest.raises(GlossaryError, match="no 'target' column") as info:
        Glossary.load(_write(tmp_path, "g.tsv", "# comment\nsource\tenglish\nBĐBP\tBorder Guard\n"))
    assert info.value.line == 2


def test_glossary_unreadable_or_unknown_format(tmp_path):
    with pytest.raises(GlossaryError, match="not found"):
        Glossary.load(tmp_path / "missing.tsv")
    with pytest.raises(GlossaryError, match="unknown glossary format"):
        Glossary.load(_write(tmp_path, "g.json", "{}"))
    p = tmp_path / "latin1.tsv"
    p.write_bytes(b"source\ttarget\n\x81t\tsummer\n")  # 0x81: neither UTF-8 nor Windows-1258 (which would be read)
    with pytest.raises(GlossaryError, match="not valid UTF-8") as info:
        Glossary.load(p)
    assert info.value.line == 2


def test_glossary_warnings_name_file_and_line_and_normalise(tmp_path):
    nfd = unicodedata.normalize("NFD", "hòa bình")
    p = _write(tmp_path, "g.tsv", "source\ttarget\ttype\n"
                                  f"{nfd}\tpeace\t\n"            # 2: non-NFC → normalised
                                  "hòa bình\tpeace\t\n"          # 3: duplicate of 2
                                  "hòa bình\tharmony\t\n"        # 4: conflict with 2
                                  "\tempty source\t\n"           # 5: empty source
                                  "an ninh\t\t\n"                # 6: empty target
                                  " Covid-19 \t\tdnt\n")          # 7: spaces stripped, dnt target = source
    g = Glossary.load(p)
    assert [e.source for e in g.entries] == ["hòa bình", "Covid-19"]
    assert g.entries[0].target == "peace" and g.entries[1].target == "Covid-19"
    lines = [w.split(":")[1] for w in g.warnings]
    assert lines == ["2", "3", "4", "5", "6", "7"]
    assert all(w.startswith(f"{p}:") for w in g.warnings)
    assert "not NFC" in g.warnings[0] and "conflicting" in g.warnings[2] and "keeping line 2" in g.warnings[2]


def test_glossary_csv_with_quoted_fields(tmp_path):
    p = _write(tmp_path, "g.csv", 'source,target,type,note\n"Bộ Chính trị",Politburo,required,"CPV, official"\n'
                                  'Bộ Chính trị,Ministry of Politics,forbidden,literal MT\n')
    g = Glossary.load(p)
    assert [(e.type, e.replacement) for e in g.entries] == [(TermType.REQUIRED, ""), (TermType.FORBIDDEN, "Politburo")]
    assert g.entries[0].note == "CPV, official" and g.entries[1].origin == f"{p}:3"


def test_glossary_checksum_depends_on_content_not_on_path(tmp_path):
    a = Glossary.load(_write(tmp_path, "a.tsv", "source\ttarget\nBĐBP\tBorder Guard\n"))
    b = Glossary.load(_write(tmp_path, "b.tsv", "# other file\nsource\ttarget\n\nBĐBP\tBorder Guard\n"))
    c = Glossary.load(_write(tmp_path, "c.tsv", "source\ttarget\nBĐBP\tBorder Guards\n"))
    assert a.checksum == b.checksum != c.checksum and len(a.checksum) == 12


def test_weblate_tbx_loads_with_warnings_for_its_defects():
    path = DATA / "weblate-glossary.vi.tbx"
    g = Glossary.load(path)
    text = "\n".join(g.warnings)
    assert "danh sách thành phần" in text and "is not NFC (decomposed characters); normalised" in text
    assert "duplicate termEntry id 'plural form'" in text and "duplicate termEntry id '1'" in text
    assert "(en 'Celery'): empty 'vi' term" in text
    assert all(w.startswith(f"{path}:") and w.split(":")[1].isdigit() for w in g.warnings)
    by_source = {e.source: e.target for e in g.entries}
    assert by_source["chỉnh sửa"] == "edit" and by_source["danh sách thành phần"] == "component list"
    assert all(unicodedata.is_normalized("NFC", e.source) for e in g.entries)


# --- CLI ------------------------------------------------------------------------------------------

def test_cli_glossary_lint_clean_curated_and_dirty_weblate(capsys):
    assert main(["glossary", "lint", *map(str, sorted(CURATED.parent.iterdir()))]) == 0   # glossary/*
    captured = capsys.readouterr()
    assert captured.out == "" and "README.md: skipped" in captured.err
    assert main(["glossary", "lint", str(DATA / "weblate-glossary.vi.tbx")]) == 1
    out = capsys.readouterr().out
    assert "weblate-glossary.vi.tbx:123: warning:" in out


def test_cli_glossary_unusable_glossary_exits_1_with_file_line(tmp_path, capsys):
    p = _write(tmp_path, "g.tsv", "source\ttarget\ttype\nBĐBP\tBorder Guard\tmandatory\n")
    assert main(["glossary", "convert", str(p), str(tmp_path / "g.tbx")]) == 1
    assert f"{p}:2: unknown type 'mandatory'" in capsys.readouterr().err
    assert not (tmp_path / "g.tbx").exists()


def test_cli_glossary_convert_tsv_tbx_csv_round_trip(tmp_path):
    tbx, csv_, tsv = tmp_path / "g.tbx", tmp_path / "g.csv", tmp_path / "g.tsv"
    assert main(["glossary", "convert", str(CURATED), str(tbx)]) == 0
    assert main(["glossary", "convert", str(tbx), str(csv_)]) == 0
    assert main(["glossary", "convert", str(csv_), str(tsv)]) == 0
    strip = lambda g: [(e.source, e.target, e.type, e.note, e.context, e.case_sensitive, e.replacement)  # noqa: E731
                       for e in g.entries]
    original = Glossary.load(CURATED)
    for p in (tbx, csv_, tsv):
        assert strip(Glossary.load(p)) == strip(original)
        assert Glossary.load(p).checksum == original.checksum


def test_cli_glossary_check_reports_missing_and_forbidden_terms(tmp_path, capsys):
    po = _write(tmp_path, "r.po", """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgctxt "seg-0001"
msgid "Chỉ thị 05-CT/TW của Bộ Chính trị"
msgstr "Directive 05-CT/TW of the Ministry of Politics"

msgctxt "seg-0002"
msgid "các đồn Biên phòng"
msgstr "the border stations"

msgctxt "seg-0003"
msgid "BĐBP Lạng Sơn"
msgstr "Lang Son Border Guard"

#, fuzzy
msgctxt "seg-0004"
msgid "Bộ Chính trị"
msgstr "Politbureau"
""")
    assert main(["glossary", "check", str(po), "--glossary", str(CURATED)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{po}:5: seg-0001: term-missing: Bộ Chính trị → Politburo" in out
    assert f"{po}:5: seg-0001: term-forbidden: Bộ Chính trị → 'Ministry of Politics' (use Politburo)" in out
    assert f"{po}:9: seg-0002: term-forbidden: đồn Biên phòng → 'border stations' (use border post)" in out
    assert not any("seg-0003" in line or "seg-0004" in line for line in out)
