"""TMX 1.4b: write translation units for CAT tools, and read them back (round-trip tests).

Structure (TMX 1.4b, LISA OSCAR 2004): ``<tmx version="1.4"><header …/><body><tu><tuv
xml:lang="vi"><seg>…</seg></tuv><tuv xml:lang="en">…</tuv></tu>…</body></tmx>``. The header's
``srclang`` is the real source language passed in (translate-toolkit's po2tmx writes ``en`` for a
vi→en file, shared/cases/b16), every ``tuv`` carries ``xml:lang``, and a unit's msgctxt is kept
as ``<prop type="x-context">``.

Characters outside XML 1.0's ``Char`` production (C0 controls except TAB/LF/CR, U+FFFE/U+FFFF,
lone surrogates) cannot be written. Policy (b16): each is replaced by one space — never deleted,
so neighbouring words are not glued (``Data\\abell`` → ``Data bell``) — and the unit id is
reported in :attr:`TmxWriteReport.replaced`. ``&``, ``<``, ``>`` and ``]]>`` are escaped by lxml.
"""
from __future__ import annotations

import datetime as _dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from lxml import etree

from toolkit.errors import FormatError, InputError
from toolkit.text.files import atomic_open

log = logging.getLogger("toolkit.formats.tmx")

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: XML 1.0 ``Char`` complement: https://www.w3.org/TR/xml/#charsets
XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: Replacement for each XML-illegal character (b16 policy).
ILLEGAL_REPLACEMENT = " "


@dataclass(frozen=True)
class TmxUnit:
    """One ``<tu>``: an id, the segment per language, and ``prop`` values by type."""

    tuid: str
    segs: Mapping[str, str]
    props: Mapping[str, str] = field(default_factory=dict)


@dataclass
class TmxWriteReport:
    """What :func:`write_tmx` did: units written and the ids whose text had illegal characters."""

    count: int = 0
    replaced: list[str] = field(default_factory=list)


def sanitize_xml_text(text: str) -> tuple[str, int]:
    """Replace XML-illegal characters by a space; returns (text, number replaced)."""
    return XML_ILLEGAL.subn(ILLEGAL_REPLACEMENT, text)


def write_tmx(path: str | Path, units: Sequence[TmxUnit], source_lang: str, *,
              header_props: Mapping[str, str] | None = None, tool_version: str = "0",
              o_tmf: str = "PO") -> TmxWriteReport:
    """Write a TMX 1.4b file, atomically.

    Args:
        path: destination.
        units: each with ``segs`` keyed by language code (source first by convention).
        source_lang: the header's ``srclang`` — the real source language, never assumed.
        header_props: ``<prop type=…>`` in the header (provenance: source files, tool version).
        tool_version: ``creationtoolversion``.
        o_tmf: the format the units came from.

    Returns:
        :class:`TmxWriteReport`.

    Raises:
        FormatError: a unit without segments, or an empty language code.
    """
    if not source_lang:
        raise FormatError("TMX needs a source language (header srclang)", path)
    report = TmxWriteReport()
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(root, "header", {
        "creationtool": "bitext", "creationtoolversion": tool_version, "segtype": "sentence",
        "o-tmf": o_tmf, "adminlang": "en", "srclang": source_lang, "datatype": "plaintext",
        "creationdate": _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
    })
    for key, value in (header_props or {}).items():
        prop = etree.SubElement(header, "prop", type=key)
        prop.text = sanitize_xml_text(str(value))[0]
    body = etree.SubElement(root, "body")
    for unit in units:
        if not unit.segs:
            raise FormatError(f"unit {unit.tuid!r} has no segments", path)
        tu = etree.SubElement(body, "tu", tuid=sanitize_xml_text(unit.tuid)[0])
        dirty = False
        for key, value in unit.props.items():
            prop = etree.SubElement(tu, "prop", type=key)
            prop.text, n = sanitize_xml_text(value)
            dirty |= n > 0
        for lang, text in unit.segs.items():
            if not lang:
                raise FormatError(f"unit {unit.tuid!r}: empty language code", path)
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            seg = etree.SubElement(tuv, "seg")
            seg.text, n = sanitize_xml_text(text)
            dirty |= n > 0
        if dirty:
            report.replaced.append(unit.tuid)
            log.warning("unit %s: XML-illegal characters replaced by spaces", unit.tuid)
        report.count += 1
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True,
                          doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
    with atomic_open(path, "wb", encoding=None, newline=None) as f:
        f.write(data)
    return report


def _safe_parser() -> etree.XMLParser:
    """No entity expansion, no DTD loading, no network (XXE / billion laughs)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=False)


def read_tmx(path: str | Path) -> tuple[str, list[TmxUnit]]:
    """Read a TMX file with entity expansion and network access disabled.

    Returns:
        (header srclang, units). ``seg`` text includes the text of inline elements.

    Raises:
        InputError: the file does not exist.
        FormatError: not well-formed, an entity declaration, or no ``header``/``body``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("not found", path)
    try:
        tree = etree.parse(str(path), _safe_parser())
    except etree.XMLSyntaxError as e:
        raise FormatError(f"not well-formed XML: {e.msg}", path, e.lineno) from None
    docinfo = tree.docinfo
    if docinfo.internalDTD is not None and list(docinfo.internalDTD.iterentities()):
        raise FormatError("entity declarations are not accepted in TMX", path)
    root = tree.getroot()
    header = root.find("header")
    body = root.find("body")
    if root.tag != "tmx" or header is None or body is None:
        raise FormatError("not a TMX file: expected <tmx><header/><body/></tmx>", path)
    units = []
    for n, tu in enumerate(body.iter("tu"), 1):
        props = {p.get("type", ""): p.text or "" for p in tu.findall("prop")}
        segs = {}
        for tuv in tu.findall("tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
            seg = tuv.find("seg")
            segs[lang] = "" if seg is None else "".join(seg.itertext())
        units.append(TmxUnit(tuid=tu.get("tuid") or str(n), segs=segs, props=props))
    return header.get("srclang", ""), units
