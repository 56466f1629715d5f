"""Property tests (hypothesis): the segmenter is lossless on arbitrary Unicode and never raises."""
from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.segment.segmenter import segment_lines, segment_text
from toolkit.segment.rules import GAP_CHARS

# Text that exercises the rules: Vietnamese words, stops, quotes, brackets, abbreviations, numbers,
# line breaks and blank lines, mixed with arbitrary code points (including combining marks).
_PIECES = st.sampled_from([
    "Việt", "Nam", "TP.", "HCM", "PGS.TS.", "v.v.", "Q.", "1.234,5", "8.1.1877", "Điều 1.", "1.", "a)",
    ". ", "!", "?", "…", "...", "“", "”", "\"", "(", ")", "[1]", "- ", "• ", " ", "  ", "\n", "\n\n",
    "\r\n", "\t", "\u00a0", "\u200b", "\ufeff", "\u2028", "e\u0301", "ư", "Đ", "www.a.vn", "a@b.vn",
])
TEXT = st.one_of(
    st.text(),
    st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=40).map("".join),
)


def _check_lossless(source: str, segs) -> None:
    nfc = unicodedata.normalize("NFC", source)
    pos = 0
    for i, s in enumerate(segs):
        assert nfc[s.start:s.end] == s.text
        assert s.text and s.text[0] not in GAP_CHARS and s.text[-1] not in GAP_CHARS
        assert all(c in GAP_CHARS for c in nfc[pos:s.start])   # only gaps between segments
        assert s.index == i
        assert s.line == nfc.count("\n", 0, s.start) + 1
        pos = s.end
    assert all(c in GAP_CHARS for c in nfc[pos:])
    rebuilt = "".join(nfc[a.end if a else 0:b.start] + b.text for a, b in zip([None] + segs[:-1], segs))
    assert rebuilt + nfc[pos:] == nfc
    assert [s.para for s in segs] == sorted(s.para for s in segs)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_segments_slice_back_and_rebuild_the_input(text):
    _check_lossless(text, segment_text(text))


@settings(max_examples=100, deadline=None)
@given(TEXT)
def test_streaming_by_lines_equals_whole_text(text):
    nfc = unicodedata.normalize("NFC", text)
    lines = nfc.split("\n")
    fed = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    assert list(segment_lines(fed)) == segment_text(text)
