"""The main job's wiring, with a deterministic echo engine (the real engine: test_cli_translate.py)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

import toolkit.mt.translator
from fakes import EchoEngine
from toolkit.errors import GlossaryError, UsageError
from toolkit.mt.settings import EngineSettings, plan_settings
from toolkit.formats.tsv import read_units_tsv
from toolkit.workflow.pipeline import COPIED_NOTE, REPORT_NAME, TM_NAME, RunOptions, output_stem, segment_contexts, translate_files
from toolkit.segment.segmenter import segment_text

DATA = Path(__file__).parent / "data" / "pipeline"


@pytest.fixture
def echo(monkeypatch):
    """Replace model loading by an EchoEngine; returns it (``.seen`` lists what reached the model).

    It reports the settings the run predicted (as a real engine does when the prediction is right),
    so provenance behaves as with a real model; the CUDA tests below give it other settings."""
    engine = EchoEngine()

    def fake_load_engine(model, **kwargs):
        engine.loads = getattr(engine, "loads", 0) + 1
        engine.settings = plan_settings(model, engine=kwargs["engine"], device=kwargs["device"],
                                        beams=kwargs["beams"], quantize=kwargs["quantize"])
        return engine

    monkeypatch.setattr(toolkit.mt.translator, "load_engine", fake_load_engine)
    return engine


def msgfmt_check(po: Path) -> None:
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True, capture_output=True)

needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext (msgfmt) not installed; CI installs it")


def live_entries(po: Path):
    return [e for e in polib.pofile(str(po)) if not e.obsolete]


@needs_msgfmt
def test_seed_article_gives_one_fuzzy_entry_per_segment_in_order(echo, seed_article, tmp_path):
    (r,) = translate_files([seed_article], tmp_path / "out")
    entries = live_entries(r.po)
    segments = segment_text(seed_article.read_text(encoding="utf-8"))
    assert [e.msgid for e in entries] == [s.text for s in segments]
    assert [e.msgctxt for e in entries] == segment_contexts(segments)
    assert all(e.fuzzy for e in entries)
    assert all(e.comment.splitlines()[0].startswith(f"position: p{s.para} s{s.index}") for e, s in zip(entries, segments))
    assert [e.occurrences for e in entries] == [[(seed_article.name, str(s.line))] for s in segments]
    msgfmt_check(r.po)
    units = read_units_tsv(r.tsv)
    assert [(u.msgctxt, u.msgid, u.msgstr) for u in units] == [(e.msgctxt, e.msgid, e.msgstr) for e in entries]


def test_po_header_records_languages_and_provenance(echo, seed_article, tmp_path):
    (r,) = translate_files([seed_article], tmp_path)
    po = polib.pofile(str(r.po))
    meta = po.metadata
    assert meta["Language"] == "en" and meta["X-Source-Language"] == "vi"
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert meta["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert meta["X-MT-Model"] == "Helsinki-NLP/opus-mt-vi-en" and meta["X-Toolkit-Version"]
    assert len(meta["X-Glossary-Checksum"]) == 12 and not po.metadata_is_fuzzy


@needs_msgfmt
def test_b08_segments_without_letters_are_copied_not_translated(echo, tmp_path):
    (r,) = translate_files([DATA / "b08_article.txt"], tmp_path, RunOptions(glossary=None))
    assert sorted(echo.seen) == sorted(["Tiêu đề bài viết", "Đoạn thứ nhất của bài.", "Hết."])  # drafted shortest first
    by_id = {e.msgid: e for e in live_entries(r.po)}
    for symbol in ("-", "* * *", "…", "2024"):
        e = by_id[symbol]
        assert e.msgstr == symbol and not e.fuzzy and COPIED_NOTE in e.comment
    msgfmt_check(r.po)


@needs_msgfmt
def test_b04_repeated_sentences_stay_separate_entries(echo, tmp_path):
    (r,) = translate_files([DATA / "b04_article.txt"], tmp_path, RunOptions(glossary=None))
    entries = live_entries(r.po)
    assert [e.msgid for e in entries] == [
        "Hà Nội mưa lớn suốt đêm qua.", "Ảnh minh họa.",
        "Nhiều tuyến phố bị ngập sâu, giao thông ùn tắc kéo dài đến sáng.",
        "Hà Nội mưa lớn suốt đêm qua.", "Ảnh minh họa.", "Chính quyền khuyến cáo người dân hạn chế ra đường."]
    assert len({e.msgctxt for e in entries}) == 6
    assert len(read_units_tsv(r.tsv)) == 6
    assert echo.seen.count("Hà Nội mưa lớn suốt đêm qua.") == 1     # translated once
    msgfmt_check(r.po)


def test_b09_split_segment_is_fuzzy_with_a_comment_naming_the_chunks(monkeypatch, tmp_path):
    engine = EchoEngine(max_input_tokens=150)
    monkeypatch.setattr(toolkit.mt.translator, "load_engine", lambda model, **kw: engine)
    (r,) = translate_files([DATA / "b09_article.txt"], tmp_path, RunOptions(glossary=None))
    entry = next(e for e in live_entries(r.po) if e.msgid.startswith("Danh sách"))
    assert entry.fuzzy
    assert any(line.startswith("mt: split into ") and "chunks" in line for line in entry.comment.splitlines())
    assert entry.msgstr.count("hộ)") == 160


def test_unchanged_rerun_loads_no_model_and_rewrites_nothing(echo, seed_article, tmp_path):
    (first,) = translate_files([seed_article], tmp_path)
    before = (first.po.read_bytes(), first.tsv.read_bytes())

    def no_model(*a, **k):
        raise AssertionError("the model was loaded on an unchanged re-run")

    toolkit.mt.translator.load_engine = no_model  # restored by the echo fixture's monkeypatch
    (again,) = translate_files([seed_article], tmp_path)
    assert again.status == "up-to-date" and again.translated == 0
    assert (again.po.read_bytes(), again.tsv.read_bytes()) == before


def test_draft_cache_serves_a_rerun_after_the_po_was_deleted(echo, seed_article, tmp_path):
    (first,) = translate_files([seed_article], tmp_path)
    first.po.unlink()
    echo.seen.clear()
    (again,) = translate_files([seed_article], tmp_path)
    assert echo.seen == [] and again.translated == 0
    assert read_units_tsv(again.tsv) == read_units_tsv(first.tsv)


def test_translation_memory_prefills_a_sentence_approved_in_another_article(echo, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("Hà Nội mưa lớn suốt đêm qua.\n", encoding="utf-8")
    (ra,) = translate_files([a], tmp_path / "out", RunOptions(glossary=None))
    po = polib.pofile(str(ra.po))
    po[0].msgstr, po[0].flags = "Hanoi had heavy rain all night.", []
    po.save()
    translate_files([a], tmp_path / "out", RunOptions(glossary=None))   # learns the approval
    b = tmp_path / "b.txt"
    b.write_text("Tin mới.\n\nHà Nội mưa lớn suốt đêm qua.\n", encoding="utf-8")
    echo.seen.clear()
    (rb,) = translate_files([b], tmp_path / "out", RunOptions(glossary=None))
    assert echo.seen == ["Tin mới."]
    entry = live_entries(rb.po)[1]
    assert entry.msgstr == "Hanoi had heavy rain all night." and entry.fuzzy
    assert any(line.startswith("tm: exact match") for line in entry.comment.splitlines())


def test_unusable_glossary_stops_the_run_before_any_model_is_loaded(echo, seed_article, tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("source\ttarget\ttype\tnote\nBĐBP\tBorder Guard\trequired\tok\n"
                   "đồn Biên phòng\tborder post\tmandatory\tunknown type\n", encoding="utf-8")
    with pytest.raises(GlossaryError) as e:
        translate_files([seed_article], tmp_path / "out", RunOptions(glossary=bad))
    assert e.value.path == str(bad) and e.value.line == 3
    assert not hasattr(echo, "loads") and not (tmp_path / "out").exists()


def test_report_counts_terms_and_segments(echo, seed_article, tmp_path):
    import json

    translate_files([seed_article], tmp_path)
    report = json.loads((tmp_path / REPORT_NAME).read_text(encoding="utf-8"))
    terms = report["terms"]
    assert terms["occurrences"] > 60
    assert terms["occurrences"] == terms["enforced"] + terms["present"] + terms["repaired"] + terms["flagged"] \
        + terms["warnings"]
    assert report["totals"]["segments"] == len(segment_text(seed_article.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", ["..", "."])
def test_output_names_cannot_escape_the_output_folder(name):
    with pytest.raises(UsageError):
        output_stem(Path(name))
    assert output_stem(Path("../../etc/passwd.txt")) == "passwd"


def test_two_inputs_with_the_same_name_are_refused(echo, tmp_path):
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "a.txt").write_text("Xin chào.\n", encoding="utf-8")
    with pytest.raises(UsageError):
        translate_files([tmp_path / "x" / "a.txt", tmp_path / "y" / "a.txt"], tmp_path / "out")


def test_changed_glossary_refreshes_untouched_drafts_but_keeps_human_edits(echo, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Đảng ủy họp.\n\nChi bộ họp.\n", encoding="utf-8")
    g1, g2 = tmp_path / "g1.tsv", tmp_path / "g2.tsv"
    g1.write_text("source\ttarget\ttype\tnote\nĐảng ủy\tParty Committee\trequired\tn\n", encoding="utf-8")
    g2.write_text("source\ttarget\ttype\tnote\nĐảng ủy\tParty Committee\trequired\tn\n"
                  "chi bộ\tParty cell\trequired\tn\n", encoding="utf-8")
    (r,) = translate_files([article], tmp_path / "out", RunOptions(glossary=g1))
    po = polib.pofile(str(r.po))
    po[0].msgstr = "The Party Committee met (edited)."      # a human edit, still fuzzy
    po.save()
    translate_files([article], tmp_path / "out", RunOptions(glossary=g2))
    entries = live_entries(r.po)
    assert entries[0].msgstr == "The Party Committee met (edited)." and entries[0].fuzzy
    assert entries[1].msgstr == "Party cell họp." and entries[1].fuzzy     # fresh draft under the new glossary


def test_msgctxt_is_stable_when_a_sentence_is_inserted_before(echo, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Câu một.\n\nCâu hai.\n", encoding="utf-8")
    (r,) = translate_files([article], tmp_path / "out", RunOptions(glossary=None))
    before = {e.msgid: e.msgctxt for e in live_entries(r.po)}
    article.write_text("Câu mới.\n\nCâu một.\n\nCâu hai.\n", encoding="utf-8")
    translate_files([article], tmp_path / "out", RunOptions(glossary=None))
    after = {e.msgid: e.msgctxt for e in live_entries(r.po)}
    assert after["Câu một."] == before["Câu một."] and after["Câu hai."] == before["Câu hai."]
    assert len(set(after.values())) == 3


def test_rerun_keeps_reviewer_header_fields_and_reports_flags_still_open(monkeypatch, tmp_path):
    engine = EchoEngine(rewrite=lambda text, _: "no no no no no no no no")   # every draft loops
    monkeypatch.setattr(toolkit.mt.translator, "load_engine", lambda model, **kw: engine)
    article = tmp_path / "a.txt"
    article.write_text("Câu một.\n\nCâu hai.\n", encoding="utf-8")
    (r,) = translate_files([article], tmp_path / "out", RunOptions(glossary=None))
    assert r.flagged == 2
    po = polib.pofile(str(r.po))
    po.metadata["Last-Translator"] = "Lan Nguyen <lan@example.com>"
    po.save()
    article.write_text("Câu một.\n\nCâu hai.\n\nCâu ba.\n", encoding="utf-8")
    (again,) = translate_files([article], tmp_path / "out", RunOptions(glossary=None))
    assert again.flagged == 3                       # the two still open and the new one
    assert polib.pofile(str(r.po)).metadata["Last-Translator"] == "Lan Nguyen <lan@example.com>"
    (third,) = translate_files([article], tmp_path / "out", RunOptions(glossary=None))
    assert third.status == "up-to-date" and third.flagged == 3


def test_lines_of_one_paragraph_are_marked_so_render_keeps_them_apart(echo, tmp_path):
    from toolkit.workflow.render import render_po

    article = tmp_path / "a.txt"
    article.write_text("Thứ Tư, 28/2/2024\nTin mới nhất\n\nCâu một. Câu hai.\n", encoding="utf-8")
    (r,) = translate_files([article], tmp_path / "out", RunOptions(glossary=None))
    render_po(r.po, tmp_path / "a.en.txt")
    assert (tmp_path / "a.en.txt").read_text(encoding="utf-8") == "Thứ Tư, 28/2/2024\nTin mới nhất\n\nCâu một. Câu hai.\n"


def test_interrupted_long_article_resumes_from_the_drafts_already_committed(echo, monkeypatch, tmp_path):
    import toolkit.workflow.corpus

    monkeypatch.setattr(toolkit.workflow.corpus, "DRAFT_CHUNK_SEGMENTS", 4)
    article = tmp_path / "long.txt"
    article.write_text("\n".join(f"Câu số {n} nói về một việc khác." for n in range(10)) + "\n", encoding="utf-8")
    original, calls = echo.generate, []

    def dies_in_the_third_chunk(texts, **kw):
        calls.append(texts)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(texts, **kw)

    monkeypatch.setattr(echo, "generate", dies_in_the_third_chunk)
    with pytest.raises(KeyboardInterrupt):
        translate_files([article], tmp_path / "out", RunOptions(glossary=None))
    assert not (tmp_path / "out" / "long.po").exists()
    monkeypatch.setattr(echo, "generate", original)
    echo.seen.clear()
    translate_files([article], tmp_path / "out", RunOptions(glossary=None))
    assert echo.seen == [f"Câu số {n} nói về một việc khác." for n in (8, 9)]  # chunks 1–2 came from the TM
    assert len(live_entries(tmp_path / "out" / "long.po")) == 10


def test_settings_record_the_precision_a_cuda_run_uses(echo, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Hôm nay trời mưa.\n", encoding="utf-8")
    (cpu,) = translate_files([article], tmp_path / "cpu", RunOptions(glossary=None, device="cpu"))
    (gpu,) = translate_files([article], tmp_path / "gpu", RunOptions(glossary=None, device="cuda"))
    from toolkit.mt.precision import cpu_precision  # --quantize auto: int8, or bfloat16 on AMX CPUs

    want = f"engine=torch;device=cpu;precision={cpu_precision(None)};beams=4"
    assert polib.pofile(str(cpu.po)).metadata["X-MT-Settings"].startswith(want)
    assert polib.pofile(str(gpu.po)).metadata["X-MT-Settings"].startswith("engine=torch;device=cuda;precision=bfloat16;beams=4")


CUDA_HALF = EngineSettings("torch", "cuda", "float16", 4, "Helsinki-NLP/opus-mt-vi-en")


def cached_draft(out: Path, text: str, settings: str) -> str | None:
    from toolkit.workflow.provenance import draft_context
    from toolkit.workflow.tm import TranslationMemory

    with TranslationMemory(out / TM_NAME) as tm:
        d = tm.lookup_drafts([text], draft_context("Helsinki-NLP/opus-mt-vi-en", settings, "none"))
    return d[text].text if text in d else None


def test_header_and_cache_key_name_the_loaded_engines_cuda_half_precision(monkeypatch, tmp_path):
    engine = EchoEngine()
    engine.settings = CUDA_HALF               # what a loaded engine on a GPU reports
    monkeypatch.setattr(toolkit.mt.translator, "load_engine", lambda model, **kw: engine)
    article = tmp_path / "a.txt"
    article.write_text("Hôm nay trời mưa.\n", encoding="utf-8")
    options = RunOptions(glossary=None, device="cpu", quantize="int8")  # the prediction says cpu/int8
    report = translate_files([article], tmp_path / "out", options)
    assert polib.pofile(str(report[0].po)).metadata["X-MT-Settings"] == CUDA_HALF.key()
    assert report.settings == CUDA_HALF.key() and report.engine_loaded
    assert cached_draft(tmp_path / "out", "Hôm nay trời mưa.", CUDA_HALF.key()) == "Hôm nay trời mưa."
    planned = plan_settings("Helsinki-NLP/opus-mt-vi-en", device="cpu", quantize="int8").key()
    assert "device=cpu;precision=int8" in planned and cached_draft(tmp_path / "out", "Hôm nay trời mưa.", planned) is None


def test_drafts_cached_under_the_prediction_are_redrafted_when_the_engine_reports_other_settings(echo, monkeypatch, tmp_path):
    out = tmp_path / "out"
    a, b, c = (tmp_path / n for n in ("a.txt", "b.txt", "c.txt"))
    a.write_text("Câu một.\n\nCâu hai.\n", encoding="utf-8")
    b.write_text("Câu một.\n\nCâu ba.\n", encoding="utf-8")
    c.write_text("Câu hai.\n", encoding="utf-8")
    translate_files([a], out, RunOptions(glossary=None, device="cpu", quantize="int8"))    # drafts cached under the prediction
    gpu = EchoEngine(rewrite=lambda text, _: text + " [gpu]")
    gpu.settings = CUDA_HALF

    def load_gpu(model, **kw):
        gpu.loads = getattr(gpu, "loads", 0) + 1
        return gpu

    monkeypatch.setattr(toolkit.mt.translator, "load_engine", load_gpu)
    (rb,) = translate_files([b], out, RunOptions(glossary=None, device="cpu", quantize="int8"))
    assert sorted(gpu.seen) == ["Câu ba.", "Câu một."]      # the cached "Câu một." was drafted again
    po = polib.pofile(str(rb.po))
    assert po.metadata["X-MT-Settings"] == CUDA_HALF.key()
    assert [e.msgstr for e in po] == ["Câu một. [gpu]", "Câu ba. [gpu]"]   # nothing of the other configuration
    # An article served wholly from the cache loads no model and names the settings its drafts were made under.
    gpu.seen.clear()
    (rc,) = translate_files([c], out, RunOptions(glossary=None, device="cpu", quantize="int8"))
    assert gpu.seen == [] and gpu.loads == 1
    assert polib.pofile(str(rc.po)).metadata["X-MT-Settings"].startswith("engine=torch;device=cpu;precision=int8")


def test_report_is_typed_and_the_json_is_written_from_it(monkeypatch, tmp_path):
    import json

    from toolkit.types import Flag
    from toolkit.workflow.report import FileStatus

    engine = EchoEngine(rewrite=lambda text, _: "no no no no no no no no")   # every draft loops
    monkeypatch.setattr(toolkit.mt.translator, "load_engine", lambda model, **kw: engine)
    article = tmp_path / "a.txt"
    article.write_text("Câu một.\n\nCâu hai.\n", encoding="utf-8")
    report = translate_files([article], tmp_path / "out", RunOptions(glossary=None))
    (r,) = report
    assert r.status is FileStatus.WRITTEN and r.flagged == 2
    assert all(Flag("mt-check", "repetition") in entry for entry in r.flags)
    assert json.loads((tmp_path / "out" / REPORT_NAME).read_text(encoding="utf-8")) == \
        json.loads(json.dumps(report.to_json()))
    assert report.to_json()["flags_by_kind"] == {"mt-check": 2}
    assert "usage n/a" in report.summary_line()              # no rate over zero occurrences
    assert report.terms.rate is None


def test_term_usage_counts_what_the_file_contains_when_every_segment_comes_from_the_tm(echo, seed_article, tmp_path):
    first = translate_files([seed_article], tmp_path)
    first[0].po.unlink()
    echo.seen.clear()
    again = translate_files([seed_article], tmp_path)         # every draft from the draft cache
    assert echo.seen == [] and again[0].translated == 0
    assert again.terms.occurrences == first.terms.occurrences > 60
    assert again.terms.to_dict() == first.terms.to_dict()


def test_flag_wording_round_trips():
    from toolkit.types import Flag

    for text in ("mt-split:3", "mt-check:length-cap", "term-missing: BĐBP → Border Guard",
                 "mt-empty: the engine returned no hypothesis", "mt-retried:no-repeat-ngram"):
        assert str(Flag.parse(text)) == text
    assert Flag.parse("mt-split:hard").is_info and not Flag.parse("term-missing: a → b").is_info


def test_a_run_that_fails_for_a_missing_model_creates_no_output_folder_nor_tm(monkeypatch, seed_article, tmp_path):
    from toolkit.errors import ModelUnavailableError

    def missing(model, **kw):
        raise ModelUnavailableError("model not found")

    monkeypatch.setattr(toolkit.mt.translator, "load_engine", missing)
    with pytest.raises(ModelUnavailableError):
        translate_files([seed_article], tmp_path / "out", RunOptions(glossary=None))
    assert not (tmp_path / "out").exists()


def test_score_counts_term_usage_with_the_reports_definition(echo, seed_article, tmp_path):
    from toolkit.workflow.options import DEFAULT_GLOSSARY
    from toolkit.workflow.score import score_po

    report = translate_files([seed_article], tmp_path)
    scored = score_po(report[0].po, report[0].tsv, DEFAULT_GLOSSARY)
    assert scored.terms.occurrences == report.terms.occurrences > 60
    assert (scored.term_hits, scored.term_total) == (scored.terms.used, scored.terms.occurrences)
    assert scored.terms.used == report.terms.used        # the verifier agrees with what enforcement recorded
