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
from toolkit.terms.save import entry_row
from toolkit.terms.termbase import Glossary, lint_glossary
from toolkit.types import TermType

DATA = Path(__file__).resolve().parent / "data" / "glossary"
ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "glossary" / "vi-en.tsv"
FIXTURE = DATA / "terms-fixture.tsv"
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
    found = {m.surface: m.entry.target for line in text.split("\n") for m in g.match(line)}
    for surface, target in [
            ("2 mẫu mực, 1 điểm sáng", "two-exemplary and one-highlight"), ("Bộ Chính trị", "Politburo"),
            ("Đảng ủy, Bộ Chỉ huy BĐBP Lạng Sơn", "Party Committee and Command of the Lang Son Provincial Border Guard"),
            ("BĐBP Lạng Sơn", "Lang Son Border Guard"), ("Bộ Chỉ huy BĐBP tỉnh", "Provincial Border Guard Command"),
            ("đồn Biên phòng", "border post"), ("Huyện ủy", "District Party Committee"), ("UBND tỉnh", "Provincial People's Committee"),
            ("chi bộ", "Party cell"), ("Chỉ thị 05-CT/TW", "Directive 05-CT/TW"), ("Chỉ thị số 01/CT-TTg", "Directive 01/CT-TTg"),
            ("Chống dịch như chống giặc", "Fight the epidemic like fighting the enemy"), ("5 nhanh, 5 chắc", "5 quicks, 5 sures"),
            ("Ngày hội Biên phòng toàn dân", "All-People Border Defence Day"), ("tham mưu", "advise"),
            ("lãnh đạo, chỉ đạo", "leadership and direction"), ("tuyên truyền", "dissemination"),
            ("biên giới hòa bình, hữu nghị, hợp tác cùng phát triển", "border of peace, friendship, cooperation and development"),
            ("lực lượng chức năng", "competent force"), ("công tác đối ngoại biên phòng", "border diplomacy"),
            ("xã, thị trấn biên giới", "border communes and towns"), ("tự lực, tự cường", "self-reliance and self-resilience"),
            ("an ninh, trật tự, an toàn xã hội", "security, social order and safety"),
            ("Xây dựng đồn - trạm hữu nghị, biên giới bình yên", "Building friendly posts and stations, a peaceful border"),
            ("Bộ đội Cụ Hồ", "Uncle Ho's soldiers"), ("Covid-19", "Covid-19"), ("Thủ tướng Chính phủ", "Prime Minister")]:
        assert found.get(surface) == target, (surface, found.get(surface))
    # every quoted span of the seed is a glossary term
    quoted = [q.split("”")[0] for q in text.split("“")[1:]]
    assert all(any(m.surface == q for m in g.match(q)) for q in quoted), quoted


def test_curated_glossary_lints_clean_and_every_entry_has_evidence_or_is_proposed():
    report = lint_glossary(CURATED)
    assert report.errors == [] and report.warnings == []
    rows = [e for e in report.entries if not e.synthetic]
    assert len(rows) >= 250 and all(e.note or e.evidence for e in rows)
    assert all(e.evidence or e.status == "proposed" for e in rows)
    assert {e.status for e in rows} == {"approved", "proposed"}


@pytest.mark.parametrize("text, surface, target", [
    ("Đảng ta luôn xác định công tác dân tộc là nhiệm vụ chiến lược.", "Đảng", "the Party"),
    ("Cán bộ, chiến sĩ bảo vệ vững chắc chủ quyền Tổ quốc.", "Tổ quốc", "Fatherland"),
    ("Mỗi đảng viên noi theo tấm gương đạo đức của Bác Hồ.", "Bác Hồ", "Uncle Ho"),
    ("Xây dựng mối quan hệ đoàn kết quân dân bền chặt.", "quân dân", "military-civilian"),
    ("Đồn cử đảng viên tham gia sinh hoạt chi bộ bản.", "chi bộ", "Party cell"),
    ("Bộ Chỉ huy BĐBP tỉnh Hà Giang tổ chức hội nghị.", "Bộ Chỉ huy BĐBP tỉnh Hà Giang", "Ha Giang Provincial Border Guard Command"),
    ("Bộ Tư lệnh BĐBP tổ chức gặp mặt.", "Bộ Tư lệnh BĐBP", "Border Guard High Command"),
    ("Đại úy Thào Nguyên Hồ, Chính trị viên phó của Đồn.", "Chính trị viên phó", "deputy political commissar"),
    ("Thiếu tá Lò Văn Pó, Phó Đồn trưởng, cho biết.", "Phó Đồn trưởng", "deputy post commander"),
])
def test_curated_must_fire(text, surface, target):
    g = Glossary.load(CURATED)
    assert (surface, target) in [(m.surface, m.entry.target) for m in g.match(text)]


