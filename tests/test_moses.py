"""Moses parallel text: two line-aligned files, line breaks inside segments become spaces."""
from __future__ import annotations

from toolkit.formats.moses import moses_paths, read_moses, to_line, write_moses


def test_files_are_line_aligned_even_with_newlines_in_segments(tmp_path):
    pairs = [("Dòng một\nDòng hai", "Line one\r\nLine two"), ("\nTIN NÓNG\n", "\nBREAKING NEWS\n"), ("A\u2028B", "C")]
    assert write_moses(tmp_path / "corpus", pairs, "vi", "en") == 3
    src, tgt = moses_paths(tmp_path / "corpus", "vi", "en")
    assert src.name == "corpus.vi" and tgt.name == "corpus.en"
    assert read_moses(tmp_path / "corpus", "vi", "en") == [
        ("Dòng một Dòng hai", "Line one Line two"), ("TIN NÓNG", "BREAKING NEWS"), ("A B", "C")]


def test_to_line_keeps_tabs_and_quotes():
    assert to_line('"a"\tb') == '"a"\tb'
