"""Reading input text (issues 3 and 7): encodings, line ends, normalisation, refusals, streaming."""
from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from toolkit.text import decode as textio
from toolkit.errors import InputError
from toolkit.segment.segmenter import iter_segments_from_file, segment_text
from toolkit.text.decode import decode_text, iter_lines, read_text

DATA = Path(__file__).resolve().parent / "data" / "segment"
VI = "Việt Nam đã được thống nhất. Người dân vui mừng.\nĐây là của ông ấy.\n"
from legacy_bytes import to_cp1258  # noqa: E402


ENCODED = [
    ("utf8", VI.encode("utf-8")),
    ("utf8_with_bom", b"\xef\xbb\xbf" + VI.encode("utf-8")),
    ("utf16_le_with_bom", VI.encode("utf-16")),
    ("utf16_be_with_bom", b"\xfe\xff" + VI.encode("utf-16-be")),
    ("utf32_with_bom", VI.encode("utf-32")),
    ("nfd_utf8", unicodedata.normalize("NFD", VI).encode("utf-8")),
    ("crlf", VI.replace("\n", "\r\n").encode("utf-8")),
    ("lone_cr", VI.replace("\n", "\r").encode("utf-8")),
    ("windows_1258", to_cp1258(VI)),
]


@pytest.mark.parametrize("data", [e[1] for e in ENCODED], ids=[e[0] for e in ENCODED])
def test_decode_gives_nfc_text_with_lf(data):
    assert decode_text(data, "a.txt") == VI


@pytest.mark.parametrize("data", [e[1] for e in ENCODED], ids=[e[0] for e in ENCODED])
def test_streamed_lines_equal_whole_decode(tmp_path, monkeypatch, data):
    monkeypatch.setattr(textio, "SNIFF_BYTES", 7)   # chunk edges inside multi-byte characters and CRLF
    monkeypatch.setattr(textio, "CHUNK_BYTES", 5)
    p = tmp_path / "a.txt"
    p.write_bytes(data)
    assert "".join(iter_lines(p)) == VI


def test_crlf_split_across_chunks_is_one_line_end(tmp_path, monkeypatch):
    monkeypatch.setattr(textio, "SNIFF_BYTES", 4)
    monkeypatch.setattr(textio, "CHUNK_BYTES", 4)
    p = tmp_path / "a.txt"
    p.write_bytes(b"abc\r\ndef\r\n\r\nghi")
    assert list(iter_lines(p)) == ["abc\n", "def\n", "\n", "ghi"]


@pytest.mark.parametrize("data", [b"", b" \n\t\n\r\n"], ids=["empty_file", "whitespace_only_file"])
def test_empty_and_whitespace_only_files_give_no_segments(tmp_path, data):
    p = tmp_path / "a.txt"
    p.write_bytes(data)
    assert list(iter_segments_from_file(p)) == []
    assert segment_text(read_text(p)) == []


def test_nbsp_tabs_zero_width_and_stray_controls_are_kept():
    text = "A\u00a0b\tc\u200bd\x0ce\x1bf.\n"
    assert decode_text(text.encode("utf-8")) == text


def test_nul_bytes_are_refused_as_binary():
    with pytest.raises(InputError, match="NUL") as e:
        decode_text(b"abc\n\x00\x01\x02", "x.bin")
    assert e.value.path == "x.bin" and e.value.line == 2


def test_binary_data_is_refused():
    with pytest.raises(InputError):
        decode_text(bytes(range(256)) * 8, "x.bin")


def test_mostly_control_characters_are_refused():
    with pytest.raises(InputError, match="control characters"):
        decode_text(b"\x01\x02\x03\x04abc" * 100, "x.dat")


def test_utf16_without_bom_is_refused_with_iconv_fix():
    with pytest.raises(InputError, match="iconv -f UTF-16LE"):
        decode_text(VI.encode("utf-16-le"), "a.txt")


@pytest.mark.parametrize("name, encoding", [("legacy_tcvn3.txt", "TCVN3"), ("legacy_vni.txt", "VNI")])
def test_legacy_font_encodings_are_named_and_refused(name, encoding):
    with pytest.raises(InputError, match=encoding) as e:
        read_text(DATA / name)
    assert str(e.value).startswith(str(DATA / name))


def test_unknown_8bit_text_is_refused_with_cp1258_iconv_hint():
    with pytest.raises(InputError, match="iconv -f CP1258 -t UTF-8") as e:
        decode_text("café résumé naïve".encode("latin-1"), "old.txt")
    assert e.value.line == 1 and "old.txt" in str(e.value)


def test_invalid_utf8_after_the_sniffed_head_names_the_line(tmp_path, monkeypatch):
    monkeypatch.setattr(textio, "SNIFF_BYTES", 8)
    p = tmp_path / "a.txt"
    p.write_bytes(b"dong mot\ndong hai\nx\xff\n")
    with pytest.raises(InputError) as e:
        list(iter_lines(p))
    assert e.value.line == 3


def test_missing_file_and_directory_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_text(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        list(iter_lines(tmp_path))


def test_large_file_streams_with_offsets_into_the_whole_document(tmp_path):
    para = "Câu một của đoạn. Câu hai ở TP. Hồ Chí Minh!\nDòng tiêu đề\n\n"
    p = tmp_path / "big.txt"
    p.write_text(para * 3000, encoding="utf-8")  # a few hundred KB
    streamed = list(iter_segments_from_file(p, "big"))
    assert streamed == segment_text(read_text(p), "big")
    assert streamed[-1].para == 2999


def _bitext(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit", *args], input=stdin, capture_output=True, timeout=60)


def test_cli_segment_prints_one_segment_per_line_and_blank_line_between_paragraphs():
    src = "Tiêu đề\n\nCâu một. Câu hai được viết dài để ngắt\ndòng ở giữa câu.\r\n"
    r = _bitext("segment", "-", stdin=src.encode("utf-8"))
    assert r.returncode == 0
    assert r.stdout.decode("utf-8") == "Tiêu đề\n\nCâu một.\nCâu hai được viết dài để ngắt dòng ở giữa câu.\n"


def test_cli_segment_refuses_binary_with_path_in_message(tmp_path):
    p = tmp_path / "x.bin"
    p.write_bytes(b"\x00\x01binary")
    r = _bitext("segment", str(p))
    assert r.returncode == 1
    assert str(p) in r.stderr.decode() and "NUL" in r.stderr.decode()