@pytest.mark.parametrize("text, surface", [
    ("Đoàn đại biểu Đảng Nhân dân Cách mạng Lào thăm đồn.", "Đảng"),
    ("Gia đình bác Hồ Văn Lâm ở bản Ón được tặng con giống.", "bác Hồ"),
    ("Sau buổi hành quân dân vận, tổ công tác trở về đơn vị.", "quân dân"),
    ("Xã đã cắt giảm chi bộ máy hành chính.", "chi bộ"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh thăm đồn.", "Tổ quốc"),
    ("Bộ Chỉ huy Quân sự tỉnh Lào Cai chuẩn bị diễn tập.", "Bộ Chỉ huy"),
    ("Bộ Tư lệnh BĐBP tổ chức gặp mặt.", "BĐBP"),
    ("Phó Chính trị viên Đồn Biên phòng Hiền Kiệt phát biểu.", "Chính trị viên"),
    ("Thiếu tá Lò Văn Pó, Phó Đồn trưởng, cho biết.", "Đồn trưởng"),
])
def test_curated_must_not_fire(text, surface):
    g = Glossary.load(CURATED)
    assert surface not in [m.surface for m in g.match(text)]


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
    strip = lambda g: [entry_row(e) for e in g.entries]  # noqa: E731 (every column of every concept)
    original = Glossary.load(CURATED)
    for p in (tbx, csv_, tsv):
        assert strip(Glossary.load(p)) == strip(original)
        assert Glossary.load(p).checksum == original.checksum


def test_cli_glossary_check_reports_missing_and_forbidden_terms_and_accepts_admitted(tmp_path, capsys):
    po = _write(tmp_path, "r.po", """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgctxt "seg-0001"
msgid "Chỉ thị 05-CT/TW gửi cán bộ, chiến sĩ"
msgstr "Instruction 05-CT/TW to cadres, soldiers"

msgctxt "seg-0002"
msgid "các đồn Biên phòng"
msgstr "the border stations"

msgctxt "seg-0003"
msgid "xuất, nhập cảnh trái phép"
msgstr "illegal entry and exit"

#, fuzzy
msgctxt "seg-0004"
msgid "Bộ đội Biên phòng"
msgstr "Border Army"
""")
    assert main(["glossary", "check", str(po), "--glossary", str(FIXTURE)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{po}:5: seg-0001: term-forbidden: Chỉ thị 05-CT/TW → 'Instruction 05-CT/TW' (use Directive 05-CT/TW)" in out
    assert f"{po}:5: seg-0001: term-forbidden: cán bộ, chiến sĩ → 'cadres, soldiers' (use officers and soldiers)" in out
    assert not any("seg-0002" in line or "seg-0003" in line or "seg-0004" in line for line in out)


# --- issue 13: false-positive classes (small fixture base, tests/data/glossary/terms-fixture.tsv) -----

@pytest.fixture(scope="module")
def fixture_glossary() -> Glossary:
    return Glossary.load(FIXTURE)


def _pairs(g: Glossary, text: str) -> list[tuple[str, str]]:
    return [(m.surface, m.entry.target) for m in g.match(text)]


def test_fp_short_name_followed_by_capitalised_name_is_part_of_another_proper_name(fixture_glossary):
    g = fixture_glossary
    assert ("Đảng", "the Party") not in _pairs(g, "Quan hệ với Đảng Cộng sản Cuba được tăng cường.")
    assert _pairs(g, "Đoàn Đảng Nhân dân Cách mạng Lào thăm đồn.")[0] == (
        "Đảng Nhân dân Cách mạng Lào", "Lao People's Revolutionary Party")
    assert ("Đảng", "the Party") in _pairs(g, "Đảng ta luôn xác định như vậy.")          # positive twin
    assert ("Đảng", "the Party") in _pairs(g, "sự lãnh đạo của Đảng, Nhà nước")


def test_fp_honorific_before_another_family_name_with_the_same_surname(fixture_glossary):
    g = fixture_glossary
    assert _pairs(g, "Gia đình bác Hồ Văn Lâm được tặng con giống.") == []
    assert _pairs(g, "Cụ Bác Hồ Văn Lâm kể lại.") == []                                  # capital B too
    assert _pairs(g, "tấm gương đạo đức của Bác Hồ.") == [("Bác Hồ", "Uncle Ho")]       # positive twin


def test_fp_generic_term_straddling_two_words(fixture_glossary):
    g = fixture_glossary
    assert _pairs(g, "Sau buổi hành quân dân vận, tổ công tác trở về.") == []
    assert _pairs(g, "Xã cắt giảm chi bộ máy hành chính.") == []
    assert _pairs(g, "Tình đoàn kết quân dân bền chặt.") == [("đoàn kết", "solidarity"), ("quân dân", "military-civilian")]
    assert _pairs(g, "Đồn cử đảng viên sinh hoạt chi bộ thôn.") == [("chi bộ", "Party cell")]


def test_fp_generic_term_straddling_is_caught_by_the_word_segmenter_not_only_listed_contexts(tmp_path):
    """``word_check`` alone (no not_after/not_before) rejects a straddle the entry did not list."""
    from toolkit.terms import wordseg

    if not wordseg.available():
        pytest.skip("underthesea not installed")
    g = Glossary.load(_write(tmp_path, "g.tsv", "source\ttarget\tcontext\tword_check\nquân dân\tmilitary-civilian\tx\tyes\n"))
    assert g.match("Đơn vị hành quân dân vận ở bản.") == []
    assert [m.surface for m in g.match("Mối quan hệ quân dân gắn bó.")] == ["quân dân"]


def test_fp_term_inside_a_longer_body_name(fixture_glossary):
    g = fixture_glossary
    assert _pairs(g, "Mặt trận Tổ quốc Việt Nam tỉnh tặng quà.") == [("Mặt trận Tổ quốc Việt Nam", "Vietnam Fatherland Front")]
    assert ("Tổ quốc", "Fatherland") not in _pairs(g, "Ủy ban Mặt trận Tổ quốc huyện thăm đồn.")
    assert ("Tổ quốc", "Fatherland") in _pairs(g, "bảo vệ chủ quyền Tổ quốc")             # positive twin


def test_fp_border_guard_wording_for_a_military_command(fixture_glossary):
    g = fixture_glossary
    assert _pairs(g, "Bộ Chỉ huy Quân sự tỉnh Lào Cai chuẩn bị diễn tập.") == [
        ("Bộ Chỉ huy Quân sự tỉnh Lào Cai", "Lao Cai Provincial Military Command")]
    assert ("Bộ Chỉ huy", "Command") not in _pairs(g, "Bộ Chỉ huy Quân sự thành phố tổ chức.")
    assert _pairs(g, "Bộ Chỉ huy BĐBP tỉnh đã chỉ đạo.") == [("Bộ Chỉ huy BĐBP tỉnh", "Provincial Border Guard Command")]


def test_fp_abbreviation_inside_a_longer_unit_name(fixture_glossary):
    g = fixture_glossary
    assert _pairs(g, "Bộ Tư lệnh BĐBP tổ chức gặp mặt.") == [("Bộ Tư lệnh BĐBP", "Border Guard High Command")]
    assert _pairs(g, "Lực lượng BĐBP tuần tra.") == [("BĐBP", "Border Guard")]
    assert _pairs(g, "bđbp") == []                                          # abbreviations keep their case


def test_fp_shorter_title_inside_a_deputy_title(fixture_glossary):
    g = fixture_glossary
    assert _pairs(g, "Phó Chính trị viên và Chính trị viên phó dự họp.") == [
        ("Phó Chính trị viên", "deputy political commissar"), ("Chính trị viên phó", "deputy political commissar")]
    assert _pairs(g, "Phó Đồn trưởng cho biết.") == [("Phó Đồn trưởng", "deputy post commander")]
    assert _pairs(g, "Đồn trưởng, Chính trị viên") == [("Đồn trưởng", "post commander"), ("Chính trị viên", "political commissar")]


# --- name patterns and the gazetteer ------------------------------------------------------------

def _provinces() -> list[tuple[str, str]]:
    from toolkit.terms.gazetteer import PROVINCE_KINDS, default_gazetteer

    return [(p.name, p.english) for p in default_gazetteer().places
            if p.kind in PROVINCE_KINDS and not p.name.startswith("TP")]


def test_gazetteer_has_the_63_and_the_34_provincial_units():
    from toolkit.terms.gazetteer import PROVINCE_KINDS, default_gazetteer

    places = [p for p in default_gazetteer().places if p.kind in PROVINCE_KINDS and not p.name.startswith("TP")]
    before = {p.name for p in places if p.period in ("pre2025", "both") and "–" not in p.name}
    after = {p.name for p in places if p.period in ("post2025", "both")}
    assert len(before) == 63 and len(after) == 34
    assert {"Hà Giang", "Lạng Sơn", "Thừa Thiên Huế"} <= before and "Hà Giang" not in after and "Huế" in after


@pytest.mark.parametrize("name, english", _provinces())
def test_pattern_provincial_command_comes_out_whole_for_every_gazetteer_province(fixture_glossary, name, english):
    text = f"Bộ Chỉ huy BĐBP tỉnh {name} tổ chức hội nghị."
    (m,) = fixture_glossary.match(text)
    assert (m.surface, m.entry.target) == (f"Bộ Chỉ huy BĐBP tỉnh {name}", f"{english} Provincial Border Guard Command")
    assert m.entry.admitted == (f"{english} Border Guard Command",)


def test_pattern_name_slot_is_a_capitalised_run_without_marks_and_stops_at_the_next_term(fixture_glossary):
    g = fixture_glossary
    assert _pairs(g, "Cán bộ đồn Biên phòng Lũng Cú tuần tra.") == [("đồn Biên phòng Lũng Cú", "Lung Cu Border Post")]
    assert _pairs(g, "Đồn Biên phòng Đồng Văn, Chính trị viên") == [
        ("Đồn Biên phòng Đồng Văn", "Dong Van Border Post"), ("Chính trị viên", "political commissar")]
    assert _pairs(g, "UBND huyện Mèo Vạc và Đảng ủy xã Lũng Cú") == [
        ("UBND huyện Mèo Vạc", "Meo Vac District People's Committee"), ("Đảng ủy xã Lũng Cú", "Lung Cu Commune Party Committee")]
    assert _pairs(g, "các đồn Biên phòng đã chủ động") == [("đồn Biên phòng", "border post")]   # no name: fixed term


def test_pattern_gazetteer_form_wins_over_the_default_rendering(fixture_glossary):
    g = fixture_glossary
    assert _pairs(g, "đoàn Thành phố Hồ Chí Minh") == [("Thành phố Hồ Chí Minh", "Ho Chi Minh City")]
    assert _pairs(g, "Hà Nội và Lạng Sơn") == [("Hà Nội", "Hanoi"), ("Lạng Sơn", "Lang Son")]
    assert _pairs(g, "Bộ Chỉ huy BĐBP tỉnh An giang") == [("Bộ Chỉ huy BĐBP tỉnh An giang", "An Giang Provincial Border Guard Command")]


def test_pattern_province_slot_does_not_take_a_person_or_another_kind_of_place(fixture_glossary):
    g = fixture_glossary
    assert ("Bộ Chỉ huy BĐBP tỉnh", "Provincial Border Guard Command") in _pairs(g, "Bộ Chỉ huy BĐBP tỉnh Nguyễn Văn A phát biểu")
    assert not any("Provincial Military Command" in t for _, t in _pairs(g, "Bộ Chỉ huy Quân sự tỉnh Trung Quốc"))


def test_pattern_document_number_with_and_without_so(fixture_glossary):
    g = fixture_glossary
    assert _pairs(g, "Chỉ thị 05-CT/TW và Chỉ thị số 01/CT-TTg; Chỉ thị số 2862/QĐ-CTN") == [
        ("Chỉ thị 05-CT/TW", "Directive 05-CT/TW"), ("Chỉ thị số 01/CT-TTg", "Directive 01/CT-TTg"),
        ("Chỉ thị số 2862/QĐ-CTN", "Directive 2862/QD-CTN")]
    (m,) = g.match("Chỉ thị số 01/CT-TTg")
    assert m.entry.admitted == ("Directive No. 01/CT-TTg",) and m.entry.forbidden == ("Instruction 01/CT-TTg",)
    assert [f.target for f in g.forbidden_for(m.entry)] == ["Instruction 01/CT-TTg"]


# --- concept format, variants, lint ------------------------------------------------------------

def test_concept_row_variants_share_the_concept_and_abbreviations_are_case_sensitive(fixture_glossary):
    g = fixture_glossary
    (a,) = g.match("Bộ đội Biên phòng")
    (b,) = g.match("BĐBP")
    assert a.entry.target == b.entry.target == "Border Guard" and b.entry.form == "abbreviation"
    assert {f.target for f in g.forbidden_for(b.entry)} == {"Border Army", "BĐBP"}


def test_older_seven_column_file_still_loads(tmp_path):
    g = Glossary.load(_write(tmp_path, "g.tsv", "source\ttarget\ttype\tnote\tcontext\tcase_sensitive\treplacement\n"
                                                "UBND\tPeople's Committee\trequired\tn\tparty\tyes\t\n"
                                                "UBND\tUBND\tforbidden\tn\tparty\tyes\tPeople's Committee\n"))
    (m,) = g.match("UBND tỉnh")
    assert m.entry.target == "People's Committee" and [f.target for f in g.forbidden_for(m.entry)] == ["UBND"]
    assert m.entry.status == "approved" and m.entry.admitted == ()


def test_concept_columns_round_trip_through_tsv(tmp_path, fixture_glossary):
    out = tmp_path / "copy.tsv"
    fixture_glossary.save(out)
    again = Glossary.load(out)
    assert [entry_row(e) for e in again.entries] == [entry_row(e) for e in fixture_glossary.entries]
    assert again.checksum == fixture_glossary.checksum


def _lint(tmp_path, body: str) -> list[str]:
    return lint_glossary(_write(tmp_path, "g.tsv", body)).messages()


def test_lint_look_alike_letter_for_d_with_stroke(tmp_path):
    msgs = _lint(tmp_path, "source\ttarget\n\u00d0BBP\tBorder Guard\n")
    assert any(":2: warning:" in m and "U+00D0" in m and "Đ (U+0110)" in m for m in msgs)
    assert any("Cyrillic" in m.upper() or "CYRILLIC" in m for m in _lint(tmp_path, "source\ttarget\nđồn Biên phòng\tborder p\u043est\n"))


def test_lint_one_syllable_source_without_an_exception(tmp_path):
    msgs = _lint(tmp_path, "source\ttarget\tcase_sensitive\tnot_before\nBác\tUncle\t\t\nĐảng\tthe Party\tyes\t\n"
                           "UBND\tPeople's Committee\t\t\nhội\tassociation\t\tđồng\n")
    flagged = [m for m in msgs if "one-syllable" in m]
    assert len(flagged) == 1 and ":2: warning: one-syllable source 'Bác'" in flagged[0]


def test_lint_punctuation_only_source_is_an_error(tmp_path):
    report = lint_glossary(_write(tmp_path, "g.tsv", "source\ttarget\n“”\tquote\nan ninh\tsecurity\n"))
    assert report.errors and "no letter or digit" in report.errors[0][1] and report.errors[0][0] == 2


def test_lint_conflicting_variants_across_concepts(tmp_path):
    msgs = _lint(tmp_path, "source\tvariants\ttarget\nBộ đội Biên phòng\tBiên phòng\tBorder Guard\n"
                           "công tác biên phòng\tBiên phòng\tborder work\n")
    assert any(":3: warning: conflicting variant 'Biên phòng'" in m for m in msgs)


def test_lint_pattern_slots_that_can_never_match(tmp_path):
    report = lint_glossary(_write(tmp_path, "g.tsv", "source\ttarget\n"
                                                     "đồn {NAME} Biên phòng\t{NAME} Border Post\n"       # 2
                                                     "đồn {NAME}{PROVINCE}\t{NAME} Post\n"               # 3
                                                     "{NAME} commune\t{NAME} commune\n"                  # 4
                                                     "đồn {PLACENAME}\t{PLACENAME} post\n"               # 5
                                                     "xã {NAME}\t{PROVINCE} commune\n"                   # 6
                                                     "an ninh\tsecurity\n"))
    errors = {ln: m for ln, m in report.errors}
    warnings = {ln: m for ln, m in report.warnings}
    assert "can never match" in warnings[2] and "'Biên'" in warnings[2]
    assert "nothing between" in errors[3] and "start with literal text" in errors[4]
    assert "unknown slot {PLACENAME}" in errors[5] and "PROVINCE" in errors[6]
