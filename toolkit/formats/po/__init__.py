"""Gettext PO files: read with polib (plus what polib loses), write in GNU gettext's layout.

One job per module:

* :mod:`.model` — :class:`PoDocument`, the header (:func:`po_header`, ``Plural-Forms`` per language);
* :mod:`.read` — :func:`read_po` (charset, escapes, ``#~|`` previous strings, plural forms);
* :mod:`.wrap` — gettext's line breaking (:func:`wrap_string`);
* :mod:`.write` — :func:`write_po` / :func:`save_po`, atomically, msgcat layout;
* :mod:`.check` — :func:`check_po`, what ``msgfmt --check`` rejects; duplicates before a merge.

The public names are importable from ``toolkit.formats.po``.
"""
from toolkit.formats.po.check import PoProblem, check_po, entry_name, find_duplicates, require_unique
from toolkit.formats.po.model import (
    PLURAL_FORMS, REQUIRED_HEADER_FIELDS, SOURCE_LANGUAGE_FIELDS, PoDocument, complete_header, nplurals_of,
    plural_forms_for, po_header,
)
from toolkit.formats.po.read import read_po
from toolkit.formats.po.wrap import PAGE_WIDTH, wrap_string
from toolkit.formats.po.write import (
    check_plural_counts, format_entry, format_po, iter_po_text, mirror_edge_newlines, save_po, unit_to_entry,
    write_po,
)

__all__ = [
    "PAGE_WIDTH", "PLURAL_FORMS", "REQUIRED_HEADER_FIELDS", "SOURCE_LANGUAGE_FIELDS", "PoDocument", "PoProblem",
    "check_plural_counts", "check_po", "complete_header", "entry_name", "find_duplicates", "format_entry",
    "format_po", "iter_po_text", "mirror_edge_newlines", "nplurals_of", "plural_forms_for", "po_header",
    "read_po", "require_unique", "save_po", "unit_to_entry", "wrap_string", "write_po",
]
