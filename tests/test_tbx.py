"""TBX reader/writer: unsafe XML rejected, XML-illegal characters, write→read round trip (issue 4, 7)."""
from __future__ import annotations

import string
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.errors import GlossaryError
from toolkit.formats.tbx import read_tbx, write_tbx, xml_safe
from toolkit.terms.load import check_entries
from toolkit.terms.save import entry_row
from toolkit.terms.termbase import Glossary, LintReport, _entry_from_row
from toolkit.types import GlossaryEntry, TermType

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE martif [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<martif type="TBX"><text><body><termEntry>
<langSet xml:lang="vi"><tig><term>&lol9;</term></tig></langSet>
<langSet xml:lang="en"><tig><term>x</term></tig></langSet>
</termEntry></body></text></martif>
"""


def _xxe(secret: Path) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE martif [ <!ENTITY xxe SYSTEM "file://{secret}"> ]>
<martif type="TBX"><text><body><termEntry>
<langSet xml:lang="vi"><tig><term>&xxe;</term></tig></langSet>
<langSet xml:lang="en"><tig><term>x</term></tig></langSet>
</termEntry></body></text></martif>
""".encode()


def test_tbx_billion_laughs_rejected_without_expansion(tmp_path):
    p = tmp_path / "lol.tbx"
    p.write_bytes(BILLION_LAUGHS)
    with pytest.raises(GlossaryError, match="unsafe XML") as info:
        Glossary.load(p)
    assert info.value.line == 3 and info.value.path == str(p)


def test_tbx_external_entity_rejected_without_reading_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    p = tmp_path / "xxe.tbx"
    p.write_bytes(_xxe(secret))
    with pytest.raises(GlossaryError, match="unsafe XML") as info:
        Glossary.load(p)
    assert "TOP-SECRET" not in str(info.value)
    with pytest.raises(GlossaryError):
        read_tbx(_xxe(secret), "x.tbx")


def test_tbx_malformed_xml_names_the_line(tmp_path):
    p = tmp_path / "bad.tbx"
    p.write_bytes(b'<?xml version="1.0"?>\n<martif>\n<text><body>\n</martif>\n')
    with pytest.raises(GlossaryError, match="not well-formed") as info:
        Glossary.load(p)
    assert info.value.line == 4


def test_tbx_wrong_root_element(tmp_path):
    p = tmp_path / "tmx.tbx"
    p.write_bytes(b'<?xml version="1.0"?>\n<tmx version="1.4"><body/></tmx>\n')
    with pytest.raises(GlossaryError, match="expected <martif>"):
        Glossary.load(p)


def test_tbx_deprecated_term_becomes_forbidden_with_replacement():
    data = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX"><text><body><termEntry id="t1">
<note>CPV English</note>
<langSet xml:lang="vi-VN"><tig><term>Bộ Chính trị</term></tig></langSet>
<langSet xml:lang="en-GB">
<tig><term>Politburo</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
<ntig><termGrp><term>Ministry of Politics</term>
<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termGrp></ntig>
</langSet></termEntry></body></text></martif>""".encode()
    rows, warnings = read_tbx(data)
    assert warnings == []
    assert [(r.fields["target"], r.fields["type"], r.fields["forbidden"]) for r in rows] == [
        ("Politburo", "required", "Ministry of Politics")]
    assert rows[0].line == 4 and rows[0].fields["note"] == "CPV English"
    report = LintReport("t.tbx")
    entry = _entry_from_row(rows[0].line, rows[0].fields, "t.tbx", report)
    g = Glossary([entry, *[e for e in check_entries([entry], report) if e.type is TermType.FORBIDDEN]])
    (m,) = g.match("Bộ Chính trị")
    assert [(f.target, f.replacement) for f in g.forbidden_for(m.entry)] == [("Ministry of Politics", "Politburo")]


def test_tbx_xml_illegal_characters_become_a_space_never_glue_words():
    assert xml_safe("Border\x0bGuard\x00post\ufffe") == "Border Guard post "
    entry = GlossaryEntry("đồn", "border post", note="seen in\x1bMT output", origin="x:1")
    rows, _ = read_tbx(write_tbx([entry]))
    assert rows[0].fields["note"] == "seen in MT output"


def test_tbx_writer_keeps_every_field(tmp_path):
    entries = [
        GlossaryEntry("BĐBP", "Border Guard", TermType.REQUIRED, "abbr.", "border-guard", "a:2", True),
        GlossaryEntry("BĐBP", "BĐBP", TermType.FORBIDDEN, "left as is", "", "a:3", True, "Border Guard"),
        GlossaryEntry("Covid-19", "Covid-19", TermType.DNT, "", "", "a:4"),
        GlossaryEntry("tuần tra", "patrol", TermType.PREFERRED, "generic & <safe>", "", "a:5"),
    ]
    g = Glossary(entries)
    g.save(tmp_path / "g.tbx")
    back = Glossary.load(tmp_path / "g.tbx")
    fields = lambda es: [(e.source, e.target, e.type, e.note, e.context, e.case_sensitive, e.replacement)  # noqa: E731
                         for e in es]
    assert fields(back.entries) == fields(entries)
    assert back.warnings == []


def test_tbx_export_maps_the_concept_onto_tbx_basic(tmp_path):
    """termType per source form, administrativeStatus per English term, partOfSpeech, subjectField,
    processStatus for proposed, source for the evidence; and the file reads back to the same concept."""
    from lxml import etree

    src = tmp_path / "g.tsv"
    src.write_text("source\tabbrev\tvariants\ttarget\tadmitted\tforbidden\tstatus\tpos\tcontext\tevidence\tnot_before\n"
                   "Bộ đội Biên phòng\tBĐBP\tBộ đội biên phòng\tBorder Guard\tBorder Guards | border guard force\t"
                   "Border Army\tproposed\tproperNoun\tborder-guard\thttps://example.org/x\t{Name}\n", encoding="utf-8")
    g = Glossary.load(src)
    g.save(tmp_path / "g.tbx")
    root = etree.fromstring((tmp_path / "g.tbx").read_bytes())
    notes = lambda t: {n.get("type"): n.text for n in t.getparent() if n.tag == "termNote"}  # noqa: E731
    terms = {t.text: notes(t) for t in root.iter("term")}
    assert terms["Bộ đội Biên phòng"]["termType"] == "fullForm" and terms["BĐBP"]["termType"] == "abbreviation"
    assert terms["Bộ đội biên phòng"]["termType"] == "variant" and terms["Bộ đội Biên phòng"]["partOfSpeech"] == "properNoun"
    assert terms["Border Guard"]["administrativeStatus"] == "preferredTerm-admn-sts"
    assert terms["Border Guard"]["processStatus"] == "provisionallyProcessed"
    assert terms["border guard force"]["administrativeStatus"] == "admittedTerm-admn-sts"
    assert terms["Border Army"]["administrativeStatus"] == "deprecatedTerm-admn-sts"
    assert root.find(".//termEntry/descrip[@type='subjectField']").text == "border-guard"
    assert root.find(".//termEntry/admin[@type='source']").text == "https://example.org/x"
    back = Glossary.load(tmp_path / "g.tbx")
    assert [entry_row(e) for e in back.entries] == [entry_row(e) for e in g.entries]


# Terms: any text; the glossary's validation either rejects it (with a message) or it round-trips.
TERM_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=20) | \
    st.text(alphabet=string.ascii_letters + " \t\n\"'<>&“”đĐơưạảấầẩẫậ\u0301\u0300\x01\x0b\u200b", max_size=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=TERM_TEXT, target=TERM_TEXT, note=TERM_TEXT)
def test_tbx_write_read_round_trips_arbitrary_terms_or_rejects_them(source, target, note):
    report = LintReport("prop.tsv")
    entry = _entry_from_row(1, {"source": source, "target": target, "note": note}, "prop.tsv", report)
    if entry is None:
        # rejected or skipped: always with a message naming the line
        assert report.errors or report.warnings
        assert all(line == 1 and msg for line, msg in report.errors + report.warnings)
        return
    assert unicodedata.is_normalized("NFC", entry.source) and entry.source == entry.source.strip()
    rows, warnings = read_tbx(write_tbx([entry]), "prop.tbx")
    report2 = LintReport("prop.tbx")
    (back,) = [e for r in rows if (e := _entry_from_row(r.line, r.fields, "prop.tbx", report2))]
    assert (back.source, back.target, back.type) == (entry.source, entry.target, entry.type)
    assert back.note == " ".join(xml_safe(entry.note).split())
    assert report2.errors == [] and warnings == []
