"""Issue 12: writes that never lose a reviewer's save nor replace what is not ours.

Numbered failures of issue 12 covered here: 5 (concurrent save), 6 (symlinked OUTDIR/a.po),
7 (symlink / FIFO / device outputs), 13 (stale temporaries, long names).
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import toolkit.mt.translator
from fakes import EchoEngine
from toolkit.cli.app import main
from toolkit.errors import OutputError, WouldOverwriteError
from toolkit.formats.po import read_po
from toolkit.text.files import atomic_write_text
from toolkit.workflow.pipeline import RunOptions, translate_files

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "Hà Nội mưa lớn suốt đêm qua.\n\nNhiều tuyến phố bị ngập sâu.\n"


@pytest.fixture
def echo(monkeypatch):
    engine = EchoEngine()
    monkeypatch.setattr(toolkit.mt.translator, "load_engine", lambda model, **kw: engine)
    return engine


def run(article: Path, out: Path):
    return translate_files([article], out, RunOptions(glossary=None))


# -- 5 -----------------------------------------------------------------------------------------

def test_reviewer_save_during_a_long_translate_is_never_overwritten(echo, monkeypatch, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    run(article, tmp_path / "out")
    po = tmp_path / "out" / "a.po"
    article.write_text(ARTICLE + "\nMột câu mới cần dịch.\n", encoding="utf-8")
    original = echo.generate
    saved: list[bytes] = []

    def reviewer_saves_mid_run(texts, **kw):
        if not saved:  # the reviewer approves an entry while the model is busy
            text = po.read_text(encoding="utf-8").replace("#, fuzzy\n", "", 1)
            po.write_text(text + "\n# reviewer was here\n", encoding="utf-8")
            saved.append(po.read_bytes())
        return original(texts, **kw)

    monkeypatch.setattr(echo, "generate", reviewer_saves_mid_run)
    with pytest.raises(WouldOverwriteError, match="changed on disk"):
        run(article, tmp_path / "out")
    assert saved and po.read_bytes() == saved[0]
    monkeypatch.setattr(echo, "generate", original)
    run(article, tmp_path / "out")   # re-running merges the reviewer's save (drafts come from the TM)
    units = read_po(po).units
    assert any(u.msgid == "Một câu mới cần dịch." for u in units)
    assert sum(1 for u in units if u.is_approved) == 1


# -- 6 -----------------------------------------------------------------------------------------

def test_symlinked_po_in_the_output_folder_is_merged_into_its_target(echo, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    run(article, tmp_path / "out")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    link = tmp_path / "out" / "a.po"
    os.replace(link, checkout / "a.po")
    link.symlink_to(checkout / "a.po")
    article.write_text(ARTICLE + "\nMột câu mới.\n", encoding="utf-8")
    run(article, tmp_path / "out")
    assert link.is_symlink() and os.readlink(link) == str(checkout / "a.po")
    assert "Một câu mới." in (checkout / "a.po").read_text(encoding="utf-8")
    assert not [p for p in checkout.iterdir() if p.name.endswith(".tmp")]


# -- 7 -----------------------------------------------------------------------------------------

def _po(tmp_path: Path) -> Path:
    po = tmp_path / "a.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  '#. position: p0 s0\nmsgid "Xin chào."\nmsgstr "Hello."\n', encoding="utf-8")
    return po


def test_output_named_through_a_symlink_is_written_to_the_link_target(tmp_path):
    po = _po(tmp_path)
    target = tmp_path / "real.txt"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert main(["render", str(po), "-o", str(link)]) == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "Hello.\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_output_is_refused_and_left_in_place(tmp_path, capsys):
    po = _po(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert main(["render", str(po), "-o", str(fifo)]) == 1
    err = capsys.readouterr().err
    assert str(fifo) in err and "not a regular file" in err and err.count("\n") == 1
    assert fifo.is_fifo()
    with pytest.raises(OutputError, match="not a regular file"):
        atomic_write_text(fifo, "x")


def test_dash_writes_the_rendered_article_to_stdout(tmp_path, capsys):
    assert main(["render", str(_po(tmp_path)), "-o", "-"]) == 0
    assert capsys.readouterr().out == "Hello.\n"
    assert not (tmp_path / "-").exists()


# -- 13 ----------------------------------------------------------------------------------------

def test_temporaries_of_a_killed_run_are_removed_by_the_next_write(tmp_path):
    target = tmp_path / "a.po"
    script = textwrap.dedent(f"""
        import os, signal
        from toolkit.text.files import atomic_open
        with atomic_open({str(target)!r}) as f:
            f.write("half a file")
            f.flush()
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True)
    assert proc.returncode == -9
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers, "the killed writer should have left its temporary file"
    atomic_write_text(target, "complete\n")
    assert target.read_text(encoding="utf-8") == "complete\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.po"]


def test_a_245_character_file_name_can_be_written_atomically(tmp_path):
    target = tmp_path / ("x" * 242 + ".po")
    assert len(target.name) == 245
    atomic_write_text(target, "ok\n")
    assert target.read_text(encoding="utf-8") == "ok\n"
