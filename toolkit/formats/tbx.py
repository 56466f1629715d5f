"""TBX (TermBase eXchange, ISO 30042 v2 "martif") glossary reader and writer.

Reader: parsed safely in two passes. First ``defusedxml`` (expat) rejects any DTD entity declaration
or external reference, so a "billion laughs" file or an external-entity (XXE) file fails before any
expansion or file/network access. Then ``lxml`` with ``resolve_entities=False``, ``no_network=True``,
``load_dtd=False`` gives line numbers for messages. Sources: OWASP XXE Prevention Cheat Sheet;
defusedxml README ("Python XML libraries").

Mapping of a term-base concept onto TBX-Basic (v2; written and read back):

* ``termEntry`` = one concept; ``descrip[@type="subjectField"]`` = its ``context`` (subject field),
  ``note``, ``admin[@type="source"]`` = its ``evidence``;
* source ``langSet``: one ``tig`` per source form with ``termNote[@type="termType"]`` =
  ``fullForm`` / ``abbreviation`` / ``variant``; ``partOfSpeech`` on the full form;
* target ``langSet``: the preferred rendering with ``administrativeStatus`` =
  ``preferredTerm-admn-sts`` (``admittedTerm-admn-sts`` for a ``preferred``-type entry, as before),
  ``partOfSpeech`` and ``processStatus`` (``finalized`` = approved, ``provisionallyProcessed`` =
  proposed); each admitted alternative ``admittedTerm-admn-sts``; each forbidden rendering
  ``deprecatedTerm-admn-sts``.
* Our own categories keep the ``x-bitext-`` prefix (``x-bitext-type``, ``x-bitext-case``,
  ``x-bitext-role``, ``x-bitext-not-after``, ``x-bitext-not-before``, ``x-bitext-word-check``) so that
  TSV → TBX → TSV keeps every field. A file without ``termType`` notes (Weblate's) gives one row per
  source term, as before.

Structure read (TBX-Basic, v2; the element names are the standard's):
``martif/text/body/termEntry/langSet[@xml:lang]/(tig|ntig/termGrp)/term`` with
``termNote[@type="administrativeStatus"]`` (``deprecatedTerm-admn-sts`` marks a forbidden rendering),
``descrip[@type="context"]``, ``descrip[@type="definition"]`` and ``note``. Our own data categories use
the ``x-bitext-`` prefix (``x-bitext-type``, ``x-bitext-case``, ``x-bitext-role``) so that
TSV → TBX → TSV keeps every field.

Writer: one ``termEntry`` per glossary entry; characters that XML 1.0 cannot carry are replaced by a
space (never removed, so words are not glued together).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from toolkit.errors import GlossaryError
from toolkit.types import GlossaryEntry, TermType

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# XML 1.0 Char production (https://www.w3.org/TR/xml/#charsets): everything else is illegal.
XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# administrativeStatus values of TBX-Basic ↔ our entry types.
ADMIN_STATUS_TO_TYPE = {
    "preferredterm-admn-sts": TermType.REQUIRED,
    "admittedterm-admn-sts": TermType.PREFERRED,
    "deprecatedterm-admn-sts": TermType.FORBIDDEN,
    "supersededterm-admn-sts": TermType.FORBIDDEN,
}
TYPE_TO_ADMIN_STATUS = {
    TermType.REQUIRED: "preferredTerm-admn-sts",
    TermType.DNT: "preferredTerm-admn-sts",
    TermType.PREFERRED: "admittedTerm-admn-sts",
    TermType.FORBIDDEN: "deprecatedTerm-admn-sts",
}


@dataclass
class TbxRow:
    """One (source term, target term) pair read from a TBX file, not yet validated.

    Attributes:
        line: 1-based line of the source ``<term>`` element (of the target's when it has none).
        fields: raw values keyed by glossary column name (``source``, ``target``, ``type``, …).
    """

    line: int
    fields: dict[str, str] = field(default_factory=dict)


def xml_safe(text: str) -> str:
    """Replace every character XML 1.0 cannot carry by a space (``"a\\x01b" → "a b"``)."""
    return XML_ILLEGAL.sub(" ", text)


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _lang_matches(lang: str | None, want: str) -> bool:
    if not lang:
        return False
    lang = lang.lower().replace("_", "-")
    return lang == want.lower() or lang.startswith(want.lower() + "-")


def _check_safe(data: bytes, path: str) -> None:
    """Reject DTD entities and external references with defusedxml before lxml sees the bytes."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        DET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as e:
        pos = data.find(b"<!ENTITY")
        line = data[:pos].count(b"\n") + 1 if pos >= 0 else 1
        raise GlossaryError(f"unsafe XML rejected, entity declarations and external references are not "
                            f"allowed in a TBX file ({type(e).__name__})", path, line) from None
    except DET.ParseError as e:
        line = getattr(e, "position", (1, 0))[0]
        raise GlossaryError(f"not well-formed XML: {e}", path, line) from None


def _term_holders(lang_set):
    """Yield ``(term_element, [termNote elements])`` for each tig / ntig of a langSet."""
    for child in lang_set:
        name = _local(child.tag)
        if name == "tig":
            term = next((c for c in child if _local(c.tag) == "term"), None)
            notes = [c for c in child if _local(c.tag) == "termNote"]
        elif name == "ntig":
            grp = next((c for c in child if _local(c.tag) == "termGrp"), None)
            if grp is None:
                continue
            term = next((c for c in grp if _local(c.tag) == "term"), None)
            notes = [c for c in grp if _local(c.tag) == "termNote"]
        else:
            continue
        if term is not None:
            yield term, notes


def read_tbx(data: bytes, path: str = "<tbx>", source_lang: str = "vi",
             target_lang: str = "en") -> tuple[list[TbxRow], list[tuple[int, str]]]:
    """Read a TBX v2 file into raw glossary rows.

    Args:
        data: the file's bytes (the XML declaration names the encoding).
        path: name used in messages.
        source_lang, target_lang: ``xml:lang`` of the glossary's source and target (prefix match:
            ``vi`` matches ``vi-VN``). A file written the other way round (en→vi, as Weblate's) is
            read by language, not by order.

    Returns:
        ``(rows, warnings)``: rows in file order; warnings as ``(line, message)`` for defects that do
        not stop loading (duplicate ``termEntry`` ids, empty or missing terms; such entries are
        skipped and named).

    Raises:
        GlossaryError: unsafe or malformed XML, or a root element other than ``martif``.
    """
    from lxml import etree

    _check_safe(data, path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise GlossaryError(f"not well-formed XML: {e.msg}", path, e.lineno) from None
    if _local(root.tag) != "martif":
        raise GlossaryError(f"root element is <{_local(root.tag)}>, expected <martif> (TBX v2)",
                            path, root.sourceline)
    rows: list[TbxRow] = []
    warnings: list[tuple[int, str]] = []
    seen_ids: dict[str, int] = {}
    for entry in root.iter():
        if _local(entry.tag) != "termEntry":
            continue
        line = entry.sourceline or 1
        entry_id = entry.get("id")
        if entry_id is not None:
            if entry_id in seen_ids:
                warnings.append((line, f"duplicate termEntry id {entry_id!r} (first at line "
                                       f"{seen_ids[entry_id]}); ids are ignored, the entry is kept"))
            else:
                seen_ids[entry_id] = line
        note_parts, context, evidence = [], "", ""
        for child in entry:
            name, kind = _local(child.tag), (child.get("type") or "").lower()
            text = " ".join("".join(child.itertext()).split())
            if name == "note" or (name == "descrip" and kind == "definition"):
                if text:
                    note_parts.append(text)
            elif name == "descrip" and kind in ("context", "subjectfield"):
                context = context or text
            elif name in ("admin", "descrip") and kind == "source":
                evidence = evidence or text
        sources, targets = [], []
        for lang_set in entry:
            if _local(lang_set.tag) != "langSet":
                continue
            lang = lang_set.get(XML_LANG) or lang_set.get("lang")
            bucket = sources if _lang_matches(lang, source_lang) else \
                targets if _lang_matches(lang, target_lang) else None
            if bucket is None:
                continue
            for term, term_notes in _term_holders(lang_set):
                props = {(n.get("type") or "").lower(): (n.text or "").strip() for n in term_notes}
                bucket.append((term.sourceline or line, "".join(term.itertext()), props))
        label = f"termEntry{' ' + repr(entry_id) if entry_id else ''}"
        other = next((t[1] for t in targets if t[1].strip()), "")
        if other:
            label += f" ({target_lang} {other!r})"
        if not sources:
            warnings.append((line, f"{label} has no {source_lang!r} term; skipped"))
            continue
        if not targets:
            warnings.append((line, f"{label} has no {target_lang!r} term; skipped"))
            continue
        rows.extend(_entry_rows(label, sources, targets, " ".join(note_parts), context, evidence,
                                source_lang, target_lang, warnings))
    return rows, warnings


SOURCE_TERM_TYPES = {"fulltermtype": "fullForm", "fullform": "fullForm", "abbreviation": "abbrev",
                     "acronym": "abbrev", "shortform": "abbrev", "initialism": "abbrev", "variant": "variants"}
PROCESS_STATUS = {"approved": "finalized", "proposed": "provisionallyProcessed"}


def _entry_rows(label, sources, targets, note, context, evidence, source_lang, target_lang, warnings):
    """Glossary rows of one termEntry (see :func:`read_tbx`)."""
    join = " | ".join
    replacements = [t for t in targets if t[2].get("x-bitext-role") == "replacement"]
    forbidden = [t for t in targets if t[2].get("x-bitext-role") != "replacement" and _type_of(t[2]) is TermType.FORBIDDEN]
    rest = [t for t in targets if t not in replacements and t not in forbidden]
    main = (next((t for t in rest if t[2].get("x-bitext-type")), None)
            or next((t for t in rest if t[2].get("administrativestatus", "").lower() == "preferredterm-admn-sts"), None)
            or (rest[0] if rest else None))
    admitted = [t for t in rest if t is not main and t[1].strip()]
    typed = any("termtype" in s[2] for s in sources)
    groups = [sources] if typed else [[s] for s in sources]
    rows = []
    for group in groups:
        full = next((s for s in group if SOURCE_TERM_TYPES.get(s[2].get("termtype", "").lower()) == "fullForm"), group[0])
        s_line, s_text, s_props = full
        if not s_text.strip():
            warnings.append((s_line, f"{label}: empty {source_lang!r} term (untranslated entry); skipped"))
            continue
        others = {"abbrev": [], "variants": []}
        for s in group:
            if s is not full and s[1].strip():
                others["abbrev" if SOURCE_TERM_TYPES.get(s[2].get("termtype", "").lower()) == "abbrev" else "variants"].append(s[1])
        base = {"source": s_text, "note": note, "context": context, "evidence": evidence,
                "case_sensitive": s_props.get("x-bitext-case", ""), "abbrev": join(others["abbrev"]),
                "variants": join(others["variants"]), "not_after": s_props.get("x-bitext-not-after", ""),
                "not_before": s_props.get("x-bitext-not-before", ""), "word_check": s_props.get("x-bitext-word-check", "")}
        if replacements:            # an older file's forbidden entry: its replacement and the banned rendering
            for t_line, t_text, _ in forbidden:
                rows.append(TbxRow(s_line, {**base, "target": t_text, "type": "forbidden", "replacement": replacements[0][1]}))
            continue
        if main is None:
            if forbidden:
                warnings.append((s_line, f"{label}: only deprecated {target_lang!r} terms, no approved one; skipped"))
            else:
                warnings.append((s_line, f"{label}: no usable {target_lang!r} term; skipped"))
            continue
        t_line, t_text, t_props = main
        status = t_props.get("x-bitext-status") or next(
            (k for k, v in PROCESS_STATUS.items() if v.lower() == t_props.get("processstatus", "").lower()), "")
        rows.append(TbxRow(s_line, {**base, "target": t_text, "type": (_type_of(t_props) or TermType.REQUIRED).value,
                                    "admitted": join(t[1] for t in admitted), "forbidden": join(t[1] for t in forbidden),
                                    "status": status, "pos": t_props.get("partofspeech", "") or s_props.get("partofspeech", "")}))
    return rows


def _type_of(props: dict[str, str]) -> TermType | None:
    explicit = props.get("x-bitext-type", "").lower()
    if explicit in {t.value for t in TermType}:
        return TermType(explicit)
    return ADMIN_STATUS_TO_TYPE.get(props.get("administrativestatus", "").lower())


def write_tbx(entries: list[GlossaryEntry] | tuple[GlossaryEntry, ...], source_lang: str = "vi",
              target_lang: str = "en") -> bytes:
    """Serialise glossary entries as a TBX v2 document (UTF-8 bytes with XML declaration).

    Args:
        entries: validated entries (``Glossary.entries``).
        source_lang, target_lang: ``xml:lang`` values of the two ``langSet`` elements.

    Returns:
        The document. XML-illegal characters in any field are replaced by a space (:func:`xml_safe`).
    """
    from lxml import etree

    def sub(parent, tag, text=None, **attrs):
        el = etree.SubElement(parent, tag)
        for k, v in attrs.items():
            el.set(XML_LANG if k == "lang" else k, v)
        if text is not None:
            el.text = xml_safe(text)
        return el

    root = etree.Element("martif", {"type": "TBX", XML_LANG: source_lang})
    header = sub(sub(sub(root, "martifHeader"), "fileDesc"), "sourceDesc")
    sub(header, "p", "bitext toolkit glossary")
    body = sub(sub(root, "text"), "body")
    for n, e in enumerate(entries, 1):
        te = sub(body, "termEntry", id=f"e{n}")
        if e.context:
            sub(te, "descrip", e.context, type="subjectField")
        if e.note:
            sub(te, "note", e.note)
        if getattr(e, "evidence", ""):
            sub(te, "admin", e.evidence, type="source")
        ls_src = sub(te, "langSet", lang=source_lang)
        forms = e.source_forms() if hasattr(e, "source_forms") else [(e.source, "fullForm")]
        for k, (form, term_type) in enumerate(forms):
            tig = sub(ls_src, "tig")
            sub(tig, "term", form)
            sub(tig, "termNote", term_type, type="termType")
            if k == 0:
                if getattr(e, "pos", ""):
                    sub(tig, "termNote", e.pos, type="partOfSpeech")
                if e.case_sensitive:
                    sub(tig, "termNote", "sensitive", type="x-bitext-case")
                for field_name, note_type in (("not_after", "x-bitext-not-after"), ("not_before", "x-bitext-not-before")):
                    if getattr(e, field_name, ()):
                        sub(tig, "termNote", " | ".join(getattr(e, field_name)), type=note_type)
                if getattr(e, "word_check", False):
                    sub(tig, "termNote", "yes", type="x-bitext-word-check")
        ls = sub(te, "langSet", lang=target_lang)
        if e.type is TermType.FORBIDDEN and e.replacement:
            rt = sub(ls, "tig")
            sub(rt, "term", e.replacement)
            sub(rt, "termNote", TYPE_TO_ADMIN_STATUS[TermType.REQUIRED], type="administrativeStatus")
            sub(rt, "termNote", "replacement", type="x-bitext-role")
        tt = sub(ls, "tig")
        sub(tt, "term", e.target)
        sub(tt, "termNote", TYPE_TO_ADMIN_STATUS[e.type], type="administrativeStatus")
        sub(tt, "termNote", e.type.value, type="x-bitext-type")
        if getattr(e, "pos", ""):
            sub(tt, "termNote", e.pos, type="partOfSpeech")
        if e.type is not TermType.FORBIDDEN:
            sub(tt, "termNote", PROCESS_STATUS.get(getattr(e, "status", "approved"), "finalized"), type="processStatus")
        for alt in getattr(e, "admitted", ()):
            at = sub(ls, "tig")
            sub(at, "term", alt)
            sub(at, "termNote", "admittedTerm-admn-sts", type="administrativeStatus")
            sub(at, "termNote", "admitted", type="x-bitext-role")
        for bad in getattr(e, "forbidden", ()):
            bt = sub(ls, "tig")
            sub(bt, "term", bad)
            sub(bt, "termNote", "deprecatedTerm-admn-sts", type="administrativeStatus")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
