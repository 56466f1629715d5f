"""merge_units: a re-run keeps every human edit (msgmerge semantics), on Units."""
from __future__ import annotations

import shutil
import subprocess

import polib
import pytest

from toolkit.formats.po import po_header, read_po, write_po
from toolkit.workflow.merge import NEW_DRAFT_COMMENT, approved_sources, merge_units
from toolkit.types import Status, Unit

needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext (msgfmt) not installed; CI installs it")

S1 = "Hà Nội mưa lớn suốt đêm qua."
S2 = "Nhiều tuyến phố bị ngập sâu, giao thông ùn tắc kéo dài đến sáng."
S3 = "Chính quyền khuyến cáo người dân hạn chế ra đường."
S4 = "Ảnh minh họa."
S2_CHANGED = "Nhiều tuyến phố bị ngập sâu, giao thông ùn tắc kéo dài đến tận trưa."
S5_NEW = "Dự báo mưa còn kéo dài đến cuối tuần."


def draft(i: int, msgid: str, text: str | None = None) -> Unit:
    return Unit(msgid, text if text is not None else f"MT({msgid})", f"seg-{i + 1:04d}", Status.FUZZY,
                comments=(f"position: p{i} s{i}",), references=(("article.txt", i + 1),))


def first_run(sources):
    return [draft(i, s) for i, s in enumerate(sources)]


def reviewed():
    """A reviewer approved S1 as is, edited and approved S2, edited S3 but left it fuzzy,
    left S4 untouched (fuzzy machine draft)."""
    units = first_run([S1, S2, S3, S4])
    return [
        Unit(**{**units[0].__dict__, "status": Status.TRANSLATED}),
        Unit(**{**units[1].__dict__, "msgstr": "Many streets were deeply flooded.", "status": Status.TRANSLATED,
                "translator_comments": ("reviewed by Lan",)}),
        Unit(**{**units[2].__dict__, "msgstr": "Authorities urge people to stay home."}),
        units[3],
    ]


def test_unchanged_article_leaves_every_entry_identical():
    old = reviewed()
    assert merge_units(old, first_run([S1, S2, S3, S4])) == old


def test_reviewer_round_trip_on_units():
    old = reviewed()
    fresh = [draft(0, S1), draft(1, S2_CHANGED), draft(2, S4), draft(3, S5_NEW)]  # S3 removed
    merged = merge_units(old, fresh)
    live = [u for u in merged if not u.obsolete]
    obsolete = [u for u in merged if u.obsolete]
    # approved and unchanged: translation, status, translator comments identical
    assert (live[0].msgid, live[0].msgstr, live[0].status) == (S1, old[0].msgstr, Status.TRANSLATED)
    # changed sentence: old approved translation kept as fuzzy with #| msgid
    assert live[1].msgid == S2_CHANGED and live[1].msgstr == "Many streets were deeply flooded."
    assert live[1].status is Status.FUZZY and live[1].previous_msgid == S2
    assert live[1].translator_comments == ("reviewed by Lan",)
    assert NEW_DRAFT_COMMENT + f"MT({S2_CHANGED})" in live[1].comments
    # untouched machine draft is replaced by the fresh draft
    assert live[2] == fresh[2]
    # new segment drafted
    assert live[3] == fresh[3]
    # removed sentence with a human edit: obsolete, translation kept
    assert [(u.msgid, u.msgstr) for u in obsolete] == [(S3, "Authorities urge people to stay home.")]
    # machine fields follow the new article
    assert [u.msgctxt for u in live] == ["seg-0001", "seg-0002", "seg-0003", "seg-0004"]


def test_unapproved_human_edit_is_kept_fuzzy_with_the_new_draft_as_a_comment():
    old = reviewed()
    merged = merge_units(old, first_run([S1, S2, S3, S4]))
    assert merged[2].msgstr == "Authorities urge people to stay home." and merged[2].status is Status.FUZZY
    merged = merge_units(old, [draft(0, S3, "Another MT draft")])
    kept = merged[0]
    assert kept.msgstr == "Authorities urge people to stay home." and kept.status is Status.FUZZY
    assert kept.comments == ("position: p0 s0",)


def test_b04_repeated_sentences_map_by_occurrence_order():
    old = [Unit(S4, "Illustrative photo.", "seg-0002", Status.TRANSLATED),
           Unit(S4, "Photo: illustration.", "seg-0005", Status.TRANSLATED)]
    fresh = [draft(0, S1), draft(1, S4), draft(2, S4)]
    merged = merge_units(old, fresh)
    assert [u.msgstr for u in merged] == ["MT(" + S1 + ")", "Illustrative photo.", "Photo: illustration."]
    assert [u.msgctxt for u in merged] == ["seg-0001", "seg-0002", "seg-0003"]


def test_unrelated_sentence_is_not_fuzzy_matched():
    merged = merge_units([Unit(S1, "Rain.", "seg-0001", Status.TRANSLATED)], [draft(0, S3)])
    assert merged[0] == draft(0, S3)
    assert merged[1].obsolete and merged[1].msgstr == "Rain."


def test_obsolete_translation_is_revived_when_the_sentence_returns():
    old = [Unit(S1, "Rain all night.", "seg-0007", Status.TRANSLATED, obsolete=True)]
    merged = merge_units(old, [draft(0, S1)])
    assert merged == [Unit(S1, "Rain all night.", "seg-0001", Status.TRANSLATED,
                           comments=("position: p0 s0",), references=(("article.txt", 1),))]


def test_untranslated_gone_entries_are_dropped_not_obsoleted():
    merged = merge_units([Unit(S1, "", "seg-0001", Status.NEW)], [draft(0, S3)])
    assert merged == [draft(0, S3)]


def test_approved_sources_prefers_live_entries():
    old = [Unit(S1, "Old.", "seg-0009", Status.TRANSLATED, obsolete=True),
           Unit(S1, "Live.", "seg-0001", Status.TRANSLATED), Unit(S2, "Draft", "seg-0002", Status.FUZZY)]
    assert {k: v.msgstr for k, v in approved_sources(old).items()} == {S1: "Live."}


@needs_msgfmt
def test_merged_po_passes_msgfmt_and_keeps_approved_entries(tmp_path):
    path = tmp_path / "a.po"
    write_po(path, reviewed(), po_header())
    before = {e.msgid: e for e in polib.pofile(str(path)) if e.translated()}
    existing = read_po(path).units
    merged = merge_units(existing, [draft(0, S1), draft(1, S2_CHANGED), draft(2, S4), draft(3, S5_NEW)])
    write_po(path, merged, po_header())
    after = polib.pofile(str(path))
    assert after.find(S1).msgstr == before[S1].msgstr and not after.find(S1).fuzzy
    assert after.find(S2_CHANGED).previous_msgid == S2 and after.find(S2_CHANGED).fuzzy
    assert [e.msgid for e in after.obsolete_entries()] == [S3]
    r = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
