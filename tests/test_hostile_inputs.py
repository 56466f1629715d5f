"""Hostile input corpus (issue 7) through the real CLI, each command in its own process.

Every refusal must be: the documented exit code, exactly one line on stderr starting with
``bitext: error:`` and naming the file (and line where one applies), no traceback, and no output
file (not even a partial one). Accepted inputs must give the same segments as clean UTF-8.
The corpus is generated here (bytes are the point, and small); the legacy font encodings come from
tests/data/segment/. Translation runs through tests/hostile_runner.py (echo engine, no model).
"""
from __future__ import annotations

import codecs
import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import polib
import pytest

from hostile_cli import HEADER, assert_one_line_error, bitext

TESTS = Path(__file__).resolve().parent
LEGACY = TESTS / "data" / "segment"

VI = ("Biên phòng tỉnh Kon Tum\n"
      "Hôm nay trời đẹp. Tôi đi học ở trường làng.\n"
      "\n"
      "Đoạn hai có ba câu. Câu thứ hai của ông ấy! Câu ba?\n")
from legacy_bytes import to_cp1258  # noqa: E402

needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext (msgfmt) not installed; CI installs it")


def outputs(folder: Path) -> list[str]:
    """Files a run left in ``folder`` (the hidden translation-memory cache aside)."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name != ".bitext-tm.sqlite")


def segments_of(p: subprocess.CompletedProcess) -> list[str]:
    return [line for line in p.stdout.splitlines() if line]


@pytest.fixture(scope="module")
def clean_segments(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("clean")
    (folder / "clean.txt").write_text(VI, encoding="utf-8")
    p = bitext("segment", "clean.txt", cwd=folder)
    assert p.returncode == 0
    return segments_of(p)


# ----------------------------------------------------------------------------------------------
# Articles that must be read, giving exactly the segments of the clean UTF-8 text

ACCEPTED = {
    "utf8_bom": codecs.BOM_UTF8 + VI.encode("utf-8"),
    "utf16_le_bom": VI.encode("utf-16"),
    "utf16_be_bom": codecs.BOM_UTF16_BE + VI.encode("utf-16-be"),
    "crlf": VI.replace("\n", "\r\n").encode("utf-8"),
    "lone_cr": VI.replace("\n", "\r").encode("utf-8"),
    "nfd": unicodedata.normalize("NFD", VI).encode("utf-8"),
    "windows_1258": to_cp1258(VI),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_encoded_article_is_segmented_and_translated_as_clean_utf8(name, tmp_path, clean_segments):
    src = tmp_path / f"{name}.txt"
    src.write_bytes(ACCEPTED[name])
    p = bitext("segment", src.name, cwd=tmp_path)
    assert p.returncode == 0 and p.stderr == ""
    assert segments_of(p) == clean_segments
    p = bitext("translate", "-q", src.name, "-o", "out", "--model", "echo", "--no-glossary", cwd=tmp_path, runner=True)
    assert p.returncode == 0, p.stderr
    po = tmp_path / "out" / f"{name}.po"
    raw = po.read_bytes()
    assert not raw.startswith(codecs.BOM_UTF8) and b"\r" not in raw
    entries = [e for e in polib.pofile(str(po)) if not e.obsolete]
    assert [e.msgid for e in entries] == clean_segments           # NFC, no BOM, no CR
    assert all(unicodedata.is_normalized("NFC", e.msgstr) for e in entries)


@needs_msgfmt
def test_invisible_and_control_characters_are_kept_inside_segments_not_at_their_edges(tmp_path):
    text = "\u200bHôm\u00a0nay\ttrời\x1b đẹp. Tôi\u200b đi học.\u200b\n"
    (tmp_path / "zw.txt").write_text(text, encoding="utf-8")
    p = bitext("segment", "zw.txt", cwd=tmp_path)
    assert p.returncode == 0
    expected = ["Hôm\u00a0nay\ttrời\x1b đẹp.", "Tôi\u200b đi học."]
    assert segments_of(p) == expected
    p = bitext("translate", "-q", "zw.txt", "-o", "out", "--model", "echo", "--no-glossary", cwd=tmp_path, runner=True)
    assert p.returncode == 0, p.stderr
    po = tmp_path / "out" / "zw.po"
    assert [e.msgid for e in polib.pofile(str(po))] == expected
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True, capture_output=True)


@pytest.mark.parametrize("content", [b"", b"  \n\t\n\xc2\xa0\n\r\n"], ids=["empty", "whitespace_only"])
def test_empty_and_whitespace_only_articles_give_header_only_outputs(content, tmp_path):
    (tmp_path / "blank.txt").write_bytes(content)
    p = bitext("segment", "blank.txt", cwd=tmp_path)
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    p = bitext("translate", "-q", "blank.txt", "-o", "out", "--model", "/nonexistent", "--no-glossary", cwd=tmp_path)
    assert p.returncode == 0, p.stderr       # no segment needs MT, so the missing model is never loaded
    assert [e for e in polib.pofile(str(tmp_path / "out" / "blank.po"))] == []
    assert (tmp_path / "out" / "blank.tsv").read_text(encoding="utf-8").count("\n") == 1


def test_single_200kb_line_is_split_for_the_model_and_nothing_is_lost(tmp_path):
    text = "Hôm nay trời đẹp, " * 11000 + "hết."
    assert len(text.encode("utf-8")) > 200_000
    (tmp_path / "long.txt").write_text(text + "\n", encoding="utf-8")
    p = bitext("segment", "long.txt", cwd=tmp_path)
    assert p.returncode == 0 and segments_of(p) == [text]
    p = bitext("translate", "-q", "long.txt", "-o", "out", "--model", "echo", "--no-glossary", cwd=tmp_path, runner=True)
    assert p.returncode == 0, p.stderr
    (entry,) = polib.pofile(str(tmp_path / "out" / "long.po"))
    assert entry.msgstr.split() == text.split()                   # echo engine: every word came back
    assert "split into" in entry.comment and entry.fuzzy


# ----------------------------------------------------------------------------------------------
# Articles that must be refused: one line naming the file (and line), no output

def _invalid_utf8_past_the_sniffed_head() -> bytes:
    good = VI.encode("utf-8") * 1000                               # ~100 KB, past textio.SNIFF_BYTES
    return good + b"Ch\xff\xfeo.\n" + VI.encode("utf-8")


REFUSED = {  # name: (bytes, fragments of the message)
    "utf16_without_bom": (VI.encode("utf-16-le"), ["UTF-16LE without a byte-order mark", "iconv"]),
    "png_image": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4, ["binary file"]),
    "control_junk": (bytes(range(1, 32)) * 40, ["binary file"]),
    "latin1_french": ("Un été à la française, déjà vu.\n".encode("latin-1"), [":1: not valid UTF-8", "iconv"]),
    "tcvn3": ((LEGACY / "legacy_tcvn3.txt").read_bytes(), ["TCVN3", "UniKey"]),
    "vni": ((LEGACY / "legacy_vni.txt").read_bytes(), ["VNI", "UniKey"]),
    "bad_utf8_at_line_4001": (_invalid_utf8_past_the_sniffed_head(), [":4001: not valid UTF-8"]),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_segment_refuses_non_text_with_one_line_naming_the_file(name, tmp_path):
    data, fragments = REFUSED[name]
    (tmp_path / f"{name}.txt").write_bytes(data)
    p = bitext("segment", f"{name}.txt", cwd=tmp_path)
    assert_one_line_error(p, 1, f"{name}.txt", *fragments)


@pytest.mark.parametrize("name", sorted(set(REFUSED) - {"bad_utf8_at_line_4001"}))
def test_translate_refuses_a_bad_input_before_writing_anything(name, tmp_path):
    data, fragments = REFUSED[name]
    (tmp_path / "good.txt").write_text(VI, encoding="utf-8")
    (tmp_path / f"{name}.txt").write_bytes(data)
    p = bitext("translate", "-q", "good.txt", f"{name}.txt", "-o", "out", "--model", "echo", "--no-glossary",
               cwd=tmp_path, runner=True)
    assert_one_line_error(p, 1, f"{name}.txt", *fragments)
    assert not (tmp_path / "out").exists()          # sniffed before the first file was started


def test_translate_fault_deep_in_a_file_keeps_earlier_files_and_writes_nothing_of_it(tmp_path):
    (tmp_path / "good.txt").write_text(VI, encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(_invalid_utf8_past_the_sniffed_head())
    p = bitext("translate", "-q", "good.txt", "bad.txt", "-o", "out", "--model", "echo", "--no-glossary",
               cwd=tmp_path, runner=True)
    assert_one_line_error(p, 1, "bad.txt:4001: not valid UTF-8")
    assert outputs(tmp_path / "out") == ["good.po", "good.tsv"]


@pytest.mark.parametrize("command", ["segment", "translate"])
def test_missing_file_and_folder_as_article_are_named(command, tmp_path):
    (tmp_path / "folder.txt").mkdir()
    extra = ["-o", "out", "--no-glossary"] if command == "translate" else []
    p = bitext(command, "missing.txt", *extra, cwd=tmp_path)
    assert_one_line_error(p, 1, "missing.txt", "not found")
    p = bitext(command, "folder.txt", *extra, cwd=tmp_path)
    assert_one_line_error(p, 1, "folder.txt")
    assert outputs(tmp_path / "out") == []


# ----------------------------------------------------------------------------------------------
# PO files from other tools → export

PO_REFUSED = {  # name: (bytes, fragments)
    "unterminated_string": ((HEADER.format(charset="UTF-8") + 'msgid "Xin chào"\nmsgstr "Hello\n').encode(),
                            ["unterminated_string.po:8: syntax error: unterminated string"]),
    "not_a_po": (b"this is a note, not a PO file\n", ["not_a_po.po:1: syntax error"]),
    "binary": (bytes(range(256)) * 4, ["binary.po:", "not valid"]),
    "latin1_declared_utf8": ((HEADER.format(charset="UTF-8") + 'msgid "café"\nmsgstr "coffee"\n').encode("latin-1"),
                             ["latin1_declared_utf8.po:7: bytes not valid in the declared charset utf-8"]),
    "no_language": (b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "b"\n',
                    ["no_language.po: PO header has no Language field"]),
}


@pytest.mark.parametrize("name", sorted(PO_REFUSED))
def test_export_refuses_a_broken_po_naming_file_and_line_and_writes_nothing(name, tmp_path):
    data, fragments = PO_REFUSED[name]
    (tmp_path / f"{name}.po").write_bytes(data)
    p = bitext("export", f"{name}.po", "--to", "tsv", "-o", "out.tsv", cwd=tmp_path)
    assert_one_line_error(p, 1, *fragments)
    assert not (tmp_path / "out.tsv").exists()


def test_export_of_a_missing_po_says_not_found_not_syntax_error(tmp_path):
    p = bitext("export", "gone.po", "--to", "tmx", "-o", "out.tmx", cwd=tmp_path)
    line = assert_one_line_error(p, 1, "gone.po", "not found")
    assert "syntax" not in line and not (tmp_path / "out.tmx").exists()


def test_windows_1258_po_exports_as_nfc_utf8(tmp_path):
    body = HEADER.format(charset="windows-1258") + 'msgid "Biên phòng tỉnh"\nmsgstr "Provincial border guard"\n'
    (tmp_path / "legacy.po").write_bytes(to_cp1258(body))
    p = bitext("export", "legacy.po", "--to", "tsv", "-o", "out.tsv", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    row = (tmp_path / "out.tsv").read_text(encoding="utf-8").splitlines()[1].split("\t")
    assert row[3:] == ["Biên phòng tỉnh", "Provincial border guard"]


# ----------------------------------------------------------------------------------------------
# Glossaries typed in spreadsheets → glossary lint, and translate stops before loading a model

def test_glossary_lint_reports_every_defect_with_file_and_line(tmp_path):
    (tmp_path / "g.tsv").write_text(
        "source\ttarget\ttype\n"
        "biên phòng\tborder guard\trequired\n"
        "đồn\tpost\tweird\n"
        "tỉnh\tprovince\trequired\textra\tfield\n"
        "biên phòng\tborder defence\trequired\n", encoding="utf-8")
    p = bitext("glossary", "lint", "g.tsv", cwd=tmp_path)
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert [line.split(": ")[0] for line in p.stdout.splitlines()] == ["g.tsv:3", "g.tsv:4", "g.tsv:5"]


def test_spreadsheet_unicode_text_glossary_utf16_with_bom_is_read(tmp_path):
    (tmp_path / "g.tsv").write_bytes("source\ttarget\r\nbiên phòng\tborder guard\r\n".encode("utf-16"))
    p = bitext("glossary", "lint", "g.tsv", cwd=tmp_path)
    assert (p.returncode, p.stdout) == (0, "")
    assert "g.tsv: 1 entry, 0 errors, 0 warnings" in p.stderr


def test_binary_glossary_is_refused_with_one_line(tmp_path):
    (tmp_path / "g.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    assert_one_line_error(bitext("glossary", "lint", "g.csv", cwd=tmp_path), 1, "g.csv", "binary file")


def _billion_laughs() -> bytes:
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?>\n<!DOCTYPE martif [{ents}]>\n<martif type="TBX"><text><body>'
            f'<termEntry><langSet xml:lang="vi"><tig><term>&lol9;</term></tig></langSet>'
            f'<langSet xml:lang="en"><tig><term>x</term></tig></langSet></termEntry></body></text></martif>\n').encode()


def _external_entity(target: Path) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE martif [<!ENTITY xxe SYSTEM "file://{target}">]>\n'
            f'<martif type="TBX"><text><body><termEntry><langSet xml:lang="vi"><tig><term>&xxe;</term></tig>'
            f'</langSet><langSet xml:lang="en"><tig><term>x</term></tig></langSet></termEntry></body></text>'
            f'</martif>\n').encode()


def test_billion_laughs_tbx_is_refused_by_lint_and_translate_without_expansion(tmp_path):
    (tmp_path / "lol.tbx").write_bytes(_billion_laughs())
    (tmp_path / "a.txt").write_text(VI, encoding="utf-8")
    assert_one_line_error(bitext("glossary", "lint", "lol.tbx", cwd=tmp_path), 1, "lol.tbx", "unsafe XML")
    p = bitext("translate", "a.txt", "-o", "out", "--glossary", "lol.tbx", "--model", "/nonexistent", cwd=tmp_path)
    assert_one_line_error(p, 1, "lol.tbx", "unsafe XML")     # 1, not 2: stopped before the model
    assert outputs(tmp_path / "out") == []


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs a named pipe")
def test_external_entity_tbx_is_refused_without_opening_the_file(tmp_path):
    import os

    pipe = tmp_path / "secret.fifo"
    os.mkfifo(pipe)               # opening it for reading would block: the run would time out
    (tmp_path / "xxe.tbx").write_bytes(_external_entity(pipe))
    (tmp_path / "a.txt").write_text(VI, encoding="utf-8")
    assert_one_line_error(bitext("glossary", "lint", "xxe.tbx", cwd=tmp_path), 1, "xxe.tbx", "unsafe XML")
    p = bitext("translate", "a.txt", "-o", "out", "--glossary", "xxe.tbx", "--model", "/nonexistent", cwd=tmp_path)
    assert_one_line_error(p, 1, "xxe.tbx", "unsafe XML")
    assert outputs(tmp_path / "out") == []


def test_unusable_glossary_stops_translate_before_the_model_with_its_line(tmp_path):
    (tmp_path / "a.txt").write_text(VI, encoding="utf-8")
    (tmp_path / "g.csv").write_text("source,target,type\nbiên phòng,border guard,weird\n", encoding="utf-8")
    p = bitext("translate", "a.txt", "-o", "out", "--glossary", "g.csv", "--model", "/nonexistent", cwd=tmp_path)
    assert_one_line_error(p, 1, "g.csv:2:", "unknown type 'weird'")
    assert outputs(tmp_path / "out") == []


# ----------------------------------------------------------------------------------------------
# Exit codes: 1 usage, 2 model unavailable, 3 flagged under --strict

def test_usage_errors_exit_1_with_one_line(tmp_path):
    assert_one_line_error(bitext("translate", "-o", "out", cwd=tmp_path), 1, "Missing argument")
    assert_one_line_error(bitext("frobnicate", cwd=tmp_path), 1, "No such command")
    assert_one_line_error(bitext("translate", "a.txt", "-o", "out", "--beams", "0", cwd=tmp_path), 1, "--beams")


def test_model_unavailable_exits_2_and_writes_no_po(tmp_path):
    (tmp_path / "a.txt").write_text(VI, encoding="utf-8")
    p = bitext("translate", "-q", "a.txt", "-o", "out", "--model", str(tmp_path / "no-model"), "--no-glossary",
               cwd=tmp_path)
    assert_one_line_error(p, 2, "no-model")
    assert outputs(tmp_path / "out") == []


def test_strict_exits_3_when_drafts_are_flagged_and_0_without_strict(tmp_path):
    (tmp_path / "a.txt").write_text(VI, encoding="utf-8")
    args = ["translate", "-q", "a.txt", "--model", "echo", "--no-glossary"]
    loop = {"HOSTILE_LOOP": "1"}
    assert bitext(*args, "-o", "strict", "--strict", cwd=tmp_path, runner=True, env=loop).returncode == 3
    assert bitext(*args, "-o", "lax", cwd=tmp_path, runner=True, env=loop).returncode == 0
    report = json.loads((tmp_path / "strict" / "bitext-report.json").read_text(encoding="utf-8"))
    assert report["totals"]["flagged"] == report["totals"]["translated"] > 0


def test_unwritable_output_folder_is_one_line_not_a_traceback(tmp_path):
    (tmp_path / "a.txt").write_text("", encoding="utf-8")
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    p = bitext("translate", "-q", "a.txt", "-o", "afile/sub", "--no-glossary", cwd=tmp_path)
    assert_one_line_error(p, 1, "afile/sub")
    (tmp_path / "x.po").write_bytes((HEADER.format(charset="UTF-8") + 'msgid "a"\nmsgstr "b"\n').encode())
    assert_one_line_error(bitext("export", "x.po", "--to", "tsv", "-o", "missing/c.tsv", cwd=tmp_path), 1,
                          "missing/c.tsv", "does not exist")
    assert_one_line_error(bitext("render", "x.po", "-o", "missing/c.txt", cwd=tmp_path), 1, "missing/c.txt")
