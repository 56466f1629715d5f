"""Issue 12: a reviewer's work survives a re-run — plural entries, previous strings, comments,
flags, placeholders, stale review notes, merge fixed point, and real catalogues byte for byte.

Numbered failures of issue 12 covered here: 1, 2, 3, 4, 8, 9, 14, 15 (and the real-file round trip).
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import toolkit.mt.translator
from fakes import EchoEngine
from toolkit.errors import FormatError
from toolkit.formats.po import read_po, write_po
from toolkit.types import Status, Unit
from toolkit.workflow.merge import merge_units
from toolkit.workflow.pipeline import RunOptions, translate_files

DATA = Path(__file__).parent / "data" / "formats"
needs_gettext = pytest.mark.skipif(shutil.which("msgcat") is None, reason="gettext tools not installed")

ARTICLE = ("Hà Nội mưa lớn suốt đêm qua.\n\n"
           "Nhiều tuyến phố bị ngập sâu.\n\n"
           "Người dân phải dắt xe qua những đoạn đường ngập.\n")


@pytest.fixture
def echo(monkeypatch):
    engine = EchoEngine()
    monkeypatch.setattr(toolkit.mt.translator, "load_engine", lambda model, **kw: engine)
    return engine


def run(article: Path, out: Path, **kw):
    return translate_files([article], out, RunOptions(glossary=None, **kw))


def blocks(po: Path) -> list[str]:
    return po.read_text(encoding="utf-8").split("\n\n")


def entry_block(po: Path, msgid_start: str) -> str:
    return next(b for b in blocks(po) if f'msgid "{msgid_start}' in b)


def approve(po: Path, msgid_start: str, msgstr: str | None = None) -> None:
    """What a reviewer's editor does: drop the fuzzy flag (and optionally change the text)."""
    text = po.read_text(encoding="utf-8")
    parts = text.split("\n\n")
    for k, block in enumerate(parts):
        if f'msgid "{msgid_start}' in block:
            lines = [ln for ln in block.split("\n") if ln != "#, fuzzy"]
            if msgstr is not None:
                lines = [ln for ln in lines if not ln.startswith("msgstr")] + [f'msgstr "{msgstr}"']
            parts[k] = "\n".join(lines)
    po.write_text("\n\n".join(parts), encoding="utf-8")


# -- 1 -----------------------------------------------------------------------------------------

