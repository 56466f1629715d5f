"""Property tests (issue 7): PO and TSV writers round-trip arbitrary Unicode or raise FormatError."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from toolkit.errors import FormatError
from toolkit.formats.po import mirror_edge_newlines, po_header, read_po, write_po
from toolkit.formats.tsv import escape_field, read_tsv, unescape_field, write_tsv
from toolkit.types import Status, Unit

ANY = st.text(st.characters(), max_size=60)  # includes NUL, controls, surrogates, quotes, backslashes
SPECIAL = st.text(st.sampled_from(list('\t\n\r\\"\'\a\v\f\x1b\x1c\u2028\u0085 aă“”<>&%')), max_size=30)
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(msgid=st.one_of(ANY, SPECIAL), msgstr=st.one_of(ANY, SPECIAL), ctx=st.one_of(ANY, SPECIAL))
def test_po_round_trips_or_rejects_with_format_error(tmp_path, msgid, msgstr, ctx):
    unit = Unit(msgid, msgstr, ctx, Status.TRANSLATED if msgstr else Status.NEW)
    path = tmp_path / "p.po"
    try:
        write_po(path, [unit], po_header())
    except FormatError:
        assert msgid == "" or any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in msgid + msgstr + ctx)
        return
    (back,) = read_po(path).units
    expected_msgstr = mirror_edge_newlines(msgid, msgstr)
    assert (back.msgid, back.msgstr, back.msgctxt) == (msgid, expected_msgstr, ctx)


@FAST
@given(fields=st.lists(st.one_of(ANY, SPECIAL), min_size=1, max_size=4))
def test_tsv_round_trips_or_rejects_with_format_error(tmp_path, fields):
    path = tmp_path / "t.tsv"
    header = [f"c{i}" for i in range(len(fields))]
    try:
        write_tsv(path, header, [fields])
    except FormatError:
        assert any("\ud800" <= c <= "\udfff" for f in fields for c in f)
        return
    assert read_tsv(path) == (header, [fields])
    line = path.read_text(encoding="utf-8").split("\n")[1]
    assert len(line.split("\t")) == len(fields)


@FAST
@given(value=SPECIAL)
def test_escape_is_inverted_by_unescape(value):
    assert unescape_field(escape_field(value)) == value
    assert not set("\t\n\r") & set(escape_field(value))
