"""Output safety (issue 7): nothing the user did not name is overwritten, reviewed work survives,
and a killed multi-file ``bitext translate`` resumes without redoing finished files.

Runs go through tests/hostile_runner.py (the CLI with the echo engine) in a subprocess, so the
kill is a real SIGKILL/SIGINT of a real process.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest

from hostile_cli import HEADER, RUNNER, assert_one_line_error, bitext

ARTICLES = {
    "a1": "Bài thứ nhất nói về biên giới. Câu thứ hai của bài một.\n",
    "a2": "CHẬM bài thứ hai có một câu dài hơn. Câu cuối của bài hai.\n",
    "a3": "Bài thứ ba rất ngắn. Hết bài ba.\n",
}
TRANSLATE = ["translate", "-q", "a1.txt", "a2.txt", "a3.txt", "-o", "out", "--model", "echo", "--no-glossary"]


def write_articles(folder: Path) -> None:
    for name, text in ARTICLES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")


def seen(log: Path) -> list[str]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def wait_for(path: Path, proc: subprocess.Popen, limit_s: float = 60) -> None:
    """Poll until ``path`` exists (a guard against hanging, not a timing assertion)."""
    end = time.monotonic() + limit_s
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < end, f"{path} never appeared"
        time.sleep(0.05)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["sigkill", "sigint"])
def test_killed_multi_file_translate_resumes_without_touching_finished_files(sig, tmp_path):
    write_articles(tmp_path)
    # Corpus mode drafts the articles of a window together, so a1 is finished by a run of its own
    # first; the multi-file run is then killed while it drafts a2 and a3.
    assert bitext(*[a for a in TRANSLATE if a not in ("a2.txt", "a3.txt")], cwd=tmp_path, runner=True).returncode == 0
    blocked = tmp_path / "blocked.flag"
    env = {**os.environ, "HOSTILE_BLOCK_ON": "CHẬM", "HOSTILE_BLOCKED_FLAG": str(blocked),
           "HOSTILE_SEEN_LOG": str(tmp_path / "first.log")}
    proc = subprocess.Popen([sys.executable, str(RUNNER), *TRANSLATE], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(blocked, proc)             # a1 is up to date; a2 is inside the engine, blocked
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    out = tmp_path / "out"
    if sig == signal.SIGINT:
        assert proc.returncode == 130
        assert_one_line_error(subprocess.CompletedProcess([], 130, "", stderr), 130, "interrupted", "re-run")
    assert sorted(p.name for p in out.iterdir() if p.suffix in (".po", ".tsv")) == ["a1.po", "a1.tsv"]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]      # no half-written file left
    finished = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (out / "a1.po", out / "a1.tsv")}
    assert len(polib.pofile(str(out / "a1.po"))) == 2

    log = tmp_path / "second.log"
    p = bitext(*TRANSLATE, cwd=tmp_path, runner=True, env={"HOSTILE_SEEN_LOG": str(log)})
    assert p.returncode == 0, p.stderr
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in finished} == finished
    resent = seen(log)
    assert resent and not [t for t in resent if "bài một" in t or "nhất" in t]     # a1 not re-translated
    for name, text in ARTICLES.items():
        entries = polib.pofile(str(out / f"{name}.po"))
        assert [e.msgstr for e in entries] == [e.msgid for e in entries] and len(entries) == 2
    report = json.loads((out / "bitext-report.json").read_text(encoding="utf-8"))
    assert [f["status"] for f in report["files"]] == ["up-to-date", "written", "written"]


def test_approved_entries_survive_a_rerun_on_a_changed_article(tmp_path):
    (tmp_path / "a.txt").write_text("Câu một. Câu hai.\n", encoding="utf-8")
    args = ["translate", "-q", "a.txt", "-o", "out", "--model", "echo", "--no-glossary"]
    assert bitext(*args, cwd=tmp_path, runner=True).returncode == 0
    po_path = tmp_path / "out" / "a.po"
    po = polib.pofile(str(po_path), wrapwidth=0)
    po[0].msgstr, po[0].flags = "Sentence one, as the reviewer wrote it.", []
    po.save()
    (tmp_path / "a.txt").write_text("Câu một. Câu hai đã sửa.\n", encoding="utf-8")
    assert bitext(*args, cwd=tmp_path, runner=True).returncode == 0
    first = polib.pofile(str(po_path))[0]
    assert (first.msgid, first.msgstr, first.fuzzy) == ("Câu một.", "Sentence one, as the reviewer wrote it.", False)


# ----------------------------------------------------------------------------------------------
# Never overwrite a file the user did not name as output (without --force); never an input

def test_translate_refuses_to_replace_a_foreign_tsv_unless_forced(tmp_path):
    (tmp_path / "a.txt").write_text("", encoding="utf-8")
    (tmp_path / "out").mkdir()
    mine = tmp_path / "out" / "a.tsv"
    mine.write_text("my own spreadsheet\n", encoding="utf-8")
    args = ["translate", "-q", "a.txt", "-o", "out", "--no-glossary"]
    assert_one_line_error(bitext(*args, cwd=tmp_path), 1, "a.tsv", "--force")
    assert mine.read_text(encoding="utf-8") == "my own spreadsheet\n"
    assert not (tmp_path / "out" / "a.po").exists()
    assert bitext(*args, "--force", cwd=tmp_path).returncode == 0
    assert mine.read_text(encoding="utf-8").startswith("id\tsource\ttarget")


def test_translate_refuses_a_foreign_report_file_unless_forced(tmp_path):
    (tmp_path / "a.txt").write_text("", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "bitext-report.json").write_text('{"mine": true}\n', encoding="utf-8")
    args = ["translate", "-q", "a.txt", "-o", "out", "--no-glossary"]
    assert_one_line_error(bitext(*args, cwd=tmp_path), 1, "bitext-report.json", "--force")
    assert bitext(*args, "--force", cwd=tmp_path).returncode == 0
    assert bitext(*args, cwd=tmp_path).returncode == 0          # ours now: replaced without --force


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "forced"])
def test_translate_never_writes_over_its_own_input_or_glossary(force, tmp_path):
    (tmp_path / "notes.tsv").write_text("Ghi chú của tôi.\n", encoding="utf-8")
    p = bitext("translate", "-q", "notes.tsv", "-o", ".", "--no-glossary", *force, cwd=tmp_path)
    assert_one_line_error(p, 1, "notes.tsv", "is also an input")
    assert (tmp_path / "notes.tsv").read_text(encoding="utf-8") == "Ghi chú của tôi.\n"
    (tmp_path / "a.txt").write_text("Câu một.\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    glossary = tmp_path / "out" / "a.tsv"
    glossary.write_text("source\ttarget\nbiên phòng\tborder guard\n", encoding="utf-8")
    p = bitext("translate", "-q", "a.txt", "-o", "out", "--glossary", glossary, *force, cwd=tmp_path)
    assert_one_line_error(p, 1, "a.tsv", "is also an input")
    assert glossary.read_text(encoding="utf-8").startswith("source\ttarget\n")


def test_export_render_and_convert_never_write_over_their_input(tmp_path):
    po = tmp_path / "x.po"
    po.write_bytes((HEADER.format(charset="UTF-8") + 'msgid "Câu."\nmsgstr "Sentence."\n').encode())
    before = po.read_bytes()
    assert_one_line_error(bitext("export", "x.po", "--to", "tsv", "-o", "x.po", cwd=tmp_path), 1, "is also an input")
    assert_one_line_error(bitext("render", "x.po", "-o", "x.po", cwd=tmp_path), 1, "is also an input")
    assert po.read_bytes() == before
    (tmp_path / "g.tsv").write_text("source\ttarget\nbiên phòng\tborder guard\n", encoding="utf-8")
    assert_one_line_error(bitext("glossary", "convert", "g.tsv", "g.tsv", cwd=tmp_path), 1, "is also an input")


def test_moses_export_refuses_to_replace_an_existing_source_text_unless_forced(tmp_path):
    (tmp_path / "x.po").write_bytes((HEADER.format(charset="UTF-8") + 'msgid "Câu."\nmsgstr "Sentence."\n').encode())
    article = tmp_path / "x.vi"                       # a Vietnamese article named like the Moses output
    article.write_text("Bài gốc của tôi.\n", encoding="utf-8")
    assert_one_line_error(bitext("export", "x.po", "--to", "moses", "-o", "x", cwd=tmp_path), 1, "x.vi", "--force")
    assert article.read_text(encoding="utf-8") == "Bài gốc của tôi.\n" and not (tmp_path / "x.en").exists()
    assert bitext("export", "x.po", "--to", "moses", "-o", "x", "--force", cwd=tmp_path).returncode == 0
    assert article.read_text(encoding="utf-8") == "Câu.\n"


def test_output_names_derived_from_input_names_stay_in_the_output_folder(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "..txt").write_text("", encoding="utf-8")
    (tmp_path / "in" / "..x.txt").write_text("", encoding="utf-8")
    p = bitext("translate", "-q", "in/..txt", "-o", "out", "--no-glossary", cwd=tmp_path)
    assert_one_line_error(p, 1, "cannot derive an output name")
    assert bitext("translate", "-q", "in/../in/..x.txt", "-o", "out", "--no-glossary", cwd=tmp_path).returncode == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".bitext")) == \
        ["..x.po", "..x.tsv", "bitext-report.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


def test_atomic_writes_get_ordinary_permissions_and_keep_a_replaced_files_mode(tmp_path):
    from toolkit.text.files import atomic_write_text

    umask = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "new.txt", "x")
        assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644      # not mkstemp's 0600
        (tmp_path / "new.txt").chmod(0o640)
        atomic_write_text(tmp_path / "new.txt", "y")
        assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(umask)


def test_atomic_write_into_a_missing_folder_names_the_file_not_the_temp_file(tmp_path):
    from toolkit.errors import OutputError
    from toolkit.text.files import atomic_write_text

    with pytest.raises(OutputError, match="does not exist") as info:
        atomic_write_text(tmp_path / "nope" / "a.po", "x")
    assert info.value.path == str(tmp_path / "nope" / "a.po")
