"""The command line's frame (toolkit.cli.app): help without a subcommand, closed standard streams,
choices taken from the library, the deprecated ``--batch-size``, the test-checkpoint builder's CLI.

Stream tests run the real CLI in a subprocess with descriptor 0, 1 or 2 closed (as ``<&-``,
``>&-``, ``2>&-`` do); translation uses the echo engine of tests/hostile_runner.py (no model).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import polib
import pytest

from hostile_cli import RUNNER
from toolkit.cli import app, main

ARTICLE = "Hà Nội mưa to.\n\nGiá vàng giảm mạnh trong ngày.\n"


def _run(args, *, closed: int | None, cwd: Path, runner: bool = False) -> subprocess.CompletedProcess:
    """Run the CLI with descriptor ``closed`` shut in the child; the other two are captured."""
    cmd = [sys.executable, str(RUNNER)] if runner else [sys.executable, "-m", "toolkit"]
    return subprocess.run(cmd + [str(a) for a in args], cwd=cwd, timeout=180,
                          stdin=subprocess.DEVNULL if closed != 0 else None,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          preexec_fn=(lambda: os.close(closed)) if closed is not None else None)


@pytest.fixture
def article(tmp_path) -> Path:
    p = tmp_path / "a.txt"
    p.write_text(ARTICLE, encoding="utf-8")
    return p


# --- help without a subcommand ------------------------------------------------------------------

@pytest.mark.parametrize("args, first_command", [([], "export"), (["glossary"], "check"), (["po"], "check"),
                                                  (["model"], "convert")])
def test_a_group_without_subcommand_prints_help_to_stdout_and_exits_0(capsys, args, first_command):
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Usage: bitext")
    assert f"  {first_command}" in out      # the command list, not just a usage line
    assert err == ""


def test_an_unknown_subcommand_is_still_a_usage_error(capsys):
    assert main(["glossary", "nonsense"]) == 1
    assert "No such command 'nonsense'" in capsys.readouterr().err


# --- closed standard streams --------------------------------------------------------------------

def test_translate_with_closed_stdin_writes_its_files(tmp_path, article):
    p = _run(["translate", article, "-o", tmp_path / "out", "--model", "echo", "-q"], closed=0, cwd=tmp_path,
             runner=True)
    assert p.returncode == 0, p.stderr
    assert p.stderr == b""
    assert "Giá vàng giảm" in (tmp_path / "out" / "a.po").read_text(encoding="utf-8")


def test_translate_with_closed_stdout_writes_its_files_and_nothing_stray_into_them(tmp_path, article):
    p = _run(["translate", article, "-o", tmp_path / "out", "--model", "echo"], closed=1, cwd=tmp_path, runner=True)
    assert p.returncode == 0, p.stderr
    po = (tmp_path / "out" / "a.po").read_text(encoding="utf-8")
    assert " segments, " not in po     # the per-file line meant for stdout did not land in a file
    assert [e.msgid for e in polib.pofile(po)] == ["Hà Nội mưa to.", "Giá vàng giảm mạnh trong ngày."]


def test_translate_with_closed_stderr_keeps_its_exit_codes(tmp_path, article):
    ok = _run(["translate", article, "-o", tmp_path / "out", "--model", "echo"], closed=2, cwd=tmp_path, runner=True)
    assert ok.returncode == 0
    assert (tmp_path / "out" / "a.po").is_file()
    missing = _run(["translate", tmp_path / "missing.txt", "-o", tmp_path / "out2", "--model", "echo"], closed=2,
                   cwd=tmp_path, runner=True)
    assert missing.returncode == 1     # the error line is lost with stderr, the exit code is not


def test_segment_with_closed_stderr_prints_its_segments(tmp_path, article):
    p = _run(["segment", article], closed=2, cwd=tmp_path)
    assert p.returncode == 0
    assert p.stdout.decode("utf-8") == "Hà Nội mưa to.\n\nGiá vàng giảm mạnh trong ngày.\n"


@pytest.mark.parametrize("args", [["segment", "{article}"], ["render", "{po}"],
                                  ["export", "{po}", "--to", "tsv", "-o", "-"]])
def test_a_command_whose_output_is_stdout_refuses_a_closed_stdout_in_one_line(tmp_path, article, args):
    po = tmp_path / "a.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgctxt "seg-0001"\nmsgid "Hà Nội"\nmsgstr "Hanoi"\n', encoding="utf-8")
    p = _run([a.format(article=article, po=po) for a in args], closed=1, cwd=tmp_path)
    assert p.returncode == 1
    lines = p.stderr.decode("utf-8").strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bitext: error: standard output is closed"), lines


def test_segment_from_a_closed_stdin_says_so(tmp_path):
    p = _run(["segment", "-"], closed=0, cwd=tmp_path)
    assert p.returncode == 1
    assert p.stderr.decode("utf-8").strip() == ("bitext: error: -: standard input is closed: "
                                                "give a FILE or pipe the text in")


# --- vocabulary: choices from the library ------------------------------------------------------

def _choices(command: click.Command, name: str) -> tuple[str, ...]:
    (param,) = [p for p in command.params if p.name == name]
    return tuple(param.type.choices)


def test_cli_choices_are_the_library_constants():
    from toolkit.formats import EXPORT_FORMATS
    from toolkit.mt.engine_ct2 import QUANTIZATIONS
    from toolkit.mt.precision import QUANTIZE_CHOICES
    from toolkit.mt.settings import DEVICE_CHOICES
    from toolkit.mt.translator import ENGINES
    from toolkit.workflow.export import FORMATS

    translate = app.commands["translate"]
    assert _choices(translate, "engine") == ENGINES
    assert _choices(translate, "device") == DEVICE_CHOICES
    assert _choices(translate, "quantize") == QUANTIZE_CHOICES
    assert _choices(app.commands["model"].commands["convert"], "quantization") == QUANTIZATIONS
    assert _choices(app.commands["export"], "to") == EXPORT_FORMATS == FORMATS


def test_batch_size_is_deprecated_and_passed_on_as_max_batch_tokens(tmp_path, article):
    p = _run(["translate", article, "-o", tmp_path / "out", "--model", "echo", "-q", "--batch-size", "256"],
             closed=None, cwd=tmp_path, runner=True)
    assert p.returncode == 0, p.stderr
    assert b"--batch-size is deprecated" in p.stderr and b"--max-batch-tokens 256" in p.stderr
    both = _run(["translate", article, "-o", tmp_path / "out", "--model", "echo", "--batch-size", "256",
                 "--max-batch-tokens", "512"], closed=None, cwd=tmp_path, runner=True)
    assert both.returncode == 1 and b"give only one" in both.stderr


# --- the test-checkpoint builder's command line --------------------------------------------------

def test_checkpoint_builder_refuses_a_foreign_non_empty_folder(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "toolkit.testing.marian_builder", str(folder)], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1
    assert "not empty" in p.stderr and "--force" in p.stderr and "Traceback" not in p.stderr
    assert sorted(os.listdir(folder)) == ["notes.txt"]


def test_checkpoint_builder_reports_a_missing_training_text_in_one_line(tmp_path):
    p = subprocess.run([sys.executable, "-m", "toolkit.testing.marian_builder", str(tmp_path / "m"),
                        "--vi", "nope.txt"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert p.returncode == 1
    assert p.stderr.strip().endswith("error: nope.txt: No such file or directory")
    assert not (tmp_path / "m").exists()


def test_the_session_checkpoint_is_recognised_as_built_by_the_builder(tiny_model_dir, tmp_path):
    from toolkit.testing.marian_builder import built_by_us

    assert built_by_us(tiny_model_dir)    # (building from another folder: tests/test_install.py)
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    assert not built_by_us(tmp_path)
