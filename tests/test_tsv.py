"""TSV escaping (shared/cases/b15): one record per line, reversible, nothing else altered."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from toolkit.errors import FormatError, InputError
from toolkit.formats.tsv import (
    escape_field, read_tsv, read_units_tsv, unescape_field, write_tsv, write_units_tsv,
)
from toolkit.types import Status, Unit

DATA = Path(__file__).parent / "data" / "formats"
B15 = [json.loads(line) for line in (DATA / "b15_pairs.jsonl").read_text(encoding="utf-8").splitlines()]


def test_b15_export_matches_the_proposed_file_byte_for_byte(tmp_path):
    out = tmp_path / "pairs.tsv"
    assert write_tsv(out, ["id", "vi", "en"], ([p["id"], p["vi"], p["en"]] for p in B15)) == 10
    assert out.read_bytes() == (DATA / "b15_expected.tsv").read_bytes()


def test_b15_every_line_has_three_fields_and_there_are_eleven_lines(tmp_path):
    out = tmp_path / "pairs.tsv"
    write_tsv(out, ["id", "vi", "en"], ([p["id"], p["vi"], p["en"]] for p in B15))
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and len(lines[:-1]) == 11
    assert all(len(line.split("\t")) == 3 for line in lines[:-1])
    assert lines[10] == "seg-0010\t\t"  # b15.5: the empty pair is kept, as three fields


def test_b15_own_reader_restores_every_string(tmp_path):
    out = tmp_path / "pairs.tsv"
    write_tsv(out, ["id", "vi", "en"], ([p["id"], p["vi"], p["en"]] for p in B15))
    header, rows = read_tsv(out)
    assert header == ["id", "vi", "en"]
    assert rows == [[p["id"], p["vi"], p["en"]] for p in B15]


def test_b15_csv_quote_none_plus_unescape_loads_it_elsewhere():
    with open(DATA / "b15_expected.tsv", encoding="utf-8", newline="") as f:
        rows = [[unescape_field(v) for v in row] for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    assert rows[1:] == [[p["id"], p["vi"], p["en"]] for p in B15]


@pytest.mark.parametrize("value", ["- gạch đầu dòng", "=SUM(A1)", "+84 912", '"quoted"', "  spaces  ", ""])
def test_no_formula_escaping_or_quoting(value):
    assert escape_field(value) == value


@pytest.mark.parametrize("bad", ["a\\", "a\\x", "\\\\\\q"])
def test_invalid_escape_is_a_format_error(bad):
    with pytest.raises(FormatError, match="escape"):
        unescape_field(bad)


def test_units_tsv_round_trip(tmp_path):
    units = [Unit("Xin chào.\tTab", "Hello.\nNew line", "seg-0001", Status.TRANSLATED, comments=("a", "b")),
             Unit("Câu hai.", "", "seg-0002", Status.NEW),
             Unit("Câu ba.", "Draft", "seg-0003", Status.FUZZY, comments=("term missing: BĐBP",))]
    out = tmp_path / "u.tsv"
    write_units_tsv(out, units)
    assert out.read_text(encoding="utf-8").splitlines()[0] == "id\tsource\ttarget\tstatus\tnotes"
    assert read_units_tsv(out) == units


def test_read_tsv_reports_wrong_field_count_with_line(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\tsource\ttarget\na\tb\tc\nd\te\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_tsv(bad)
    assert info.value.line == 3


def test_read_tsv_missing_file_says_not_found(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_tsv(tmp_path / "nope.tsv")


def test_unknown_status_is_reported(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\tsource\ttarget\tstatus\tnotes\nseg-1\ta\tb\tdone\t\n", encoding="utf-8")
    with pytest.raises(FormatError, match="unknown status") as info:
        read_units_tsv(bad)
    assert info.value.line == 2
