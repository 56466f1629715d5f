"""`bitext translate` end to end on the tiny MarianMT checkpoint (real tokenizer, model and generate)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from toolkit.cli import main
from toolkit.formats.tsv import read_units_tsv
from toolkit.segment.segmenter import segment_text

pytestmark = pytest.mark.slow


def run_bitext(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def msgfmt_check(po: Path) -> None:
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True, capture_output=True)

needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext (msgfmt) not installed; CI installs it")


@needs_msgfmt
def test_translate_seed_article_with_tiny_checkpoint(tiny_model_dir, seed_article, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["translate", str(seed_article), "-o", str(out), "--model", str(tiny_model_dir), "-q"]) == 0
    po_path, tsv_path = out / f"{seed_article.stem}.po", out / f"{seed_article.stem}.tsv"
    msgfmt_check(po_path)
    entries = [e for e in polib.pofile(str(po_path)) if not e.obsolete]
    segments = segment_text(seed_article.read_text(encoding="utf-8"))
    assert [e.msgid for e in entries] == [s.text for s in segments]
    assert all(e.fuzzy and e.msgstr for e in entries)          # every machine draft needs review
    units = read_units_tsv(tsv_path)
    assert [(u.msgctxt, u.msgid, u.msgstr, u.status.value) for u in units] == \
        [(e.msgctxt, e.msgid, e.msgstr, "fuzzy") for e in entries]
    assert polib.pofile(str(po_path)).metadata["X-MT-Model"] == str(tiny_model_dir)


def test_missing_model_fails_fast_with_one_clear_line(tmp_path, seed_article):
    env = {"HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"}
    r = run_bitext("translate", str(seed_article), "-o", str(tmp_path / "out"), "-q", env=env)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    msg = lines[0]
    assert "Helsinki-NLP/opus-mt-vi-en" in msg and "HF_HUB_OFFLINE" in msg and "--model DIR" in msg
    assert not (tmp_path / "out").exists()          # neither the folder nor its TM is created


def test_unreachable_hub_fails_fast_without_offline_mode(tmp_path, seed_article):
    env = {"HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "0", "HF_ENDPOINT": "http://127.0.0.1:9"}
    r = run_bitext("translate", str(seed_article), "-o", str(tmp_path / "out"), "-q", env=env)
    assert r.returncode == 2 and "unreachable" in r.stderr and "Traceback" not in r.stderr


def test_model_directory_that_is_not_a_checkpoint_is_named(tmp_path, seed_article):
    r = run_bitext("translate", str(seed_article), "-o", str(tmp_path / "out"), "--model", str(tmp_path), "-q")
    assert r.returncode == 2 and "not a MarianMT checkpoint" in r.stderr and "config.json" in r.stderr


@needs_msgfmt
def test_reviewer_round_trip_keeps_every_human_edit(tiny_model_dir, tmp_path):
    """Issue 5: approve some, edit some, leave some fuzzy; change the article; re-run."""
    article = tmp_path / "bai.txt"
    article.write_text(
        "Hà Nội mưa lớn suốt đêm qua.\n\n"
        "Nhiều tuyến phố bị ngập sâu. Giao thông ùn tắc kéo dài đến sáng.\n\n"
        "Chính quyền khuyến cáo người dân hạn chế ra đường. Lực lượng cứu hộ đã có mặt.\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["translate", str(article), "-o", str(out), "--model", str(tiny_model_dir), "-q"]
    assert main(args) == 0
    po_path = out / "bai.po"
    po = polib.pofile(str(po_path))
    approved = {"Hà Nội mưa lớn suốt đêm qua.": "Hanoi had heavy rain all night.",
                "Giao thông ùn tắc kéo dài đến sáng.": "Traffic jams lasted until morning."}
    for e in po:
        if e.msgid in approved:                      # reviewer edits and approves
            e.msgstr = approved[e.msgid]
            e.flags.remove("fuzzy")
        elif e.msgid.startswith("Nhiều tuyến phố"):   # reviewer approves the draft as is
            e.flags.remove("fuzzy")
            approved[e.msgid] = e.msgstr
        elif e.msgid.startswith("Lực lượng"):         # edited but left fuzzy
            e.msgstr = "Rescue forces were there."
    po.save()

    article.write_text(
        "Hà Nội mưa lớn suốt đêm qua.\n\n"
        "Nhiều tuyến phố bị ngập sâu. Giao thông ùn tắc kéo dài đến trưa.\n\n"   # changed sentence
        "Lực lượng cứu hộ đã có mặt. Trường học cho học sinh nghỉ.\n",           # one removed, one added
        encoding="utf-8")
    assert main(args) == 0
    msgfmt_check(po_path)
    po = polib.pofile(str(po_path))
    live = {e.msgid: e for e in po if not e.obsolete}
    for msgid in ("Hà Nội mưa lớn suốt đêm qua.", "Nhiều tuyến phố bị ngập sâu."):
        assert live[msgid].msgstr == approved[msgid] and not live[msgid].fuzzy
    changed = live["Giao thông ùn tắc kéo dài đến trưa."]
    assert changed.fuzzy and changed.msgstr == "Traffic jams lasted until morning."
    assert changed.previous_msgid == "Giao thông ùn tắc kéo dài đến sáng."
    assert live["Lực lượng cứu hộ đã có mặt."].msgstr == "Rescue forces were there."   # human edit kept
    new = live["Trường học cho học sinh nghỉ."]
    assert new.fuzzy and new.msgstr
    obsolete = [e.msgid for e in po if e.obsolete]
    assert obsolete == ["Chính quyền khuyến cáo người dân hạn chế ra đường."]