def test_reviewer_comment_above_an_untouched_fuzzy_draft_survives_a_plain_rerun(echo, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    run(article, tmp_path / "out")
    po = tmp_path / "out" / "a.po"
    parts = po.read_text(encoding="utf-8").split("\n\n")
    parts[1] = "# ask the editor\n" + parts[1]   # the first entry, an untouched fuzzy draft
    po.write_text("\n\n".join(parts), encoding="utf-8")
    run(article, tmp_path / "out")
    assert "# ask the editor\n" in entry_block(po, "Hà Nội mưa lớn")


# -- 2 -----------------------------------------------------------------------------------------

PLURAL_PO = '''msgid ""
msgstr ""
"Language: en\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"X-Source-Language: vi\\n"

#, c-format
msgid "%d tệp"
msgid_plural "%d tệp"
msgstr[0] "%d file"
msgstr[1] "%d files"
'''


def test_plural_entry_keeps_msgid_plural_and_every_form_through_a_merge(echo, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "out").mkdir()
    po = tmp_path / "out" / "a.po"
    po.write_text(PLURAL_PO, encoding="utf-8")
    run(article, tmp_path / "out")
    doc = read_po(po)
    plural = [u for u in doc.units if u.msgid == "%d tệp"]
    assert len(plural) == 1
    assert plural[0].msgid_plural == "%d tệp" and plural[0].msgstr_plural == ("%d file", "%d files")
    assert '#~ msgstr[1] "%d files"' in po.read_text(encoding="utf-8")


def test_plural_forms_that_do_not_match_nplurals_are_refused_not_written(tmp_path):
    unit = Unit("%d tệp", "%d file", status=Status.TRANSLATED, msgid_plural="%d tệp",
                msgstr_plural=("%d file", "%d files"))
    with pytest.raises(FormatError, match="nplurals=1"):
        write_po(tmp_path / "x.po", [unit], {"Language": "vi", "Plural-Forms": "nplurals=1; plural=0;"})
    assert not (tmp_path / "x.po").exists()


# -- 3 -----------------------------------------------------------------------------------------

PREVIOUS_PO = '''msgid ""
msgstr ""
"Language: en\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

# edited by Lan
#, fuzzy
#| msgctxt "seg-old"
#| msgid "Hà Nội mưa to."
msgctxt "seg-1"
msgid "Hà Nội mưa lớn."
msgstr "Hanoi had heavy rain (Lan's wording)."

#, fuzzy
#~| msgctxt "seg-9"
#~| msgid "Câu rất cũ."
#~ msgctxt "seg-10"
#~ msgid "Câu cũ."
#~ msgstr "Old sentence."
'''


def test_previous_msgctxt_and_obsolete_previous_msgid_survive_read_merge_write(tmp_path):
    src = tmp_path / "a.po"
    src.write_text(PREVIOUS_PO, encoding="utf-8")
    doc = read_po(src)
    fresh = [Unit("Hà Nội mưa lớn.", "Hanoi rained hard.", "seg-1", Status.FUZZY)]
    write_po(tmp_path / "b.po", merge_units(doc.units, fresh), doc.header)
    text = (tmp_path / "b.po").read_text(encoding="utf-8")
    assert '#| msgctxt "seg-old"\n#| msgid "Hà Nội mưa to."\n' in text
    assert '#~| msgctxt "seg-9"\n#~| msgid "Câu rất cũ."\n#~ msgctxt "seg-10"' in text
    assert "Lan's wording" in text and "# edited by Lan" in text


# -- 4 -----------------------------------------------------------------------------------------

def test_duplicate_entries_in_the_po_to_merge_stop_the_run_naming_both_lines(echo, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    run(article, tmp_path / "out")
    po = tmp_path / "out" / "a.po"
    first = entry_block(po, "Hà Nội mưa lớn")
    newer = first.replace("#, fuzzy\n", "").split("msgstr")[0] + 'msgstr "Hanoi: newer reviewed text"'
    po.write_text(po.read_text(encoding="utf-8") + "\n" + newer + "\n", encoding="utf-8")
    before = po.read_bytes()
    with pytest.raises(FormatError) as err:
        run(article, tmp_path / "out")
    text = po.read_text(encoding="utf-8").split("\n")
    first_line = next(i for i, ln in enumerate(text, 1) if ln.startswith('msgid "Hà Nội mưa lớn'))
    assert f"{po}:{first_line - 3}" in str(err.value) or f"{po}:" in str(err.value)
    assert "duplicate" in str(err.value) and err.value.line is not None and err.value.line > first_line
    assert po.read_bytes() == before


# -- 8 -----------------------------------------------------------------------------------------

def test_header_comment_of_the_reviewed_po_is_kept_by_a_merge(echo, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    run(article, tmp_path / "out")
    po = tmp_path / "out" / "a.po"
    po.write_text("# Copyright (C) 2024 Báo Biên phòng translators\n#\n" + po.read_text(encoding="utf-8"),
                  encoding="utf-8")
    article.write_text(ARTICLE + "\nMột câu mới.\n", encoding="utf-8")
    run(article, tmp_path / "out")
    assert po.read_text(encoding="utf-8").startswith("# Copyright (C) 2024 Báo Biên phòng translators\n#\n")


# -- 9 -----------------------------------------------------------------------------------------

FORMAT_PO = '''msgid ""
msgstr ""
"Language: en\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"X-Source-Language: vi\\n"

#, c-format
msgid "Có %s người tham dự."
msgstr ""
'''


def test_format_flag_is_kept_and_a_changed_placeholder_in_the_draft_needs_review(monkeypatch, tmp_path):
    # The engine damages the placeholder it is shown (masked or not): the draft must be flagged.
    engine = EchoEngine(rewrite=lambda t, _: t.replace("PH1", "%S").replace("%s", "%S"))
    monkeypatch.setattr(toolkit.mt.translator, "load_engine", lambda model, **kw: engine)
    article = tmp_path / "a.txt"
    article.write_text("Có %s người tham dự.\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    po = tmp_path / "out" / "a.po"
    po.write_text(FORMAT_PO, encoding="utf-8")
    run(article, tmp_path / "out")
    unit = next(u for u in read_po(po).units if u.msgid == "Có %s người tham dự.")
    assert "c-format" in unit.flags
    assert unit.status is Status.FUZZY
    assert any("placeholder" in c and "%s → %S" in c for c in unit.translator_comments)


def test_placeholders_travel_through_mt_masked_and_come_back_verbatim(monkeypatch, tmp_path):
    engine = EchoEngine()
    monkeypatch.setattr(toolkit.mt.translator, "load_engine", lambda model, **kw: engine)
    article = tmp_path / "a.txt"
    article.write_text("Giới hạn là %(max)s mục.\n", encoding="utf-8")
    run(article, tmp_path / "out")
    assert all("%(max)s" not in t for t in engine.seen)  # the model never saw the placeholder
    unit = read_po(tmp_path / "out" / "a.po").units[0]
    assert unit.msgstr == "Giới hạn là %(max)s mục."
    assert not any("placeholder" in c for c in unit.translator_comments)


# -- 14 ----------------------------------------------------------------------------------------

def test_needs_review_note_goes_when_the_reviewer_approves_the_entry(monkeypatch, tmp_path):
    engine = EchoEngine(rewrite=lambda text, _: "no no no no no no no no")   # every draft loops
    monkeypatch.setattr(toolkit.mt.translator, "load_engine", lambda model, **kw: engine)
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    run(article, tmp_path / "out")
    po = tmp_path / "out" / "a.po"
    assert "needs review" in entry_block(po, "Hà Nội mưa lớn")
    approve(po, "Hà Nội mưa lớn", "Hanoi had heavy rain all night.")
    run(article, tmp_path / "out")
    block = entry_block(po, "Hà Nội mưa lớn")
    assert "Hanoi had heavy rain all night." in block and "needs review" not in block
    assert "needs review" in entry_block(po, "Nhiều tuyến phố")   # the unreviewed ones keep theirs


# -- 15 ----------------------------------------------------------------------------------------

def test_merge_is_a_fixed_point_after_a_changed_sentence(echo, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    run(article, tmp_path / "out")
    po = tmp_path / "out" / "a.po"
    approve(po, "Nhiều tuyến phố", "Many streets were deeply flooded.")
    article.write_text(ARTICLE.replace("ngập sâu.", "ngập rất sâu."), encoding="utf-8")
    run(article, tmp_path / "out")
    after_change = po.read_bytes()
    assert b"new machine draft: " in after_change and b'#| msgid "Nhi' in after_change
    run(article, tmp_path / "out")
    assert po.read_bytes() == after_change


# -- real files --------------------------------------------------------------------------------

@needs_gettext
@pytest.mark.parametrize("name", ["real_glib.vi.po", "real_xz.vi.po"])  # xz: 102 "#|" lines, GLib: 8 plurals
def test_real_catalogue_merged_with_unchanged_sources_is_byte_identical_to_msgcat(tmp_path, name):
    from toolkit.workflow.merge import write_merged_po

    po = tmp_path / name
    shutil.copy(DATA / name, po)
    expected = subprocess.run(["msgcat", str(DATA / name)], capture_output=True, text=True, check=True).stdout
    doc = read_po(po)
    # The "fresh run" of a catalogue with unchanged sources: every live msgid again, no drafts.
    fresh = [Unit(u.msgid, "", u.msgctxt, Status.NEW, comments=u.comments, references=u.references,
                  flags=u.flags, msgid_plural=u.msgid_plural) for u in doc.units if not u.obsolete]
    write_merged_po(po, merge_units(doc.units, fresh), doc.header, doc)
    assert po.read_text(encoding="utf-8") == expected
    again = read_po(po)
    assert [u.msgstr_plural for u in again.units if u.msgid_plural] == \
        [u.msgstr_plural for u in doc.units if u.msgid_plural]
    assert sum(1 for u in again.units if u.previous_msgid) == sum(1 for u in doc.units if u.previous_msgid)
    assert [u.translator_comments for u in again.units] == [u.translator_comments for u in doc.units]
